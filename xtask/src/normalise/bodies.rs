//! Request bodies: one media type per operation, the best one offered, in a form progenitor
//! generates. What progenitor cannot send itself (multipart, JSON under another media type,
//! binary under another media type) is marked with [`BODY_EXTENSION`] on the operation, and
//! the emitter rewrites that operation's request building (see the rewrite pass `bodies`).

use serde_json::{Map, Value, json};

use crate::finding::{Findings, Severity};
use crate::pointer;
use crate::walk::{self, OperationRef};

/// Extension on a normalised operation: `{"media": <sent media type>, "files": [<fields>]}`.
pub const BODY_EXTENSION: &str = "x-xtask-body";

/// How a request media type is generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Json,
    Form,
    Multipart,
    Binary,
    Text,
}

/// Media types by kind; the order of `Kind` is the order of preference.
fn kind(media: &str) -> Option<Kind> {
    let base = media_base(media).to_ascii_lowercase();
    let (top, sub) = base.split_once('/').unwrap_or((&base, ""));
    Some(match (top, sub) {
        ("application", "json") => Kind::Json,
        (_, s) if s.ends_with("+json") || s == "json" => Kind::Json,
        ("application", "x-www-form-urlencoded") => Kind::Form,
        ("multipart", "form-data") => Kind::Multipart,
        ("text", "plain" | "x-markdown") => Kind::Text,
        ("application" | "image" | "audio" | "video" | "font" | "*", _) => Kind::Binary,
        ("text", _) => Kind::Binary,
        _ => return None,
    })
}

/// The `application/json` entry (parameters such as `charset` aside) of a `content` map.
pub fn json_entry(content: &Map<String, Value>) -> Option<(&String, &Value)> {
    content
        .iter()
        .find(|(media, _)| media_base(media) == "application/json")
}

/// `application/json; charset=utf-8` → `application/json`.
pub fn media_base(media: &str) -> &str {
    media.split(';').next().unwrap_or(media).trim()
}

/// Keeps the best request media type and rewrites it into a shape progenitor generates.
pub fn normalise(doc: &mut Value, op: &OperationRef, out: &mut Findings) {
    let body_ptr = format!("{}/requestBody", op.pointer);
    let Some(body) = walk::resolve(doc, &body_ptr) else {
        return;
    };
    let Some(Value::Object(content)) = doc.pointer(&format!("{body}/content")).cloned() else {
        return;
    };
    let at = format!("{body}/content");
    let best = content
        .iter()
        .filter_map(|(m, mt)| kind(m).map(|k| (k, m.clone(), mt.clone())))
        .min_by_key(|(k, _, _)| *k);
    let Some((kind, media, mut mt)) = best else {
        let types: Vec<&str> = content.keys().map(String::as_str).collect();
        out.add(
            Severity::Error,
            "request-media-type",
            &at,
            format!(
                "none of the request media types ({}) can be sent",
                types.join(", ")
            ),
        );
        return;
    };
    let mut changed = content.len() > 1;
    if changed {
        let dropped: Vec<&str> = content
            .keys()
            .filter(|k| **k != media)
            .map(String::as_str)
            .collect();
        out.add(
            Severity::Warning,
            "request-media-types",
            &at,
            format!(
                "several request media types: kept `{}`, dropped {}",
                media_base(&media),
                dropped.join(", ")
            ),
        );
    }
    let mt_ptr = pointer::join(&at, &media);
    let Value::Object(mt_map) = &mut mt else {
        return;
    };
    if mt_map.shift_remove("encoding").is_some() {
        changed = true;
        out.add(
            Severity::Warning,
            "media-encoding",
            &pointer::join(&mt_ptr, "encoding"),
            "`encoding` is not supported for this media type; dropped",
        );
    }
    let schema = mt_map.get("schema").cloned();
    if schema.is_none() && matches!(kind, Kind::Json | Kind::Form) {
        out.add(Severity::Note, "body-without-schema", &mt_ptr, "no schema: the body is generated as untyped JSON (`serde_json::Value`); add a schema with a fix");
    }
    let schema = schema.unwrap_or(json!({}));
    let (sent_as, new_schema, files) = match kind {
        Kind::Json => ("application/json", schema.clone(), Vec::new()),
        Kind::Form => (
            "application/x-www-form-urlencoded",
            schema.clone(),
            Vec::new(),
        ),
        Kind::Multipart => {
            let (typed, files) = multipart_schema(doc, &schema);
            ("application/x-www-form-urlencoded", typed, files)
        }
        Kind::Binary => (
            "application/octet-stream",
            json!({ "type": "string", "format": "binary" }),
            Vec::new(),
        ),
        Kind::Text => ("text/plain", json!({ "type": "string" }), Vec::new()),
    };
    changed |= new_schema != schema || mt_map.get("schema") != Some(&new_schema);
    mt_map.insert("schema".into(), new_schema);
    let renamed = media_base(&media) != sent_as;
    if kind == Kind::Multipart {
        out.add(Severity::Note, "multipart-body", &mt_ptr, "multipart/form-data body generated as a typed form: file parts are bytes, other fields text");
    } else if renamed {
        out.add(
            Severity::Note,
            "request-media-type-sent",
            &mt_ptr,
            format!("`{media}` body generated as `{sent_as}` and sent with its own media type"),
        );
    }
    if !changed && !renamed && kind != Kind::Multipart {
        return;
    }
    // The operation gets its own body: a shared `requestBodies` entry may serve others.
    let mut inline = match doc.pointer(&body) {
        Some(Value::Object(original)) => original.clone(),
        _ => Map::new(),
    };
    inline.insert("content".into(), json!({ sent_as: mt }));
    if let Some(Value::Object(operation)) = doc.pointer_mut(&op.pointer) {
        operation.insert("requestBody".into(), Value::Object(inline));
        if renamed || kind == Kind::Multipart {
            let marker = json!({ "media": media_base(&media), "files": files });
            operation.insert(BODY_EXTENSION.into(), marker);
        }
    }
}

/// A multipart schema as a typed form: an inline object whose binary properties become byte
/// arrays; returns it and the names of the file properties.
fn multipart_schema(doc: &Value, schema: &Value) -> (Value, Vec<String>) {
    let resolved = walk::resolve_schema(doc, schema);
    let Some(Value::Object(properties)) = resolved.get("properties").cloned() else {
        return (resolved, Vec::new());
    };
    let mut files = Vec::new();
    let mut typed = Map::new();
    for (name, prop) in properties {
        let prop_resolved = walk::resolve_schema(doc, &prop);
        let item = prop_resolved
            .get("items")
            .map(|i| walk::resolve_schema(doc, i));
        let bytes = json!({ "type": "array", "items": { "type": "integer", "format": "uint8" } });
        if is_binary(&prop_resolved) {
            files.push(name.clone());
            typed.insert(name, bytes);
        } else if item.as_ref().is_some_and(is_binary) {
            files.push(name.clone());
            typed.insert(name, json!({ "type": "array", "items": bytes }));
        } else {
            typed.insert(name, prop);
        }
    }
    let mut out = resolved;
    out["properties"] = Value::Object(typed);
    out.as_object_mut().map(|o| o.shift_remove("$ref"));
    (out, files)
}

/// A file part: a binary string (3.0 `format: binary`, 3.1 `contentMediaType`).
fn is_binary(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && (schema.get("format").and_then(Value::as_str) == Some("binary")
            || schema.get("contentMediaType").is_some()
            || schema.get("contentEncoding").and_then(Value::as_str) == Some("binary"))
}
