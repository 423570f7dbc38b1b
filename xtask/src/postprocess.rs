//! Edits of progenitor's output that settings cannot express, done on the syntax tree so they
//! hold whatever the formatting.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

use crate::finding::Findings;

mod decimal;
mod doc_examples;
mod path_encoding;

pub use decimal::{DECIMAL_TYPE, check_names as check_decimal_schemas, module as decimal_module};

/// What [`client`] did beyond editing the code.
pub struct Processed {
    /// The edited client code.
    pub tokens: TokenStream,
    /// Whether the code has decimal fields (the crate then needs `rust_decimal` and its
    /// `decimal_json` module).
    pub uses_decimal: bool,
}

/// Every edit of a generated client, in one parse: no `api-version` header, `null` read as an
/// empty list or map, compiling doc examples (`crate_path` is how users name the client's
/// module, e.g. `bridge_api::baas`), JSON numbers for decimal fields, path parameters
/// encoded as RFC 6570 says.
pub fn client(tokens: TokenStream, crate_path: &str) -> Result<Processed, Findings> {
    let mut file = crate::progenitor::parse_file(tokens)?;
    ApiVersionHeader.visit_file_mut(&mut file);
    path_encoding::encode_strictly(&mut file);
    NullAsEmpty::apply(&mut file);
    doc_examples::rewrite(&mut file, crate_path);
    let uses_decimal = decimal::encode_as_numbers(&mut file)?;
    Ok(Processed {
        tokens: file.into_token_stream(),
        uses_decimal,
    })
}

/// Vendors send `null` where a spec makes a list or map optional (typify types those as an
/// empty-by-default `Vec`/map, which rejects `null`): read `null` as empty, so lenient data
/// decodes instead of failing the whole response.
struct NullAsEmpty {
    used: bool,
}

impl NullAsEmpty {
    fn apply(file: &mut syn::File) {
        for item in &mut file.items {
            let syn::Item::Mod(module) = item else {
                continue;
            };
            let Some((_, items)) = &mut module.content else {
                continue;
            };
            if module.ident != "types" {
                continue;
            }
            let mut visitor = NullAsEmpty { used: false };
            items
                .iter_mut()
                .for_each(|item| visitor.visit_item_mut(item));
            if visitor.used {
                items.push(syn::parse_quote! {
                    /// Reads `null` as the empty default of an optional list or map.
                    fn null_as_empty<'de, D, T>(deserializer: D) -> ::std::result::Result<T, D::Error>
                    where
                        D: ::serde::Deserializer<'de>,
                        T: ::std::default::Default + ::serde::Deserialize<'de>,
                    {
                        let value: ::std::option::Option<T> = ::serde::Deserialize::deserialize(deserializer)?;
                        Ok(value.unwrap_or_default())
                    }
                });
            }
        }
    }
}

impl VisitMut for NullAsEmpty {
    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        for attr in &mut field.attrs {
            if !attr.path().is_ident("serde") {
                continue;
            }
            let syn::Meta::List(list) = &mut attr.meta else {
                continue;
            };
            let text = list.tokens.to_string().replace(' ', "");
            let empty_default = text.split(',').any(|part| part == "default")
                && text.contains("skip_serializing_if=")
                && text.contains("::is_empty\"");
            if empty_default && !text.contains("deserialize_with") {
                let tokens = &list.tokens;
                list.tokens = quote::quote!(#tokens, deserialize_with = "null_as_empty");
                self.used = true;
            }
        }
    }
}

/// Removes the `api-version: <info.version>` header progenitor adds to every request: none of
/// our vendors documents it, and an unknown header can make a strict gateway reject a call.
struct ApiVersionHeader;

impl VisitMut for ApiVersionHeader {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !appends_api_version(stmt));
        if block.stmts.len() < before {
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

/// `header_map.append(HeaderName::from_static("api-version"), …);`
fn appends_api_version(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), Some(_)) = stmt else {
        return false;
    };
    call.method == "append"
        && call.args.first().is_some_and(|name| {
            name.to_token_stream()
                .to_string()
                .replace(' ', "")
                .ends_with("HeaderName::from_static(\"api-version\")")
        })
}
