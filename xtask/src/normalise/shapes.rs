//! Schema shapes that are valid OpenAPI but make typify or progenitor panic, reject the whole
//! document, or emit code that does not compile. Each is rewritten into the nearest shape they
//! handle, with a finding that says what was lost.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::finding::{Findings, Severity};
use crate::names;
use crate::pointer;

/// Keywords with no generator equivalent whose loss only makes decoding more lenient.
const LENIENT_DROPS: &[&str] = &[
    "if",
    "then",
    "else",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
];

/// Applies every shape rule to one schema object (not to its children).
pub fn rewrite(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    keywords_3_1(ptr, map, out);
    implied_type(ptr, map, out);
    format_on_non_string(ptr, map, out);
    enums(ptr, map, out);
    integer_bounds(ptr, map, out);
    size_bounds(ptr, map, out);
    property_clashes(ptr, map, out);
}

/// 2020-12 keywords typify cannot read become the nearest 3.0 shape.
fn keywords_3_1(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    for key in LENIENT_DROPS {
        if map.shift_remove(*key).is_some() {
            out.add(
                Severity::Warning,
                "validation-dropped",
                &pointer::join(ptr, key),
                format!("`{key}` is not supported; dropped (decoding becomes more lenient)"),
            );
        }
    }
    if map.shift_remove("prefixItems").is_some() {
        map.insert("items".into(), json!({}));
        out.add(
            Severity::Warning,
            "tuple-as-array",
            &pointer::join(ptr, "prefixItems"),
            "`prefixItems` (a tuple) generated as an array of untyped JSON values; describe the items with a fix to type them",
        );
    }
    if matches!(map.get("items"), Some(Value::Array(_))) {
        map.insert("items".into(), json!({}));
        out.add(
            Severity::Warning,
            "tuple-as-array",
            &pointer::join(ptr, "items"),
            "tuple `items` generated as an array of untyped JSON values; describe the items with a fix to type them",
        );
    }
    if let Some(Value::Object(patterns)) = map.shift_remove("patternProperties") {
        let at = pointer::join(ptr, "patternProperties");
        if patterns.len() == 1 && !map.contains_key("additionalProperties") {
            let (pattern, schema) = patterns.into_iter().next().unwrap_or_default();
            map.insert("additionalProperties".into(), schema);
            out.add(Severity::Warning, "pattern-properties", &at, format!("`patternProperties` generated as a map (`additionalProperties`); key pattern `{pattern}` is not checked"));
        } else {
            map.entry("additionalProperties").or_insert(json!({}));
            out.add(
                Severity::Warning,
                "pattern-properties",
                &at,
                "several `patternProperties` generated as a map of untyped JSON values",
            );
        }
    }
    for key in ["$dynamicRef", "$dynamicAnchor", "$recursiveRef"] {
        if map.shift_remove(key).is_some() {
            out.add(
                Severity::Warning,
                "dynamic-ref",
                &pointer::join(ptr, key),
                format!("`{key}` is not supported; the schema is generated as untyped JSON"),
            );
        }
    }
}

/// typify has `todo!`s for `format` on objects and arrays (`format: uri-map`); the format of
/// a non-scalar type carries no Rust type, so it is dropped.
fn format_on_non_string(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    let Some(format) = map.get("format").cloned() else {
        return;
    };
    let scalar = match map.get("type").and_then(Value::as_str) {
        Some(t) => matches!(t, "string" | "integer" | "number"),
        None => !is_object_like(map) && !map.contains_key("items"),
    };
    if !scalar || !format.is_string() {
        map.shift_remove("format");
        out.add(
            Severity::Note,
            "format-dropped",
            &pointer::join(ptr, "format"),
            format!("`format: {format}` on a non-scalar schema has no Rust type; dropped"),
        );
    }
}

/// Keywords that validate one JSON type only, and that type: without a `type` beside them,
/// typify has no type for the schema and panics (a `todo!`). (Other such keywords, string and
/// array ones, typify reads.)
const IMPLYING: &[(&str, &str)] = &[
    ("minimum", "number"),
    ("maximum", "number"),
    ("exclusiveMinimum", "number"),
    ("exclusiveMaximum", "number"),
    ("multipleOf", "number"),
];

/// Keywords that say what a schema's value is; with one of them, no type is implied.
const SHAPED: &[&str] = &[
    "type",
    "$ref",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "enum",
    "properties",
    "additionalProperties",
    "items",
];

/// Keywords of other types, which typify reads without a `type`.
const OTHER_TYPED: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
];

/// A schema with no `type` whose keywords apply to one JSON type only (`{format: uri}`,
/// `{minimum: 0, maximum: 1}`) is read as that type. When they apply to
/// several, those typify cannot read are dropped and the value is untyped.
fn implied_type(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    if SHAPED.iter().any(|k| map.contains_key(*k)) {
        return;
    }
    let mut keys: Vec<&str> = Vec::new();
    let mut types = std::collections::BTreeSet::new();
    if let Some(Value::String(format)) = map.get("format") {
        keys.push("format");
        types.insert(match format.as_str() {
            "int32" | "int64" | "uint32" | "uint64" | "int8" | "int16" | "uint8" | "uint16" => {
                "integer"
            }
            "float" | "double" => "number",
            _ => "string",
        });
    }
    for (key, ty) in IMPLYING {
        if map.contains_key(*key) {
            keys.push(key);
            types.insert(ty);
        }
    }
    if types.is_empty() {
        return;
    }
    if types.contains("integer") {
        // An integer format with numeric bounds: an integer.
        types.remove("number");
    }
    let others = OTHER_TYPED.iter().any(|k| map.contains_key(*k));
    let listed = keys
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match types.iter().next() {
        Some(ty) if types.len() == 1 && !others => {
            let ty = (*ty).to_owned();
            map.insert("type".into(), json!(ty));
            out.add(
                Severity::Note,
                "implied-type",
                ptr,
                format!("{listed} without `type` read as `type: {ty}`, the type they apply to"),
            );
        }
        _ => {
            for key in &keys {
                map.shift_remove(*key);
            }
            out.add(
                Severity::Warning,
                "implied-type",
                ptr,
                format!("{listed} dropped: no `type` is given and the schema's keywords apply to different types (the value is untyped JSON)"),
            );
        }
    }
}

fn is_object_like(map: &Map<String, Value>) -> bool {
    map.get("type").and_then(Value::as_str) == Some("object")
        || map.contains_key("properties")
        || map.contains_key("additionalProperties")
}

/// Enums typify cannot turn into one Rust type: empty, mixed with compositions, holding
/// values of the wrong type, `null` among the values, or values that clash as variant names.
fn enums(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    let Some(Value::Array(values)) = map.get("enum").cloned() else {
        if map.contains_key("enum") {
            map.shift_remove("enum");
            out.add(
                Severity::Warning,
                "empty-enum",
                &pointer::join(ptr, "enum"),
                "`enum` is not an array; dropped",
            );
        }
        return;
    };
    let at = pointer::join(ptr, "enum");
    if values.is_empty() {
        map.shift_remove("enum");
        out.add(
            Severity::Warning,
            "empty-enum",
            &at,
            "`enum: []` allows no value; dropped, so the schema's type stands alone",
        );
        return;
    }
    if values.iter().any(Value::is_null) {
        let rest: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
        map.insert("nullable".into(), Value::Bool(true));
        if rest.is_empty() {
            map.shift_remove("enum");
        } else {
            map.insert("enum".into(), Value::Array(rest));
        }
        out.add(
            Severity::Note,
            "enum-null",
            &at,
            "`null` among the enum values rewritten as `nullable: true`",
        );
        return enums(ptr, map, out);
    }
    let compositions: Vec<&str> = ["allOf", "anyOf", "oneOf", "not"]
        .into_iter()
        .filter(|k| map.contains_key(*k))
        .collect();
    if !compositions.is_empty() {
        for k in &compositions {
            map.shift_remove(*k);
        }
        out.add(
            Severity::Warning,
            "enum-with-composition",
            ptr,
            format!(
                "`enum` combined with `{}`: the enum's values are kept and the composition dropped",
                compositions.join("`, `")
            ),
        );
    }
    let inferred = value_type(&values);
    let declared = map.get("type").and_then(Value::as_str).map(str::to_owned);
    let fits = match (declared.as_deref(), inferred) {
        (Some("number"), Some("integer")) => true,
        (Some(d), Some(i)) => d == i,
        (None, Some(i)) => {
            map.insert("type".into(), json!(i));
            true
        }
        (_, None) => false,
    };
    if !fits || matches!(inferred, Some("object" | "array")) {
        map.shift_remove("enum");
        out.add(
            Severity::Warning,
            "enum-type-mismatch",
            &at,
            "enum values are not all of the schema's scalar type; the enum is dropped and the plain type kept",
        );
        return;
    }
    let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    let clashes = names::clashing_enum_values(&strings);
    if !clashes.is_empty() {
        map.shift_remove("enum");
        out.add(
            Severity::Warning,
            "enum-variant-clash",
            &at,
            format!("enum values {} would become the same Rust variant; the enum is generated as a plain string (rename a value with a fix to keep it)", clashes.join(", ")),
        );
    }
}

/// The JSON type all values share, if they share one (`integer` for whole numbers).
fn value_type(values: &[Value]) -> Option<&'static str> {
    let kinds: std::collections::BTreeSet<&str> = values
        .iter()
        .map(|v| match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        })
        .collect();
    match kinds.len() {
        1 => kinds.into_iter().next(),
        2 if kinds.contains("integer") && kinds.contains("number") => Some("number"),
        _ => None,
    }
}

/// openapiv3 reads integer bounds as `i64`: bounds beyond it (e.g. `-9223372036854776000`,
/// which a 64-bit float spells as i64::MIN - 0) or fractional ones are clamped or dropped.
fn integer_bounds(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    if map.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for key in ["minimum", "maximum", "multipleOf"] {
        let Some(Value::Number(n)) = map.get(key).cloned() else {
            continue;
        };
        if n.is_i64() {
            continue;
        }
        let at = pointer::join(ptr, key);
        let f = n.as_f64().unwrap_or(f64::NAN);
        if key != "multipleOf" && f.fract() == 0.0 && f.is_finite() {
            // Saturating: beyond i64 the type is i64 anyway.
            let clamped = f as i64;
            map.insert(key.into(), json!(clamped));
            out.add(
                Severity::Note,
                "integer-bound",
                &at,
                format!("`{key}: {n}` is beyond a 64-bit integer; clamped to {clamped}"),
            );
        } else {
            map.shift_remove(key);
            out.add(
                Severity::Note,
                "integer-bound",
                &at,
                format!("`{key}: {n}` is not a 64-bit integer; dropped"),
            );
        }
    }
}

/// Length and count keywords must be non-negative integers for openapiv3.
fn size_bounds(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    for key in [
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    ] {
        match map.get(key) {
            Some(Value::Number(n)) if n.is_u64() => {}
            Some(_) => {
                let bad = map.shift_remove(key).unwrap_or_default();
                out.add(
                    Severity::Note,
                    "size-bound",
                    &pointer::join(ptr, key),
                    format!("`{key}: {bad}` is not a non-negative integer; dropped"),
                );
            }
            None => {}
        }
    }
}

/// Properties whose names become the same Rust field (`fooBar`, `foo_bar`) would not
/// compile; the later ones are dropped (they are then ignored when decoding).
fn property_clashes(ptr: &str, map: &mut Map<String, Value>, out: &mut Findings) {
    let Some(Value::Object(properties)) = map.get_mut("properties") else {
        return;
    };
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut dropped = Vec::new();
    for name in properties.keys() {
        let field = names::sanitize_snake(name);
        match seen.get(&field) {
            Some(first) => dropped.push((name.clone(), first.clone())),
            None => {
                seen.insert(field, name.clone());
            }
        }
    }
    for (name, first) in &dropped {
        properties.shift_remove(name);
        out.add(
            Severity::Warning,
            "property-name-clash",
            &pointer::join(&pointer::join(ptr, "properties"), name),
            format!("property `{name}` becomes the same Rust field as `{first}`; dropped (rename it with a fix to keep it)"),
        );
    }
    if let Some(Value::Array(required)) = map.get_mut("required") {
        required.retain(|r| !dropped.iter().any(|(name, _)| r.as_str() == Some(name)));
    }
}
