//! Response rules: at most one success and one error body type per operation (progenitor
//! panics on more), JSON under any `+json` media type (or a wildcard with a structured
//! schema) typed as JSON, bodiless successes typed
//! as `()`, and `default` never taken for the success type when real successes are listed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::bodies::{json_entry, media_base};
use super::statuses::Group;
use crate::finding::{Findings, Severity};
use crate::pointer;
use crate::walk::{self, OperationRef};

/// progenitor counts `default` as a success *and* an error: next to listed successes it would
/// make the error body the success type (and a bodiless 204 then fails to decode). There it
/// becomes the `4XX` and `5XX` ranges it stands for.
fn default_as_error(
    doc: &mut Value,
    at: &str,
    codes: Vec<String>,
    out: &mut Findings,
) -> Vec<String> {
    let has_success = codes.iter().any(|c| c.starts_with('2'));
    let Some(Value::Object(responses)) = doc.pointer_mut(at) else {
        return codes;
    };
    if !has_success || !responses.contains_key("default") {
        return codes;
    }
    let default = responses.shift_remove("default").unwrap_or_default();
    let mut added = Vec::new();
    for range in ["4XX", "5XX"] {
        if !responses.keys().any(|c| c.eq_ignore_ascii_case(range)) {
            responses.insert(range.into(), default.clone());
            added.push(range);
        }
    }
    out.add(
        Severity::Note,
        "default-response-as-error",
        &pointer::join(at, "default"),
        format!(
            "`default` next to listed successes describes errors: read as {}",
            if added.is_empty() {
                "nothing new (4XX and 5XX are listed)".to_owned()
            } else {
                added.join(" and ")
            }
        ),
    );
    responses.keys().cloned().collect()
}

/// JSON under another media type (`application/problem+json`, `application/vnd.x+json`) is
/// read as JSON: the media type is renamed when no `application/json` is listed. So is a
/// wildcard (`*/*`, `application/*`, as specs converted from Swagger 2 without `produces`
/// have) whose schema is structured (not a string, so not a file).
fn json_media(doc: &mut Value, content_ptr: &str, out: &mut Findings) {
    let Some(Value::Object(content)) = doc.pointer(content_ptr) else {
        return;
    };
    if content.keys().any(|m| media_base(m) == "application/json") {
        return;
    }
    let json_like = content.keys().find(|m| {
        let base = media_base(m).to_ascii_lowercase();
        base.ends_with("+json") || base.ends_with("/json")
    });
    let wildcard = || {
        content.iter().find(|(m, mt)| {
            matches!(media_base(m), "*/*" | "application/*")
                && mt.get("schema").is_some_and(|s| is_structured(doc, s))
        })
    };
    let (from, rule, why) = match (json_like, wildcard()) {
        (Some(m), _) => (m.clone(), "json-media-type", "read as JSON"),
        (None, Some((m, _))) => (
            m.clone(),
            "wildcard-media-type",
            "with a structured schema read as JSON (the wildcard allows it)",
        ),
        (None, None) => return,
    };
    let Some(Value::Object(content)) = doc.pointer_mut(content_ptr) else {
        return;
    };
    let renamed: Map<String, Value> = std::mem::take(content)
        .into_iter()
        .map(|(k, v)| {
            if k == from {
                ("application/json".to_owned(), v)
            } else {
                (k, v)
            }
        })
        .collect();
    *content = renamed;
    out.add(
        Severity::Note,
        rule,
        &pointer::join(content_ptr, &from),
        format!("`{from}` response {why}"),
    );
}

/// Whether a schema (a local `$ref` followed once) describes more than a string: an object,
/// an array, a composition.
fn is_structured(doc: &Value, schema: &Value) -> bool {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            Some(target) => target,
            None => return false,
        },
        None => schema,
    };
    let Some(schema) = schema.as_object() else {
        return false;
    };
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => matches!(t, "object" | "array"),
        None => [
            "properties",
            "items",
            "allOf",
            "oneOf",
            "anyOf",
            "additionalProperties",
        ]
        .iter()
        .any(|k| schema.contains_key(*k)),
    }
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
    match json_entry(content) {
        Some((_, mt)) => format!(
            "JSON {}",
            mt.get("schema").map_or_else(String::new, Value::to_string)
        ),
        None if content.is_empty() => "no body".into(),
        None => "raw bytes".into(),
    }
}

/// JSON responses get schemas; at most one success and one error body type survive for
/// progenitor (with `per_status`, the others are recorded for the per-status enums).
pub fn normalise(doc: &mut Value, op: &OperationRef, per_status: bool, out: &mut Findings) {
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
    let codes = default_as_error(doc, &at, codes, out);
    let mut kinds = Vec::new();
    for code in &codes {
        let Some(target) = walk::resolve(doc, &pointer::join(&at, code)) else {
            continue;
        };
        json_media(doc, &format!("{target}/content"), out);
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
        let not_modified =
            group == "success" && !members.is_empty() && codes.iter().any(|c| c == "304");
        if distinct.len() <= 1 && !(per_status && not_modified) {
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
        // A group with `default` (left only where no success is listed) keeps one type:
        // `default` has no status to decode by.
        let recorded = match group {
            _ if members.iter().any(|(c, _)| c == "default") => None,
            "success" => Some(Group::Success),
            _ => Some(Group::Error),
        };
        if let Some(recorded) = recorded.filter(|_| per_status) {
            let members: Vec<(String, String)> = members.into_iter().cloned().collect();
            super::statuses::record(doc, op, recorded, &members, &keep, out);
            drop.extend(
                members
                    .into_iter()
                    .filter(|(_, k)| *k != keep)
                    .map(|(c, _)| c),
            );
            continue;
        }
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
