//! Degrading per operation: a problem in one schema or one operation costs that schema (it
//! becomes untyped JSON) or that operation (it is left out), never the whole document. Errors
//! that have such a place become warnings saying what was given up; the rest stay errors.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::finding::{Finding, Findings, Severity};
use crate::pointer;
use crate::walk;

/// An operation left out of the generated client, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Omitted {
    /// The operation's id (derived when the spec has none).
    pub operation_id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// The findings that made it impossible, as `rule at location`.
    pub reasons: Vec<String>,
}

/// What degrading did to one document.
#[derive(Debug, Default)]
pub struct Degraded {
    /// The findings, with every placed error turned into a warning.
    pub findings: Findings,
    /// Operations left out, in document order.
    pub omitted: Vec<Omitted>,
}

/// Turns each placed error into a local loss: the innermost schema holding it becomes `{}`
/// (any JSON value), an operation holding it is left out, and so is every operation that uses
/// a broken parameter, request body or response component. Errors with no such place (the
/// version, syntax, fixes) stay errors.
pub fn apply(doc: &mut Value, findings: Findings) -> Degraded {
    let roots = walk::schema_roots(doc);
    let ops = walk::operations(doc);
    let mut out = Findings::default();
    let mut culprits: Vec<(String, Finding)> = Vec::new();
    for f in findings.sorted() {
        let ptr = f.location.strip_prefix('#');
        if f.severity != Severity::Error || ptr.is_none() {
            out.push(f);
            continue;
        }
        let ptr = ptr.unwrap_or_default();
        if let Some(schema) = schema_at(&roots, ptr) {
            if let Some(node) = doc.pointer_mut(&schema) {
                *node = json!({});
            }
            out.push(warning(
                f,
                "the schema is generated as untyped JSON (`serde_json::Value`)",
            ));
        } else if let Some(op) = ops.iter().find(|o| within(ptr, &o.pointer)) {
            culprits.push((op.pointer.clone(), f));
        } else if let Some(item) = ops
            .iter()
            .find(|o| within(ptr, &pointer::join("/paths", &o.path)))
        {
            let item = pointer::join("/paths", &item.path);
            for op in ops
                .iter()
                .filter(|o| pointer::join("/paths", &o.path) == item)
            {
                culprits.push((op.pointer.clone(), f.clone()));
            }
            out.push(warning(f, "every operation of this path is left out"));
        } else if let Some(path) = ptr.strip_prefix("/paths/").filter(|p| !p.contains('/')) {
            if let Some(Value::Object(paths)) = doc.get_mut("paths") {
                paths.shift_remove(&path.replace("~1", "/").replace("~0", "~"));
            }
            out.push(warning(f, "the path item is left out"));
        } else if let Some(component) = component_at(ptr) {
            let reference = format!("#{component}");
            for op in &ops {
                if uses(doc, &op.pointer, &reference) {
                    culprits.push((op.pointer.clone(), f.clone()));
                }
            }
            out.push(warning(f, "every operation that uses it is left out"));
        } else {
            out.push(f);
        }
    }
    let mut omitted = Vec::new();
    for op in &ops {
        let reasons: Vec<&Finding> = culprits
            .iter()
            .filter(|(p, _)| *p == op.pointer)
            .map(|(_, f)| f)
            .collect();
        if reasons.is_empty() {
            continue;
        }
        for f in &reasons {
            if within(f.location.trim_start_matches('#'), &op.pointer) {
                out.push(warning((*f).clone(), "the operation is left out"));
            }
        }
        omitted.push(omit(
            doc,
            op,
            reasons
                .iter()
                .map(|f| format!("{} at {}", f.rule, f.location))
                .collect(),
            &mut out,
        ));
    }
    Degraded {
        findings: out,
        omitted,
    }
}

/// Removes one operation from the document and reports it.
pub fn omit(
    doc: &mut Value,
    op: &walk::OperationRef,
    reasons: Vec<String>,
    out: &mut Findings,
) -> Omitted {
    let operation_id = doc
        .pointer(&format!("{}/operationId", op.pointer))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let item = pointer::join("/paths", &op.path);
    if let Some(Value::Object(methods)) = doc.pointer_mut(&item) {
        methods.shift_remove(op.method);
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|m| walk::METHODS.iter().any(|k| m.contains_key(*k)))
        });
    }
    out.add(
        Severity::Warning,
        "operation-omitted",
        &op.pointer,
        format!(
            "operation `{operation_id}` ({} {}) is left out of the client because of {}; fix those findings (a fix in fixes.yaml) to generate it",
            op.method.to_uppercase(),
            op.path,
            reasons.join(", ")
        ),
    );
    Omitted {
        operation_id,
        method: op.method.to_uppercase(),
        path: op.path.clone(),
        reasons,
    }
}

fn warning(f: Finding, consequence: &str) -> Finding {
    Finding {
        severity: Severity::Warning,
        message: format!("{}; {consequence}", f.message),
        ..f
    }
}

/// Whether `ptr` is `base` or inside it.
fn within(ptr: &str, base: &str) -> bool {
    ptr == base || ptr.starts_with(&format!("{base}/"))
}

/// The innermost schema (a schema root, or a subschema reached through schema keywords) that
/// holds `ptr`.
fn schema_at(roots: &[String], ptr: &str) -> Option<String> {
    let root = roots
        .iter()
        .filter(|r| within(ptr, r))
        .max_by_key(|r| r.len())?;
    let rest = pointer::tokens(&ptr[root.len()..]).unwrap_or_default();
    let mut schema = root.clone();
    let mut i = 0;
    while i < rest.len() {
        match rest[i].as_str() {
            "properties" | "allOf" | "anyOf" | "oneOf" if i + 1 < rest.len() => {
                schema = pointer::join(&pointer::join(&schema, &rest[i]), &rest[i + 1]);
                i += 2;
            }
            "items" | "additionalProperties" | "not" => {
                schema = pointer::join(&schema, &rest[i]);
                i += 1;
            }
            _ => break,
        }
    }
    Some(schema)
}

/// `/components/<section>/<name>` for a pointer inside a reusable parameter, request body,
/// response or header.
fn component_at(ptr: &str) -> Option<String> {
    let tokens = pointer::tokens(ptr)?;
    match tokens.as_slice() {
        [c, section, name, ..]
            if c == "components"
                && matches!(
                    section.as_str(),
                    "parameters" | "requestBodies" | "responses" | "headers"
                ) =>
        {
            Some(pointer::join(&pointer::join("/components", section), name))
        }
        _ => None,
    }
}

/// Whether the operation at `op` refers to `reference`, directly or through other
/// non-schema components.
fn uses(doc: &Value, op: &str, reference: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut pending = vec![op.to_owned()];
    let item = op.rsplit_once('/').map(|(i, _)| format!("{i}/parameters"));
    pending.extend(item);
    while let Some(p) = pending.pop() {
        if !seen.insert(p.clone()) {
            continue;
        }
        let mut refs = Vec::new();
        if let Some(v) = doc.pointer(&p) {
            collect_refs(v, &mut refs);
        }
        for r in refs {
            if r == reference || r.starts_with(&format!("{reference}/")) {
                return true;
            }
            if r.starts_with("#/components/") && !r.starts_with("#/components/schemas/") {
                pending.push(r.trim_start_matches('#').to_owned());
            }
        }
    }
    false
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
