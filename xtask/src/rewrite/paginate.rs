//! Pagination (`[[paginate]]` in `codegen.toml`): the builder of each declared operation
//! implements `sdk_paginate::Paginated`, whose page stream clones the builder, sets the
//! position parameter and calls the builder's own `send` once per page, so every page goes
//! through the auth layer with the call's options and retries. The declaration is checked
//! against the generated code: an unknown operation, parameter or field is an error finding
//! located at the operation, never a panic or code that does not compile.

mod fields;

use proc_macro2::TokenStream;
use quote::quote;

use super::{Input, Pass, missing, operations};
use crate::config::{Paginate, Style};
use crate::finding::{Finding, Findings, Severity};
use crate::names;

pub const PASS: Pass = Pass {
    name: "paginate",
    what: "the builders of the operations `[[paginate]]` declares implement `sdk_paginate::Paginated` (item and page streams)",
    why: "users read every page of a list without writing the page loop, with the call's options and retries on each page",
    run,
};

/// A builder as the pass finds it: its type, generics, `send` signature and setters.
struct Builder {
    self_ty: syn::Type,
    generics: syn::Generics,
    page: syn::Type,
    error: syn::Type,
    /// Per setter: its name and the type its `TryInto<T>` bound names.
    setters: Vec<(String, Option<syn::Type>)>,
}

fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    if input.config.paginate.is_empty() {
        return Ok(0);
    }
    let ops = operations(input.doc);
    // An operation no service has is reported once, by the first module generated.
    let reports_unknown = input
        .config
        .services
        .first()
        .is_none_or(|s| s.module == input.service.module);
    let mut findings = Findings::default();
    let mut impls = Vec::new();
    for (i, declared) in input.config.paginate.iter().enumerate() {
        let id = names::sanitize_snake(&declared.operation);
        let error = |pointer: &str, message: String| {
            Finding::at(
                Severity::Error,
                "paginate-config",
                pointer,
                format!(
                    "codegen.toml [[paginate]] #{} (`{}`): {message}",
                    i + 1,
                    declared.operation
                ),
            )
        };
        let Some(op) = ops.iter().find(|o| o.id == id) else {
            if reports_unknown && !operations(input.whole).iter().any(|o| o.id == id) {
                findings.push(error(
                    "/paths",
                    "no operation of the document has this id".into(),
                ));
            }
            continue;
        };
        let Some(builder) = builder(file, &id) else {
            findings.push(missing(
                &PASS,
                &op.pointer,
                &format!("builder of `{id}`"),
                "no builder `impl` whose `send` names the operation",
            ));
            continue;
        };
        // Parsed here, before the file changes: a failure is a finding, not half an edit.
        let item = emit(file, declared, &builder).and_then(|code| {
            syn::parse2::<syn::Item>(code)
                .map_err(|e| format!("the generated impl does not parse: {e}"))
        });
        match item {
            Ok(item) => impls.push(item),
            Err(message) => findings.push(error(&op.pointer, message)),
        }
    }
    if findings.has_errors() {
        return Err(findings);
    }
    let edits = impls.len();
    if edits > 0 {
        let Some(items) = super::module_items(file, "builder") else {
            findings.push(missing(&PASS, "", "`pub mod builder`", "no builder module"));
            return Err(findings);
        };
        items.extend(impls);
    }
    Ok(edits)
}

/// The builder whose `send` names operation `id`.
fn builder(file: &syn::File, id: &str) -> Option<Builder> {
    crate::syntax::module(file, "builder")?
        .iter()
        .find_map(|item| {
            let syn::Item::Impl(block) = item else {
                return None;
            };
            let send = block.items.iter().find_map(|member| match member {
                syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
                _ => None,
            })?;
            if crate::syntax::operation_id(&send.block).as_deref() != Some(id) {
                return None;
            }
            let syn::ReturnType::Type(_, output) = &send.sig.output else {
                return None;
            };
            let value = crate::syntax::generic_arg(output, "Result", 0)?;
            let setters = block
                .items
                .iter()
                .filter_map(|member| match member {
                    syn::ImplItem::Fn(f) if f.sig.ident != "send" && f.sig.ident != "new" => {
                        Some((f.sig.ident.to_string(), try_into_target(&f.sig.generics)))
                    }
                    _ => None,
                })
                .collect();
            Some(Builder {
                self_ty: (*block.self_ty).clone(),
                generics: block.generics.clone(),
                page: crate::syntax::generic_arg(&value, "ResponseValue", 0)?,
                error: crate::syntax::generic_arg(output, "Result", 1)?,
                setters,
            })
        })
}

/// `T` of a setter's `where V: TryInto<T>` bound.
fn try_into_target(generics: &syn::Generics) -> Option<syn::Type> {
    let clause = generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|p| match p {
        syn::WherePredicate::Type(t) => t.bounds.iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(tb) => {
                crate::syntax::path_generic_arg(&tb.path, "TryInto", 0)
            }
            _ => None,
        }),
        _ => None,
    })
}

/// The `Paginated` impl of one declared operation, or what in the declaration is wrong.
fn emit(file: &syn::File, p: &Paginate, b: &Builder) -> Result<TokenStream, String> {
    let param = names::sanitize_snake(p.param());
    let target = b
        .setters
        .iter()
        .find(|(name, _)| *name == param)
        .map(|(_, target)| target)
        .ok_or_else(|| format!("the operation has no parameter `{}`", p.param()))?;
    let is_string = target
        .as_ref()
        .and_then(fields::type_name)
        .is_some_and(|n| n == "String");
    let setter = quote::format_ident!("{param}");
    let arg = |v: TokenStream| if is_string { quote!(#v.to_string()) } else { v };
    let items = fields::resolve(file, &b.page, p.items.as_deref().unwrap_or_default())
        .map_err(|e| format!("`items`: {e}"))?;
    let item = crate::syntax::generic_arg(&items.ty, "Vec", 0).ok_or_else(|| {
        format!(
            "`items`: {} is not an array",
            p.items.as_deref().unwrap_or("the response body")
        )
    })?;
    let item = if p.items.is_some() {
        qualify(file, item)
    } else {
        item
    };
    let numbered = |field: &Option<String>, key: &str| -> Result<TokenStream, String> {
        let Some(field) = field else {
            return Ok(quote!(None));
        };
        let path = fields::resolve(file, &b.page, field).map_err(|e| format!("`{key}`: {e}"))?;
        if !fields::is_number(&path.ty) {
            return Err(format!("`{key}`: `{field}` is not a number"));
        }
        let value = path.by_ref(&quote!(&body));
        Ok(quote!(#value.map(|n| *n as i64)))
    };
    let position = arg(quote!(position));
    let optional_set = quote! {
        match position.clone() { Some(position) => self.clone().#setter(#position), None => self.clone() }
    };
    let (first, set, rule, link) = match p.style {
        Style::Page | Style::Offset => {
            let first = proc_macro2::Literal::i64_suffixed(p.first());
            let (rule, total) = match p.style {
                Style::Page => (quote!(page), numbered(&p.total_pages, "total_pages")?),
                _ => (quote!(offset), numbered(&p.total, "total")?),
            };
            (
                quote!(#first),
                quote!(self.clone().#setter(#position)),
                quote!(sdk_paginate::next::#rule(position, #total, count)),
                quote!(),
            )
        }
        Style::Cursor => {
            let field = p.next_cursor.as_deref().unwrap_or_default();
            let path =
                fields::resolve(file, &b.page, field).map_err(|e| format!("`next_cursor`: {e}"))?;
            if fields::type_name(&path.ty).is_none_or(|n| n != "String") {
                return Err(format!("`next_cursor`: `{field}` is not a string"));
            }
            let next = path.by_ref(&quote!(&body));
            (
                quote!(None::<String>),
                optional_set,
                quote!(sdk_paginate::next::cursor(position.as_ref(), #next.cloned(), count).map(Some)),
                quote!(),
            )
        }
        Style::Link => {
            let name = p.param();
            (
                quote!(None::<String>),
                optional_set,
                quote!(sdk_paginate::next::cursor(position.as_ref(), link, count).map(Some)),
                quote!(let link = sdk_paginate::next::link(response.headers(), #name);),
            )
        }
    };
    let count = items.by_ref(&quote!(&body));
    let owned = items.by_value(&quote!(page));
    let Builder {
        self_ty,
        generics,
        page,
        error,
        ..
    } = b;
    Ok(quote! {
        impl #generics sdk_paginate::Paginated for #self_ty {
            type Page = #page;
            type Item = #item;
            type Error = #error;
            fn fetch_pages(self) -> impl sdk_paginate::Stream<Item = Result<Self::Page, Self::Error>> + Send {
                sdk_paginate::pages(#first, move |position| {
                    let request = #set;
                    async move {
                        let response = request.send().await?;
                        #link
                        let body = response.into_inner();
                        let count = #count.map_or(0, |items| items.len());
                        let next = #rule;
                        Ok::<_, Self::Error>((body, next))
                    }
                })
            }
            fn page_items(page: Self::Page) -> Vec<Self::Item> {
                #owned.unwrap_or_default()
            }
        }
    })
}

/// A type written inside the `types` module, as code in `builder` names it (`Row` →
/// `types::Row`).
fn qualify(file: &syn::File, mut ty: syn::Type) -> syn::Type {
    struct Qualify<'a>(&'a syn::File);
    impl syn::visit_mut::VisitMut for Qualify<'_> {
        fn visit_type_path_mut(&mut self, t: &mut syn::TypePath) {
            syn::visit_mut::visit_type_path_mut(self, t);
            if t.qself.is_none()
                && t.path.leading_colon.is_none()
                && t.path.segments.len() == 1
                && fields::is_generated_type(self.0, &t.path.segments[0].ident.to_string())
            {
                t.path.segments.insert(0, syn::parse_quote!(types));
            }
        }
    }
    syn::visit_mut::VisitMut::visit_type_mut(&mut Qualify(file), &mut ty);
    ty
}

#[cfg(test)]
mod tests;
