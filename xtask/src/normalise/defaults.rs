//! `default` values that do not match their own schema: typify checks every default while
//! building types, and one mismatch makes progenitor reject the whole document.

use serde_json::Value;

use crate::finding::{Findings, Severity};
use crate::pointer;
use crate::walk;

/// How deep `$ref`s and compositions are followed before a default is given the benefit of
/// the doubt.
const MAX_DEPTH: usize = 16;

/// Drops every `default` that its schema does not accept.
pub fn check(doc: &mut Value, out: &mut Findings) {
    let mut bad = Vec::new();
    for root in walk::schema_roots(doc) {
        if let Some(schema) = doc.pointer(&root) {
            collect(doc, schema, &root, &mut bad);
        }
    }
    for (ptr, default, why) in bad {
        if let Some(Value::Object(map)) = doc.pointer_mut(&ptr) {
            map.shift_remove("default");
        }
        out.add(
            Severity::Note,
            "default-mismatch",
            &pointer::join(&ptr, "default"),
            format!("`default: {default}` {why}; dropped"),
        );
    }
}

/// Finds mismatching defaults in a schema and its subschemas.
fn collect(doc: &Value, schema: &Value, ptr: &str, bad: &mut Vec<(String, Value, &'static str)>) {
    let Value::Object(map) = schema else { return };
    if let Some(default) = map.get("default") {
        let target = walk::resolve_schema(doc, schema);
        if ["anyOf", "oneOf"]
            .iter()
            .any(|k| map.contains_key(*k) || target.get(*k).is_some())
        {
            bad.push((
                ptr.to_owned(),
                default.clone(),
                "typify cannot check a default against a union",
            ));
        } else if !accepts(doc, schema, default, 0) {
            bad.push((ptr.to_owned(), default.clone(), "does not match its schema"));
        }
    }
    if let Some(Value::Object(properties)) = map.get("properties") {
        let base = pointer::join(ptr, "properties");
        for (name, child) in properties {
            collect(doc, child, &pointer::join(&base, name), bad);
        }
    }
    for key in ["additionalProperties", "items", "not"] {
        if let Some(child) = map.get(key) {
            collect(doc, child, &pointer::join(ptr, key), bad);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            for (i, child) in branches.iter().enumerate() {
                collect(doc, child, &format!("{ptr}/{key}/{i}"), bad);
            }
        }
    }
}

/// Whether `schema` accepts `value`, as far as typify checks: types, enums, properties,
/// items and compositions. Unknown shapes accept.
fn accepts(doc: &Value, schema: &Value, value: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let Value::Object(map) = schema else {
        return true;
    };
    if let Some(target) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(pointer::local_ref)
    {
        return doc
            .pointer(target)
            .is_none_or(|s| accepts(doc, s, value, depth + 1));
    }
    if value.is_null() {
        return map.get("nullable") == Some(&Value::Bool(true)) || map.is_empty();
    }
    if let Some(Value::Array(values)) = map.get("enum")
        && !values.contains(value)
    {
        return false;
    }
    let type_ok = match map.get("type").and_then(Value::as_str) {
        Some("string") => value.is_string(),
        Some("integer") => value.as_f64().is_some_and(|f| f.fract() == 0.0),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        _ => true,
    };
    if !type_ok {
        return false;
    }
    if let (Some(items), Value::Array(values)) = (map.get("items"), value)
        && !values.iter().all(|v| accepts(doc, items, v, depth + 1))
    {
        return false;
    }
    if let Value::Object(fields) = value {
        if let Some(Value::Object(properties)) = map.get("properties") {
            for (name, field) in fields {
                if let Some(s) = properties.get(name)
                    && !accepts(doc, s, field, depth + 1)
                {
                    return false;
                }
            }
        }
        if let Some(Value::Array(required)) = map.get("required")
            && required
                .iter()
                .filter_map(Value::as_str)
                .any(|r| !fields.contains_key(r))
        {
            return false;
        }
    }
    let branches = |key: &str| map.get(key).and_then(Value::as_array);
    if let Some(all) = branches("allOf")
        && !all.iter().all(|b| accepts(doc, b, value, depth + 1))
    {
        return false;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(any) = branches(key)
            && !any.iter().any(|b| accepts(doc, b, value, depth + 1))
        {
            return false;
        }
    }
    true
}
