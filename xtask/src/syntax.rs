//! Reading progenitor's output as syntax: the type arguments of a path such as
//! `Result<ResponseValue<T>, Error<E>>` or a `TryInto<T>` bound.

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
