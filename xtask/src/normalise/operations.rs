//! Operation rules: what progenitor needs of operations, parameters, bodies and responses.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::finding::{Findings, Severity};
use crate::names;
use crate::pointer;
use crate::walk::{self, OperationRef};

/// Request media types progenitor can send, best first.
const REQUEST_MEDIA: &[&str] = &[
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

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
        parameters(doc, op, out);
        request_body(doc, op, out);
        responses(doc, op, out);
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

/// Path parameters required and declared; no cookies, `content`, odd styles or object queries.
fn parameters(doc: &mut Value, op: &OperationRef, out: &mut Findings) {
    let item = pointer::join("/paths", &op.path);
    let mut declared_path = BTreeSet::new();
    for owner in [item.as_str(), op.pointer.as_str()] {
        let count = doc
            .pointer(&format!("{owner}/parameters"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for i in 0..count {
            let at = format!("{owner}/parameters/{i}");
            let Some(target) = walk::resolve(doc, &at) else {
                continue;
            };
            if let Some(name) = parameter(doc, &target, out) {
                declared_path.insert(name);
            }
        }
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

/// Checks one (resolved) parameter; returns its name if it is a path parameter.
fn parameter(doc: &mut Value, ptr: &str, out: &mut Findings) -> Option<String> {
    let schema_ptr = walk::resolve(doc, &format!("{ptr}/schema"));
    let is_object_schema = schema_ptr
        .as_deref()
        .and_then(|p| doc.pointer(p))
        .is_some_and(|s| {
            s.get("type") == Some(&json!("object"))
                || s.get("properties").is_some()
                || s.get("additionalProperties").is_some()
        });
    let Some(Value::Object(p)) = doc.pointer_mut(ptr) else {
        return None;
    };
    let name = p
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let location = p
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if p.contains_key("content") {
        out.add(
            Severity::Error,
            "parameter-content",
            ptr,
            format!("parameter `{name}` uses `content`; progenitor needs `schema`"),
        );
    }
    let default_style = match location.as_str() {
        "query" | "cookie" => "form",
        _ => "simple",
    };
    if let Some(style) = p
        .get("style")
        .and_then(Value::as_str)
        .filter(|s| *s != default_style)
    {
        out.add(
            Severity::Error,
            "parameter-style",
            &pointer::join(ptr, "style"),
            format!("parameter `{name}` uses style `{style}`; only `{default_style}` is supported"),
        );
    }
    match location.as_str() {
        "path" => {
            if p.get("required") != Some(&Value::Bool(true)) {
                p.insert("required".into(), Value::Bool(true));
                out.add(Severity::Note, "path-parameter-required", ptr, format!("path parameter `{name}` marked `required: true` (path parameters always are)"));
            }
            return Some(name);
        }
        "cookie" => out.add(Severity::Error, "cookie-parameter", ptr, format!("cookie parameter `{name}` is not supported; remove it with a fix")),
        "query" if is_object_schema => out.add(
            Severity::Error,
            "object-query-parameter",
            ptr,
            format!("query parameter `{name}` is an object, which progenitor's builder cannot send; flatten it into scalar parameters with a fix"),
        ),
        _ => {}
    }
    None
}

/// `{name}` placeholders of a path template.
fn template_names(path: &str) -> BTreeSet<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}'))
        .map(|(name, _)| name.to_owned())
        .collect()
}

/// One request media type, with a schema and no `encoding`.
fn request_body(doc: &mut Value, op: &OperationRef, out: &mut Findings) {
    let Some(body) = walk::resolve(doc, &format!("{}/requestBody", op.pointer)) else {
        return;
    };
    let Some(Value::Object(content)) = doc.pointer_mut(&format!("{body}/content")) else {
        return;
    };
    let at = format!("{body}/content");
    if content.len() > 1 {
        let kept = REQUEST_MEDIA
            .iter()
            .find(|m| content.keys().any(|k| media_base(k) == **m))
            .copied();
        let Some(kept) = kept else {
            let types: Vec<&str> = content.keys().map(String::as_str).collect();
            out.add(
                Severity::Error,
                "request-media-type",
                &at,
                format!(
                    "none of the request media types ({}) is supported",
                    types.join(", ")
                ),
            );
            return;
        };
        let dropped: Vec<String> = content
            .keys()
            .filter(|k| media_base(k) != kept)
            .cloned()
            .collect();
        content.retain(|k, _| media_base(k) == kept);
        out.add(
            Severity::Warning,
            "request-media-types",
            &at,
            format!(
                "several request media types: kept `{kept}`, dropped {}",
                dropped.join(", ")
            ),
        );
    }
    for (media, mt) in content.iter_mut() {
        let mt_ptr = pointer::join(&at, media);
        if !REQUEST_MEDIA.contains(&media_base(media)) {
            out.add(Severity::Error, "request-media-type", &mt_ptr, format!("request media type `{media}` is not supported (multipart is not); replace the body with a fix"));
            continue;
        }
        if let Value::Object(mt) = mt {
            media_type(&mt_ptr, mt, out);
        }
    }
}

/// `application/json; charset=utf-8` → `application/json`.
fn media_base(media: &str) -> &str {
    media.split(';').next().unwrap_or(media).trim()
}

/// A JSON media type gets a schema and loses `encoding`.
fn media_type(ptr: &str, mt: &mut Map<String, Value>, out: &mut Findings) {
    if mt.shift_remove("encoding").is_some() {
        out.add(
            Severity::Warning,
            "media-encoding",
            &pointer::join(ptr, "encoding"),
            "`encoding` is not supported for this media type; dropped",
        );
    }
    if !mt.contains_key("schema") {
        mt.insert("schema".into(), json!({}));
        out.add(Severity::Note, "body-without-schema", ptr, "no schema: the body is generated as untyped JSON (`serde_json::Value`); add a schema with a fix");
    }
}

/// How progenitor types a response: by its JSON schema, as raw bytes, or as no body.
fn response_kind(doc: &Value, response_ptr: &str) -> String {
    let Some(Value::Object(content)) = doc.pointer(&format!("{response_ptr}/content")) else {
        return "no body".into();
    };
    match content
        .iter()
        .find(|(k, _)| media_base(k) == "application/json")
    {
        Some((_, mt)) => format!(
            "JSON {}",
            mt.get("schema").map_or_else(String::new, Value::to_string)
        ),
        None if content.is_empty() => "no body".into(),
        None => "raw bytes".into(),
    }
}

/// JSON responses get schemas; at most one success and one error body type survive.
fn responses(doc: &mut Value, op: &OperationRef, out: &mut Findings) {
    let at = format!("{}/responses", op.pointer);
    let codes: Vec<String> = match doc.pointer(&at) {
        Some(Value::Object(r)) => r.keys().cloned().collect(),
        _ => {
            out.add(
                Severity::Error,
                "no-responses",
                &op.pointer,
                "the operation declares no responses",
            );
            return;
        }
    };
    let mut kinds = Vec::new();
    for code in &codes {
        let Some(target) = walk::resolve(doc, &pointer::join(&at, code)) else {
            continue;
        };
        if let Some(Value::Object(content)) = doc.pointer_mut(&format!("{target}/content")) {
            for (media, mt) in content
                .iter_mut()
                .filter(|(m, _)| media_base(m) == "application/json")
            {
                if let Value::Object(mt) = mt {
                    media_type(&pointer::join(&format!("{target}/content"), media), mt, out);
                }
            }
        }
        kinds.push((code.clone(), response_kind(doc, &target)));
    }
    let is_success = |c: &str| c == "default" || c.starts_with('2');
    let is_error = |c: &str| c == "default" || c.starts_with('4') || c.starts_with('5');
    let mut drop = BTreeSet::new();
    for (group, filter, pick_most_common) in [
        ("success", &is_success as &dyn Fn(&str) -> bool, false),
        ("error", &is_error, true),
    ] {
        let members: Vec<&(String, String)> = kinds
            .iter()
            .filter(|(c, _)| filter(c) && !drop.contains(c))
            .collect();
        let distinct: BTreeSet<&str> = members.iter().map(|(_, k)| k.as_str()).collect();
        if distinct.len() <= 1 {
            continue;
        }
        let keep = if pick_most_common {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, k) in &members {
                *counts.entry(k.as_str()).or_default() += 1;
            }
            let best = counts.values().copied().max().unwrap_or(0);
            members
                .iter()
                .find(|(_, k)| counts[k.as_str()] == best)
                .map(|(_, k)| k.clone())
        } else {
            members
                .iter()
                .find(|(_, k)| k != "no body")
                .or(members.first())
                .map(|(_, k)| k.clone())
        };
        let keep = keep.unwrap_or_default();
        for (code, kind) in members.iter().filter(|(_, k)| *k != keep) {
            drop.insert(code.clone());
            out.add(
                Severity::Warning,
                "multiple-response-types",
                &pointer::join(&at, code),
                format!("progenitor supports one {group} body type per operation: response `{code}` ({}) dropped; it now surfaces as an unexpected response. Unify the schemas with a fix to keep it", short_kind(kind)),
            );
        }
    }
    if let Some(Value::Object(responses)) = doc.pointer_mut(&at) {
        responses.retain(|code, _| !drop.contains(code));
    }
}

fn short_kind(kind: &str) -> &str {
    if kind.starts_with("JSON") {
        "a different JSON schema"
    } else {
        kind
    }
}
