//! The normaliser: rewrites an OpenAPI 3.0 or 3.1 document into the OpenAPI 3.0.3 subset that
//! progenitor 0.15 handles, reporting every change and every problem (rule + JSON pointer).
//!
//! Whatever the document, the rules terminate: a walk of the tree recurses at most as deep as
//! the document nests ([`crate::document::MAX_DEPTH`]), a chain of references is followed at
//! most [`crate::walk::MAX_HOPS`] times (or to a depth limit of its own), and the search for
//! reference cycles (module `refs`) keeps its own stack. Cycles are reported so that typify, which
//! follows references without such limits, never sees one.

mod bodies;
mod bodiless;
mod defaults;
mod defs;
mod operations;
mod parameters;
mod refs;
mod responses;
mod schema;
mod shapes;
mod statuses;
mod toplevel;
mod untyped;

pub use bodies::BODY_EXTENSION;
pub use statuses::{Body, Group, Status, read as statuses};
pub use untyped::{DESCRIPTIONS, FILE_RULE as FILE_SUCCESS, RULE as UNTYPED_SUCCESS};

use serde_json::Value;

use crate::config::Responses;
use crate::finding::{Findings, Severity};
use crate::walk;

/// Normalises `doc` in place. The result is usable only if the findings hold no error.
pub fn normalise(doc: &mut Value) -> Findings {
    normalise_reserving(doc, &[])
}

/// [`normalise`], with `methods` reserved on the client besides progenitor's own
/// ([`crate::names::CLIENT_METHODS`]): an operation of such a name is renamed.
pub fn normalise_reserving(doc: &mut Value, methods: &[&str]) -> Findings {
    normalise_with(doc, methods, Responses::PerStatus)
}

/// [`normalise_reserving`], with several success or error responses of an operation typed
/// as `responses` says.
pub fn normalise_with(doc: &mut Value, methods: &[&str], responses: Responses) -> Findings {
    let mut out = Findings::default();
    if !doc.is_object() {
        out.add(
            Severity::Error,
            "not-an-object",
            "",
            "an OpenAPI document must be a mapping at the top level",
        );
        return out;
    }
    if !toplevel::version(doc, &mut out) {
        return out;
    }
    toplevel::normalise(doc, &mut out);
    defs::hoist(doc, &mut out);
    defs::hoist_schema_refs(doc, &mut out);
    for root in walk::schema_roots(doc) {
        if let Some(schema) = doc.pointer_mut(&root) {
            schema::normalise(&root, schema, &mut out);
        }
    }
    defs::hoist_colliding_inline_types(doc, &mut out);
    defs::split_nullable_unions(doc, &mut out);
    defaults::check(doc, &mut out);
    let reserved = [crate::names::CLIENT_METHODS, methods].concat();
    operations::normalise(doc, &reserved, responses == Responses::PerStatus, &mut out);
    // Response schemas recorded per status become components once operations have their
    // final ids; the rules for component schemas then see them too.
    if statuses::hoist(doc, &mut out) {
        defs::hoist_colliding_inline_types(doc, &mut out);
        defs::split_nullable_unions(doc, &mut out);
    }
    refs::check(doc, &mut out);
    toplevel::sort_paths(doc);
    out
}
