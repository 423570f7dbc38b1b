//! The per-operation facts the auth hooks hand to `sdk_auth::Auth::send` (name, URL template,
//! whether repeating is safe, whether a bearer is sent, whether error bodies are typed), and
//! the `codegen.toml` lists that name operations (`idempotent`, `omit`).

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::finding::{Findings, Severity};
use crate::names;
use crate::walk;

/// `doc` without the operations `omit` names (and the components only they used).
///
/// # Errors
/// A finding for every name that matches no operation (a stale `codegen.toml`).
pub fn omit(doc: &Value, omit: &[String]) -> Result<Value, Findings> {
    check_names(doc, omit, "omit")?;
    let keep: Vec<String> = walk::operations(doc)
        .into_iter()
        .filter(|op| {
            !omit
                .iter()
                .any(|name| names_operation(doc, &op.pointer, name))
        })
        .map(|op| op.pointer)
        .collect();
    Ok(crate::services::subset(doc, &keep))
}

/// Errors for names in `list` (the `codegen.toml` key `key`) that match no operation of `doc`.
pub fn check_names(doc: &Value, list: &[String], key: &str) -> Result<(), Findings> {
    let mut findings = Findings::default();
    let ops = walk::operations(doc);
    for name in list {
        if !ops.iter().any(|op| names_operation(doc, &op.pointer, name)) {
            findings.add(
                Severity::Error,
                "unknown-operation",
                "",
                format!("codegen.toml `{key}` names operation `{name}`, which the spec does not have; remove it or fix the name"),
            );
        }
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(findings)
    }
}

/// Whether `name` is the operation at `pointer`, by its spec id or its Rust name.
fn names_operation(doc: &Value, pointer: &str, name: &str) -> bool {
    let id = doc
        .pointer(pointer)
        .and_then(|op| op.get("operationId"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    id == name || names::sanitize_snake(id) == name
}

/// Methods `sdk_auth::Operation::new` already treats as idempotent (RFC 9110 §9.2.2).
const IDEMPOTENT_METHODS: &[&str] = &["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"];

/// `static OPERATIONS` and `fn operation(id)` for the operations of `doc` (one service).
pub fn table(
    doc: &Value,
    idempotent: &[String],
    unauthenticated: &[String],
    idempotency_key_header: Option<&str>,
) -> TokenStream {
    let key_header = idempotency_key_header.map(|header| quote!(.idempotency_header(#header)));
    let mut entries = Vec::new();
    let mut arms = Vec::new();
    for (index, op) in walk::operations(doc).into_iter().enumerate() {
        let operation = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
        let spec_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let id = names::sanitize_snake(spec_id);
        let method = op.method.to_uppercase();
        let template = op.path.as_str();
        let marked = idempotent.iter().any(|n| n == spec_id || *n == id);
        let marked = (marked && !IDEMPOTENT_METHODS.contains(&method.as_str()))
            .then(|| quote!(.idempotent(true)));
        let unauthenticated = unauthenticated
            .contains(&id)
            .then(|| quote!(.authenticated(false)));
        let error_body = has_error_body(doc, operation).then(|| quote!(.error_body(true)));
        entries.push(quote! {
            sdk_auth::Operation::new(#id, #method, #template) #marked #unauthenticated #error_body #key_header
        });
        arms.push(quote! { #id => OPERATIONS[#index], });
    }
    let count = entries.len();
    quote! {
        /// What the auth layer knows of each operation: its URL template (for tracing),
        /// whether it may be repeated (idempotent method, or an idempotency key documented
        /// and listed in `codegen.toml`), whether it carries a bearer, whether its error
        /// responses have a typed body, and the header of a call's idempotency key.
        pub static OPERATIONS: [sdk_auth::Operation; #count] = [#(#entries),*];

        /// The entry of [`OPERATIONS`] for an operation id of [`OperationInfo`].
        fn operation(id: &'static str) -> sdk_auth::Operation {
            match id {
                #(#arms)*
                _ => sdk_auth::Operation::new(id, "POST", ""),
            }
        }
    }
}

/// Whether any error response (non-2xx, `default`, `4XX`, `5XX`) of `operation` has a JSON
/// body with a schema, which the generated client decodes into a typed error.
fn has_error_body(doc: &Value, operation: &Value) -> bool {
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
        return false;
    };
    responses
        .iter()
        .filter(|(status, _)| !status.starts_with('2'))
        .any(|(_, response)| {
            let response = match response.get("$ref").and_then(Value::as_str) {
                Some(reference) => doc
                    .pointer(reference.trim_start_matches('#'))
                    .unwrap_or(&Value::Null),
                None => response,
            };
            response
                .get("content")
                .and_then(Value::as_object)
                .is_some_and(|content| {
                    content
                        .iter()
                        .any(|(media, body)| media.contains("json") && body.get("schema").is_some())
                })
        })
}
