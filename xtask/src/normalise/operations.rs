//! Operation rules: what progenitor needs of operations, parameters, bodies and responses.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::finding::{Findings, Severity};
use crate::names;
use crate::walk::{self, OperationRef};

/// Applies every operation rule.
pub fn normalise(doc: &mut Value, out: &mut Findings) {
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
        super::parameters::normalise(doc, op, out);
        super::bodies::normalise(doc, op, out);
        super::responses::normalise(doc, op, out);
    }
    operation_ids(doc, &ops, out);
}

/// Gives every operation an id and checks that ids stay unique once made Rust identifiers.
fn operation_ids(doc: &mut Value, ops: &[OperationRef], out: &mut Findings) {
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
    for (name, places) in by_name.into_iter().filter(|(_, p)| p.len() > 1) {
        for place in &places {
            let others: Vec<String> = places
                .iter()
                .filter(|p| *p != place)
                .map(|p| format!("#{p}"))
                .collect();
            out.add(
                Severity::Error,
                "duplicate-operation-id",
                &format!("{place}/operationId"),
                format!(
                    "operation name `{name}` is also used by {}; operationIds must be unique",
                    others.join(", ")
                ),
            );
        }
    }
}

