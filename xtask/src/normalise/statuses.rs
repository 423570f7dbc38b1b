//! Several responses per operation, each typed. progenitor types one success and one error
//! body per operation, so where an operation documents successes with different bodies (201
//! with a body and 204 without, 200 and 202 with different schemas), or a `304 Not
//! Modified`, or errors with different bodies, the normaliser keeps one of each for
//! progenitor (as in `responses = "one"`) and records every status of the group in the
//! operation's [`Group::extension`]; the `per-status-responses` rewrite pass then gives the
//! call an enum per group with one variant per status and decodes by status.
//!
//! Each recorded status names how its body is read: `json` with the component schema that
//! types it (an inline schema is hoisted into `components/schemas` once operation ids are
//! known), `kept` for the body progenitor already types, `empty`, or `raw` bytes.

use serde_json::{Map, Value, json};

use super::bodies::json_entry;
use crate::finding::{Findings, Severity};
use crate::walk::{self, OperationRef};
use crate::{names, pointer};

/// The successes or the errors of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// 2xx statuses (and a documented `304`).
    Success,
    /// 4xx and 5xx statuses.
    Error,
}

impl Group {
    /// The operation extension listing the group's statuses.
    pub fn extension(self) -> &'static str {
        match self {
            Group::Success => "x-xtask-responses",
            Group::Error => "x-xtask-errors",
        }
    }

    /// What the enum of the group is called after the operation (`<Op>Response`).
    pub fn suffix(self) -> &'static str {
        match self {
            Group::Success => "Response",
            Group::Error => "Error",
        }
    }
}

/// How one status's body is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// The JSON type progenitor generated for the success it kept.
    Kept,
    /// JSON of the component schema of this (sanitised by typify) name.
    Json(String),
    /// No body.
    Empty,
    /// Bytes of a non-JSON media type.
    Raw,
}

/// One recorded status, as the rewrite pass reads it back.
#[derive(Clone, Debug)]
pub struct Status {
    /// The documented key: `201`, `2XX`, `304`.
    pub code: String,
    /// Its description, for the variant's doc comment.
    pub description: String,
    /// How its body is read.
    pub body: Body,
}

/// Records the statuses of `group` of the operation at `op` (`members`: code and kind, as
/// `responses` computes them; `keep`: the kind progenitor keeps) and, for successes, a
/// documented `304`.
pub fn record(
    doc: &mut Value,
    op: &OperationRef,
    group: Group,
    members: &[(String, String)],
    keep: &str,
    out: &mut Findings,
) {
    let at = format!("{}/responses", op.pointer);
    let mut entries = Vec::new();
    let mut codes: Vec<(String, String)> = members.to_vec();
    if group == Group::Success && doc.pointer(&pointer::join(&at, "304")).is_some() {
        codes.push(("304".into(), "no body".into()));
    }
    for (code, kind) in &codes {
        let target = walk::resolve(doc, &pointer::join(&at, code)).unwrap_or_default();
        let description = doc
            .pointer(&format!("{target}/description"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let body = if code == "304" || kind == "no body" {
            json!("empty")
        } else if kind == keep {
            json!("kept")
        } else if kind == "raw bytes" {
            json!("raw")
        } else {
            json_schema(doc, &target, out)
        };
        entries.push(json!({"status": code, "description": description, "body": body}));
    }
    // No finding: every status keeps its documented type (nothing is lost, so a strict,
    // hand-written spec generates too); the rewrite pass counts the enums it adds.
    if let Some(Value::Object(operation)) = doc.pointer_mut(&op.pointer) {
        operation.insert(group.extension().into(), Value::Array(entries));
    }
}

/// `{"$ref": …}` for a schema that is a component reference, else `{"schema": …}`
/// (hoisted by [`hoist`] once the operation has its final id). The response leaves the
/// document, so a reference that resolves to nothing is reported here, where it was written.
fn json_schema(doc: &Value, response: &str, out: &mut Findings) -> Value {
    let content = doc.pointer(&format!("{response}/content"));
    let Some((media, schema)) = content
        .and_then(Value::as_object)
        .and_then(json_entry)
        .and_then(|(m, mt)| Some((m, mt.get("schema")?.clone())))
    else {
        return json!({"schema": {}});
    };
    let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
        return json!({"schema": schema});
    };
    if pointer::local_ref(reference)
        .and_then(|p| doc.pointer(p))
        .is_none()
    {
        let at = pointer::join(
            &pointer::join(&format!("{response}/content"), media),
            "schema",
        );
        out.add(
            Severity::Error,
            "dangling-ref",
            &pointer::join(&at, "$ref"),
            format!("`{reference}` does not resolve to anything in the document"),
        );
        return json!({"schema": {}});
    }
    let component = reference.strip_prefix("#/components/schemas/");
    if component.is_some_and(|name| !name.contains('/')) {
        json!({"$ref": reference})
    } else {
        json!({"schema": schema})
    }
}

/// Moves the inline schemas recorded by [`record`] into `components/schemas` under a name
/// made of the operation's id, the group and the status (`CreateThingResponse201`,
/// `CreateThingError422`), so that typify generates a type for each.
/// Whether any schema was hoisted (the component rules then run again over the new ones).
pub fn hoist(doc: &mut Value, out: &mut Findings) -> bool {
    let mut hoisted = false;
    for group in [Group::Success, Group::Error] {
        hoisted |= hoist_group(doc, group, out);
    }
    hoisted
}

fn hoist_group(doc: &mut Value, group: Group, out: &mut Findings) -> bool {
    let mut hoisted = false;
    for op in walk::operations(doc) {
        let Some(Value::Object(operation)) = doc.pointer(&op.pointer) else {
            continue;
        };
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .map(names::sanitize_pascal)
            .unwrap_or_default();
        let Some(Value::Array(entries)) = operation.get(group.extension()) else {
            continue;
        };
        let mut entries = entries.clone();
        for entry in &mut entries {
            let Some(schema) = entry.pointer("/body/schema").cloned() else {
                continue;
            };
            let status = entry["status"].as_str().unwrap_or_default().to_owned();
            let name = free_name(doc, &format!("{id}{}{status}", group.suffix()));
            let schemas = doc
                .as_object_mut()
                .and_then(|d| {
                    d.entry("components")
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                })
                .and_then(|c| {
                    c.entry("schemas")
                        .or_insert_with(|| json!({}))
                        .as_object_mut()
                });
            let Some(schemas) = schemas else {
                out.add(
                    Severity::Error,
                    "responses-per-status",
                    &op.pointer,
                    "`components` is not a mapping: the response schemas cannot be hoisted",
                );
                continue;
            };
            let reference = format!("#/components/schemas/{}", pointer::escape(&name));
            schemas.insert(name, schema);
            entry["body"] = json!({"$ref": reference});
            hoisted = true;
        }
        if let Some(Value::Object(operation)) = doc.pointer_mut(&op.pointer) {
            operation.insert(group.extension().into(), Value::Array(entries));
        }
    }
    hoisted
}

/// `base`, or `base2`, `base3`, … : the first name no component schema has.
fn free_name(doc: &Value, base: &str) -> String {
    let taken = |name: &str| {
        doc.pointer("/components/schemas")
            .and_then(Value::as_object)
            .is_some_and(|s| {
                s.keys()
                    .any(|k| names::sanitize_pascal(k) == names::sanitize_pascal(name))
            })
    };
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_owned()
            } else {
                format!("{base}{n}")
            }
        })
        .find(|n| !taken(n))
        .unwrap_or_default()
}

/// The statuses of `group` recorded on `operation`, or none.
pub fn read(operation: &Value, group: Group) -> Vec<Status> {
    let Some(Value::Array(entries)) = operation.get(group.extension()) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|e| {
            let body = match &e["body"] {
                Value::String(s) if s == "kept" => Body::Kept,
                Value::String(s) if s == "empty" => Body::Empty,
                Value::String(s) if s == "raw" => Body::Raw,
                Value::Object(o) => Body::Json(names::sanitize_pascal(&component(o)?)),
                _ => return None,
            };
            Some(Status {
                code: e["status"].as_str()?.to_owned(),
                description: e["description"].as_str().unwrap_or_default().to_owned(),
                body,
            })
        })
        .collect()
}

/// The component schema a recorded body refers to (`$ref`, so that pruning a service's
/// components keeps it).
fn component(body: &Map<String, Value>) -> Option<String> {
    let name = body
        .get("$ref")
        .and_then(Value::as_str)?
        .strip_prefix("#/components/schemas/")?;
    Some(pointer::unescape(name))
}
