//! Vendors send `null` where a spec makes a list or map optional. typify types such a field
//! as an empty-by-default collection (`#[serde(default, skip_serializing_if =
//! "…::is_empty")]`), which rejects `null`; the field reads `null` as empty instead, so
//! lenient data decodes rather than failing the whole response.

use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;

use super::{Input, Pass, module_items};
use crate::finding::Findings;

pub const PASS: Pass = Pass {
    name: "null-as-empty",
    what: "optional lists and maps (empty by default) read `null` as empty (`deserialize_with = \"null_as_empty\"`)",
    why: "vendors send `null` for an absent list or map, which typify's empty-by-default fields reject",
    run,
};

/// Edits the fields of the `types` module. Not every document has such fields, so finding
/// none is not an error.
fn run(file: &mut syn::File, _: &Input<'_>) -> Result<usize, Findings> {
    let Some(items) = module_items(file, "types") else {
        return Ok(0);
    };
    let mut fields = EmptyDefaults(0);
    items
        .iter_mut()
        .for_each(|item| fields.visit_item_mut(item));
    if fields.0 > 0 {
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
    Ok(fields.0)
}

/// Adds `deserialize_with` to the serde attribute of every empty-by-default field; counts them.
struct EmptyDefaults(usize);

impl VisitMut for EmptyDefaults {
    fn visit_field_mut(&mut self, field: &mut syn::Field) {
        for attr in &mut field.attrs {
            if !attr.path().is_ident("serde") {
                continue;
            }
            let syn::Meta::List(list) = &mut attr.meta else {
                continue;
            };
            let Ok(metas) =
                list.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
            else {
                continue;
            };
            let names = |name: &str| metas.iter().any(|m| m.path().is_ident(name));
            let skipped_if_empty = metas.iter().any(|m| match m {
                syn::Meta::NameValue(nv) if nv.path.is_ident("skip_serializing_if") => {
                    matches!(&nv.value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value().ends_with("::is_empty"))
                }
                _ => false,
            });
            let bare_default = metas
                .iter()
                .any(|m| matches!(m, syn::Meta::Path(p) if p.is_ident("default")));
            if bare_default && skipped_if_empty && !names("deserialize_with") {
                let tokens = &list.tokens;
                list.tokens = quote::quote!(#tokens, deserialize_with = "null_as_empty");
                self.0 += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn only_empty_by_default_fields_read_null_as_empty() {
        let mut item: syn::Item = syn::parse_quote! {
            pub struct Page {
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub items: ::std::vec::Vec<Item>,
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                pub next: ::std::option::Option<String>,
                #[serde(rename = "tags", default = "defaults::tags", skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tags: ::std::vec::Vec<String>,
            }
        };
        let mut fields = EmptyDefaults(0);
        fields.visit_item_mut(&mut item);
        assert_eq!(fields.0, 1);
        let text = item.to_token_stream().to_string();
        assert_eq!(text.matches("null_as_empty").count(), 1, "{text}");
    }
}
