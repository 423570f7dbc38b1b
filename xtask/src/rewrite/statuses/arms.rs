//! The arms of `send`'s `match response.status().as_u16()`: progenitor's arms of a group are
//! replaced by one arm per recorded status.

use syn::visit_mut::{self, VisitMut};

use crate::normalise::Group;

/// Puts `arms` first in `send`'s `match response.status().as_u16()` (single codes before
/// classes), in place of progenitor's arms of the `replaced` groups.
pub fn replace(
    send: &mut syn::ImplItemFn,
    replaced: &[Group],
    arms: Vec<syn::Arm>,
) -> Result<(), String> {
    let mut edit = MatchArms {
        replaced,
        arms,
        done: false,
    };
    edit.visit_impl_item_fn_mut(send);
    if edit.done {
        Ok(())
    } else {
        Err("no `match response.status().as_u16()` to decode the statuses in".into())
    }
}

struct MatchArms<'a> {
    replaced: &'a [Group],
    arms: Vec<syn::Arm>,
    done: bool,
}

impl VisitMut for MatchArms<'_> {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        let on_status = matches!(m.expr.as_ref(), syn::Expr::MethodCall(c) if c.method == "as_u16");
        if on_status && !self.done {
            let rest: Vec<syn::Arm> = std::mem::take(&mut m.arms)
                .into_iter()
                .filter(|a| group(&a.pat).is_none_or(|g| !self.replaced.contains(&g)))
                .collect();
            let (codes, ranges): (Vec<syn::Arm>, Vec<syn::Arm>) = self
                .arms
                .drain(..)
                .partition(|a| !matches!(a.pat, syn::Pat::Range(_)));
            m.arms = codes.into_iter().chain(ranges).chain(rest).collect();
            self.done = true;
            return;
        }
        visit_mut::visit_expr_match_mut(self, m);
    }
}

/// The group an arm's pattern belongs to: a 1xx or 2xx code or a range from 200 is a
/// success, a 4xx or 5xx code or a range from 400 or 500 an error.
fn group(pat: &syn::Pat) -> Option<Group> {
    let code = |e: &syn::Expr| match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<u16>().ok(),
        _ => None,
    };
    let (first, range) = match pat {
        syn::Pat::Lit(l) => (code(&syn::Expr::Lit(l.clone()))?, false),
        syn::Pat::Range(r) => (r.start.as_deref().and_then(code)?, true),
        _ => return None,
    };
    match first {
        200 if range => Some(Group::Success),
        100..300 if !range => Some(Group::Success),
        400 | 500 if range => Some(Group::Error),
        400..600 if !range => Some(Group::Error),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arms_are_grouped_by_their_status_pattern() {
        let pats: Vec<(syn::Pat, Option<Group>)> = vec![
            (syn::parse_quote!(200u16), Some(Group::Success)),
            (syn::parse_quote!(204u16), Some(Group::Success)),
            (syn::parse_quote!(200u16..=299u16), Some(Group::Success)),
            (syn::parse_quote!(422u16), Some(Group::Error)),
            (syn::parse_quote!(500u16..=599u16), Some(Group::Error)),
            (syn::parse_quote!(304u16), None),
            (syn::parse_quote!(_), None),
        ];
        for (pat, expected) in pats {
            assert_eq!(group(&pat), expected, "{}", quote::quote!(#pat));
        }
    }
}
