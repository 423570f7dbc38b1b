//! Comparing one operation of two documents: its request body, responses and security
//! (its parameters: [`super::parameters`]).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::schema::{self, Docs};
use super::usage::Direction;
use super::{Area, Change, Effect, Level, Verdict};
use crate::{pointer, walk};

/// The media type a generated client sends or reads first: JSON if there is one.
fn chosen(content: Option<&Map<String, Value>>) -> Option<String> {
    let content = content?;
    content
        .keys()
        .find(|k| k.contains("json"))
        .or_else(|| content.keys().next())
        .cloned()
}

fn object<'a>(doc: &'a Value, at: &str) -> Option<(String, &'a Value)> {
    let resolved = walk::resolve(doc, at)?;
    doc.pointer(&resolved).map(|v| (resolved, v))
}

/// The request body: added, removed, required, its media type and schema.
pub(super) fn request_body(docs: Docs, o: &Op, n: &Op, out: &mut Vec<Change>) {
    let at_o = format!("{}/requestBody", o.pointer);
    let at_n = format!("{}/requestBody", n.pointer);
    let required = |b: &Value| b.get("required").and_then(Value::as_bool).unwrap_or(false);
    match (object(docs.old, &at_o), object(docs.new, &at_n)) {
        (None, None) => {}
        (None, Some((_, b))) => {
            let wire = if required(b) {
                Verdict::new(Level::Breaking, "deployed binaries send no body")
            } else {
                Verdict::new(
                    Level::Additive,
                    "deployed binaries send no body, which is allowed",
                )
            };
            out.push(Change::from_spec(
                Area::Requests,
                Effect::Added,
                format!("request body of `{}` added", n.id),
                &at_n,
                wire,
            ));
        }
        (Some(_), None) => out.push(Change::from_spec(
            Area::Requests,
            Effect::Removed,
            format!("request body of `{}` removed", n.id),
            &at_o,
            Verdict::none("deployed binaries still send one; the server ignores it"),
        )),
        (Some((ro, bo)), Some((rn, bn))) => {
            if required(bo) != required(bn) {
                let wire = if required(bn) {
                    Verdict::new(Level::Breaking, "deployed binaries may send none")
                } else {
                    Verdict::none("deployed binaries may still send one")
                };
                out.push(Change::from_spec(
                    Area::Requests,
                    Effect::Changed,
                    format!(
                        "request body of `{}` now {}",
                        n.id,
                        if required(bn) { "required" } else { "optional" }
                    ),
                    &at_n,
                    wire,
                ));
            }
            let (mo, mn) = (
                chosen(bo.get("content").and_then(Value::as_object)),
                chosen(bn.get("content").and_then(Value::as_object)),
            );
            match (mo, mn) {
                (Some(a), Some(b)) if a == b => {
                    let at =
                        |r: &str| format!("{}/schema", pointer::join(&format!("{r}/content"), &a));
                    schema::diff(
                        docs,
                        &at(&ro),
                        &at(&rn),
                        Direction::REQUEST,
                        Area::Requests,
                        out,
                    );
                }
                (a, b) => out.push(Change::from_spec(
                    Area::Requests,
                    Effect::Changed,
                    format!(
                        "request media type of `{}` `{}` → `{}`",
                        n.id,
                        a.unwrap_or_default(),
                        b.clone().unwrap_or_default()
                    ),
                    &at_n,
                    Verdict::new(Level::Breaking, "deployed binaries send the old media type"),
                )),
            }
        }
    }
}

/// Responses: statuses added and removed, and each common status's body.
pub(super) fn responses(docs: Docs, o: &Op, n: &Op, out: &mut Vec<Change>) {
    let statuses = |d: &Value, op: &Op| -> Vec<String> {
        d.pointer(&format!("{}/responses", op.pointer))
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let (so, sn) = (statuses(docs.old, o), statuses(docs.new, n));
    let success = |s: &str| s.starts_with('2');
    let at = |op: &Op, s: &str| pointer::join(&format!("{}/responses", op.pointer), s);
    for s in sn.iter().filter(|s| !so.contains(s)) {
        let wire = if success(s) && so.iter().any(|x| success(x)) {
            Verdict::new(
                Level::Breaking,
                "deployed binaries treat this status as an unexpected response",
            )
        } else {
            Verdict::new(
                Level::Additive,
                "deployed binaries see it as an error without a typed body",
            )
        };
        out.push(Change::from_spec(
            Area::Responses,
            Effect::Added,
            format!("response `{s}` of `{}` added", n.id),
            &at(n, s),
            wire,
        ));
    }
    for s in so.iter().filter(|s| !sn.contains(s)) {
        out.push(Change::from_spec(
            Area::Responses,
            Effect::Removed,
            format!("response `{s}` of `{}` removed", n.id),
            &at(o, s),
            Verdict::none("the server no longer sends it"),
        ));
    }
    for s in so.iter().filter(|s| sn.contains(s)) {
        let (Some((ro, bo)), Some((rn, bn))) =
            (object(docs.old, &at(o, s)), object(docs.new, &at(n, s)))
        else {
            continue;
        };
        let (mo, mn) = (
            chosen(bo.get("content").and_then(Value::as_object)),
            chosen(bn.get("content").and_then(Value::as_object)),
        );
        match (mo, mn) {
            (None, None) => {}
            (Some(a), Some(b)) if a == b => {
                let at = |r: &str| format!("{}/schema", pointer::join(&format!("{r}/content"), &a));
                schema::diff(
                    docs,
                    &at(&ro),
                    &at(&rn),
                    Direction::RESPONSE,
                    Area::Responses,
                    out,
                );
            }
            (a, b) => {
                let level = if success(s) {
                    Level::Breaking
                } else {
                    Level::Additive
                };
                out.push(Change::from_spec(
                    Area::Responses,
                    Effect::Changed,
                    format!(
                        "response `{s}` of `{}` media type `{}` → `{}`",
                        n.id,
                        a.unwrap_or_default(),
                        b.clone().unwrap_or_default()
                    ),
                    &rn,
                    Verdict::new(level, "deployed binaries read the old media type"),
                ));
            }
        }
    }
}

/// The security an operation requires: alternatives, each a set of scheme names.
fn requirements(doc: &Value, op: &Op) -> (String, Vec<BTreeSet<String>>) {
    let own = format!("{}/security", op.pointer);
    let at = if doc.pointer(&own).is_some() {
        own
    } else {
        "/security".to_owned()
    };
    let list = doc
        .pointer(&at)
        .and_then(Value::as_array)
        .map(|alternatives| {
            alternatives
                .iter()
                .map(|a| {
                    a.as_object()
                        .map(|m| m.keys().cloned().collect())
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    (at, list)
}

/// Security requirements: deployed binaries still get in if one new alternative asks only
/// for credentials an old alternative already had them send.
pub(super) fn security(docs: Docs, o: &Op, n: &Op, out: &mut Vec<Change>) {
    let ((_, ro), (at, rn)) = (requirements(docs.old, o), requirements(docs.new, n));
    if ro == rn {
        return;
    }
    let met = rn.is_empty()
        || rn
            .iter()
            .any(|alt| alt.is_empty() || ro.iter().any(|old| alt.is_subset(old)));
    let show = |r: &[BTreeSet<String>]| {
        if r.is_empty() {
            "none".to_owned()
        } else {
            r.iter()
                .map(|a| a.iter().cloned().collect::<Vec<_>>().join(" + "))
                .collect::<Vec<_>>()
                .join(" or ")
        }
    };
    let wire = if met {
        Verdict::none("deployed binaries already send what one alternative asks for")
    } else {
        Verdict::new(
            Level::Breaking,
            "deployed binaries do not send the credentials now required",
        )
    };
    out.push(Change::from_spec(
        Area::Security,
        Effect::Changed,
        format!("security of `{}` `{}` → `{}`", n.id, show(&ro), show(&rn)),
        &at,
        wire,
    ));
}

/// An operation of one document.
pub(super) struct Op {
    pub(super) method: String,
    pub(super) path: String,
    pub(super) pointer: String,
    pub(super) id: String,
}

impl Op {
    pub(super) fn label(&self) -> String {
        format!(
            "`{}` ({} {})",
            self.id,
            self.method.to_uppercase(),
            self.path
        )
    }
}
