//! progenitor documents every operation with an ```` ```ignore ```` example (`client.op()
//! .param(param).send().await`), which `cargo test` lists as an ignored test. This rewrites each
//! into a `no_run` example that compiles: hidden lines declare `client` and every argument with
//! the type its builder setter takes, so a renamed setter or a changed type breaks the doc test.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

use super::{Input, Pass, missing, operations};
use crate::finding::Findings;
use crate::syntax::{path_generic_arg, type_name};

pub const PASS: Pass = Pass {
    name: "doc-examples",
    what: "each operation's ```` ```ignore ```` example becomes a `no_run` example that compiles (or plain text if it cannot)",
    why: "an ignored doc test is reported as ignored and never checked; a compiling one breaks when a setter or type changes",
    run,
};

/// Rewrites the operation examples of one generated client. Every operation method of
/// `Client` must carry one.
fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    let setters = setter_types(file, input.crate_path);
    let mut rewriter = Rewriter {
        crate_path: input.crate_path,
        setters: &setters,
        rewritten: 0,
        without_example: Vec::new(),
    };
    rewriter.visit_file_mut(file);
    if rewriter.without_example.is_empty() {
        return Ok(rewriter.rewritten);
    }
    let ops = operations(input.doc);
    let mut findings = Findings::default();
    for method in &rewriter.without_example {
        let pointer = ops
            .iter()
            .find(|op| op.id == *method)
            .map_or("", |op| op.pointer.as_str());
        findings.push(missing(
            &PASS,
            pointer,
            &format!("`Client::{method}`"),
            "its doc comment has no ```` ```ignore ```` example",
        ));
    }
    Err(findings)
}

/// `(builder struct, setter)` → the type the setter converts its argument into, as a path
/// valid outside the crate.
type Setters = BTreeMap<(String, String), String>;

fn setter_types(file: &syn::File, crate_path: &str) -> Setters {
    let mut out = Setters::new();
    let Some(builder) = crate::syntax::module(file, "builder") else {
        return out;
    };
    for item in builder {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(owner) = type_name(&block.self_ty) else {
            continue;
        };
        for member in &block.items {
            let syn::ImplItem::Fn(setter) = member else {
                continue;
            };
            if let Some(mut ty) = converted_into(setter) {
                Absolute(crate_path).visit_type_mut(&mut ty);
                let text = ty.to_token_stream().to_string();
                out.insert((owner.clone(), setter.sig.ident.to_string()), text);
            }
        }
    }
    out
}

/// `T` of the setter's `where V: TryInto<T>` bound.
fn converted_into(setter: &syn::ImplItemFn) -> Option<syn::Type> {
    let predicates = &setter.sig.generics.where_clause.as_ref()?.predicates;
    predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(bound) = predicate else {
            return None;
        };
        bound.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(t) = b else {
                return None;
            };
            path_generic_arg(&t.path, "TryInto", 0)
        })
    })
}

/// Prefixes paths that start at the generated module's `types` with `crate_path`.
struct Absolute<'a>(&'a str);

impl VisitMut for Absolute<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_none() && path.segments.first().is_some_and(|s| s.ident == "types")
        {
            let prefix: syn::Path = syn::parse_str(self.0).expect("a crate path parses");
            let mut absolute = prefix.segments;
            absolute.extend(std::mem::take(&mut path.segments));
            path.segments = absolute;
            path.leading_colon = Some(Default::default());
        }
        visit_mut::visit_path_mut(self, path);
    }
}

struct Rewriter<'a> {
    crate_path: &'a str,
    setters: &'a Setters,
    /// Examples rewritten.
    rewritten: usize,
    /// Operation methods (returning a `builder::` type) whose docs have no example.
    without_example: Vec<String>,
}

impl VisitMut for Rewriter<'_> {
    fn visit_impl_item_fn_mut(&mut self, method: &mut syn::ImplItemFn) {
        let syn::ReturnType::Type(_, output) = &method.sig.output else {
            return;
        };
        let Some(builder) = type_name(output) else {
            return;
        };
        let operation = matches!(output.as_ref(), syn::Type::Path(p)
            if p.path.segments.first().is_some_and(|s| s.ident == "builder"));
        let before = self.rewritten;
        for attr in &mut method.attrs {
            let syn::Meta::NameValue(doc) = &mut attr.meta else {
                continue;
            };
            if !doc.path.is_ident("doc") {
                continue;
            }
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) = &doc.value
            else {
                continue;
            };
            if let Some(rewritten) = self.example(&text.value(), &builder) {
                doc.value = syn::parse_quote!(#rewritten);
                self.rewritten += 1;
            }
        }
        if operation && self.rewritten == before {
            self.without_example.push(method.sig.ident.to_string());
        }
    }

    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        // The `builder` and `types` modules hold no operation examples.
        if module.ident != "builder" && module.ident != "types" {
            visit_mut::visit_item_mod_mut(self, module);
        }
    }
}

impl Rewriter<'_> {
    /// `doc` with its ```` ```ignore ```` example made a compiling `no_run` one; `None` if it
    /// has none. An example naming a setter the builder lacks becomes plain text (shown, not
    /// tested), so no test is ever reported as ignored.
    fn example(&self, doc: &str, builder: &str) -> Option<String> {
        const OPEN: &str = "```ignore\n";
        let start = doc.find(OPEN)?;
        let body_start = start + OPEN.len();
        let body_len = doc[body_start..].find("```")?;
        let body = &doc[body_start..body_start + body_len];
        let (before, after) = (&doc[..start], &doc[body_start + body_len..]);
        match self.parameters(body, builder) {
            Some(params) => Some(format!(
                "{before}```no_run\n# async fn example({params}) {{\n{body}# let _ = response;\n# }}\n{after}"
            )),
            None => Some(format!("{before}```text\n{body}{after}")),
        }
    }

    /// `client: &path::Client, arg: Type, ...` for the setters the example calls.
    fn parameters(&self, body: &str, builder: &str) -> Option<String> {
        let mut params = vec![format!("client: &{}::Client", self.crate_path)];
        for line in body.lines() {
            let Some(call) = line.trim().strip_prefix('.') else {
                continue;
            };
            let name = call.split('(').next().unwrap_or_default();
            if name == "send" || name.starts_with("await") {
                continue;
            }
            let ty = self.setters.get(&(builder.to_owned(), name.to_owned()))?;
            params.push(format!("{name}: {}", ty.replace(' ', "")));
        }
        Some(params.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;

    /// The doc string of method `name` of the first `impl` block.
    fn doc_of(file: &syn::File, name: &str) -> Option<String> {
        let block = file.items.iter().find_map(|item| match item {
            syn::Item::Impl(block) => Some(block),
            _ => None,
        })?;
        block.items.iter().find_map(|member| match member {
            syn::ImplItem::Fn(f) if f.sig.ident == name => {
                f.attrs.iter().find_map(|a| match &a.meta {
                    syn::Meta::NameValue(syn::MetaNameValue {
                        value:
                            syn::Expr::Lit(syn::ExprLit {
                                lit: syn::Lit::Str(s),
                                ..
                            }),
                        ..
                    }) => Some(s.value()),
                    _ => None,
                })
            }
            _ => None,
        })
    }

    fn client(doc: &str) -> TokenStream {
        quote::quote! {
            impl Client {
                #[doc = #doc]
                pub fn get_thing(&self) -> builder::GetThing<'_> { builder::GetThing::new(self) }
            }
            pub mod builder {
                use super::types;
                impl<'a> GetThing<'a> {
                    pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<::uuid::Uuid> { self }
                    pub fn body<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<types::Thing>,
                        <V as std::convert::TryInto<types::Thing>>::Error: std::fmt::Display,
                    { self }
                }
            }
        }
    }

    fn rewritten(doc: &str) -> String {
        let mut file: syn::File = syn::parse2(client(doc)).unwrap();
        let setters = setter_types(&file, "my_api::svc");
        let mut rewriter = Rewriter {
            crate_path: "my_api::svc",
            setters: &setters,
            rewritten: 0,
            without_example: Vec::new(),
        };
        rewriter.visit_file_mut(&mut file);
        assert!(rewriter.without_example.is_empty());
        doc_of(&file, "get_thing").unwrap()
    }

    #[test]
    fn an_operation_without_an_example_is_reported() {
        let mut file: syn::File = syn::parse2(client("Gets a thing")).unwrap();
        let setters = setter_types(&file, "my_api::svc");
        let mut rewriter = Rewriter {
            crate_path: "my_api::svc",
            setters: &setters,
            rewritten: 0,
            without_example: Vec::new(),
        };
        rewriter.visit_file_mut(&mut file);
        assert_eq!(rewriter.without_example, ["get_thing"]);
    }

    #[test]
    fn ignore_examples_become_compiling_no_run_examples() {
        let doc = "Gets a thing\n\n```ignore\nlet response = client.get_thing()\n    .id(id)\n    .body(body)\n    .send()\n    .await;\n```";
        assert_eq!(
            rewritten(doc),
            "Gets a thing\n\n```no_run\n# async fn example(client: &my_api::svc::Client, id: ::uuid::Uuid, body: ::my_api::svc::types::Thing) {\nlet response = client.get_thing()\n    .id(id)\n    .body(body)\n    .send()\n    .await;\n# let _ = response;\n# }\n```"
        );
    }

    #[test]
    fn an_example_naming_an_unknown_setter_becomes_text() {
        let doc = "```ignore\nlet response = client.get_thing()\n    .nope(nope)\n    .send()\n    .await;\n```";
        assert_eq!(rewritten(doc), doc.replace("```ignore", "```text"));
    }
}
