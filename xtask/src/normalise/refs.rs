//! Reference checks: every `$ref` is local and resolves, and schema references point at
//! `#/components/schemas/*` (the only place typify looks for named types).

use serde_json::Value;

use crate::finding::{Findings, Severity};
use crate::pointer;
use crate::walk;

/// Reports dangling, external and misplaced references anywhere outside example data.
pub fn check(doc: &Value, out: &mut Findings) {
    let schema_roots = walk::schema_roots(doc);
    let path_item_refs = walk::ref_path_items(doc);
    for (key, value) in doc.as_object().into_iter().flatten() {
        let ptr = pointer::join("", key);
        if key == "paths" {
            // `$ref` path items are reported by the operation rules; look only inside the rest.
            for (path, item) in value.as_object().into_iter().flatten() {
                let item_ptr = pointer::join(&ptr, path);
                if !path_item_refs.contains(&item_ptr) {
                    visit(doc, item, &item_ptr, &schema_roots, out);
                }
            }
        } else if !key.starts_with("x-") {
            visit(doc, value, &ptr, &schema_roots, out);
        }
    }
}

/// Keys whose values are data, not spec: their `$ref`-looking members are left alone.
const DATA_KEYS: &[&str] = &["example", "examples", "default", "enum", "const"];

fn visit(doc: &Value, value: &Value, ptr: &str, schema_roots: &[String], out: &mut Findings) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                check_one(doc, reference, ptr, schema_roots, out);
            }
            for (key, child) in map {
                let is_example_map = key == "examples" && !in_schema(ptr, schema_roots);
                if key.starts_with("x-") || (DATA_KEYS.contains(&key.as_str()) && !is_example_map) {
                    continue;
                }
                visit(doc, child, &pointer::join(ptr, key), schema_roots, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                visit(doc, child, &format!("{ptr}/{i}"), schema_roots, out);
            }
        }
        _ => {}
    }
}

/// Whether `ptr` lies inside one of the schema roots.
fn in_schema(ptr: &str, schema_roots: &[String]) -> bool {
    schema_roots
        .iter()
        .any(|r| ptr == r || ptr.starts_with(&format!("{r}/")))
}

fn check_one(
    doc: &Value,
    reference: &Value,
    ptr: &str,
    schema_roots: &[String],
    out: &mut Findings,
) {
    let at = pointer::join(ptr, "$ref");
    let Some(reference) = reference.as_str() else {
        out.add(
            Severity::Error,
            "invalid-ref",
            &at,
            "`$ref` must be a string",
        );
        return;
    };
    let Some(target) = pointer::local_ref(reference) else {
        out.add(
            Severity::Error,
            "external-ref",
            &at,
            format!(
                "`{reference}` points outside this document; bundle the spec into one file first"
            ),
        );
        return;
    };
    if doc.pointer(target).is_none() {
        out.add(
            Severity::Error,
            "dangling-ref",
            &at,
            format!("`{reference}` does not resolve to anything in the document"),
        );
        return;
    }
    let is_schema_ref = in_schema(ptr, schema_roots);
    let names_component = target
        .strip_prefix("/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'));
    if is_schema_ref && !names_component {
        out.add(
            Severity::Error,
            "schema-ref-target",
            &at,
            format!("schema reference `{reference}` must name a schema under `#/components/schemas/`; move the target there with a fix"),
        );
    }
}
