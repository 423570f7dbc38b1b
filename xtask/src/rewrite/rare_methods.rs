//! OPTIONS and TRACE requests: progenitor builds them with `client.client.options(url)` and
//! `.trace(url)`, methods `reqwest::Client` does not have; they become
//! `client.client.request(Method::OPTIONS, url)`.

use syn::visit_mut::{self, VisitMut};

use super::{Input, Pass, missing, operations, sends};
use crate::finding::Findings;

pub const PASS: Pass = Pass {
    name: "rare-methods",
    what: "`client.options(url)` / `client.trace(url)` become `client.request(Method::OPTIONS | TRACE, url)`",
    why: "progenitor calls methods `reqwest::Client` does not have, which does not compile",
    run,
};

fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    let rare: Vec<_> = operations(input.doc)
        .into_iter()
        .filter(|op| matches!(op.method, "options" | "trace"))
        .collect();
    if rare.is_empty() {
        return Ok(0);
    }
    let mut edits = 0;
    let mut findings = Findings::default();
    let mut sends = sends(file);
    for op in &rare {
        let mut calls = RareCalls(0);
        for (_, send) in sends.iter_mut().filter(|(id, _)| *id == op.id) {
            calls.visit_impl_item_fn_mut(send);
        }
        if calls.0 == 0 {
            findings.push(missing(
                &PASS,
                &op.pointer,
                &format!("`send` of `{}`", op.id),
                &format!("no `client.{}(url)` call found", op.method),
            ));
        }
        edits += calls.0;
    }
    if findings.is_empty() {
        Ok(edits)
    } else {
        Err(findings)
    }
}

/// Rewrites `<expr>.client.options(url)` and `.trace(url)`; counts them.
struct RareCalls(usize);

impl VisitMut for RareCalls {
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
            self.0 += 1;
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}
