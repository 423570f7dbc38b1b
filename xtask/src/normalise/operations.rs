//! Operation rules: what progenitor needs of operations, parameters, bodies and responses.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::finding::{Findings, Severity};
use crate::names;
use crate::walk::{self, OperationRef};

/// Applies every operation rule; `reserved` are the client's own method names, `per_status`
/// types several success or error responses per status (`responses = "per-status"`).
pub fn normalise(doc: &mut Value, reserved: &[&str], per_status: bool, out: &mut Findings) {
    for item in walk::ref_path_items(doc) {
        out.add(
            Severity::Error,
            "path-item-ref",
            &item,
            "path items given by `$ref` are not supported; inline the path item with a fix",
        );
    }
    let ops = walk::operations(doc);
    for op in &ops {
        inline_misplaced_refs(doc, op, out);
    }
    for op in &ops {
        super::parameters::normalise(doc, op, out);
        super::bodies::normalise(doc, op, out);
        super::bodiless::normalise(doc, op, out);
        super::responses::normalise(doc, op, per_status, out);
        super::untyped::check(doc, op, out);
    }
    operation_ids(doc, &ops, reserved, out);
}

/// Gives every operation an id, and renames operations whose ids do not stay unique once made
/// Rust identifiers or whose names the generated client already uses (`reserved` methods,
/// and the types of [`names::BUILDER_MODULE_TYPES`]).
fn operation_ids(doc: &mut Value, ops: &[OperationRef], reserved: &[&str], out: &mut Findings) {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for op in ops {
        let id_ptr = format!("{}/operationId", op.pointer);
        let id = match doc.pointer(&id_ptr).and_then(Value::as_str) {
            Some(id) => id.to_owned(),
            None => {
                let derived = names::derive_operation_id(op.method, &op.path);
                if let Some(Value::Object(o)) = doc.pointer_mut(&op.pointer) {
                    o.insert("operationId".into(), json!(derived));
                }
                out.add(
                    Severity::Note,
                    "derived-operation-id",
                    &op.pointer,
                    format!("no operationId: named `{derived}` from `{} {}` (set one with a fix to choose the name)", op.method.to_uppercase(), op.path),
                );
                derived
            }
        };
        by_name
            .entry(names::sanitize_snake(&id))
            .or_default()
            .push(op.pointer.clone());
    }
    let mut taken: std::collections::BTreeSet<String> = by_name.keys().cloned().collect();
    let mut free = |base: &str, first: Option<String>| {
        let renamed = first
            .into_iter()
            .chain((2..).map(|n| format!("{base}_{n}")))
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or_default();
        taken.insert(renamed.clone());
        renamed
    };
    for (name, places) in &by_name {
        let Some(why) = names::reserved_operation(name, reserved) else {
            continue;
        };
        let renamed = free(
            &format!("{name}_operation"),
            Some(format!("{name}_operation")),
        );
        let place = &places[0];
        if let Some(Value::Object(o)) = doc.pointer_mut(place) {
            o.insert("operationId".into(), json!(renamed));
        }
        out.add(
            Severity::Warning,
            "reserved-operation-name",
            &format!("{place}/operationId"),
            format!("operation name `{name}` cannot be used: {why}; this operation is generated as `{renamed}` (set another operationId with a fix to choose the name)"),
        );
    }
    for (name, places) in by_name.iter().filter(|(_, p)| p.len() > 1) {
        for place in places.iter().skip(1) {
            let renamed = free(name, None);
            if let Some(Value::Object(o)) = doc.pointer_mut(place) {
                o.insert("operationId".into(), json!(renamed));
            }
            out.add(
                Severity::Warning,
                "duplicate-operation-id",
                &format!("{place}/operationId"),
                format!(
                    "operation name `{name}` is also used by #{}; this one is generated as `{renamed}` (operationIds must be unique: set one with a fix)",
                    places[0]
                ),
            );
        }
    }
}

/// A response, request body or parameter (of the operation or its path item) given by a
/// `$ref` into another components section (a response pointing at
/// `#/components/requestBodies/X`, a parameter at another operation's) is valid
/// JSON-pointer-wise, but progenitor looks it up by name in its own section and panics; it is
/// inlined. A reference to something that cannot be such an object (a string, a schema
/// without `name` and `in` for a parameter) is an error there.
fn inline_misplaced_refs(doc: &mut Value, op: &OperationRef, out: &mut Findings) {
    let mut slots: Vec<(String, &str)> =
        vec![(format!("{}/requestBody", op.pointer), "requestBodies")];
    let item = crate::pointer::join("/paths", &op.path);
    for (owner, list, section) in [
        (op.pointer.as_str(), "responses", "responses"),
        (op.pointer.as_str(), "parameters", "parameters"),
        (item.as_str(), "parameters", "parameters"),
    ] {
        let at = format!("{owner}/{list}");
        let keys: Vec<String> = match doc.pointer(&at) {
            Some(Value::Object(m)) => m.keys().map(|k| crate::pointer::join(&at, k)).collect(),
            Some(Value::Array(a)) => (0..a.len()).map(|i| format!("{at}/{i}")).collect(),
            _ => Vec::new(),
        };
        slots.extend(keys.into_iter().map(|k| (k, section)));
    }
    for (slot, section) in slots {
        let Some(reference) = doc
            .pointer(&format!("{slot}/$ref"))
            .and_then(Value::as_str)
            .map(str::to_owned)
        else {
            continue;
        };
        let prefix = format!("#/components/{section}/");
        if reference
            .strip_prefix(&prefix)
            .is_some_and(|rest| !rest.contains('/'))
        {
            continue;
        }
        let Some(target) = walk::resolve(doc, &slot).and_then(|p| doc.pointer(&p).cloned()) else {
            continue;
        };
        let fits = match (&target, section) {
            (Value::Object(p), "parameters") => {
                p.get("name").is_some_and(Value::is_string)
                    && p.get("in").is_some_and(Value::is_string)
            }
            (Value::Object(_), _) => true,
            _ => false,
        };
        if !fits {
            let what = match section {
                "parameters" => "parameter",
                "responses" => "response",
                _ => "request body",
            };
            out.add(
                Severity::Error,
                "invalid-ref-target",
                &format!("{slot}/$ref"),
                format!("`{reference}` does not point at a {what}"),
            );
            continue;
        }
        if let Some(v) = doc.pointer_mut(&slot) {
            *v = target;
        }
        out.add(
            Severity::Note,
            "misplaced-ref-inlined",
            &slot,
            format!(
                "`{reference}` is not under `{prefix}`, where the generator looks it up; inlined"
            ),
        );
    }
}
