//! Reading progenitor's output as syntax: the type arguments of a path such as
//! `Result<ResponseValue<T>, Error<E>>` or a `TryInto<T>` bound, the operation a `send`
//! body belongs to, and the items of a top-level module.

use syn::visit::{self, Visit};

/// The items of the inline module `name` at the top of `file` (`builder`, `types`, …).
pub(crate) fn module<'a>(file: &'a syn::File, name: &str) -> Option<&'a [syn::Item]> {
    file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| &items[..]),
        _ => None,
    })
}

/// The `index`th type argument of `path` if its last segment is `name`.
pub(crate) fn path_generic_arg(path: &syn::Path, name: &str, index: usize) -> Option<syn::Type> {
    let last = path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .nth(index)
}

/// The `index`th type argument of `ty` if it is a path whose last segment is `name`.
pub(crate) fn generic_arg(ty: &syn::Type, name: &str, index: usize) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    path_generic_arg(&p.path, name, index)
}

/// The last path segment's name of a type (`types::Page` → `Page`, `builder::X<'_>` → `X`).
pub(crate) fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The operation id of a generated `send` body: the string `operation_id` of its
/// `OperationInfo { operation_id: "..." }`.
pub(crate) fn operation_id(block: &syn::Block) -> Option<String> {
    struct Find(Option<String>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
            if s.path
                .segments
                .last()
                .is_some_and(|l| l.ident == "OperationInfo")
            {
                self.0 = s
                    .fields
                    .iter()
                    .find_map(|field| match (&field.member, &field.expr) {
                        (
                            syn::Member::Named(name),
                            syn::Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Str(id),
                                ..
                            }),
                        ) if name == "operation_id" => Some(id.value()),
                        _ => None,
                    });
            }
            visit::visit_expr_struct(self, s);
        }
    }
    let mut find = Find(None);
    find.visit_block(block);
    find.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_type_arguments_and_operation_ids() {
        let ty: syn::Type = syn::parse_quote!(Result<ResponseValue<types::Thing>, Error<()>>);
        let inner = generic_arg(&ty, "Result", 0).unwrap();
        let thing = generic_arg(&inner, "ResponseValue", 0).unwrap();
        assert_eq!(
            quote::ToTokens::to_token_stream(&thing).to_string(),
            "types :: Thing"
        );
        assert!(generic_arg(&ty, "Option", 0).is_none());

        let block: syn::Block = syn::parse_quote!({
            let info = OperationInfo {
                operation_id: "get_thing",
            };
            client.exec(request, &info).await
        });
        assert_eq!(operation_id(&block).as_deref(), Some("get_thing"));
        assert_eq!(operation_id(&syn::parse_quote!({ send() })), None);
    }
}
