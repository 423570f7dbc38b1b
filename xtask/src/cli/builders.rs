//! What the generated client actually offers, read back from its source: for each operation
//! method, the builder's fields (parameter and body types) and what `send()` returns. The
//! command line is emitted from these, so it always matches the client it calls.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

use crate::syntax::generic_arg;

/// One operation's builder.
#[derive(Clone)]
pub struct Builder {
    /// Fields other than `client`: name and value type (`Result<_, String>` removed).
    pub fields: Vec<(String, syn::Type)>,
    /// What a success carries.
    pub success: Success,
}

/// The success type of `send()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Success {
    /// A typed JSON value.
    Json,
    /// No body (`ResponseValue<()>`).
    Empty,
    /// Something the command line cannot print yet; the reason.
    Unsupported(String),
}

/// The builders of a generated client module, by client method name.
///
/// # Errors
/// A message if `source` does not parse.
pub fn read(source: &str) -> Result<BTreeMap<String, Builder>, String> {
    let file = syn::parse_file(source).map_err(|e| format!("the client does not parse: {e}"))?;
    let mut methods = BTreeMap::new();
    let mut structs = BTreeMap::new();
    let mut sends = BTreeMap::new();
    for item in &file.items {
        match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() && type_name(&imp.self_ty) == "Client" => {
                for item in &imp.items {
                    if let syn::ImplItem::Fn(f) = item
                        && let syn::ReturnType::Type(_, ty) = &f.sig.output
                    {
                        methods.insert(f.sig.ident.to_string(), type_name(ty));
                    }
                }
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                for item in m.content.iter().flat_map(|(_, items)| items) {
                    match item {
                        syn::Item::Struct(s) => {
                            structs.insert(s.ident.to_string(), fields(s));
                        }
                        syn::Item::Impl(imp) => {
                            if let Some(success) = send_success(imp) {
                                sends.insert(type_name(&imp.self_ty), success);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(methods
        .into_iter()
        .filter_map(|(method, builder)| {
            let fields = structs.get(&builder)?.clone();
            let success = sends.get(&builder)?.clone();
            Some((method, Builder { fields, success }))
        })
        .collect())
}

/// The last path segment of a type (`builder::CreateQuote<'_>` → `CreateQuote`).
fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn fields(s: &syn::ItemStruct) -> Vec<(String, syn::Type)> {
    s.fields
        .iter()
        .filter_map(|f| {
            let name = f.ident.as_ref()?.to_string();
            // The client, and the call's options (`call-options` rewrite), are no parameters.
            (name != "client" && name != crate::names::CALL_OPTIONS_FIELD).then(|| {
                (
                    name,
                    generic_arg(&f.ty, "Result", 0).unwrap_or(f.ty.clone()),
                )
            })
        })
        .collect()
}

/// What `send()` of this builder impl returns on success, if the impl has a `send`.
fn send_success(imp: &syn::ItemImpl) -> Option<Success> {
    let send = imp.items.iter().find_map(|item| match item {
        syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
        _ => None,
    })?;
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        return Some(Success::Unsupported("`send` returns nothing".into()));
    };
    let value = generic_arg(ty, "Result", 0).and_then(|ok| generic_arg(&ok, "ResponseValue", 0));
    let error = generic_arg(ty, "Result", 1).and_then(|err| generic_arg(&err, "Error", 0));
    let (Some(value), Some(error)) = (value, error) else {
        return Some(Success::Unsupported(
            "`send` has an unexpected signature".into(),
        ));
    };
    let raw = |t: &syn::Type| ["ByteStream", "Upgraded"].contains(&type_name(t).as_str());
    Some(if raw(&value) {
        Success::Unsupported("its success body is a byte stream".into())
    } else if raw(&error) {
        Success::Unsupported("its error body is a byte stream".into())
    } else if matches!(&value, syn::Type::Tuple(t) if t.elems.is_empty()) {
        Success::Empty
    } else {
        Success::Json
    })
}

/// Crates a type in the command line may name besides the generated client: the CLI crate
/// depends on these.
const KNOWN_CRATES: &[&str] = &["std", "core", "alloc", "chrono", "uuid", "serde_json"];

/// `ty` with the client's `types::` made absolute (`obi_api::types::…`) and builder types
/// replaced by the types they build; `Err` names what the command line cannot name.
pub fn absolute(ty: &syn::Type, client_path: &syn::Path) -> Result<syn::Type, String> {
    let mut ty = ty.clone();
    let mut fix = Absolute {
        client: client_path,
        problem: None,
    };
    fix.visit_type_mut(&mut ty);
    match fix.problem {
        Some(problem) => Err(problem),
        None => Ok(ty),
    }
}

struct Absolute<'a> {
    client: &'a syn::Path,
    problem: Option<String>,
}

impl VisitMut for Absolute<'_> {
    fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
        let first = p.path.segments.first().map(|s| s.ident.to_string());
        if p.path.leading_colon.is_some() {
            if !first.as_deref().is_some_and(|c| KNOWN_CRATES.contains(&c)) {
                self.problem = Some(format!(
                    "`{}` needs a crate the command line does not depend on",
                    p.to_token_stream()
                ));
            }
        } else if first.as_deref() == Some("types") {
            let rest: Vec<syn::PathSegment> = p
                .path
                .segments
                .iter()
                .filter(|s| s.ident != "builder")
                .cloned()
                .collect();
            let mut path = self.client.clone();
            path.segments.extend(rest);
            p.path = path;
        } else if matches!(first.as_deref(), Some("super" | "self" | "crate")) {
            self.problem = Some(format!(
                "`{}` is relative to the client module",
                p.to_token_stream()
            ));
        }
        visit_mut::visit_type_path_mut(self, p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: &str = r#"
        impl Client {
            pub fn create_quote(&self) -> builder::CreateQuote<'_> { builder::CreateQuote::new(self) }
            pub fn get_file(&self) -> builder::GetFile<'_> { builder::GetFile::new(self) }
        }
        pub mod builder {
            pub struct CreateQuote<'a> {
                client: &'a super::Client,
                limit: Result<Option<i64>, String>,
                when: Result<::chrono::DateTime<::chrono::offset::Utc>, String>,
                body: Result<types::builder::QuoteRequest, String>,
            }
            impl<'a> CreateQuote<'a> {
                pub async fn send(self) -> Result<ResponseValue<types::QuoteResponse>, Error<types::ErrorResponse>> { todo!() }
            }
            pub struct GetFile<'a> { client: &'a super::Client }
            impl<'a> GetFile<'a> {
                pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<()>> { todo!() }
            }
        }
    "#;

    #[test]
    fn reads_fields_and_success_kinds() {
        let builders = read(CLIENT).expect("parses");
        let quote = &builders["create_quote"];
        let names: Vec<&str> = quote.fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["limit", "when", "body"]);
        assert_eq!(quote.success, Success::Json);
        assert!(matches!(
            builders["get_file"].success,
            Success::Unsupported(_)
        ));
        let client: syn::Path = syn::parse_quote!(obi_api);
        let body = absolute(&quote.fields[2].1, &client).expect("nameable");
        assert_eq!(
            body.to_token_stream().to_string().replace(' ', ""),
            "obi_api::types::QuoteRequest"
        );
        assert!(absolute(&syn::parse_quote!(::regress::Regex), &client).is_err());
        assert!(absolute(&syn::parse_quote!(super::Thing), &client).is_err());
    }
}
