//! Locating what progenitor rejects or panics on. progenitor reports neither where nor why
//! (`type error…`, a `todo!` deep in typify); when it fails on a normalised document, the
//! component schemas and then the operations are bisected to the smallest set it fails on,
//! and only those are given up: a schema becomes untyped JSON, an operation is left out.

use serde_json::{Value, json};

use crate::degrade::{self, Omitted};
use crate::finding::{Findings, Severity};
use crate::pointer;
use crate::progenitor;
use crate::services;
use crate::walk;

/// Rounds of locate-and-repair before giving up (each removes at least one culprit).
const MAX_ROUNDS: usize = 24;

/// Whether progenitor generates `doc` without an error or a panic.
fn generates(doc: &Value, auth: bool) -> Result<(), String> {
    let spec = progenitor::parse(doc).map_err(|f| f.to_string())?;
    progenitor::generate(&spec, auth).map(|_| ()).map_err(|f| {
        f.sorted()
            .first()
            .map(|f| f.message.clone())
            .unwrap_or_default()
    })
}

/// The document with its operations reduced to `ops` (pointers), components pruned as the
/// emitter prunes them.
fn with_operations(doc: &Value, ops: &[String]) -> Value {
    services::subset(doc, ops)
}

/// The document with no operations and the schemas not in `active` replaced by `{}`.
fn with_schemas(doc: &Value, all: &[String], active: &[String]) -> Value {
    let mut out = doc.clone();
    out["paths"] = json!({});
    for name in all.iter().filter(|n| !active.contains(n)) {
        if let Some(s) = out.pointer_mut(&pointer::join("/components/schemas", name)) {
            *s = json!({});
        }
    }
    out
}

/// Makes `doc` generate by giving up the fewest schemas and operations; reports each with a
/// located `progenitor-rejected` warning. Returns the operations left out, or an error
/// finding if the document still does not generate.
pub fn repair(doc: &mut Value, auth: bool, out: &mut Findings) -> Result<Vec<Omitted>, Findings> {
    let mut omitted = Vec::new();
    let schemas: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for _ in 0..MAX_ROUNDS {
        let Err(message) = generates(&with_schemas(doc, &schemas, &schemas), auth) else {
            break;
        };
        let mut fails =
            |active: &[String]| generates(&with_schemas(doc, &schemas, active), auth).is_err();
        let culprits = locate(&schemas, &[], &mut fails);
        if culprits.is_empty() || culprits.len() == schemas.len() {
            return Err(unlocated(message));
        }
        for name in culprits {
            let at = pointer::join("/components/schemas", &name);
            if let Some(s) = doc.pointer_mut(&at) {
                *s = json!({});
            }
            out.add(Severity::Warning, "progenitor-rejected", &at, format!("progenitor fails on this schema ({message}); it is generated as untyped JSON (`serde_json::Value`). Rewrite it with a fix to type it"));
        }
    }
    for _ in 0..MAX_ROUNDS {
        let ops: Vec<walk::OperationRef> = walk::operations(doc);
        let pointers: Vec<String> = ops.iter().map(|o| o.pointer.clone()).collect();
        let Err(message) = generates(&with_operations(doc, &pointers), auth) else {
            return Ok(omitted);
        };
        let mut fails = |active: &[String]| generates(&with_operations(doc, active), auth).is_err();
        let culprits = locate(&pointers, &[], &mut fails);
        if culprits.is_empty() {
            return Err(unlocated(message));
        }
        for op in ops.iter().filter(|o| culprits.contains(&o.pointer)) {
            out.add(
                Severity::Warning,
                "progenitor-rejected",
                &op.pointer,
                format!("progenitor fails on this operation ({message})"),
            );
            let reason = vec![format!("progenitor-rejected at #{}", op.pointer)];
            omitted.push(degrade::omit(doc, op, reason, out));
        }
    }
    let pointers: Vec<String> = walk::operations(doc)
        .into_iter()
        .map(|o| o.pointer)
        .collect();
    match generates(&with_operations(doc, &pointers), auth) {
        Ok(()) => Ok(omitted),
        Err(message) => Err(unlocated(message)),
    }
}

fn unlocated(message: String) -> Findings {
    let mut f = Findings::default();
    f.add(Severity::Error, "progenitor", "", format!("progenitor rejects the normalised document and bisecting over schemas and operations did not isolate the cause: {message}"));
    f
}

/// The smallest subset of `items` that, together with `base`, still fails (`fails` holds for
/// `base` + `items`). Halves are tried alone first; when neither fails alone, the culprits
/// are split across them and each half is searched with the other as context.
fn locate(
    items: &[String],
    base: &[String],
    fails: &mut dyn FnMut(&[String]) -> bool,
) -> Vec<String> {
    if items.len() <= 1 {
        return items.to_vec();
    }
    let (a, b) = items.split_at(items.len() / 2);
    let with = |part: &[String], base: &[String]| -> Vec<String> {
        base.iter().chain(part).cloned().collect()
    };
    if fails(&with(a, base)) {
        return locate(a, base, fails);
    }
    if fails(&with(b, base)) {
        return locate(b, base, fails);
    }
    let in_a = locate(a, &with(b, base), fails);
    let in_b = locate(b, &with(&in_a, base), fails);
    in_a.into_iter().chain(in_b).collect()
}
