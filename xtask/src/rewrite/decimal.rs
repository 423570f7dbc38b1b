//! Money as one decimal type. Schemas named in `decimal` (codegen.toml) are generated as
//! `rust_decimal::Decimal`; this gives every serde field of that type the JSON encoding the
//! vendors expect, through the crate's `decimal_json` module: decoded from a JSON number or a
//! decimal string, encoded as a JSON number (an integer when whole). The field attribute (not a crate feature of
//! `rust_decimal`, which would change how a user's own decimals encode) keeps it local.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use serde_json::Value;
use syn::punctuated::Punctuated;
use syn::visit::Visit;

use super::{Input, Pass, missing};
use crate::finding::{Findings, Severity};

pub const PASS: Pass = Pass {
    name: "decimal",
    what: "fields of the schemas listed in `decimal` (codegen.toml) get `#[serde(with = \"crate::decimal_json\")]`",
    why: "money must travel as a JSON number and read from a number or a decimal string, not as `rust_decimal`'s default string",
    run,
};

/// Errors for names in `decimal` (codegen.toml) that are not component schemas of `doc`.
pub fn check_names(doc: &Value, list: &[String]) -> Result<(), Findings> {
    let mut findings = Findings::default();
    for name in list {
        if doc
            .pointer("/components/schemas")
            .and_then(|schemas| schemas.get(name))
            .is_none()
        {
            findings.add(
                Severity::Error,
                "unknown-schema",
                "",
                format!("codegen.toml `decimal` names schema `{name}`, which is not in `components/schemas`; remove it or fix the name"),
            );
        }
    }
    if findings.is_empty() {
        Ok(())
    } else {
        Err(findings)
    }
}

/// Gives every decimal field its JSON encoding. A module whose document uses a decimal
/// schema must have at least one such field.
fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    let edits = encode_as_numbers(file)?;
    let used: Vec<&String> = input
        .config
        .decimal
        .iter()
        .filter(|name| {
            input
                .doc
                .pointer("/components/schemas")
                .and_then(|schemas| schemas.get(name.as_str()))
                .is_some()
        })
        .collect();
    if edits == 0 && !used.is_empty() {
        let mut findings = Findings::default();
        findings.push(missing(
            &PASS,
            "",
            "module `types`",
            &format!(
                "the document uses decimal schema(s) {} but no field of type `rust_decimal::Decimal` was found (a decimal schema is supported as a field's type only)",
                used.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            ),
        ));
        return Err(findings);
    }
    Ok(edits)
}

/// Adds `#[serde(with = ...)]` to every serde field of type `Decimal` or `Option<Decimal>`.
/// Returns how many fields it gave the encoding.
///
/// # Errors
/// A finding for a decimal in any other position (say `Vec<Decimal>`): it would encode as a
/// string, so the generator refuses it rather than send an amount the vendor cannot read.
fn encode_as_numbers(file: &mut syn::File) -> Result<usize, Findings> {
    let mut fields = Fields::default();
    for item in &mut file.items {
        fields.item(item);
    }
    if fields.unsupported.is_empty() {
        return Ok(fields.edited);
    }
    let mut findings = Findings::default();
    for what in fields.unsupported {
        findings.add(
            Severity::Error,
            "decimal-position",
            "",
            format!("{what}: a decimal schema is supported as a field's type or an optional field's type only; inline it there or leave it out of `decimal`"),
        );
    }
    Err(findings)
}

#[derive(Default)]
struct Fields {
    edited: usize,
    unsupported: Vec<String>,
}

impl Fields {
    fn item(&mut self, item: &mut syn::Item) {
        match item {
            syn::Item::Mod(module) => {
                for inner in module.content.iter_mut().flat_map(|c| c.1.iter_mut()) {
                    self.item(inner);
                }
            }
            syn::Item::Struct(s) if derives_serde(&s.attrs) => {
                let owner = s.ident.to_string();
                self.fields(&owner, &mut s.fields);
            }
            syn::Item::Enum(e) if derives_serde(&e.attrs) => {
                let owner = e.ident.to_string();
                for variant in &mut e.variants {
                    self.fields(&owner, &mut variant.fields);
                }
            }
            _ => {}
        }
    }

    fn fields(&mut self, owner: &str, fields: &mut syn::Fields) {
        for field in fields.iter_mut() {
            if !mentions_decimal(&field.ty) {
                continue;
            }
            let attr: syn::Attribute = if is_decimal(&field.ty) {
                syn::parse_quote!(#[serde(with = "crate::decimal_json")])
            } else if optional_decimal(&field.ty) {
                // With `with`, serde no longer treats a missing optional field as `None`
                // unless told so by `default` (which the field may already carry).
                if has_serde_default(&field.attrs) {
                    syn::parse_quote!(#[serde(with = "crate::decimal_json::option")])
                } else {
                    syn::parse_quote!(#[serde(default, with = "crate::decimal_json::option")])
                }
            } else {
                let ty = field.ty.to_token_stream().to_string().replace(' ', "");
                self.unsupported
                    .push(format!("`{owner}` has a field of type `{ty}`"));
                continue;
            };
            field.attrs.push(attr);
            self.edited += 1;
        }
    }
}

/// `::rust_decimal::Decimal` (the replacement type progenitor is given).
fn is_decimal(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none() && super::path_is(&p.path, &["rust_decimal", "Decimal"]))
}

/// `::std::option::Option<::rust_decimal::Decimal>`.
fn optional_decimal(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.iter().map(|s| s.ident.to_string()).eq(["std", "option", "Option"])
        && crate::syntax::path_generic_arg(&p.path, "Option", 0).is_some_and(|inner| is_decimal(&inner)))
}

/// Whether `ty` names the decimal type anywhere (`Vec<Decimal>`, `Option<Decimal>`, …).
fn mentions_decimal(ty: &syn::Type) -> bool {
    struct Mentions(bool);
    impl<'ast> Visit<'ast> for Mentions {
        fn visit_type(&mut self, ty: &'ast syn::Type) {
            self.0 |= is_decimal(ty);
            syn::visit::visit_type(self, ty);
        }
    }
    let mut found = Mentions(false);
    found.visit_type(ty);
    found.0
}

/// Whether a `#[serde(...)]` attribute already names `default`.
fn has_serde_default(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("serde")
            && a.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                .is_ok_and(|metas| metas.iter().any(|m| m.path().is_ident("default")))
    })
}

/// Whether `#[derive(...)]` names `Serialize` or `Deserialize`.
fn derives_serde(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && a.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
                .is_ok_and(|paths| {
                    paths.iter().any(|p| {
                        p.segments
                            .last()
                            .is_some_and(|s| s.ident == "Serialize" || s.ident == "Deserialize")
                    })
                })
    })
}

/// `src/decimal_json.rs` of a crate whose code uses decimals.
pub fn module() -> TokenStream {
    quote! {
        //! How decimal amounts travel as JSON: read from a JSON number (`1000`, `33333.33`) or a
        //! decimal string (`"1000.00"`), written as a JSON number. An amount a JSON number cannot
        //! carry exactly (more significant digits than an `f64` holds) is an encoding error,
        //! never a rounded amount.

        use rust_decimal::Decimal;
        use rust_decimal::prelude::ToPrimitive;
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes `value` as a JSON number: an integer when it is whole (`1000`), else the
        /// shortest decimal that reads back as `value` (`33333.33`).
        pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
            if value.fract().is_zero()
                && let Some(whole) = value.to_i64()
            {
                return serializer.serialize_i64(whole);
            }
            let number = value
                .to_f64()
                .filter(|n| n.to_string().parse::<Decimal>().is_ok_and(|back| back == *value));
            match number {
                Some(n) => serializer.serialize_f64(n),
                None => Err(serde::ser::Error::custom(format!(
                    "the amount {value} has more significant digits than a JSON number carries exactly"
                ))),
            }
        }

        /// Reads a JSON number or a decimal string.
        pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
            rust_decimal::serde::float::deserialize(deserializer)
        }

        /// The same for optional amounts (`null` or absent is `None`).
        pub mod option {
            use super::*;

            /// Writes `Some` as a JSON number, `None` as `null`.
            pub fn serialize<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
                match value {
                    Some(value) => super::serialize(value, serializer),
                    None => serializer.serialize_none(),
                }
            }

            /// Reads `null`, a JSON number or a decimal string.
            pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
                #[derive(Deserialize)]
                struct Amount(#[serde(deserialize_with = "super::deserialize")] Decimal);
                Ok(Option::<Amount>::deserialize(deserializer)?.map(|amount| amount.0))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn processed(code: TokenStream) -> Result<(bool, String), Findings> {
        let mut file: syn::File = syn::parse2(code).unwrap();
        let used = encode_as_numbers(&mut file)? > 0;
        Ok((used, file.to_token_stream().to_string().replace(' ', "")))
    }

    #[test]
    fn decimal_fields_of_serde_types_get_the_json_encoding() {
        let (used, text) = processed(quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Loan {
                    pub principal: ::rust_decimal::Decimal,
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub fee: ::std::option::Option<::rust_decimal::Decimal>,
                    #[serde(rename = "tip", skip_serializing_if = "::std::option::Option::is_none")]
                    pub tip: ::std::option::Option<::rust_decimal::Decimal>,
                    pub note: String,
                }
                #[derive(Clone, Debug)]
                pub struct Builder { principal: ::rust_decimal::Decimal }
            }
        })
        .unwrap();
        assert!(used);
        assert!(
            text.contains(r#"#[serde(with="crate::decimal_json")]pubprincipal"#),
            "{text}"
        );
        assert!(
            text.contains(r#"#[serde(with="crate::decimal_json::option")]pubfee"#),
            "{text}"
        );
        assert!(
            text.contains(r#"#[serde(default,with="crate::decimal_json::option")]pubtip"#),
            "{text}"
        );
        assert!(
            text.contains("structBuilder{principal"),
            "builders are not serde types: {text}"
        );
    }

    #[test]
    fn a_decimal_in_a_collection_is_refused() {
        let findings = processed(quote! {
            #[derive(::serde::Serialize)]
            pub struct Schedule { pub dues: ::std::vec::Vec<::rust_decimal::Decimal> }
        })
        .unwrap_err();
        let text = findings.to_string();
        assert!(
            text.contains("decimal-position") && text.contains("Schedule"),
            "{text}"
        );
    }

    #[test]
    fn code_without_decimals_is_untouched() {
        let (used, _) =
            processed(quote! { #[derive(::serde::Serialize)] pub struct A { pub n: f64 } })
                .unwrap();
        assert!(!used);
    }
}
