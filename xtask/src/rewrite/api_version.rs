//! progenitor adds an `api-version: <info.version>` header to every request. None of our
//! vendors documents it, and an unknown header can make a strict gateway reject a call, so it
//! is removed, and the header map sized for one header fewer.

use syn::visit_mut::{self, VisitMut};

use super::{Input, Pass, missing, operations, path_is, sends};
use crate::finding::Findings;

pub const PASS: Pass = Pass {
    name: "api-version",
    what: "the `api-version: <info.version>` request header is removed (one per operation)",
    why: "no API documents it, and an undocumented header can make a strict gateway refuse the call",
    run,
};

fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    let mut removed = std::collections::BTreeMap::new();
    for (id, send) in sends(file) {
        let mut header = ApiVersionHeader(0);
        header.visit_impl_item_fn_mut(send);
        *removed.entry(id).or_insert(0) += header.0;
    }
    let mut findings = Findings::default();
    for op in operations(input.doc) {
        if removed.get(&op.id).copied().unwrap_or(0) == 0 {
            findings.push(missing(
                &PASS,
                &op.pointer,
                &format!("`send` of `{}`", op.id),
                "no `header_map.append(HeaderName::from_static(\"api-version\"), …)` found",
            ));
        }
    }
    if findings.is_empty() {
        Ok(removed.values().sum())
    } else {
        Err(findings)
    }
}

/// Removes the header's statement from every block; counts them.
struct ApiVersionHeader(usize);

impl VisitMut for ApiVersionHeader {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !appends_api_version(stmt));
        if block.stmts.len() < before {
            self.0 += before - block.stmts.len();
            block.stmts.iter_mut().for_each(shrink_header_map);
        }
        visit_mut::visit_block_mut(self, block);
    }
}

/// `let mut header_map = HeaderMap::with_capacity(N);` sized for one header fewer; with no
/// header left, an immutable `HeaderMap::new()` (which does not allocate).
fn shrink_header_map(stmt: &mut syn::Stmt) {
    let syn::Stmt::Local(local) = stmt else {
        return;
    };
    let syn::Pat::Ident(binding) = &mut local.pat else {
        return;
    };
    let Some(init) = &mut local.init else {
        return;
    };
    let syn::Expr::Call(call) = &mut *init.expr else {
        return;
    };
    if binding.ident != "header_map" {
        return;
    }
    let Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(size),
        ..
    })) = call.args.first_mut()
    else {
        return;
    };
    let Ok(headers) = size.base10_parse::<usize>() else {
        return;
    };
    match headers.saturating_sub(1) {
        0 => {
            binding.mutability = None;
            *init.expr = syn::parse_quote!(::reqwest::header::HeaderMap::new());
        }
        left => *size = syn::LitInt::new(&format!("{left}usize"), size.span()),
    }
}

/// `header_map.append(::reqwest::header::HeaderName::from_static("api-version"), …);`
fn appends_api_version(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    let Some(syn::Expr::Call(name)) = call.args.first() else {
        return false;
    };
    let syn::Expr::Path(function) = name.func.as_ref() else {
        return false;
    };
    call.method == "append"
        && path_is(
            &function.path,
            &["reqwest", "header", "HeaderName", "from_static"],
        )
        && matches!(
            name.args.first(),
            Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) if s.value() == "api-version"
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn the_header_goes_and_the_map_shrinks() {
        let mut f: syn::ImplItemFn = syn::parse_quote! {
            fn send(self) {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(Client::api_version()),
                );
                header_map.append("x-other", value);
            }
        };
        let mut pass = ApiVersionHeader(0);
        pass.visit_impl_item_fn_mut(&mut f);
        assert_eq!(pass.0, 1);
        let text = f.to_token_stream().to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(text.contains("with_capacity (1usize)"), "{text}");
    }
}
