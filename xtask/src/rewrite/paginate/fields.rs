//! Response fields by JSON name, read from the generated `types` module: a dotted path such
//! as `meta.nextCursor` becomes the Rust fields it crosses and whether each is an `Option`,
//! from which the pass builds the access expressions.

use proc_macro2::TokenStream;
use quote::quote;

/// One field on a path: its Rust name and whether it is optional.
pub struct Step {
    ident: syn::Ident,
    optional: bool,
}

/// A resolved path: its steps and the type at its end (`Option` removed).
pub struct Path {
    pub steps: Vec<Step>,
    pub ty: syn::Type,
}

/// Resolves `path` (dot-separated JSON names) from the struct `start` of the `types` module
/// of `file`; the error says which part is unknown.
pub fn resolve(file: &syn::File, start: &syn::Type, path: &str) -> Result<Path, String> {
    let mut ty = start.clone();
    let mut steps = Vec::new();
    for name in path.split('.').filter(|n| !n.is_empty()) {
        let owner = type_name(&ty)
            .ok_or_else(|| format!("`{name}` is read from a value that is not an object"))?;
        let strukt = find_struct(file, &owner).ok_or_else(|| {
            format!("`{name}` is read from `{owner}`, which is not a generated struct")
        })?;
        let field = strukt
            .fields
            .iter()
            .find(|f| json_name(f).as_deref() == Some(name))
            .ok_or_else(|| format!("`{owner}` has no field `{name}`"))?;
        let (inner, optional) = strip(&field.ty, "Option");
        steps.push(Step {
            ident: field
                .ident
                .clone()
                .ok_or_else(|| format!("`{owner}` is a tuple struct"))?,
            optional,
        });
        ty = inner;
    }
    Ok(Path { steps, ty })
}

impl Path {
    /// `Option<&T>` of the value at the end of the path, from `base` (a reference).
    pub fn by_ref(&self, base: &TokenStream) -> TokenStream {
        self.steps
            .iter()
            .fold(quote!(Some(#base)), |expr, Step { ident, optional }| {
                if *optional {
                    quote!(#expr.and_then(|v| v.#ident.as_ref()))
                } else {
                    quote!(#expr.map(|v| &v.#ident))
                }
            })
    }

    /// `Option<T>` of the value at the end of the path, moved out of `base`.
    pub fn by_value(&self, base: &TokenStream) -> TokenStream {
        self.steps
            .iter()
            .fold(quote!(Some(#base)), |expr, Step { ident, optional }| {
                if *optional {
                    quote!(#expr.and_then(|v| v.#ident))
                } else {
                    quote!(#expr.map(|v| v.#ident))
                }
            })
    }
}

/// `(T, true)` for `Option<T>` (any path ending in `wrapper`), `(ty, false)` otherwise.
pub fn strip(ty: &syn::Type, wrapper: &str) -> (syn::Type, bool) {
    match crate::syntax::generic_arg(ty, wrapper, 0) {
        Some(inner) => (inner, true),
        None => (ty.clone(), false),
    }
}

pub(crate) use crate::syntax::type_name;

/// Whether `ty` is one of Rust's numbers.
pub fn is_number(ty: &syn::Type) -> bool {
    type_name(ty).is_some_and(|n| {
        matches!(
            n.as_str(),
            "i8" | "i16"
                | "i32"
                | "i64"
                | "u8"
                | "u16"
                | "u32"
                | "u64"
                | "isize"
                | "usize"
                | "f32"
                | "f64"
        ) || n.starts_with("NonZero")
    })
}

/// The items of the generated `types` module.
fn types(file: &syn::File) -> &[syn::Item] {
    crate::syntax::module(file, "types").unwrap_or_default()
}

fn find_struct<'a>(file: &'a syn::File, name: &str) -> Option<&'a syn::ItemStruct> {
    types(file).iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    })
}

/// Whether `name` is an item of the `types` module (so code outside it says `types::name`).
pub fn is_generated_type(file: &syn::File, name: &str) -> bool {
    types(file).iter().any(|item| match item {
        syn::Item::Struct(s) => s.ident == name,
        syn::Item::Enum(e) => e.ident == name,
        syn::Item::Type(t) => t.ident == name,
        _ => false,
    })
}

/// The JSON name of a field: its `#[serde(rename = "…")]`, or its Rust name.
fn json_name(field: &syn::Field) -> Option<String> {
    let mut renamed = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                renamed = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    renamed.or_else(|| {
        field
            .ident
            .as_ref()
            .map(|i| i.to_string().trim_start_matches("r#").to_owned())
    })
}
