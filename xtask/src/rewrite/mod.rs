//! The one stage that edits progenitor's output. A client module's code is parsed once into a
//! `syn::File`, and [`PASSES`], in order, edit it: each matches on syntax (never on printed
//! text), counts what it changed, and turns an expected target it cannot find into an error
//! finding (`rewrite-target-missing`) naming the pass and the item. A progenitor upgrade that
//! moves a target therefore fails generation instead of silently dropping the edit, and every
//! crate's `NORMALISATION.md` lists the passes that changed its code.

mod api_version;
mod base_url;
mod bodies;
mod call_options;
pub mod decimal;
mod doc_examples;
pub mod feature_groups;
mod hooks;
mod null_as_empty;
mod paginate;
mod path_encoding;
mod rare_methods;
mod statuses;

use std::fmt;

use serde_json::Value;

use crate::config::{ApiConfig, Service};
use crate::finding::{Finding, Findings, Severity};
use crate::{names, walk};

/// What passes may read besides the code.
pub struct Input<'a> {
    /// The API's settings.
    pub config: &'a ApiConfig,
    /// The service this module is generated for.
    pub service: &'a Service,
    /// The service's normalised document (its operations only).
    pub doc: &'a Value,
    /// The whole normalised document (its `servers`).
    pub whole: &'a Value,
    /// How users name the client's module (`obi_api`, `bridge_api::baas`).
    pub crate_path: &'a str,
}

/// One edit of progenitor's output.
pub struct Pass {
    /// Stable kebab-case name, as reports and findings show it.
    pub name: &'static str,
    /// What it changes, one line.
    pub what: &'static str,
    /// Why, one line.
    pub why: &'static str,
    /// Edits the file; the number of edits, or error findings for targets not found.
    run: fn(&mut syn::File, &Input<'_>) -> Result<usize, Findings>,
}

/// Every pass, in the order they run.
pub const PASSES: &[Pass] = &[
    rare_methods::PASS,
    bodies::PASS,
    statuses::PASS,
    api_version::PASS,
    path_encoding::PASS,
    null_as_empty::PASS,
    doc_examples::PASS,
    decimal::PASS,
    base_url::PASS,
    hooks::PASS,
    call_options::PASS,
    paginate::PASS,
    feature_groups::PASS,
];

/// The edited code of one module and what was done to it.
pub struct Rewritten {
    /// The edited code.
    pub file: syn::File,
    /// Edits per pass.
    pub summary: Summary,
    /// Whether the code has decimal fields (the crate then needs `rust_decimal` and its
    /// `decimal_json` module).
    pub uses_decimal: bool,
    /// Whether the code sends multipart forms (reqwest's `multipart` feature).
    pub uses_multipart: bool,
}

/// Runs every pass over `file`. All passes run, so every missing target is reported at once.
///
/// # Errors
/// The findings of every pass that did not find what it edits.
pub fn run(mut file: syn::File, input: &Input<'_>) -> Result<Rewritten, Findings> {
    let mut findings = Findings::default();
    let mut summary = Summary::default();
    for (count, pass) in summary.counts.iter_mut().zip(PASSES) {
        match (pass.run)(&mut file, input) {
            Ok(edits) => *count = edits,
            Err(f) => findings.extend(f),
        }
    }
    if findings.has_errors() {
        return Err(findings);
    }
    Ok(Rewritten {
        file,
        uses_decimal: summary.edits(decimal::PASS.name) > 0,
        uses_multipart: bodies::uses_multipart(input.doc),
        summary,
    })
}

/// How many edits each pass made (of one module, or summed over a crate's modules).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Per pass, in [`PASSES`] order.
    counts: Vec<usize>,
}

impl Default for Summary {
    fn default() -> Self {
        Summary {
            counts: vec![0; PASSES.len()],
        }
    }
}

impl Summary {
    /// Adds another module's edits.
    pub fn add(&mut self, other: &Summary) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
    }

    /// The edits of the pass called `name`.
    pub fn edits(&self, name: &str) -> usize {
        PASSES
            .iter()
            .position(|p| p.name == name)
            .map_or(0, |i| self.counts[i])
    }

    /// The passes that changed something, in order, with their edit counts.
    pub fn changed(&self) -> impl Iterator<Item = (&'static Pass, usize)> + '_ {
        PASSES
            .iter()
            .zip(self.counts.iter().copied())
            .filter(|(_, n)| *n > 0)
    }
}

impl fmt::Display for Summary {
    /// `api-version 12, path-encoding 1, …` (passes with no edit left out).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .changed()
            .map(|(pass, n)| format!("{} {n}", pass.name))
            .collect();
        if parts.is_empty() {
            f.write_str("no edits")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// An error for a target `pass` expected and did not find: `pointer` locates the operation
/// (empty for the module as a whole), `item` names the code it looked in.
fn missing(pass: &Pass, pointer: &str, item: &str, what: &str) -> Finding {
    Finding::at(
        Severity::Error,
        "rewrite-target-missing",
        pointer,
        format!(
            "rewrite pass `{}`, {item}: {what}; progenitor's output no longer has the shape this pass edits (update xtask/src/rewrite/)",
            pass.name
        ),
    )
}

/// One operation of the module's document.
struct Operation {
    /// Its Rust name, as progenitor's `OperationInfo` carries it.
    id: String,
    /// Its JSON pointer.
    pointer: String,
    /// Lower-case HTTP method.
    method: &'static str,
}

fn operations(doc: &Value) -> Vec<Operation> {
    walk::operations(doc)
        .into_iter()
        .map(|op| Operation {
            id: names::sanitize_snake(
                doc.pointer(&op.pointer)
                    .and_then(|o| o.get("operationId"))
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            ),
            pointer: op.pointer,
            method: op.method,
        })
        .collect()
}

/// Every builder's `send` method with the operation id its `OperationInfo` names.
fn sends(file: &mut syn::File) -> Vec<(String, &mut syn::ImplItemFn)> {
    file.items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .flat_map(|(_, items)| items.iter_mut())
        .filter_map(|item| match item {
            syn::Item::Impl(block) => Some(block),
            _ => None,
        })
        .flat_map(|block| block.items.iter_mut())
        .filter_map(|member| match member {
            syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
            _ => None,
        })
        .filter_map(|f| Some((crate::syntax::operation_id(&f.block)?, f)))
        .collect()
}

/// The items of the module `name` at the top of `file`.
fn module_items<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Whether a path's segments are `expected` (leading `::` ignored).
fn path_is(path: &syn::Path, expected: &[&str]) -> bool {
    path.segments.len() == expected.len()
        && path
            .segments
            .iter()
            .zip(expected)
            .all(|(s, e)| s.ident == e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What progenitor would give a one-operation document, with or without the targets the
    /// passes edit.
    fn client(with_targets: bool) -> syn::File {
        let (import, header, example) = if with_targets {
            (
                quote::quote!(
                    use progenitor_client::{
                        encode_path, ClientHooks, OperationInfo, RequestBuilderExt,
                    };
                ),
                quote::quote!(header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(Client::api_version()),
                );),
                "Gets a thing\n\n```ignore\nlet response = client.get_thing()\n    .send()\n    .await;\n```",
            )
        } else {
            (
                quote::quote!(
                    use progenitor_client::{ClientHooks, OperationInfo, RequestBuilderExt};
                ),
                quote::quote!(),
                "Gets a thing",
            )
        };
        syn::parse_quote! {
            #import
            impl Client {
                #[doc = #example]
                pub fn get_thing(&self) -> builder::GetThing<'_> { builder::GetThing::new(self) }
            }
            pub mod builder {
                impl<'a> GetThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                        #header
                        let info = OperationInfo { operation_id: "get_thing" };
                        todo!()
                    }
                }
            }
        }
    }

    fn rewrite(file: syn::File) -> Result<Rewritten, Findings> {
        let doc = json!({"openapi": "3.0.3", "paths": {"/things": {"get": {"operationId": "getThing",
            "responses": {"204": {"description": "none"}}}}}});
        let config = ApiConfig::standalone("things");
        let service = Service::whole();
        run(
            file,
            &Input {
                config: &config,
                service: &service,
                doc: &doc,
                whole: &doc,
                crate_path: "things",
            },
        )
    }

    #[test]
    fn each_pass_counts_what_it_changed() {
        let rewritten = rewrite(client(true)).unwrap();
        assert_eq!(
            rewritten.summary.to_string(),
            "api-version 1, path-encoding 1, doc-examples 1, base-url 1"
        );
    }

    #[test]
    fn a_missing_target_is_an_error_naming_the_pass_and_the_item() {
        let findings = rewrite(client(false)).err().expect("targets are missing");
        let text = findings.to_string();
        for expected in [
            "error[rewrite-target-missing] #/paths/~1things/get: rewrite pass `api-version`, `send` of `get_thing`",
            "error[rewrite-target-missing] #: rewrite pass `path-encoding`, `use progenitor_client::{…}`",
            "error[rewrite-target-missing] #/paths/~1things/get: rewrite pass `doc-examples`, `Client::get_thing`",
        ] {
            assert!(text.contains(expected), "{expected}\nmissing from:\n{text}");
        }
    }

    #[test]
    fn pass_names_are_unique_and_described() {
        let mut names: Vec<&str> = PASSES.iter().map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PASSES.len());
        for pass in PASSES {
            assert!(
                !pass.what.is_empty() && !pass.why.is_empty(),
                "{}",
                pass.name
            );
        }
    }

    #[test]
    fn summaries_add_up_and_print_what_changed() {
        let mut a = Summary::default();
        a.counts[0] = 2;
        let mut b = Summary::default();
        b.counts[0] = 1;
        b.counts[2] = 4;
        a.add(&b);
        assert_eq!(a.edits(PASSES[0].name), 3);
        assert_eq!(
            a.to_string(),
            format!("{} 3, {} 4", PASSES[0].name, PASSES[2].name)
        );
        assert_eq!(Summary::default().to_string(), "no edits");
    }
}
