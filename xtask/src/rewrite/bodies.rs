//! Request bodies progenitor cannot send itself. The normaliser hands progenitor a body it
//! can generate and marks the operation (`x-xtask-body`): a multipart form as a typed
//! form-urlencoded body, JSON under another media type as `application/json`, any binary
//! media type as `application/octet-stream`, other text as `text/plain`. Here the marked
//! operations' `send` methods are rewritten to put the real thing on the wire: a `reqwest`
//! multipart form built from the typed body (file parts from bytes), or the declared
//! `Content-Type`.

use std::collections::BTreeMap;

use serde_json::Value;
use syn::visit_mut::{self, VisitMut};

use super::{Input, Pass, missing, operations, sends};
use crate::finding::Findings;
use crate::names;
use crate::normalise::BODY_EXTENSION;
use crate::walk;

pub const PASS: Pass = Pass {
    name: "bodies",
    what: "operations whose request media type progenitor cannot send get a multipart form or their declared `Content-Type`",
    why: "the normaliser hands progenitor a body it can generate (`x-xtask-body`); the wire must carry the documented one",
    run,
};

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
    marked(doc).iter().any(|m| m.media == MULTIPART)
}

const MULTIPART: &str = "multipart/form-data";

fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    let marked = marked(input.doc);
    if marked.is_empty() {
        return Ok(0);
    }
    let pointers: BTreeMap<String, String> = operations(input.doc)
        .into_iter()
        .map(|op| (op.id, op.pointer))
        .collect();
    let mut findings = Findings::default();
    let mut edits = 0;
    let mut sends = sends(file);
    for m in &marked {
        let mut body = BodyRewriter { marked: m, done: 0 };
        for (_, send) in sends.iter_mut().filter(|(id, _)| *id == m.operation_id) {
            body.visit_impl_item_fn_mut(send);
        }
        if body.done == 0 {
            let expected = if m.media == MULTIPART {
                "a `.form_urlencoded(&body)?` call"
            } else if is_json(&m.media) {
                "a `.json(&body)` call"
            } else {
                "a `Content-Type` header set from a literal"
            };
            findings.push(missing(
                &PASS,
                pointers.get(&m.operation_id).map_or("", String::as_str),
                &format!("`send` of `{}`", m.operation_id),
                &format!("no {expected} to send `{}` with", m.media),
            ));
        }
        edits += body.done;
    }
    if !findings.is_empty() {
        return Err(findings);
    }
    if uses_multipart(input.doc) {
        file.items.push(multipart_helper());
    }
    Ok(edits)
}

/// `application/json`, `application/merge-patch+json`, …
fn is_json(media: &str) -> bool {
    let sub = media.split_once('/').map_or("", |(_, sub)| sub);
    sub == "json" || sub.ends_with("+json")
}

/// Rewrites the request building of one marked operation's `send`; counts the edits.
struct BodyRewriter<'a> {
    marked: &'a Marked,
    done: usize,
}

impl VisitMut for BodyRewriter<'_> {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        let m = self.marked;
        if let syn::Expr::Try(t) = expr
            && let syn::Expr::MethodCall(call) = t.expr.as_ref()
            && call.method == "form_urlencoded"
            && m.media == MULTIPART
        {
            let receiver = &call.receiver;
            let files = &m.files;
            *expr = syn::parse_quote! {
                #receiver.multipart(super::multipart_form(&body, &[#(#files),*])?)
            };
            self.done += 1;
            return;
        }
        if let syn::Expr::MethodCall(call) = expr {
            if call.method == "json" {
                let receiver = &call.receiver;
                let media = &m.media;
                let with_type: syn::Expr = syn::parse_quote! {
                    #receiver.header(
                        ::reqwest::header::CONTENT_TYPE,
                        ::reqwest::header::HeaderValue::from_static(#media),
                    )
                };
                *call.receiver = with_type;
                self.done += 1;
                return;
            }
            if let Some(value) = content_type_literal(call) {
                let media = &m.media;
                *value = syn::parse_quote!(#media);
                self.done += 1;
            }
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// The media type literal of `.header(CONTENT_TYPE, HeaderValue::from_static("…"))`.
fn content_type_literal(call: &mut syn::ExprMethodCall) -> Option<&mut syn::Expr> {
    if call.method != "header" || call.args.len() != 2 {
        return None;
    }
    let names_content_type = matches!(&call.args[0], syn::Expr::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == "CONTENT_TYPE"));
    if !names_content_type {
        return None;
    }
    let syn::Expr::Call(value) = &mut call.args[1] else {
        return None;
    };
    let from_static = matches!(value.func.as_ref(), syn::Expr::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == "from_static"));
    let one_argument = value.args.len() == 1;
    match value.args.first_mut() {
        Some(
            literal @ syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(_),
                ..
            }),
        ) if from_static && one_argument => Some(literal),
        _ => None,
    }
}

/// The runtime half of multipart support, emitted once into a module that needs it.
fn multipart_helper() -> syn::Item {
    syn::parse_quote! {
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
