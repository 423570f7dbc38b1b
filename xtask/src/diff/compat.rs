//! Whether every value one schema allows is allowed by another: the question behind a type
//! change on the wire. A deployed binary's request still validates if the old request schema
//! fits the new one; its response still decodes if the new response schema fits the old one.
//!
//! Values are those generated code produces and reads: an object carries the properties its
//! schema names (generated structs serialise no others), so an object schema that does not
//! forbid other properties still fits one that does not name them all. When the answer is
//! not certain, it is "does not fit", with the reason.

use std::cell::RefCell;
use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::walk;

/// Two documents and the `$ref` pairs already assumed to fit (recursive schemas).
pub struct Fit<'a> {
    a_doc: &'a Value,
    b_doc: &'a Value,
    assumed: RefCell<BTreeSet<(String, String)>>,
}

impl<'a> Fit<'a> {
    /// Schemas of `a_doc` compared with schemas of `b_doc`.
    pub fn new(a_doc: &'a Value, b_doc: &'a Value) -> Self {
        Fit {
            a_doc,
            b_doc,
            assumed: RefCell::default(),
        }
    }

    /// `Ok` if every value `a` allows is one `b` allows; else a value (or kind of value)
    /// that is not.
    pub fn fits(&self, a: &Value, b: &Value) -> Result<(), String> {
        if let (Some(ra), Some(rb)) = (reference(a), reference(b))
            && !self
                .assumed
                .borrow_mut()
                .insert((ra.to_owned(), rb.to_owned()))
        {
            return Ok(());
        }
        let a = flatten(self.a_doc, a);
        let b = flatten(self.b_doc, b);
        if is_any(&b) {
            return Ok(());
        }
        if flag(&a, "nullable") && !flag(&b, "nullable") {
            return Err("null".to_owned());
        }
        if let Some(alternatives) = alternatives(&a) {
            return alternatives.iter().try_for_each(|alt| self.fits(alt, &b));
        }
        if let Some(alternatives) = alternatives(&b) {
            let mut reasons = Vec::new();
            for alt in alternatives {
                match self.fits(&a, alt) {
                    Ok(()) => return Ok(()),
                    Err(e) => reasons.push(e),
                }
            }
            return Err(reasons.join(" / "));
        }
        if let Some(Value::Array(values)) = a.get("enum") {
            return values
                .iter()
                .try_for_each(|v| value_fits(v, &b).map_err(|why| format!("`{v}` ({why})")));
        }
        if b.get("enum").is_some() {
            return Err("values outside the new `enum`".to_owned());
        }
        if is_any(&a) {
            return Err("a value of any type".to_owned());
        }
        let (ta, tb) = (kind(&a), kind(&b));
        if let Some(tb) = tb
            && !ta.is_some_and(|ta| ta == tb || (ta == "integer" && tb == "number"))
        {
            return Err(format!("a value of type `{}`", ta.unwrap_or("any")));
        }
        formats(&a, &b)?;
        bounds(&a, &b)?;
        match tb.or(ta) {
            Some("array") => self.fits(
                a.get("items").unwrap_or(&Value::Bool(true)),
                b.get("items").unwrap_or(&Value::Bool(true)),
            ),
            Some("object") => self.objects(&a, &b),
            _ => Ok(()),
        }
    }

    fn objects(&self, a: &Value, b: &Value) -> Result<(), String> {
        let empty = Map::new();
        let props = |s: &Value| s.get("properties").and_then(Value::as_object).cloned();
        let (pa, pb) = (props(a).unwrap_or_default(), props(b).unwrap_or_default());
        let ra = required(a);
        for r in required(b) {
            if !ra.contains(&r) {
                return Err(format!("an object without `{r}`"));
            }
        }
        for (name, schema_b) in &pb {
            if let Some(schema_a) = pa.get(name) {
                self.fits(schema_a, schema_b)
                    .map_err(|e| format!("`{name}`: {e}"))?;
            }
        }
        let extra_b = b.get("additionalProperties");
        for (name, schema_a) in pa.iter().filter(|(n, _)| !pb.contains_key(*n)) {
            match extra_b {
                Some(Value::Bool(false)) => {
                    return Err(format!("an object with `{name}`, which is not allowed"));
                }
                Some(schema @ Value::Object(_)) => self
                    .fits(schema_a, schema)
                    .map_err(|e| format!("`{name}`: {e}"))?,
                _ => {}
            }
        }
        match (a.get("additionalProperties"), extra_b) {
            (Some(Value::Object(m)), Some(Value::Bool(false))) if m != &empty => {
                Err("an object with other properties, which are not allowed".to_owned())
            }
            (Some(Value::Bool(true)), Some(Value::Bool(false))) => {
                Err("an object with other properties, which are not allowed".to_owned())
            }
            (Some(sa @ Value::Object(_)), Some(sb @ Value::Object(_))) => {
                self.fits(sa, sb).map_err(|e| format!("a map value: {e}"))
            }
            _ => Ok(()),
        }
    }
}

fn reference(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str)
}

/// The schema with `$ref`s followed and an `allOf` of objects merged into one object.
fn flatten(doc: &Value, schema: &Value) -> Value {
    let resolved = walk::resolve_schema(doc, schema);
    let Some(Value::Array(all)) = resolved.get("allOf") else {
        return resolved;
    };
    let mut merged = resolved.as_object().cloned().unwrap_or_default();
    merged.remove("allOf");
    let mut properties = Map::new();
    let mut required_all: Vec<Value> = Vec::new();
    for member in all {
        let member = flatten(doc, member);
        let Some(member) = member.as_object() else {
            continue;
        };
        for (k, v) in member {
            match k.as_str() {
                "properties" => {
                    if let Some(p) = v.as_object() {
                        properties.extend(p.clone());
                    }
                }
                "required" => required_all.extend(v.as_array().cloned().unwrap_or_default()),
                _ => {
                    merged.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
    }
    if let Some(p) = merged.get("properties").and_then(Value::as_object) {
        properties.extend(p.clone());
    }
    required_all.extend(
        merged
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    );
    if !properties.is_empty() {
        merged.insert("properties".into(), Value::Object(properties));
        merged
            .entry("type".to_owned())
            .or_insert_with(|| "object".into());
    }
    if !required_all.is_empty() {
        merged.insert("required".into(), Value::Array(required_all));
    }
    Value::Object(merged)
}

/// Keywords that restrict values; a schema with none of them allows anything.
const RESTRICTING: &[&str] = &[
    "type",
    "enum",
    "properties",
    "items",
    "oneOf",
    "anyOf",
    "allOf",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "required",
    "not",
];

fn is_any(schema: &Value) -> bool {
    match schema {
        Value::Bool(b) => *b,
        Value::Object(m) => {
            !RESTRICTING.iter().any(|k| m.contains_key(*k))
                && m.get("additionalProperties") != Some(&Value::Bool(false))
        }
        _ => false,
    }
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn alternatives(schema: &Value) -> Option<&Vec<Value>> {
    ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_array))
}

fn required(schema: &Value) -> Vec<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The JSON type a schema declares, or the one its keywords imply.
fn kind(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        _ if schema.get("properties").is_some() => Some("object"),
        _ if schema.get("items").is_some() => Some("array"),
        _ => None,
    }
}

/// Whether one value (of an old or new `enum`) is allowed by `schema`.
fn value_fits(value: &Value, schema: &Value) -> Result<(), String> {
    if let Some(Value::Array(values)) = schema.get("enum") {
        return if values.contains(value) {
            Ok(())
        } else {
            Err("not in the `enum`".to_owned())
        };
    }
    let ok = match (kind(schema), value) {
        (None, _) => true,
        (_, Value::Null) => flag(schema, "nullable"),
        (Some("string"), Value::String(_)) => true,
        (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Some("number"), Value::Number(_)) => true,
        (Some("boolean"), Value::Bool(_)) => true,
        (Some("array"), Value::Array(_)) | (Some("object"), Value::Object(_)) => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("not a `{}`", kind(schema).unwrap_or("value")))
    }
}

/// Formats narrow types (and typify picks Rust types by them): `b`'s must be `a`'s, or one
/// `a`'s values always fit.
fn formats(a: &Value, b: &Value) -> Result<(), String> {
    let (fa, fb) = (
        a.get("format").and_then(Value::as_str),
        b.get("format").and_then(Value::as_str),
    );
    match (fa, fb) {
        (_, None) => Ok(()),
        (Some(x), Some(y)) if x == y => Ok(()),
        (Some("int32"), Some("int64")) | (Some("float"), Some("double")) => Ok(()),
        (x, Some(y)) => Err(format!(
            "a value of format `{}` where `{y}` is required",
            x.unwrap_or("none")
        )),
    }
}

/// Numeric and length bounds: `a`'s range must lie inside `b`'s.
fn bounds(a: &Value, b: &Value) -> Result<(), String> {
    let num = |s: &Value, k: &str| s.get(k).and_then(Value::as_f64);
    for (key, lower) in [
        ("minimum", true),
        ("minLength", true),
        ("minItems", true),
        ("maximum", false),
        ("maxLength", false),
        ("maxItems", false),
    ] {
        let Some(limit) = num(b, key) else { continue };
        let inside = match num(a, key) {
            None => false,
            Some(v) if lower => v >= limit,
            Some(v) => v <= limit,
        };
        if !inside {
            return Err(format!("a value outside `{key}: {limit}`"));
        }
    }
    match (
        a.get("pattern").and_then(Value::as_str),
        b.get("pattern").and_then(Value::as_str),
    ) {
        (_, None) => Ok(()),
        (Some(x), Some(y)) if x == y => Ok(()),
        (_, Some(y)) => Err(format!("a string not matching `{y}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fits(a: Value, b: Value) -> Result<(), String> {
        let doc = json!({});
        Fit::new(&doc, &doc).fits(&a, &b)
    }

    #[test]
    fn types_fit_when_every_value_of_one_is_a_value_of_the_other() {
        assert!(fits(json!({"type": "integer"}), json!({"type": "number"})).is_ok());
        assert!(fits(json!({"type": "number"}), json!({"type": "integer"})).is_err());
        assert!(fits(json!({"type": "integer"}), json!({"type": "string"})).is_err());
        assert!(
            fits(
                json!({"type": "string", "format": "uuid"}),
                json!({"type": "string"})
            )
            .is_ok()
        );
        assert!(
            fits(
                json!({"type": "string"}),
                json!({"type": "string", "format": "uuid"})
            )
            .is_err()
        );
        assert!(
            fits(
                json!({"type": "integer", "format": "int32"}),
                json!({"type": "integer", "format": "int64"})
            )
            .is_ok()
        );
        assert!(
            fits(
                json!({"type": "string", "nullable": true}),
                json!({"type": "string"})
            )
            .is_err()
        );
        assert!(fits(json!({"type": "string"}), json!({})).is_ok());
    }

    #[test]
    fn enums_fit_by_their_values() {
        let ab = json!({"type": "string", "enum": ["a", "b"]});
        let abc = json!({"type": "string", "enum": ["a", "b", "c"]});
        assert!(fits(ab.clone(), abc.clone()).is_ok());
        let err = fits(abc, ab).unwrap_err();
        assert!(err.contains("\"c\""), "{err}");
        assert!(
            fits(
                json!({"type": "string"}),
                json!({"type": "string", "enum": ["a"]})
            )
            .is_err()
        );
    }

    #[test]
    fn objects_fit_by_their_required_and_named_properties() {
        let a = json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "note": {"type": "string"}}});
        let more_required = json!({"type": "object", "required": ["id", "note"], "properties": {"id": {"type": "integer"}, "note": {"type": "string"}}});
        assert!(fits(a.clone(), more_required.clone()).is_err());
        assert!(fits(more_required, a.clone()).is_ok());
        let closed = json!({"type": "object", "additionalProperties": false, "properties": {"id": {"type": "integer"}}});
        assert!(fits(a.clone(), closed).unwrap_err().contains("`note`"));
        let wider = json!({"type": "object", "properties": {"id": {"type": "number"}}});
        assert!(fits(a, wider).is_ok());
    }

    #[test]
    fn references_and_recursion_are_followed() {
        let doc = json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}, "v": {"type": "integer"}}},
            "Wide": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Wide"}, "v": {"type": "number"}}}
        }}});
        let fit = Fit::new(&doc, &doc);
        let node = json!({"$ref": "#/components/schemas/Node"});
        let wide = json!({"$ref": "#/components/schemas/Wide"});
        assert!(fit.fits(&node, &wide).is_ok());
        assert!(Fit::new(&doc, &doc).fits(&wide, &node).is_err());
    }

    #[test]
    fn bounds_and_alternatives() {
        assert!(
            fits(
                json!({"type": "string", "maxLength": 5}),
                json!({"type": "string", "maxLength": 10})
            )
            .is_ok()
        );
        assert!(
            fits(
                json!({"type": "string"}),
                json!({"type": "string", "maxLength": 10})
            )
            .is_err()
        );
        assert!(
            fits(
                json!({"type": "integer", "minimum": 0}),
                json!({"type": "integer", "minimum": 1})
            )
            .is_err()
        );
        let one = json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
        assert!(fits(json!({"type": "integer"}), one.clone()).is_ok());
        assert!(fits(one, json!({"type": "string"})).is_err());
    }
}
