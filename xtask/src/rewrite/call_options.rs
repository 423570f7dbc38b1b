//! Options for one call (`auth = true`): every builder gets `.with_options(CallOptions)`,
//! kept in a private field and handed to the auth layer with its request, so a deadline, a
//! retry policy, extra headers or an idempotency key apply to that call alone. The builders
//! stay progenitor's; only three of their items change (the struct, `new`, `send`) and one
//! method is added.

use quote::quote;

use super::{Input, Pass, missing, operations};
use crate::finding::Findings;
use crate::names::CALL_OPTIONS_FIELD as FIELD;

pub const PASS: Pass = Pass {
    name: "call-options",
    what: "every builder gets `with_options(sdk_auth::CallOptions)`, and its `send` hands them to `Auth::send_with` with the request",
    why: "options for one call (deadline, retries, extra headers, an idempotency key reused across retries) without forking progenitor's builders or a side channel",
    run,
};

fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    if !input.config.auth {
        return Ok(0);
    }
    let pointers: Vec<(String, String)> = operations(input.doc)
        .into_iter()
        .map(|op| (op.id, op.pointer))
        .collect();
    let pointer_of = |id: &str| {
        pointers
            .iter()
            .find(|(known, _)| known == id)
            .map_or_else(String::new, |(_, pointer)| pointer.clone())
    };
    let mut findings = Findings::default();
    let Some(items) = super::module_items(file, "builder") else {
        if pointers.is_empty() {
            return Ok(0);
        }
        findings.push(missing(&PASS, "", "`pub mod builder`", "no builder module"));
        return Err(findings);
    };
    let field: syn::Ident = syn::parse_str(FIELD).expect("an identifier");
    let mut builders = Vec::new();
    for item in items.iter_mut() {
        if let syn::Item::Struct(builder) = item
            && let syn::Fields::Named(fields) = &mut builder.fields
            && fields
                .named
                .iter()
                .any(|f| f.ident.as_ref().is_some_and(|i| i == "client"))
        {
            fields
                .named
                .push(syn::parse_quote!(#field: Option<sdk_auth::CallOptions>));
            builders.push(builder.ident.clone());
        }
    }
    let mut edited = 0;
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(self_ty) = block.self_ty.as_ref() else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.clone()) else {
            continue;
        };
        if !builders.contains(&name) {
            continue;
        }
        let id = block
            .items
            .iter()
            .find_map(|member| match member {
                syn::ImplItem::Fn(f) if f.sig.ident == "send" => {
                    crate::syntax::operation_id(&f.block)
                }
                _ => None,
            })
            .unwrap_or_else(|| name.to_string());
        let (mut initialised, mut destructured, mut handed) = (false, false, false);
        for member in &mut block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if f.sig.ident == "new" {
                initialised = init_field(&mut f.block, &field);
            } else if f.sig.ident == "send" {
                destructured = destructure_field(&mut f.block, &field);
                handed = hand_over(&mut f.block, &field);
            }
        }
        let item_name = format!("builder `{name}`");
        let pointer = pointer_of(&id);
        for (done, what) in [
            (
                initialised,
                "`new` builds no `Self { … }` to give the options field",
            ),
            (
                destructured,
                "`send` does not take itself apart with `let Self { … } = self`",
            ),
            (
                handed,
                "`send` has no `client.exec(request, &info)` to hand the options to",
            ),
        ] {
            if !done {
                findings.push(missing(&PASS, &pointer, &item_name, what));
            }
        }
        block.items.push(syn::parse_quote! {
            /// Options for this call alone: a deadline, a retry policy, extra headers, an
            /// idempotency key (see [`sdk_auth::CallOptions`]). Unset ones come from the
            /// client's `AuthOptions`.
            pub fn with_options(mut self, options: sdk_auth::CallOptions) -> Self {
                self.#field = Some(options);
                self
            }
        });
        edited += 1;
    }
    if edited < builders.len() {
        findings.push(missing(
            &PASS,
            "",
            "`pub mod builder`",
            "a builder struct has no `impl` block",
        ));
    }
    if findings.has_errors() {
        return Err(findings);
    }
    Ok(edited)
}

/// `Self { client: client, … }` in `new` gets `call_options: None`.
fn init_field(block: &mut syn::Block, field: &syn::Ident) -> bool {
    let Some(syn::Stmt::Expr(syn::Expr::Struct(literal), None)) = block.stmts.last_mut() else {
        return false;
    };
    literal.fields.push(syn::parse_quote!(#field: None));
    true
}

/// `let Self { client, … } = self;` in `send` also takes the options.
fn destructure_field(block: &mut syn::Block, field: &syn::Ident) -> bool {
    for stmt in &mut block.stmts {
        if let syn::Stmt::Local(local) = stmt
            && let syn::Pat::Struct(pattern) = &mut local.pat
            && pattern.path.is_ident("Self")
        {
            let binding: syn::Pat = syn::parse_quote!(#field);
            pattern.fields.push(syn::FieldPat {
                attrs: Vec::new(),
                member: syn::Member::Named(field.clone()),
                colon_token: None,
                pat: Box::new(binding),
            });
            return true;
        }
    }
    false
}

/// `client.exec(request, &info)` in `send` becomes
/// `super::exec_with_options(client, request, &info, call_options.as_ref())`.
fn hand_over(block: &mut syn::Block, field: &syn::Ident) -> bool {
    struct Exec<'a> {
        field: &'a syn::Ident,
        found: bool,
    }
    impl syn::visit_mut::VisitMut for Exec<'_> {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if let syn::Expr::MethodCall(call) = expr
                && call.method == "exec"
                && call.args.len() == 2
                && matches!(call.receiver.as_ref(), syn::Expr::Path(p) if p.path.is_ident("client"))
            {
                let args = &call.args;
                let field = self.field;
                *expr = syn::parse_quote!(
                    super::exec_with_options(client, #args, #field.as_ref())
                );
                self.found = true;
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    let mut exec = Exec {
        field,
        found: false,
    };
    syn::visit_mut::VisitMut::visit_block_mut(&mut exec, block);
    exec.found
}

/// The function the builders' `send` calls and `ClientHooks::exec` delegates to (emitted by
/// the `hooks` pass, which knows how a response is read).
pub fn exec_with_options(read_response: &proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    quote! {
        /// Sends one request of an operation through the auth layer, with the call's own
        /// options if it has any.
        async fn exec_with_options(
            client: &Client,
            request: reqwest::Request,
            info: &OperationInfo,
            options: Option<&sdk_auth::CallOptions>,
        ) -> reqwest::Result<reqwest::Response> {
            let response = client
                .inner
                .send_with(&client.client, request, &operation(info.operation_id), options)
                .await?;
            Ok(#read_response)
        }
    }
}
