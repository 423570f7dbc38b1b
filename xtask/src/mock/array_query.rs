//! progenitor's mocks match a query parameter with `query_param(name, value.to_string())`,
//! which does not compile for an array parameter (`Vec<T>` has no `Display`). The client sends
//! an array as the name repeated, once per item (`ids=1&ids=2`), so the mock matches each item
//! as its own pair: `value.iter().fold(when, |when, item| when.query_param(name, item.to_string()))`.

use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};

/// Rewrites the array query matchers of every mock method; returns how many.
pub fn rewrite(file: &mut syn::File) -> usize {
    let mut methods = Methods::default();
    methods.visit_file_mut(file);
    methods.rewritten
}

#[derive(Default)]
struct Methods {
    rewritten: usize,
}

impl VisitMut for Methods {
    fn visit_impl_item_fn_mut(&mut self, method: &mut syn::ImplItemFn) {
        visit_mut::visit_impl_item_fn_mut(self, method);
        let mut vec = MentionsVec(false);
        vec.visit_signature(&method.sig);
        if vec.0 {
            let mut calls = QueryCalls(0);
            calls.visit_block_mut(&mut method.block);
            self.rewritten += calls.0;
        }
    }
}

/// Whether a signature names `Vec` (the parameter's type or its `Into<Option<&Vec<_>>>` bound).
struct MentionsVec(bool);

impl Visit<'_> for MentionsVec {
    fn visit_path_segment(&mut self, segment: &syn::PathSegment) {
        self.0 |= segment.ident == "Vec";
        visit::visit_path_segment(self, segment);
    }
}

/// `X.query_param(name, value.to_string())` → one `query_param` per item of `value`.
struct QueryCalls(usize);

impl VisitMut for QueryCalls {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::MethodCall(call) = expr else {
            return;
        };
        if call.method != "query_param"
            || call.args.len() != 2
            || !is_value_to_string(&call.args[1])
        {
            return;
        }
        let when = &call.receiver;
        let name = &call.args[0];
        *expr = syn::parse_quote! {
            value.iter().fold(#when, |when, item| when.query_param(#name, item.to_string()))
        };
        self.0 += 1;
    }
}

/// `value.to_string()`.
fn is_value_to_string(arg: &syn::Expr) -> bool {
    matches!(arg, syn::Expr::MethodCall(call)
        if call.method == "to_string"
            && call.args.is_empty()
            && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("value")))
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    #[test]
    fn array_parameters_match_each_item_and_scalars_stay() {
        let mut file: syn::File = syn::parse_quote! {
            impl ListWhen {
                pub fn expand<'a, T>(self, value: T) -> Self
                where
                    T: Into<Option<&'a ::std::vec::Vec<::std::string::String>>>,
                {
                    if let Some(value) = value.into() {
                        Self(self.0.query_param("expand", value.to_string()))
                    } else {
                        Self(self.0.query_param_missing("expand"))
                    }
                }
                pub fn ids(self, value: &::std::vec::Vec<i64>) -> Self {
                    Self(self.0.query_param("ids", value.to_string()))
                }
                pub fn limit(self, value: i64) -> Self {
                    Self(self.0.query_param("limit", value.to_string()))
                }
            }
        };
        assert_eq!(rewrite(&mut file), 2);
        let text = file.to_token_stream().to_string();
        for name in ["\"expand\"", "\"ids\""] {
            assert!(
                text.contains(&format!(
                    "value . iter () . fold (self . 0 , | when , item | when . query_param ({name} , item . to_string ()))"
                )),
                "{text}"
            );
        }
        assert!(
            text.contains("self . 0 . query_param (\"limit\" , value . to_string ())"),
            "{text}"
        );
        assert!(text.contains("query_param_missing (\"expand\")"), "{text}");
    }
}
