//! Comparing the parameters of one operation in two documents: added, removed, made
//! required or optional, re-serialised, their schemas; a removed and an added one of the
//! same place and schema are one rename.

use serde_json::Value;

use super::operation::Op;
use super::schema::{self, Docs};
use super::usage::Direction;
use super::{Area, Change, Effect, Level, Verdict};
use crate::{pointer, walk};

/// A parameter as an operation sees it (path-level ones included, `$ref`s followed).
struct Param {
    name: String,
    location: String,
    /// Where the operation (or its path item) lists it.
    at: String,
    /// The parameter object itself.
    resolved: String,
    required: bool,
    schema: Value,
    style: (Option<Value>, Option<Value>),
}

impl Param {
    fn key(&self) -> (String, String) {
        // Header names are case-insensitive.
        let name = if self.location == "header" {
            self.name.to_ascii_lowercase()
        } else {
            self.name.clone()
        };
        (self.location.clone(), name)
    }
}

fn params(doc: &Value, op: &Op) -> Vec<Param> {
    let mut out: Vec<Param> = Vec::new();
    let owners = [pointer::join("/paths", &op.path), op.pointer.clone()];
    for owner in owners {
        let Some(Value::Array(list)) = doc.pointer(&format!("{owner}/parameters")) else {
            continue;
        };
        for i in 0..list.len() {
            let at = format!("{owner}/parameters/{i}");
            let Some(resolved) = walk::resolve(doc, &at) else {
                continue;
            };
            let p = doc.pointer(&resolved).unwrap_or(&Value::Null);
            let text = |k: &str| {
                p.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let param = Param {
                name: text("name"),
                location: text("in"),
                required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                schema: walk::resolve_schema(doc, p.get("schema").unwrap_or(&Value::Null)),
                style: (p.get("style").cloned(), p.get("explode").cloned()),
                at,
                resolved,
            };
            // An operation's own parameter overrides the path item's of the same name and place.
            out.retain(|q| q.key() != param.key());
            out.push(param);
        }
    }
    out
}

/// Parameters added, removed, renamed, made required or optional, and their schemas.
pub(super) fn compare(docs: Docs, o: &Op, n: &Op, out: &mut Vec<Change>) {
    let (po, pn) = (params(docs.old, o), params(docs.new, n));
    let mut removed: Vec<&Param> = po
        .iter()
        .filter(|p| !pn.iter().any(|q| q.key() == p.key()))
        .collect();
    let mut added: Vec<&Param> = pn
        .iter()
        .filter(|p| !po.iter().any(|q| q.key() == p.key()))
        .collect();
    let label = |p: &Param| format!("{} parameter `{}` of `{}`", p.location, p.name, n.id);
    // A removed and an added parameter of the same place and schema: renamed.
    let mut renames = Vec::new();
    removed.retain(|r| {
        match added
            .iter()
            .position(|a| a.location == r.location && a.schema == r.schema)
        {
            Some(i) => {
                renames.push((*r, added.remove(i)));
                false
            }
            None => true,
        }
    });
    for (r, a) in renames {
        let wire = if a.location == "path" {
            Verdict::none("the value fills the same place in the path")
        } else {
            Verdict::new(
                Level::Breaking,
                format!(
                    "deployed binaries send `{}`, which the server no longer reads",
                    r.name
                ),
            )
        };
        out.push(
            Change::from_spec(
                Area::Parameters,
                Effect::Changed,
                format!("{} renamed `{}`", label(r), a.name),
                &a.at,
                wire,
            )
            .was(&r.at),
        );
    }
    for a in added {
        let wire = if a.required {
            Verdict::new(
                Level::Breaking,
                "deployed binaries do not send it, so their requests are now invalid",
            )
        } else {
            Verdict::new(
                Level::Additive,
                "deployed binaries do not send it, which is allowed",
            )
        };
        let what = format!(
            "{} added ({})",
            label(a),
            if a.required { "required" } else { "optional" }
        );
        out.push(Change::from_spec(
            Area::Parameters,
            Effect::Added,
            what,
            &a.at,
            wire,
        ));
    }
    for r in removed {
        out.push(Change::from_spec(
            Area::Parameters,
            Effect::Removed,
            format!("{} removed", label(r)),
            &r.at,
            Verdict::none("deployed binaries may still send it; the server ignores it"),
        ));
    }
    for p in &po {
        let Some(q) = pn.iter().find(|q| q.key() == p.key()) else {
            continue;
        };
        if p.required != q.required {
            let (what, wire) = if q.required {
                (
                    "now required",
                    Verdict::new(Level::Breaking, "deployed binaries may leave it out"),
                )
            } else {
                (
                    "now optional",
                    Verdict::none("deployed binaries may still send it"),
                )
            };
            out.push(
                Change::from_spec(
                    Area::Parameters,
                    Effect::Changed,
                    format!("{} {what}", label(q)),
                    &q.at,
                    wire,
                )
                .was(&p.at),
            );
        }
        if p.style != q.style {
            out.push(
                Change::from_spec(
                    Area::Parameters,
                    Effect::Changed,
                    format!("{} serialised differently (style/explode)", label(q)),
                    &q.at,
                    Verdict::new(Level::Breaking, "deployed binaries encode it the old way"),
                )
                .was(&p.at),
            );
        }
        schema::diff(
            docs,
            &format!("{}/schema", p.resolved),
            &format!("{}/schema", q.resolved),
            Direction::REQUEST,
            Area::Parameters,
            out,
        );
    }
}
