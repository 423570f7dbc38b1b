//! Request bodies progenitor cannot send itself. The normaliser hands progenitor a body it
//! can generate and marks the operation (`x-xtask-body`): a multipart form as a typed
//! form-urlencoded body, JSON under another media type as `application/json`, any binary
//! media type as `application/octet-stream`. Here the marked operations' `send` methods are
//! rewritten to put the real thing on the wire: a `reqwest` multipart form built from the
//! typed body (file parts from bytes), or the declared `Content-Type`.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use serde_json::Value;
use syn::visit_mut::{self, VisitMut};

use crate::finding::{Findings, Severity};
use crate::names;
use crate::normalise::BODY_EXTENSION;
use crate::walk;

/// How one operation's body goes on the wire.
struct Marked {
    /// `operation_id` as `OperationInfo` carries it (progenitor's snake_case name).
    operation_id: String,
    /// The declared media type.
    media: String,
    /// Multipart file fields.
    files: Vec<String>,
}

fn marked(doc: &Value) -> Vec<Marked> {
    walk::operations(doc)
        .into_iter()
        .filter_map(|op| {
            let operation = doc.pointer(&op.pointer)?;
            let marker = operation.get(BODY_EXTENSION)?;
            Some(Marked {
                operation_id: names::sanitize_snake(operation.get("operationId")?.as_str()?),
                media: marker.get("media")?.as_str()?.to_owned(),
                files: marker
                    .get("files")
                    .and_then(Value::as_array)
                    .map(|f| {
                        f.iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Whether any operation of `doc` sends a multipart form (the crate then needs reqwest's
/// `multipart` feature).
pub fn uses_multipart(doc: &Value) -> bool {
    marked(doc).iter().any(|m| m.media == "multipart/form-data")
}

/// Rewrites the `send` methods of marked operations, and OPTIONS and TRACE requests (for
/// which progenitor calls methods `reqwest::Client` does not have); other code is returned
/// untouched.
pub fn rewrite(tokens: TokenStream, doc: &Value) -> Result<TokenStream, Findings> {
    let marked = marked(doc);
    let rare_methods = walk::operations(doc)
        .iter()
        .any(|op| matches!(op.method, "options" | "trace"));
    if marked.is_empty() && !rare_methods {
        return Ok(tokens);
    }
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| {
        let mut f = Findings::default();
        f.add(
            Severity::Error,
            "generated-syntax",
            "",
            format!("generated code does not parse: {e}"),
        );
        f
    })?;
    let mut rewriter = SendRewriter {
        marked: &marked,
        current: None,
    };
    rewriter.visit_file_mut(&mut file);
    let helper = uses_multipart(doc).then(multipart_helper);
    Ok(quote! { #file #helper })
}

struct SendRewriter<'a> {
    marked: &'a [Marked],
    /// The marked operation whose `send` is being visited.
    current: Option<&'a Marked>,
}

impl VisitMut for SendRewriter<'_> {
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        if f.sig.ident != "send" {
            return visit_mut::visit_impl_item_fn_mut(self, f);
        }
        let text = f.block.to_token_stream().to_string();
        self.current = self
            .marked
            .iter()
            .find(|m| text.contains(&format!("operation_id : \"{}\"", m.operation_id)));
        visit_mut::visit_impl_item_fn_mut(self, f);
        self.current = None;
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::MethodCall(call) = expr
            && (call.method == "options" || call.method == "trace")
            && call.args.len() == 1
            && matches!(call.receiver.as_ref(), syn::Expr::Field(f) if matches!(&f.member, syn::Member::Named(n) if n == "client"))
        {
            let receiver = &call.receiver;
            let method =
                syn::Ident::new(&call.method.to_string().to_uppercase(), call.method.span());
            let url = &call.args[0];
            *expr = syn::parse_quote!(#receiver.request(::reqwest::Method::#method, #url));
            return;
        }
        let Some(m) = self.current else {
            return visit_mut::visit_expr_mut(self, expr);
        };
        if let syn::Expr::Try(t) = expr
            && let syn::Expr::MethodCall(call) = t.expr.as_ref()
            && call.method == "form_urlencoded"
            && m.media == "multipart/form-data"
        {
            let receiver = &call.receiver;
            let files = &m.files;
            *expr = syn::parse_quote! {
                #receiver.multipart(super::multipart_form(&body, &[#(#files),*])?)
            };
            return;
        }
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "json"
        {
            let receiver = &call.receiver;
            let media = &m.media;
            let with_type: syn::Expr = syn::parse_quote! {
                #receiver.header(
                    ::reqwest::header::CONTENT_TYPE,
                    ::reqwest::header::HeaderValue::from_static(#media),
                )
            };
            *call.receiver = with_type;
            return;
        }
        if let syn::Expr::Lit(lit) = expr
            && let syn::Lit::Str(s) = &lit.lit
            && s.value() == "application/octet-stream"
        {
            let media = &m.media;
            *expr = syn::parse_quote!(#media);
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// The runtime half of multipart support, emitted once into a module that needs it.
fn multipart_helper() -> TokenStream {
    quote! {
        /// Builds a `multipart/form-data` body from a typed form: each field in `files` is sent
        /// as a file part from its bytes (a list of byte arrays as several parts), every other
        /// field as a text part (JSON text for objects; one part per item for lists).
        fn multipart_form<E, T: serde::Serialize>(
            body: &T,
            files: &[&str],
        ) -> Result<reqwest::multipart::Form, Error<E>> {
            fn bytes(value: &serde_json::Value) -> Option<Vec<u8>> {
                value.as_array()?.iter().map(|b| u8::try_from(b.as_u64()?).ok()).collect()
            }
            fn text(value: serde_json::Value) -> String {
                match value {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                }
            }
            let invalid = |what: String| Error::InvalidRequest(what);
            let serde_json::Value::Object(fields) = serde_json::to_value(body)
                .map_err(|e| invalid(format!("multipart body: {e}")))?
            else {
                return Err(invalid("a multipart body must be an object".to_owned()));
            };
            let mut form = reqwest::multipart::Form::new();
            for (name, value) in fields {
                if files.contains(&name.as_str()) {
                    let parts = match bytes(&value) {
                        Some(one) => vec![one],
                        None => value
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(bytes)
                            .collect::<Option<Vec<_>>>()
                            .ok_or_else(|| invalid(format!("multipart field `{name}` is not bytes")))?,
                    };
                    for part in parts {
                        let part = reqwest::multipart::Part::bytes(part).file_name(name.clone());
                        form = form.part(name.clone(), part);
                    }
                    continue;
                }
                match value {
                    serde_json::Value::Null => {}
                    serde_json::Value::Array(items) => {
                        for item in items {
                            form = form.text(name.clone(), text(item));
                        }
                    }
                    other => form = form.text(name, text(other)),
                }
            }
            Ok(form)
        }
    }
}
