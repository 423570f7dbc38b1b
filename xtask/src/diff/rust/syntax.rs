//! What `syn` items say, as the API model needs it: visibility, attributes (`cfg`, serde
//! names, derives, `non_exhaustive`), the type a field holds, an impl's self type, and
//! token text as people write it.

use quote::ToTokens;

/// Whether a trait is sealed: a supertrait named `Sealed` (or in a `sealed`/`private`
/// module), the usual way to keep other crates from implementing it.
pub(super) fn sealed(t: &syn::ItemTrait) -> bool {
    t.supertraits.iter().any(|b| {
        let syn::TypeParamBound::Trait(bound) = b else {
            return false;
        };
        bound.path.segments.iter().any(|s| {
            let name = s.ident.to_string();
            name == "Sealed" || name == "sealed" || name == "private"
        })
    })
}

pub(super) fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

pub(super) fn has(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

/// `#[cfg(...)]` of an item, as written (`feature = "mock"`).
pub(super) fn feature(attrs: &[syn::Attribute]) -> Option<String> {
    attrs
        .iter()
        .find(|a| a.path().is_ident("cfg"))
        .and_then(|a| a.meta.require_list().ok())
        .map(|l| compact(l.tokens.to_string()))
}

/// `#[serde(rename = "x")]`.
pub(super) fn rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") && meta.input.peek(syn::Token![=]) {
                let lit: syn::LitStr = meta.value()?.parse()?;
                found = Some(lit.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _ = meta.parse_nested_meta(|inner| {
                    if inner.input.peek(syn::Token![=]) {
                        let _: syn::Expr = inner.value()?.parse()?;
                    }
                    Ok(())
                });
            }
            Ok(())
        });
    }
    found
}

/// Wrappers that hold another type: a field of `Option<Vec<T>>` is `T` inside `[Option, Vec]`.
const WRAPPERS: &[&str] = &[
    "Option", "Vec", "Box", "HashMap", "BTreeMap", "HashSet", "BTreeSet", "Result",
];

/// The wrappers around a type and the path of the type they hold (if it is not a primitive
/// or a `std` type).
pub(super) fn leaf(ty: &syn::Type) -> (Vec<String>, Option<Vec<String>>) {
    let mut shape = Vec::new();
    let mut current = ty.clone();
    loop {
        let syn::Type::Path(p) = &current else {
            if let syn::Type::Reference(r) = &current {
                current = (*r.elem).clone();
                continue;
            }
            return (shape, None);
        };
        let Some(last) = p.path.segments.last() else {
            return (shape, None);
        };
        let name = last.ident.to_string();
        if WRAPPERS.contains(&name.as_str()) {
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return (shape, None);
            };
            let inner = args.args.iter().filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            });
            let held = if name == "Result" {
                inner.into_iter().next()
            } else {
                inner.last()
            };
            let Some(held) = held else {
                return (shape, None);
            };
            shape.push(name);
            current = held;
            continue;
        }
        if p.path.leading_colon.is_some() {
            return (shape, None);
        }
        let segments = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        return (shape, Some(segments));
    }
}

/// The item path of an impl's self type, resolved from `module` (`super::X`, `crate::a::X`).
pub(super) fn type_path(module: &[String], ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(p) = ty else { return None };
    if p.path.leading_colon.is_some() {
        return None;
    }
    let mut base = module.to_vec();
    let mut rest = Vec::new();
    for (i, seg) in p.path.segments.iter().enumerate() {
        match seg.ident.to_string().as_str() {
            "super" if i == rest.len() => {
                base.pop();
            }
            "crate" if i == 0 => base.clear(),
            "self" if i == 0 => {}
            name => rest.push(name.to_owned()),
        }
    }
    Some(key(&base, &rest.join("::")))
}

/// `pub use a::{B, C as D}` → `(B, a::B)`, `(D, a::C)`; a glob is `(*, a)`.
pub(super) fn uses(tree: &syn::UseTree, prefix: String, out: &mut Vec<(String, String)>) {
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}::{name}")
        }
    };
    match tree {
        syn::UseTree::Path(p) => uses(&p.tree, join(&p.ident.to_string()), out),
        syn::UseTree::Name(n) => out.push((n.ident.to_string(), join(&n.ident.to_string()))),
        syn::UseTree::Rename(r) => out.push((r.rename.to_string(), join(&r.ident.to_string()))),
        syn::UseTree::Glob(_) => out.push(("*".to_owned(), prefix)),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| uses(t, prefix.clone(), out)),
    }
}

pub(super) fn tokens(t: &impl ToTokens) -> String {
    compact(t.to_token_stream().to_string())
}

/// A const's or static's type, with an array's length left out (it is part of the value:
/// a table of operations grows with the spec).
pub(super) fn type_tokens(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Array(a) => format!("[{}; _]", tokens(&a.elem)),
        other => tokens(other),
    }
}

pub(super) fn value_tokens(ty: &syn::Type, expr: &syn::Expr) -> String {
    match ty {
        syn::Type::Array(a) => format!("[_; {}] = {}", tokens(&a.len), tokens(expr)),
        _ => tokens(expr),
    }
}

/// Token text as people write it: `proc_macro2`'s spaces kept only between two words (and
/// after `,` and `:`, around `->` and `=`), well-known `std` paths shortened.
pub(super) fn compact(text: String) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '\'' || c == '"';
    let chars: Vec<char> = text.chars().collect();
    let mut s = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c != ' ' {
            s.push(c);
            continue;
        }
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let keep = match (before, after) {
            (Some(b), Some(a)) if word(b) && word(a) => true,
            (Some(','), _) | (_, Some('=')) | (Some('='), _) => true,
            (Some(':'), Some(a)) => a != ':' && i >= 2 && chars[i - 2] != ':',
            (Some('-'), Some('>')) => false,
            (_, Some('-')) => chars.get(i + 2) == Some(&'>'),
            (Some('>'), _) => i >= 2 && chars[i - 2] == '-',
            _ => false,
        };
        if keep {
            s.push(' ');
        }
    }
    for (long, short) in [
        ("::std::option::Option", "Option"),
        ("::std::string::String", "String"),
        ("::std::vec::Vec", "Vec"),
        ("::std::collections::HashMap", "HashMap"),
        ("::std::collections::BTreeMap", "BTreeMap"),
        ("::std::boxed::Box", "Box"),
        ("::std::convert::", ""),
        ("std::convert::", ""),
        ("::std::fmt::", "fmt::"),
        ("std::fmt::", "fmt::"),
    ] {
        s = s.replace(long, short);
    }
    s
}

/// The item path of `name` declared in `module` (`a::b::Name`, or `Name` at the root).
pub(super) fn key(module: &[String], name: &str) -> String {
    if module.is_empty() {
        name.to_owned()
    } else {
        format!("{}::{name}", module.join("::"))
    }
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn signatures_read_as_written() {
        let cases = [
            (
                ":: std :: option :: Option < :: std :: string :: String >",
                "Option<String>",
            ),
            (
                "pub fn id < V > (mut self , value : V) -> Self where V : std :: convert :: TryInto < uuid :: Uuid >",
                "pub fn id<V>(mut self, value: V) -> Self where V: TryInto<uuid::Uuid>",
            ),
            ("& 'a str", "&'a str"),
            ("[sdk_auth :: Operation ; _]", "[sdk_auth::Operation;_]"),
        ];
        for (tokens, want) in cases {
            assert_eq!(compact(tokens.to_owned()), want);
        }
    }
}
