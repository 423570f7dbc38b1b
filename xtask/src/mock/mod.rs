//! Typed mocks for users' tests, compiled under each generated crate's cargo feature `mock`:
//! progenitor's httpmock extension (one `MockServerExt` method per operation, with typed
//! `When` / `Then` wrappers) plus the spec's own examples as ready answers: `then.example()`
//! per operation, and `mount_examples(&server)` for all of them at once. Every `Then` can
//! also answer any status, documented or not, with any body (`any_status`).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator};
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;
use syn::visit_mut::{self, VisitMut};

mod any_status;
mod array_query;

use crate::examples::{self, Answer};
use crate::finding::Findings;
use crate::syntax::generic_arg;
use crate::{names, progenitor, walk};

/// Declares a client module's typed mocks (`mock.rs` beside it), appended to the module.
pub const DECLARATION: &str = "\n/// Typed mocks of this API for your tests (cargo feature `mock`).\n#[cfg(feature = \"mock\")]\npub mod mock;\n";

/// The optional dependencies of the mock modules.
pub const DEPENDENCIES: &[&str] = &[
    r#"httpmock = { version = "0.9", default-features = false, optional = true }"#,
    r#"regex = { version = "1", optional = true }"#,
];

/// The cargo feature that compiles them; with feature groups, `full` too, as the mocks cover
/// every operation.
pub fn feature(groups: bool) -> String {
    let full = if groups { ", \"full\"" } else { "" };
    format!(
        "# Typed mocks for tests (`mock` modules): httpmock servers on loopback.\nmock = [\"dep:httpmock\", \"dep:regex\"{full}]"
    )
}

/// The formatted `mock.rs` of one client module: the typed mocks (see `module`), then the
/// `any_status!` macro and its invocation on every `Then` (written as text: prettyplease
/// cannot lay out a macro's body, and users read this file). If progenitor cannot make mocks
/// of this spec, the module is a `compile_error!` that says why: the client itself stays
/// usable, and enabling `mock` tells the user at once.
///
/// # Errors
/// If the generated code does not format (does not parse).
pub fn file(
    spec: &openapiv3::OpenAPI,
    settings: &GenerationSettings,
    sub: &Value,
    client: &syn::File,
    module_path: &str,
) -> Result<String, Findings> {
    let code = match module(spec, settings, sub, client, module_path) {
        Ok((file, thens)) => format!(
            "{}\n{}\n{}",
            progenitor::unparse(&file),
            any_status::MACRO,
            any_status::invocation(&thens)
        ),
        Err(reason) => progenitor::format(unavailable(&reason))?,
    };
    Ok(format!(
        "//! Typed mocks for tests: `MockServerExt` adds one method per operation to\n\
         //! `httpmock::MockServer`, with typed `When` / `Then` wrappers (`operations`); each `Then`\n\
         //! has `example()`, the spec's documented success answer, and answers any status with\n\
         //! `status(u16)`, `json(&T)`, `body(..)` and `header(..)`.\n\n\
         #![allow(clippy::all, missing_docs, unused_imports)]\n\n{code}"
    ))
}

/// The mock module of one generated client and the name of every operation's `Then` type.
/// `client` is the client's code (the success type of each operation is read from its
/// builders), `sub` the normalised document it was made from and `module_path` the client
/// module's path inside its crate (`crate`, `crate::baas`). Built as a syntax tree, item by
/// item: the client is not parsed again, nor the mocks printed and parsed again (on a
/// 450-operation document each round trip took seconds).
///
/// # Errors
/// Why progenitor could not make mocks of this spec.
fn module(
    spec: &openapiv3::OpenAPI,
    settings: &GenerationSettings,
    sub: &Value,
    client: &syn::File,
    module_path: &str,
) -> Result<(syn::File, Vec<syn::Ident>), String> {
    let generated = progenitor::guarded(|| Generator::new(settings).httpmock(spec, module_path));
    let mocks = match generated {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(e.to_string()),
        Err(panic) => return Err(panic),
    };
    let Ok(mut mock_file) = syn::parse2::<syn::File>(mocks) else {
        return Err("the generated code does not parse".to_owned());
    };
    BorrowJsonBodies.visit_file_mut(&mut mock_file);
    array_query::rewrite(&mut mock_file);
    if !seal(&mut mock_file) {
        return Err("progenitor's mocks have no `pub trait MockServerExt` to seal".to_owned());
    }
    let thens = then_types(&mock_file);
    let successes = success_types(client);
    let mut impls = Vec::new();
    let mut mounted = Vec::new();
    for op in walk::operations(sub) {
        let operation = sub.pointer(&op.pointer).unwrap_or(&Value::Null);
        let id = names::sanitize_snake(
            operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        let (Some(then), Some(success), Some(answer)) = (
            thens.get(&id),
            successes.get(&id),
            examples::success(sub, operation),
        ) else {
            continue;
        };
        impls.push(example_method(&id, then, success, &answer));
        let op_ident = format_ident!("{}", id);
        mounted.push(quote! { server.#op_ident(|_, then| { then.example(); }) });
    }
    let path: syn::Path = syn::parse_str(module_path)
        .map_err(|e| format!("`{module_path}` is not a module path: {e}"))?;
    let mut items: Vec<syn::Item> = vec![syn::parse_quote! {
        #[allow(unused_imports)]
        use #path::*;
    }];
    items.append(&mut mock_file.items);
    for tokens in impls {
        items.push(
            syn::parse2(tokens).map_err(|e| format!("an `example` method does not parse: {e}"))?,
        );
    }
    items.push(syn::parse_quote! {
        /// Mounts every operation's [`example`](operations) answer on `server` (mocks are
        /// matched oldest first: mount your own mocks before these fallbacks).
        ///
        /// # Panics
        /// If a spec example does not decode into its operation's type.
        pub fn mount_examples(server: &::httpmock::MockServer) -> ::std::vec::Vec<::httpmock::Mock<'_>> {
            ::std::vec![#(#mounted),*]
        }
    });
    mock_file.items = items;
    Ok((mock_file, thens.into_values().collect()))
}

/// Seals `MockServerExt` (implemented for `httpmock::MockServer` only): a sealed trait can gain
/// a method per new operation without breaking anyone, since nobody else can implement it.
fn seal(file: &mut syn::File) -> bool {
    let Some(ext) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Trait(t) if t.ident == "MockServerExt" => Some(t),
        _ => None,
    }) else {
        return false;
    };
    ext.supertraits.push(syn::parse_quote!(sealed::Sealed));
    file.items.push(syn::parse_quote! {
        /// Keeps [`MockServerExt`] implemented for `httpmock::MockServer` alone.
        mod sealed {
            pub trait Sealed {}
            impl Sealed for ::httpmock::MockServer {}
        }
    });
    true
}

/// progenitor passes a response value straight to `json_body_obj(&T)`, but types an optional
/// response's value `Option<&T>`, which does not compile; a borrow fits every case (`&&T` and
/// `&Option<&T>` serialise as `T` and `T`-or-`null`).
struct BorrowJsonBodies;

impl VisitMut for BorrowJsonBodies {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        visit_mut::visit_expr_method_call_mut(self, call);
        if call.method == "json_body_obj"
            && let Some(arg) = call.args.first_mut()
            && matches!(arg, syn::Expr::Path(p) if p.path.is_ident("value"))
        {
            *arg = syn::parse_quote!(&value);
        }
    }
}

/// A module that fails to compile with `reason`.
fn unavailable(reason: &str) -> TokenStream {
    let message = format!("typed mocks could not be generated for this API: {reason}");
    quote! { ::core::compile_error!(#message); }
}

/// `impl operations::XThen { pub fn example(self) -> Self }` answering `answer`.
fn example_method(
    id: &str,
    then: &syn::Ident,
    success: &syn::Type,
    answer: &Answer,
) -> TokenStream {
    let status = answer.status;
    let success_text = success.to_token_stream().to_string().replace(' ', "");
    let Some(body) = &answer.body else {
        let doc = format!("The documented success answer of `{id}`: status {status}, no body.");
        return quote! {
            impl operations::#then {
                #[doc = #doc]
                pub fn example(self) -> Self {
                    Self::new(self.into_inner().status(#status))
                }
            }
        };
    };
    let text = match &body.value {
        Value::String(s) if !body.media_type.contains("json") => s.clone(),
        value => value.to_string(),
    };
    let media_type = &body.media_type;
    // Only a JSON body can be checked against the type (a per-status enum also types the
    // bytes of a non-JSON success).
    let raw = success_text == "ByteStream" || success_text == "()" || !media_type.contains("json");
    let check = (!raw).then(|| {
        quote! {
            if let Err(e) = ::serde_json::from_str::<#success>(BODY) {
                panic!("the spec's example answer of `{}` does not decode into `{}`: {e}", #id, #success_text);
            }
        }
    });
    let source = if body.documented {
        "the spec's example body"
    } else {
        "an example body built from the schema (the spec documents none)"
    };
    let doc = format!(
        "The documented success answer of `{id}`: status {status} with {source} \
         (`{media_type}`).\n\n# Panics\nIf the example does not decode into `{success_text}` \
         (call `mount_examples` in a test to check every example of the spec at once)."
    );
    quote! {
        impl operations::#then {
            #[doc = #doc]
            pub fn example(self) -> Self {
                const BODY: &str = #text;
                #check
                Self::new(
                    self.into_inner()
                        .status(#status)
                        .header("content-type", #media_type)
                        .body(BODY),
                )
            }
        }
    }
}

/// Operation → its `Then` wrapper, from `trait MockServerExt`'s
/// `fn op<F>(..) where F: FnOnce(operations::OpWhen, operations::OpThen)`.
fn then_types(file: &syn::File) -> BTreeMap<String, syn::Ident> {
    let mut out = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Trait(t) = item else { continue };
        for member in &t.items {
            let syn::TraitItem::Fn(f) = member else {
                continue;
            };
            let predicates = f
                .sig
                .generics
                .where_clause
                .iter()
                .flat_map(|w| &w.predicates);
            let then = predicates
                .filter_map(|p| match p {
                    syn::WherePredicate::Type(bound) => Some(bound),
                    _ => None,
                })
                .flat_map(|bound| &bound.bounds)
                .find_map(|b| match b {
                    syn::TypeParamBound::Trait(t) => match &t.path.segments.last()?.arguments {
                        syn::PathArguments::Parenthesized(args) => args.inputs.iter().nth(1),
                        _ => None,
                    },
                    _ => None,
                })
                .and_then(|arg| last_ident(&arg.ty));
            if let Some(then) = then {
                out.insert(f.sig.ident.to_string(), then);
            }
        }
    }
    out
}

/// Operation → `T` of its builder's `send() -> Result<ResponseValue<T>, Error<E>>`.
fn success_types(file: &syn::File) -> BTreeMap<String, syn::Type> {
    let mut builders = BTreeMap::new();
    let mut sends = BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Impl(block) if type_ident(&block.self_ty).is_some_and(|i| i == "Client") => {
                for member in &block.items {
                    if let syn::ImplItem::Fn(f) = member
                        && let syn::ReturnType::Type(_, ty) = &f.sig.output
                        && let Some(builder) = last_ident(ty)
                    {
                        builders.insert(f.sig.ident.to_string(), builder.to_string());
                    }
                }
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                for inner in m.content.iter().flat_map(|c| &c.1) {
                    let syn::Item::Impl(block) = inner else {
                        continue;
                    };
                    let Some(owner) = type_ident(&block.self_ty) else {
                        continue;
                    };
                    for member in &block.items {
                        if let syn::ImplItem::Fn(f) = member
                            && f.sig.ident == "send"
                            && let syn::ReturnType::Type(_, ty) = &f.sig.output
                            && let Some(success) = response_value_of(ty)
                        {
                            sends.insert(owner.to_string(), success);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    builders
        .into_iter()
        .filter_map(|(op, builder)| Some((op, sends.get(&builder)?.clone())))
        .collect()
}

/// `T` in `Result<ResponseValue<T>, _>`.
fn response_value_of(ty: &syn::Type) -> Option<syn::Type> {
    generic_arg(&generic_arg(ty, "Result", 0)?, "ResponseValue", 0)
}

fn type_ident(ty: &syn::Type) -> Option<&syn::Ident> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

fn last_ident(ty: &syn::Type) -> Option<syn::Ident> {
    type_ident(ty).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_operation_answers_its_spec_example_and_is_mounted() {
        let doc = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/things/{id}": {"get": {
                "operationId": "getThing",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Thing"}, "example": {"id": "a"}
                }}}}
            }}},
            "components": {"schemas": {"Thing": {"type": "object", "properties": {"id": {"type": "string"}}}}}
        });
        let spec = progenitor::parse(&doc).unwrap();
        let settings = progenitor::settings(false, &[]);
        let client = progenitor::generate_with(&spec, &settings).unwrap().file;
        let text = file(&spec, &settings, &doc, &client, "crate").unwrap();
        for expected in [
            "impl operations::GetThingThen",
            r#"const BODY: &str = "{\"id\":\"a\"}";"#,
            "::serde_json::from_str::<types::Thing>(BODY)",
            "server.get_thing(",
            "json_body_obj(&value)",
            "macro_rules! any_status",
            "any_status!(\n    GetThingThen,\n);",
        ] {
            assert!(text.contains(expected), "{expected} missing from:\n{text}");
        }
    }
}
