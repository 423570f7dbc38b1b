//! Schema rules: JSON Schema 2020-12 (OpenAPI 3.1) shapes rewritten into the OpenAPI 3.0.3
//! subset that openapiv3, typify and progenitor handle, and 3.0 shapes they would panic on.

use serde_json::{Map, Value, json};

use crate::finding::{Findings, Severity};
use crate::pointer;

/// Keywords that only annotate; 3.0 has no place for them, so they are dropped.
const ANNOTATIONS_3_1: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "$anchor",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
];

/// Keywords that only validate; dropping them makes decoding more lenient, never wrong.
const VALIDATION_ONLY: &[&str] = &[
    "dependentRequired",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
];

/// Siblings of `$ref` that only document; 3.0 ignores them, so they are dropped quietly.
const REF_ANNOTATIONS: &[&str] = &[
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];

/// Normalises the schema at `ptr` and, recursively, its subschemas.
pub fn normalise(ptr: &str, schema: &mut Value, out: &mut Findings) {
    visit(ptr, schema, false, out);
}

/// `in_union`: the schema is a branch of `anyOf`/`oneOf`, where a `null` branch is allowed
/// (the parent turns it into `nullable`).
fn visit(ptr: &str, schema: &mut Value, in_union: bool, out: &mut Findings) {
    let map = match schema {
        Value::Object(map) => map,
        Value::Bool(true) => {
            out.add(
                Severity::Note,
                "boolean-schema",
                ptr,
                "schema `true` rewritten as `{}` (any value)",
            );
            *schema = json!({});
            return;
        }
        other => {
            out.add(
                Severity::Error,
                "invalid-schema",
                ptr,
                format!("a schema must be an object, found {}", short(other)),
            );
            return;
        }
    };
    ref_siblings(ptr, map, out);
    if map.contains_key("$ref") {
        return;
    }
    // typify names a type after its `title` before anything else, so equal titles on
    // different inline schemas (`title: Type` on every `type` property) collide: one type is
    // emitted for all, and defaults or variants of the others no longer fit. Titles only
    // document, so they are dropped and types are named after where they are.
    map.shift_remove("title");
    keywords(ptr, map, out);
    super::shapes::rewrite(ptr, map, out);
    if !in_union && map.get("type") == Some(&json!("null")) {
        map.shift_remove("type");
        map.insert("nullable".into(), Value::Bool(true));
        out.add(
            Severity::Warning,
            "null-only",
            ptr,
            "a schema that only allows `null` has no Rust type; generated as an untyped JSON value",
        );
    }
    visit_children(ptr, map, out);
    null_branches(ptr, map, out);
    exclusive_bounds_3_0(ptr, map, out);
}

/// Visits `properties`, `additionalProperties`, `items`, `not` and the compositions.
fn visit_children(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        let base = pointer::join(ptr, "properties");
        for (name, child) in properties.iter_mut() {
            visit(&pointer::join(&base, name), child, false, out);
        }
    }
    for key in ["additionalProperties", "items", "not"] {
        if let Some(child @ Value::Object(_)) = map.get_mut(key) {
            visit(&pointer::join(ptr, key), child, false, out);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = map.get_mut(key) {
            for (i, child) in branches.iter_mut().enumerate() {
                visit(&format!("{ptr}/{key}/{i}"), child, key != "allOf", out);
            }
        }
    }
}

/// Short description of a JSON value for messages.
fn short(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// 3.1 allows keywords beside `$ref`; 3.0 ignores them. Documentation siblings are dropped;
/// the rest are kept by wrapping the reference in a one-element `allOf`.
fn ref_siblings(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    if !map.contains_key("$ref") || map.len() == 1 {
        return;
    }
    map.retain(|k, _| k == "$ref" || !REF_ANNOTATIONS.contains(&k.as_str()));
    if map.len() == 1 {
        return;
    }
    let reference = map.shift_remove("$ref").unwrap_or(Value::Null);
    let kept: Vec<String> = map.keys().cloned().collect();
    map.insert("allOf".into(), json!([{ "$ref": reference }]));
    out.add(
        Severity::Note,
        "ref-siblings",
        ptr,
        format!(
            "`$ref` with sibling keywords ({}) wrapped in `allOf` so they are kept",
            kept.join(", ")
        ),
    );
}

/// The types JSON Schema knows.
const JSON_TYPES: &[&str] = &[
    "string", "number", "integer", "boolean", "array", "object", "null",
];

/// Rewrites single keywords: `type` arrays, `const`, numeric exclusive bounds, `examples`,
/// 3.1-only annotations; reports unsupported ones.
fn keywords(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    let known = |t: &Value| t.as_str().is_some_and(|t| JSON_TYPES.contains(&t));
    let valid = match map.get("type") {
        None => true,
        Some(Value::Array(types)) => types.iter().all(known),
        Some(t) => known(t),
    };
    if !valid {
        // typify panics on an unknown type (`type: http`, a security scheme referenced as a
        // schema); openapiv3 refuses a type that is not a string.
        let found = map.shift_remove("type").unwrap_or_default();
        out.add(
            Severity::Error,
            "invalid-type",
            &pointer::join(ptr, "type"),
            format!(
                "`type: {found}` is not a JSON Schema type ({})",
                JSON_TYPES.join(", ")
            ),
        );
    }
    if let Some(Value::Array(types)) = map.get("type").cloned() {
        type_array(ptr, map, &types, out);
    }
    if let Some(value) = map.shift_remove("const") {
        match map.get("enum") {
            Some(Value::Array(values)) if values.contains(&value) => {}
            Some(_) => out.add(
                Severity::Error,
                "const-enum-conflict",
                ptr,
                "`const` and `enum` disagree; keep one",
            ),
            None => {}
        }
        map.insert("enum".into(), Value::Array(vec![value]));
        out.add(
            Severity::Note,
            "const",
            ptr,
            "`const` rewritten as a one-value `enum`",
        );
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Number(n)) = map.get(exclusive).cloned() {
            if map.contains_key(bound) {
                out.add(
                    Severity::Warning,
                    "exclusive-bound",
                    ptr,
                    format!(
                        "numeric `{exclusive}` and `{bound}` both given; kept the exclusive one"
                    ),
                );
            }
            map.insert(bound.into(), Value::Number(n));
            map.insert(exclusive.into(), Value::Bool(true));
            out.add(
                Severity::Note,
                "exclusive-bound",
                ptr,
                format!("numeric `{exclusive}` rewritten as `{bound}` + `{exclusive}: true`"),
            );
        }
    }
    if let Some(examples) = map.shift_remove("examples") {
        match examples {
            Value::Array(items) => {
                if let Some(first) = items.into_iter().next() {
                    map.entry("example").or_insert(first);
                }
                out.add(
                    Severity::Note,
                    "examples-array",
                    ptr,
                    "schema `examples` array rewritten as `example` (the first)",
                );
            }
            _ => out.add(
                Severity::Warning,
                "examples-array",
                ptr,
                "schema `examples` is not an array; dropped",
            ),
        }
    }
    // (keywords, severity, rule, what happens); each is dropped.
    let keyword_rules: [(&[&str], Severity, &str, &str); 2] = [
        (
            ANNOTATIONS_3_1,
            Severity::Note,
            "annotation-dropped",
            "has no OpenAPI 3.0 equivalent; dropped",
        ),
        (
            VALIDATION_ONLY,
            Severity::Warning,
            "validation-dropped",
            "is not supported; dropped (decoding becomes more lenient)",
        ),
    ];
    for (keys, severity, rule, what) in keyword_rules {
        for key in keys {
            if map.shift_remove(*key).is_some() {
                out.add(
                    severity,
                    rule,
                    &pointer::join(ptr, key),
                    format!("`{key}` {what}"),
                );
            }
        }
    }
    if map.get("additionalProperties") == Some(&Value::Bool(false)) {
        map.shift_remove("additionalProperties");
        out.add(
            Severity::Note,
            "closed-object",
            ptr,
            "`additionalProperties: false` dropped so that new server fields do not break decoding",
        );
    }
}

/// `type: [T, "null"]` → `type: T, nullable: true`; several non-null types → `anyOf`.
fn type_array(ptr: &str, map: &mut Map<String, Value>, types: &[Value], out: &mut Findings) {
    let nullable = types.iter().any(|t| t == "null");
    let rest: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    match rest.as_slice() {
        [] => {
            // Reported by the caller unless this is a union branch its parent turns into `nullable`.
            map.insert("type".into(), json!("null"));
            return;
        }
        [single] => {
            map.insert("type".into(), single.clone());
        }
        several => {
            map.shift_remove("type");
            let branches: Vec<Value> = several.iter().map(|t| json!({ "type": t })).collect();
            map.insert("anyOf".into(), Value::Array(branches));
            out.add(
                Severity::Warning,
                "type-array-union",
                ptr,
                "several types in `type` rewritten as `anyOf` (an untagged enum)",
            );
        }
    }
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
        out.add(
            Severity::Note,
            "type-array-null",
            ptr,
            "`type: [T, \"null\"]` rewritten as `nullable: true`",
        );
    }
}

/// `anyOf`/`oneOf` branches that are only `null` become `nullable: true` on the parent; a single
/// remaining branch replaces the composition.
fn null_branches(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get(keyword) else {
            continue;
        };
        let (nulls, rest): (Vec<&Value>, Vec<&Value>) =
            branches.iter().partition(|b| is_null_schema(b));
        if nulls.is_empty() {
            continue;
        }
        let rest: Vec<Value> = rest.into_iter().cloned().collect();
        map.shift_remove(keyword);
        map.insert("nullable".into(), Value::Bool(true));
        match rest.len() {
            0 => out.add(
                Severity::Error,
                "null-only",
                ptr,
                format!("every `{keyword}` branch is `null`; nothing to generate"),
            ),
            1 => {
                let branch = rest.into_iter().next().unwrap_or_default();
                absorb(map, branch);
                out.add(Severity::Note, "null-branch", ptr, format!("`{keyword}` with a `null` branch rewritten as its other branch + `nullable: true`"));
            }
            _ => {
                map.insert(keyword.into(), Value::Array(rest));
                out.add(
                    Severity::Note,
                    "null-branch",
                    ptr,
                    format!("`null` branch of `{keyword}` rewritten as `nullable: true`"),
                );
            }
        }
    }
}

/// Moves the single remaining branch into its parent: a reference becomes a one-element
/// `allOf` (3.0 ignores `$ref` siblings), an inline schema is merged.
fn absorb(map: &mut Map<String, Value>, branch: Value) {
    match branch {
        Value::Object(b) if b.contains_key("$ref") => {
            map.insert("allOf".into(), Value::Array(vec![Value::Object(b)]));
        }
        Value::Object(b) => {
            for (k, v) in b {
                if k == "nullable" {
                    continue;
                }
                map.entry(k).or_insert(v);
            }
        }
        _ => {}
    }
}

/// Whether a (normalised) branch admits only `null`.
fn is_null_schema(branch: &Value) -> bool {
    match branch {
        Value::Object(b) => {
            b.get("type") == Some(&json!("null"))
                || b.get("enum") == Some(&json!([null]))
                || b.get("type") == Some(&json!(["null"]))
        }
        _ => false,
    }
}

/// 3.0's boolean `exclusiveMinimum: true` without `minimum` makes typify panic.
fn exclusive_bounds_3_0(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if map.get(exclusive).is_some_and(Value::is_boolean) && !map.contains_key(bound) {
            map.shift_remove(exclusive);
            out.add(
                Severity::Warning,
                "exclusive-bound-without-limit",
                &pointer::join(ptr, exclusive),
                format!("`{exclusive}` without `{bound}` bounds nothing; dropped"),
            );
        }
    }
}
