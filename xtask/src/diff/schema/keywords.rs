//! The keywords of one schema that restrict its values (`enum`, bounds, `pattern`), and
//! its prose; each difference judged per direction.

use serde_json::Value;

use super::{Walk, sides};
use crate::diff::{Area, Change, Effect, Level, Verdict};

impl Walk<'_, '_> {
    pub(super) fn enums(&mut self, o: &Value, n: &Value, at: &str) {
        let values = |s: &Value| s.get("enum").and_then(Value::as_array).cloned();
        let (Some(vo), Some(vn)) = (values(o), values(n)) else {
            if values(o).is_some() != values(n).is_some() {
                let (what, s) = if values(n).is_some() {
                    (
                        "values restricted to an `enum`",
                        sides(
                            (
                                Level::Breaking,
                                "deployed binaries may send values outside it",
                            ),
                            (Level::None, "fewer values arrive"),
                        ),
                    )
                } else {
                    (
                        "`enum` lifted",
                        sides(
                            (Level::None, "more values are accepted"),
                            (
                                Level::Breaking,
                                "the server may send values deployed binaries cannot decode",
                            ),
                        ),
                    )
                };
                self.add(Effect::Changed, what.to_owned(), at, s);
            }
            return;
        };
        let at = format!("{at}/enum");
        for v in vn.iter().filter(|v| !vo.contains(v)) {
            let s = sides(
                (Level::Additive, "deployed binaries never send it"),
                (
                    Level::Breaking,
                    "deployed binaries cannot decode the new value",
                ),
            );
            self.add(
                Effect::Added,
                format!("enum value `{}` added", show(Some(v))),
                &at,
                s,
            );
        }
        for v in vo.iter().filter(|v| !vn.contains(v)) {
            let s = sides(
                (
                    Level::Breaking,
                    "deployed binaries may send it, and it is now rejected",
                ),
                (Level::None, "the server no longer sends it"),
            );
            self.add(
                Effect::Removed,
                format!("enum value `{}` removed", show(Some(v))),
                &at,
                s,
            );
        }
    }

    /// Bounds: tightening one rejects values deployed binaries may send; loosening a string or
    /// number bound may produce values their generated types check and refuse when decoding.
    pub(super) fn constraints(&mut self, o: &Value, n: &Value, at: &str) {
        const LOWER: &[&str] = &[
            "minimum",
            "exclusiveMinimum",
            "minLength",
            "minItems",
            "minProperties",
        ];
        const UPPER: &[&str] = &[
            "maximum",
            "exclusiveMaximum",
            "maxLength",
            "maxItems",
            "maxProperties",
            "multipleOf",
            "pattern",
            "uniqueItems",
        ];
        const CHECKED_WHEN_DECODING: &[&str] = &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minLength",
            "maxLength",
            "pattern",
        ];
        for key in LOWER.iter().chain(UPPER) {
            let (a, b) = (o.get(*key), n.get(*key));
            if a == b {
                continue;
            }
            let tighter = match (a.and_then(Value::as_f64), b.and_then(Value::as_f64)) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(x), Some(y)) if LOWER.contains(key) => y > x,
                (Some(x), Some(y)) => y < x,
                // `pattern`, boolean flags: any change may reject old values.
                _ => b.is_some(),
            };
            let checked = CHECKED_WHEN_DECODING.contains(key);
            let s = if *key == "pattern" && a.is_some() && b.is_some() {
                sides(
                    (
                        Level::Breaking,
                        "deployed binaries may send strings the new pattern rejects",
                    ),
                    (
                        Level::Breaking,
                        "the server may send strings the old pattern, which deployed binaries check, rejects",
                    ),
                )
            } else if tighter {
                sides(
                    (
                        Level::Breaking,
                        "deployed binaries may send values the new bound rejects",
                    ),
                    (Level::None, "the server sends values inside the old bound"),
                )
            } else if checked {
                sides(
                    (Level::None, "more values are accepted"),
                    (
                        Level::Breaking,
                        "the server may send values outside the old bound, which deployed binaries' generated types check when decoding",
                    ),
                )
            } else {
                sides(
                    (Level::None, "more values are accepted"),
                    (Level::None, "generated types do not check this bound"),
                )
            };
            self.add(
                Effect::Changed,
                format!("`{key}` `{}` → `{}`", show(a), show(b)),
                at,
                s,
            );
        }
    }
}

pub(super) fn documentation(o: &Value, n: &Value, at: &str, out: &mut Vec<Change>) {
    for key in ["description", "title", "example", "deprecated"] {
        if o.get(key) != n.get(key) {
            let what = match key {
                "deprecated" if n.get(key) == Some(&Value::Bool(true)) => "deprecated".to_owned(),
                _ => format!("`{key}` changed"),
            };
            out.push(Change::from_spec(
                Area::Documentation,
                Effect::Changed,
                what,
                at,
                Verdict::none("documentation only"),
            ));
        }
    }
}

pub(super) fn reference(schema: &Value) -> Option<&str> {
    schema.get("$ref").and_then(Value::as_str)
}

pub(super) fn text<'a>(schema: &'a Value, key: &str) -> Option<&'a str> {
    schema.get(key).and_then(Value::as_str)
}

/// A short name for what a schema is: `string (uuid)`, `Customer`, `object`.
pub fn describe(schema: &Value) -> String {
    if let Some(r) = reference(schema) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    let base = text(schema, "type").unwrap_or(if schema.get("properties").is_some() {
        "object"
    } else {
        "any"
    });
    match text(schema, "format") {
        Some(f) => format!("{base} ({f})"),
        None => base.to_owned(),
    }
}

pub(super) fn show(value: Option<&Value>) -> String {
    match value {
        None => "none".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}
