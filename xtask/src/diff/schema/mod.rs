//! Comparing two schemas keyword by keyword, and judging each difference on the wire by the
//! directions the schema travels in: a request schema must still accept what deployed
//! binaries send; a response schema must still produce what they can decode.

use serde_json::Value;

mod keywords;

use keywords::{describe, documentation, reference, show, text};

use super::compat::Fit;
use super::usage::Direction;
use super::{Area, Change, Effect, Level, Verdict};
use crate::pointer;

/// The two documents being compared.
#[derive(Clone, Copy)]
pub struct Docs<'a> {
    /// The old document.
    pub old: &'a Value,
    /// The new document.
    pub new: &'a Value,
}

/// One difference judged for each direction; [`judge`] keeps the directions that apply.
struct Sides {
    request: (Level, String),
    response: (Level, String),
}

fn sides(request: (Level, &str), response: (Level, &str)) -> Sides {
    Sides {
        request: (request.0, request.1.to_owned()),
        response: (response.0, response.1.to_owned()),
    }
}

/// The wire verdict of a difference for a schema used in `dir`.
pub fn judge(dir: Direction, request: (Level, String), response: (Level, String)) -> Verdict {
    let mut candidates = Vec::new();
    if dir.request {
        candidates.push(request);
    }
    if dir.response {
        candidates.push(response);
    }
    candidates
        .into_iter()
        .max_by_key(|(level, _)| *level)
        .map_or_else(
            || Verdict::none("no operation sends or receives it"),
            |(level, why)| Verdict::new(level, why),
        )
}

/// Where differences are collected, and how they are judged.
struct Walk<'a, 'o> {
    docs: Docs<'a>,
    /// The roots of the walk in the old and new documents: a place found under the new
    /// root is at the same place under the old one.
    roots: (String, String),
    dir: Direction,
    area: Area,
    out: &'o mut Vec<Change>,
}

impl Walk<'_, '_> {
    fn add(&mut self, effect: Effect, what: String, at: &str, s: Sides) {
        let wire = judge(self.dir, s.request, s.response);
        let (old_root, new_root) = &self.roots;
        let was = match at.strip_prefix(new_root.as_str()) {
            Some(rest) => format!("{old_root}{rest}"),
            None => at.to_owned(),
        };
        self.out
            .push(Change::from_spec(self.area, effect, what, at, wire).was(&was));
    }
}

/// Adds the differences between the schema at `old_ptr` (old document) and `new_ptr` (new
/// document) to `out`. Both `$ref`s to the same component end the walk: components are
/// compared once, on their own.
pub fn diff(
    docs: Docs,
    old_ptr: &str,
    new_ptr: &str,
    dir: Direction,
    area: Area,
    out: &mut Vec<Change>,
) {
    let mut walk = Walk {
        docs,
        roots: (old_ptr.to_owned(), new_ptr.to_owned()),
        dir,
        area,
        out,
    };
    walk.schema(old_ptr, new_ptr);
}

/// A change of what a schema is: judged by whether one side's values fit the other.
fn type_change(docs: Docs, o: &Value, n: &Value) -> Sides {
    let request = match Fit::new(docs.old, docs.new).fits(o, n) {
        Ok(()) => (
            Level::None,
            "every value deployed binaries send is still accepted".to_owned(),
        ),
        Err(e) => (
            Level::Breaking,
            format!("deployed binaries may send {e}, which is now rejected"),
        ),
    };
    let response = match Fit::new(docs.new, docs.old).fits(n, o) {
        Ok(()) => (
            Level::None,
            "every value the server sends still decodes".to_owned(),
        ),
        Err(e) => (
            Level::Breaking,
            format!("the server may send {e}, which deployed binaries cannot decode"),
        ),
    };
    Sides { request, response }
}

impl Walk<'_, '_> {
    fn schema(&mut self, old_ptr: &str, new_ptr: &str) {
        let docs = self.docs;
        let (Some(o), Some(n)) = (docs.old.pointer(old_ptr), docs.new.pointer(new_ptr)) else {
            return;
        };
        let (ro, rn) = (reference(o), reference(n));
        if ro.is_some() || rn.is_some() {
            if ro != rn {
                let what = format!("type `{}` → `{}`", describe(o), describe(n));
                self.add(Effect::Changed, what, new_ptr, type_change(docs, o, n));
            }
            return;
        }
        documentation(o, n, new_ptr, self.out);
        if text(o, "type") != text(n, "type") || text(o, "format") != text(n, "format") {
            let what = format!("type `{}` → `{}`", describe(o), describe(n));
            self.add(Effect::Changed, what, new_ptr, type_change(docs, o, n));
            return;
        }
        let nullable = |s: &Value| s.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        if nullable(o) != nullable(n) {
            let (what, s) = if nullable(n) {
                (
                    "may now be null",
                    sides(
                        (Level::None, "null is newly accepted"),
                        (
                            Level::Breaking,
                            "the server may now send null, which deployed binaries cannot decode",
                        ),
                    ),
                )
            } else {
                (
                    "may no longer be null",
                    sides(
                        (
                            Level::Breaking,
                            "deployed binaries may send null, which is now rejected",
                        ),
                        (Level::None, "the server no longer sends null"),
                    ),
                )
            };
            self.add(Effect::Changed, what.to_owned(), new_ptr, s);
        }
        self.enums(o, n, new_ptr);
        self.constraints(o, n, new_ptr);
        if o.get("discriminator") != n.get("discriminator") {
            let why = "the discriminator decides how a body is read";
            self.add(
                Effect::Changed,
                "discriminator changed".to_owned(),
                new_ptr,
                sides((Level::Breaking, why), (Level::Breaking, why)),
            );
        }
        if o.get("default") != n.get("default") && o.get("default").is_some() {
            let what = format!(
                "default `{}` → `{}`",
                show(o.get("default")),
                show(n.get("default"))
            );
            let why = "a default changes no valid value";
            self.add(
                Effect::Changed,
                what,
                new_ptr,
                sides((Level::None, why), (Level::None, why)),
            );
        }
        self.properties(o, n, old_ptr, new_ptr);
        for key in ["items", "additionalProperties", "not"] {
            match (o.get(key), n.get(key)) {
                (Some(Value::Object(_)), Some(Value::Object(_))) => {
                    self.schema(&format!("{old_ptr}/{key}"), &format!("{new_ptr}/{key}"));
                }
                (a, b) if a != b && key == "additionalProperties" => {
                    let closed = |v: Option<&Value>| v == Some(&Value::Bool(false));
                    let s = if closed(a) {
                        sides(
                            (Level::None, "more properties are accepted"),
                            (
                                Level::Breaking,
                                "deployed binaries reject properties they do not know (deny_unknown_fields), which the server may now send",
                            ),
                        )
                    } else if closed(b) {
                        sides(
                            (
                                Level::None,
                                "deployed binaries send only the properties they know",
                            ),
                            (Level::None, "the server sends fewer properties"),
                        )
                    } else {
                        type_change(docs, o, n)
                    };
                    self.add(
                        Effect::Changed,
                        format!("additionalProperties `{}` → `{}`", show(a), show(b)),
                        new_ptr,
                        s,
                    );
                }
                (a, b) if a != b => {
                    self.add(
                        Effect::Changed,
                        format!("`{key}` changed"),
                        new_ptr,
                        type_change(docs, o, n),
                    );
                }
                _ => {}
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            match (
                o.get(key).and_then(Value::as_array),
                n.get(key).and_then(Value::as_array),
            ) {
                (Some(a), Some(b)) if a.len() == b.len() => {
                    for i in 0..a.len() {
                        self.schema(
                            &format!("{old_ptr}/{key}/{i}"),
                            &format!("{new_ptr}/{key}/{i}"),
                        );
                    }
                }
                (None, None) => {}
                _ => {
                    let what = format!("`{key}` alternatives changed");
                    self.add(Effect::Changed, what, new_ptr, type_change(docs, o, n));
                }
            }
        }
    }

    fn properties(&mut self, o: &Value, n: &Value, old_ptr: &str, new_ptr: &str) {
        let props = |s: &Value| {
            s.get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let required = |s: &Value, name: &str| {
            s.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|v| v == name))
        };
        let closed = |s: &Value| s.get("additionalProperties") == Some(&Value::Bool(false));
        let (po, pn) = (props(o), props(n));
        for (name, _) in pn.iter().filter(|(k, _)| !po.contains_key(*k)) {
            let at = pointer::join(&format!("{new_ptr}/properties"), name);
            let needed = required(n, name);
            let request = if needed {
                (
                    Level::Breaking,
                    "deployed binaries do not send it, so their requests are now invalid",
                )
            } else {
                (
                    Level::Additive,
                    "deployed binaries do not send it, which is allowed",
                )
            };
            let response = if closed(o) {
                (
                    Level::Breaking,
                    "deployed binaries reject properties they do not know (deny_unknown_fields)",
                )
            } else {
                (
                    Level::Additive,
                    "deployed binaries ignore properties they do not know",
                )
            };
            let what = format!(
                "property `{name}` added ({})",
                if needed { "required" } else { "optional" }
            );
            self.add(Effect::Added, what, &at, sides(request, response));
        }
        for (name, _) in po.iter().filter(|(k, _)| !pn.contains_key(*k)) {
            let at = pointer::join(&format!("{old_ptr}/properties"), name);
            let request = if closed(n) {
                (
                    Level::Breaking,
                    "deployed binaries that send it are rejected (no other properties allowed)",
                )
            } else {
                (
                    Level::None,
                    "deployed binaries may still send it; the server ignores it",
                )
            };
            let response = if required(o, name) {
                (
                    Level::Breaking,
                    "deployed binaries require it to decode the body",
                )
            } else {
                (Level::None, "it was optional for deployed binaries")
            };
            self.add(
                Effect::Removed,
                format!("property `{name}` removed"),
                &at,
                sides(request, response),
            );
        }
        for (name, _) in po.iter().filter(|(k, _)| pn.contains_key(*k)) {
            let (was, is) = (required(o, name), required(n, name));
            let at_new = pointer::join(&format!("{new_ptr}/properties"), name);
            if was != is {
                let (what, request, response) = if is {
                    (
                        "now required",
                        (Level::Breaking, "deployed binaries may leave it out"),
                        (Level::None, "the server now always sends it"),
                    )
                } else {
                    (
                        "now optional",
                        (Level::None, "deployed binaries always send it"),
                        (
                            Level::Breaking,
                            "the server may leave it out, and deployed binaries require it",
                        ),
                    )
                };
                self.add(
                    Effect::Changed,
                    format!("property `{name}` {what}"),
                    &at_new,
                    sides(request, response),
                );
            }
            self.schema(
                &pointer::join(&format!("{old_ptr}/properties"), name),
                &at_new,
            );
        }
    }
}
