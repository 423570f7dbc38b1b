//! Parameter rules: progenitor sends scalar and array parameters in path, query and header,
//! in their default style. Object query parameters are flattened into the keys they put on
//! the wire (`form` + `explode`: one key per property; `deepObject`: `name[property]`),
//! `content` parameters become strings, and what cannot be sent is dropped when optional or
//! reported (which leaves the operation out) when required.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::finding::{Findings, Severity};
use crate::pointer;
use crate::walk::{self, OperationRef};

/// What becomes of one parameter entry.
enum Action {
    Keep,
    /// Replaced by these inline parameters.
    Replace(Vec<Value>),
    Drop,
}

/// Rewrites the parameters of the path item and of the operation, then checks path
/// parameters against the template.
pub fn normalise(doc: &mut Value, op: &OperationRef, out: &mut Findings) {
    let item = pointer::join("/paths", &op.path);
    let mut declared_path = BTreeSet::new();
    for owner in [item.as_str(), op.pointer.as_str()] {
        // Flattened parameters can be objects again (nested deepObject); at most 4 levels.
        for _ in 0..4 {
            if !rewrite_list(doc, &format!("{owner}/parameters"), out, &mut declared_path) {
                break;
            }
        }
    }
    let mut reserved: Vec<&str> = crate::names::BUILDER_PARAMETERS.to_vec();
    if doc
        .pointer(&format!("{}/requestBody", op.pointer))
        .is_some()
    {
        reserved.push("body");
    }
    for owner in [item.as_str(), op.pointer.as_str()] {
        name_clashes(doc, &format!("{owner}/parameters"), &reserved, out);
    }
    let in_template = template_names(&op.path);
    for name in in_template.difference(&declared_path) {
        out.add(
            Severity::Error,
            "undeclared-path-parameter",
            &op.pointer,
            format!(
                "path `{}` uses `{{{name}}}` but declares no path parameter `{name}`",
                op.path
            ),
        );
    }
    for name in declared_path.difference(&in_template) {
        out.add(
            Severity::Error,
            "unused-path-parameter",
            &op.pointer,
            format!("path parameter `{name}` does not appear in `{}`", op.path),
        );
    }
}

/// Rewrites one parameter list; whether an object parameter was flattened.
fn rewrite_list(
    doc: &mut Value,
    list_ptr: &str,
    out: &mut Findings,
    declared_path: &mut BTreeSet<String>,
) -> bool {
    let Some(Value::Array(list)) = doc.pointer(list_ptr).cloned() else {
        return false;
    };
    let mut rewritten = Vec::new();
    let (mut changed, mut flattened) = (false, false);
    for (i, entry) in list.into_iter().enumerate() {
        let at = format!("{list_ptr}/{i}");
        let Some(target) = walk::resolve(doc, &at) else {
            rewritten.push(entry);
            continue;
        };
        match parameter(doc, &target, out, declared_path) {
            // The entry as `parameter` left it (an inline one may have been rewritten).
            Action::Keep => rewritten.push(doc.pointer(&at).cloned().unwrap_or(entry)),
            Action::Replace(params) => {
                (changed, flattened) = (true, true);
                rewritten.extend(params);
            }
            Action::Drop => changed = true,
        }
    }
    if changed && let Some(list) = doc.pointer_mut(list_ptr) {
        *list = Value::Array(rewritten);
    }
    flattened
}

/// Decides about one (resolved) parameter; records path parameter names.
fn parameter(
    doc: &mut Value,
    ptr: &str,
    out: &mut Findings,
    declared_path: &mut BTreeSet<String>,
) -> Action {
    let schema = doc
        .pointer(&format!("{ptr}/schema"))
        .map_or(Value::Null, |s| walk::resolve_schema(doc, s));
    let branches = object_branches(doc, &schema);
    let scalar = one_scalar_type(doc, &schema);
    let Some(Value::Object(p)) = doc.pointer_mut(ptr) else {
        return Action::Keep;
    };
    let text = |key: &str| {
        p.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (name, location) = (text("name"), text("in"));
    let required = p.get("required") == Some(&Value::Bool(true));
    if location == "path" {
        declared_path.insert(name.clone());
        if !required {
            p.insert("required".into(), Value::Bool(true));
            out.add(
                Severity::Note,
                "path-parameter-required",
                ptr,
                format!(
                    "path parameter `{name}` marked `required: true` (path parameters always are)"
                ),
            );
        }
    }
    let unsendable = |out: &mut Findings, rule, what| unsendable(out, required, ptr, rule, what);
    if location == "cookie" {
        return unsendable(
            out,
            "cookie-parameter",
            format!("cookie parameter `{name}` is not supported"),
        );
    }
    if let Some(Value::Object(content)) = p.shift_remove("content") {
        let media = content.keys().next().cloned().unwrap_or_default();
        p.insert("schema".into(), json!({ "type": "string" }));
        out.add(Severity::Warning, "parameter-content", ptr, format!("parameter `{name}` is described by `content` ({media}); generated as a string: pass the serialised value"));
        return Action::Keep;
    }
    let default_style = if location == "query" {
        "form"
    } else {
        "simple"
    };
    let style = p
        .get("style")
        .and_then(Value::as_str)
        .unwrap_or(default_style)
        .to_owned();
    let explode = p
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    let is_object = schema.get("type") == Some(&json!("object"))
        || schema.get("properties").is_some()
        || schema.get("additionalProperties").is_some()
        || schema.get("required").is_some();
    let is_array = schema.get("type") == Some(&json!("array"));
    if location == "query" && is_object {
        return match (style.as_str(), explode, schema.get("properties")) {
            ("form", true, Some(Value::Object(props))) => {
                flatten(ptr, &name, p, &schema, props, out, "form-explode")
            }
            ("deepObject", _, Some(Value::Object(props))) => {
                flatten(ptr, &name, p, &schema, props, out, "deepObject")
            }
            // A map: its entries go on the wire as keys, which is what form + explode means.
            // (Required members without properties are not a map; progenitor panics on them.)
            ("form", true, None) if schema.get("required").is_none() => {
                p.shift_remove("style");
                p.shift_remove("explode");
                Action::Keep
            }
            _ => unsendable(
                out,
                "object-query-parameter",
                format!(
                    "query parameter `{name}` is an object in style `{style}` without listed properties, which the generator cannot send"
                ),
            ),
        };
    }
    if let Some(kind) = scalar {
        p.insert("schema".into(), json!({ "type": kind }));
        out.add(Severity::Note, "parameter-union", ptr, format!("parameter `{name}` is one of several `{kind}` alternatives (`anyOf`/`oneOf`); read as one `{kind}`, which covers them all"));
        return Action::Keep;
    }
    if location == "query" && !is_object && !branches.is_empty() {
        let flattenable = style == "deepObject" || (style == "form" && explode);
        return match (branches.as_slice(), flattenable) {
            ([branch], true) if let Some(Value::Object(props)) = branch.get("properties") => {
                out.add(Severity::Warning, "query-parameter-alternatives", ptr, format!("query parameter `{name}` is an object or another kind of value; only the object is sent (flattened, as it goes on the wire): the other alternatives cannot be"));
                let style = if style == "deepObject" {
                    "deepObject"
                } else {
                    "form-explode"
                };
                flatten(ptr, &name, p, branch, props, out, style)
            }
            _ => unsendable(
                out,
                "object-query-parameter",
                format!(
                    "query parameter `{name}` has object alternatives (`anyOf`/`oneOf`) in style `{style}` that the generator cannot send"
                ),
            ),
        };
    }
    if location == "header" {
        let lower = name.to_ascii_lowercase();
        if matches!(lower.as_str(), "accept" | "content-type" | "authorization") {
            out.add(
                Severity::Note,
                "reserved-header-parameter",
                ptr,
                format!(
                    "header parameter `{name}` is ignored, as OpenAPI says (the client sets it)"
                ),
            );
            return Action::Drop;
        }
        if lower != name {
            p.insert("name".into(), json!(lower));
            out.add(Severity::Note, "header-name-case", ptr, format!("header parameter `{name}` sent as `{lower}` (header names are case-insensitive; the HTTP client needs lower case)"));
        }
    }
    let joined = match (location.as_str(), style.as_str(), explode) {
        ("query", "form", true) | ("query", "deepObject", _) | ("path", "simple", _) => false,
        ("query", "form", false) | ("header", "simple", _) => is_array,
        ("query", "pipeDelimited" | "spaceDelimited", _) => is_array,
        _ => {
            return unsendable(
                out,
                "parameter-style",
                format!(
                    "parameter `{name}` ({location}, style `{style}`) cannot be sent as described"
                ),
            );
        }
    };
    if joined
        || (location == "header" && is_object)
        || (location == "path" && (is_array || is_object))
    {
        let separator = match style.as_str() {
            "pipeDelimited" => "|",
            "spaceDelimited" => " ",
            _ => ",",
        };
        p.insert("schema".into(), json!({ "type": "string" }));
        p.shift_remove("style");
        p.shift_remove("explode");
        out.add(Severity::Warning, "parameter-as-string", ptr, format!("parameter `{name}` ({location}, style `{style}`) is a list or object the generator cannot serialise that way; generated as a string: pass the values joined by `{separator}`"));
        return Action::Keep;
    }
    // Path and header values are written with `Display`, which `Option` lacks: a null
    // cannot be sent there anyway.
    if matches!(location.as_str(), "path" | "header")
        && let Some(Value::Object(schema)) = p.get_mut("schema")
        && schema.shift_remove("nullable").is_some()
    {
        out.add(
            Severity::Note,
            "nullable-parameter",
            ptr,
            format!("{location} parameter `{name}` cannot be sent as null; `nullable` dropped"),
        );
    }
    // What is left is sent in the default style (scalars look the same in every style).
    p.shift_remove("style");
    p.shift_remove("explode");
    Action::Keep
}

/// Parameters whose names become the same Rust identifier (`DateCreated`, `DateCreated<`,
/// `DateCreated>`), or a name the operation's generated builder already uses (`reserved`,
/// see [`crate::names::BUILDER_PARAMETERS`]), would not compile: such optional parameters are
/// left out, a required one is an error (which leaves the operation out).
fn name_clashes(doc: &mut Value, list_ptr: &str, reserved: &[&str], out: &mut Findings) {
    let Some(Value::Array(list)) = doc.pointer(list_ptr).cloned() else {
        return;
    };
    let mut seen = BTreeSet::new();
    let mut kept = Vec::new();
    let mut changed = false;
    for (i, entry) in list.into_iter().enumerate() {
        let at = format!("{list_ptr}/{i}");
        let resolved = walk::resolve(doc, &at)
            .and_then(|p| doc.pointer(&p))
            .cloned();
        let name = resolved
            .as_ref()
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let required =
            resolved.as_ref().and_then(|p| p.get("required")) == Some(&Value::Bool(true));
        let rust_name = crate::names::sanitize_snake(name);
        let (rule, what, fix) = if reserved.contains(&rust_name.as_str()) {
            (
                "reserved-parameter-name",
                format!(
                    "parameter `{name}` is generated as `{rust_name}`, a name the operation's builder already uses (a method, the request body or a local of `send`)"
                ),
                "the generated client cannot send it",
            )
        } else if seen.insert(rust_name) {
            kept.push(entry);
            continue;
        } else {
            (
                "parameter-name-clash",
                format!("parameter `{name}` becomes the same Rust name as an earlier one"),
                "rename it with a fix to send it",
            )
        };
        if required {
            out.add(
                Severity::Error,
                rule,
                &at,
                format!("{what}; the operation cannot be called without it"),
            );
            kept.push(entry);
        } else {
            out.add(
                Severity::Warning,
                rule,
                &at,
                format!("{what}; this optional parameter is left out ({fix})"),
            );
            changed = true;
        }
    }
    if changed && let Some(list) = doc.pointer_mut(list_ptr) {
        *list = Value::Array(kept);
    }
}

/// The object branches (resolved) of a composition (`anyOf`, `oneOf`), which typify makes
/// into types progenitor cannot take as an optional query parameter.
fn object_branches(doc: &Value, schema: &Value) -> Vec<Value> {
    ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_array))
        .flatten()
        .map(|b| walk::resolve_schema(doc, b))
        .filter(|b| {
            b.get("type") == Some(&json!("object"))
                || b.get("properties").is_some()
                || b.get("additionalProperties").is_some()
        })
        .collect()
}

/// The one scalar type every alternative of a composition (`anyOf`, `oneOf`) has, such as
/// `string` or `enum: [""]` (typify makes that a type progenitor cannot take as an optional
/// parameter; one plain scalar sends every alternative).
fn one_scalar_type(doc: &Value, schema: &Value) -> Option<String> {
    let branches: Vec<Value> = ["anyOf", "oneOf"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_array))
        .flatten()
        .map(|b| walk::resolve_schema(doc, b))
        .collect();
    let kind = branches.first()?.get("type")?.as_str()?;
    let same = branches
        .iter()
        .all(|b| b.get("type").and_then(Value::as_str) == Some(kind));
    (branches.len() > 1 && same && matches!(kind, "string" | "integer" | "number" | "boolean"))
        .then(|| kind.to_owned())
}

/// What cannot be sent: an optional parameter is dropped, a required one is an error (which
/// leaves its operation out).
fn unsendable(
    out: &mut Findings,
    required: bool,
    ptr: &str,
    rule: &'static str,
    what: String,
) -> Action {
    if required {
        out.add(
            Severity::Error,
            rule,
            ptr,
            format!("{what}; the operation cannot be called without it"),
        );
    } else {
        out.add(Severity::Warning, rule, ptr, format!("{what}; this optional parameter is left out (describe it as a scalar with a fix to send it)"));
    }
    Action::Drop
}

/// One parameter per property of an object query parameter, named as the style puts them on
/// the wire.
fn flatten(
    ptr: &str,
    name: &str,
    p: &Map<String, Value>,
    schema: &Value,
    properties: &Map<String, Value>,
    out: &mut Findings,
    style: &str,
) -> Action {
    let key = |prop: &str| match style {
        "deepObject" => format!("{name}[{prop}]"),
        _ => prop.to_owned(),
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let whole_required = p.get("required") == Some(&Value::Bool(true));
    let params = properties
        .iter()
        .map(|(prop, prop_schema)| {
            let mut param = json!({
                "name": key(prop),
                "in": "query",
                "required": whole_required && required.contains(&prop.as_str()),
                "schema": prop_schema,
            });
            if style == "deepObject" {
                param["style"] = json!("deepObject");
            }
            if let Some(d) = prop_schema.get("description").or(p.get("description")) {
                param["description"] = d.clone();
            }
            param
        })
        .collect();
    out.add(
        Severity::Note,
        "object-query-parameter",
        ptr,
        format!("object query parameter `{name}` ({style}) flattened into one parameter per property, as it goes on the wire"),
    );
    Action::Replace(params)
}

/// `{name}` placeholders of a path template.
fn template_names(path: &str) -> BTreeSet<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}'))
        .map(|(name, _)| name.to_owned())
        .collect()
}
