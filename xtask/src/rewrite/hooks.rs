//! The auth hooks (`auth = true` in codegen.toml): progenitor is told that hooks are expected
//! (`HooksMode::Expected`); every request then goes through `sdk_auth::Auth::send_with`, which needs
//! to know each operation (its URL template, whether it may be repeated, whether it carries a
//! bearer). With `empty_success_body = "null"`, an empty successful body is read as `null`.

use quote::quote;

use super::{Input, Pass, call_options, missing};
use crate::config::EmptySuccessBody;
use crate::finding::Findings;
use crate::{operations, services};

pub const PASS: Pass = Pass {
    name: "hooks",
    what: "`impl ClientHooks<sdk_auth::Auth> for Client` (every request through `Auth::send_with`), the `OPERATIONS` table and `UNAUTHENTICATED_OPERATIONS`; with `empty_success_body`, empty successes read as `null`",
    why: "tokens, the 401 replay, retries, deadlines and tracing live in one place, the auth layer, which needs each operation's facts",
    run,
};

fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    if !input.config.auth {
        return Ok(0);
    }
    if !expects_hooks(file) {
        let mut findings = Findings::default();
        findings.push(missing(
            &PASS,
            "",
            "`const _: () = { fn assert_client_hooks() where Client: ClientHooks<…> {} }`",
            "progenitor no longer asks for the hooks this pass implements",
        ));
        return Err(findings);
    }
    let (read_response, empty_body_fn) = match input.config.empty_success_body {
        None => (quote!(response), quote!()),
        Some(EmptySuccessBody::Null) => (
            quote!(empty_success_body_as_null(response)),
            quote! {
                /// This API answers some successes with an empty body where JSON is documented;
                /// read it as `null`, as the vendor's own clients do, so that `serde_json::Value`
                /// and `Option` responses decode.
                fn empty_success_body_as_null(response: reqwest::Response) -> reqwest::Response {
                    if !response.status().is_success() || response.content_length() != Some(0) {
                        return response;
                    }
                    let mut response = http::Response::<reqwest::Body>::from(response);
                    *response.body_mut() = reqwest::Body::from("null");
                    let headers = response.headers_mut();
                    headers.insert(reqwest::header::CONTENT_LENGTH, reqwest::header::HeaderValue::from_static("4"));
                    headers.insert(reqwest::header::CONTENT_TYPE, reqwest::header::HeaderValue::from_static("application/json"));
                    reqwest::Response::from(response)
                }
            },
        ),
    };
    let unauthenticated = services::unauthenticated(input.doc);
    let table = operations::table(
        input.doc,
        &input.config.idempotent,
        &unauthenticated,
        input.config.idempotency_key_header.as_deref(),
    );
    let exec_with_options = call_options::exec_with_options(&read_response);
    let hooks: syn::File = syn::parse_quote! {
        /// Operations sent without a bearer token (their security names no bearer scheme).
        pub const UNAUTHENTICATED_OPERATIONS: &[&str] = &[#(#unauthenticated),*];

        #table

        /// Every request goes through [`sdk_auth::Auth::send_with`]: a bearer token, one
        /// replay on 401, retries of transient failures, one deadline and one tracing span per
        /// call, and the builder's `with_options`. A failure that is not an HTTP response (no
        /// token, a 401 not cured, deadline passed) comes back as `Error::CommunicationError`
        /// whose source chain holds the typed [`sdk_auth::CallFailure`].
        impl ClientHooks<sdk_auth::Auth> for Client {
            async fn exec(&self, request: reqwest::Request, info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
                exec_with_options(self, request, info, None).await
            }
        }

        #exec_with_options

        #empty_body_fn
    };
    file.items.extend(hooks.items);
    Ok(1)
}

/// Whether progenitor's code asserts `Client: ClientHooks<…>` (what `HooksMode::Expected` emits).
fn expects_hooks(file: &syn::File) -> bool {
    file.items.iter().any(|item| {
        let syn::Item::Const(c) = item else {
            return false;
        };
        let syn::Expr::Block(block) = c.expr.as_ref() else {
            return false;
        };
        block.block.stmts.iter().any(|stmt| {
            matches!(stmt, syn::Stmt::Item(syn::Item::Fn(f)) if f.sig.ident == "assert_client_hooks")
        })
    })
}
