//! Comparing two normalised documents: operations (matched by method and path, then by id),
//! their parameters, bodies and responses, the component schemas, servers and security.
//! Every change is located by a JSON pointer and judged on the wire.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::operation::Op;
use super::schema::{self, Docs};
use super::usage;
use super::{Area, Change, Effect, Level, Verdict};
use crate::{names, pointer, walk};

/// Every difference between `old` and `new`, in document order per area.
pub fn compare(old: &Value, new: &Value) -> Vec<Change> {
    let docs = Docs { old, new };
    let mut out = Vec::new();
    operations(docs, &mut out);
    components(docs, &mut out);
    servers(docs, "/servers", "/servers", &mut out);
    security_schemes(docs, &mut out);
    out.sort_by_key(|c| c.area);
    out
}

fn ops(doc: &Value) -> Vec<Op> {
    walk::operations(doc)
        .into_iter()
        .map(|o| {
            let id = doc
                .pointer(&o.pointer)
                .and_then(|op| op.get("operationId"))
                .and_then(Value::as_str)
                .map_or_else(String::new, names::sanitize_snake);
            Op {
                method: o.method.to_owned(),
                path: o.path,
                pointer: o.pointer,
                id,
            }
        })
        .collect()
}

/// `GET /a/{id}` and `GET /a/{key}` are one route: a client fills the same URL either way.
fn route(op: &Op) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in op.path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    format!("{} {out}", op.method)
}

fn operations(docs: Docs, out: &mut Vec<Change>) {
    let (old, new) = (ops(docs.old), ops(docs.new));
    let mut matched_old = BTreeSet::new();
    let mut pairs = Vec::new();
    for (j, n) in new.iter().enumerate() {
        let found = old
            .iter()
            .position(|o| route(o) == route(n))
            .or_else(|| old.iter().position(|o| !o.id.is_empty() && o.id == n.id))
            .filter(|i| !matched_old.contains(i));
        match found {
            Some(i) => {
                matched_old.insert(i);
                pairs.push((i, j));
            }
            None => out.push(Change::from_spec(
                Area::Operations,
                Effect::Added,
                format!("operation {} added", n.label()),
                &n.pointer,
                Verdict::new(Level::Additive, "deployed binaries do not call it"),
            )),
        }
    }
    for (_, o) in old
        .iter()
        .enumerate()
        .filter(|(i, _)| !matched_old.contains(i))
    {
        out.push(Change::from_spec(
            Area::Operations,
            Effect::Removed,
            format!("operation {} removed", o.label()),
            &o.pointer,
            Verdict::new(
                Level::Breaking,
                "deployed binaries that call it get an error: the server no longer has it",
            ),
        ));
    }
    for (i, j) in pairs {
        operation(docs, &old[i], &new[j], out);
    }
}

fn operation(docs: Docs, o: &Op, n: &Op, out: &mut Vec<Change>) {
    if route(o) != route(n) {
        out.push(
            Change::from_spec(
                Area::Operations,
                Effect::Changed,
                format!(
                    "operation {} moved to {} {}",
                    o.label(),
                    n.method.to_uppercase(),
                    n.path
                ),
                &n.pointer,
                Verdict::new(
                    Level::Breaking,
                    "deployed binaries call the old method and path",
                ),
            )
            .was(&o.pointer),
        );
    } else if o.id != n.id {
        out.push(
            Change::from_spec(
                Area::Operations,
                Effect::Changed,
                format!("operation {} renamed `{}`", o.label(), n.id),
                &n.pointer,
                Verdict::none("same method and path on the wire"),
            )
            .was(&o.pointer),
        );
    }
    let (oo, no) = (
        docs.old.pointer(&o.pointer).unwrap_or(&Value::Null),
        docs.new.pointer(&n.pointer).unwrap_or(&Value::Null),
    );
    for key in ["summary", "description", "deprecated"] {
        if oo.get(key) != no.get(key) {
            out.push(Change::from_spec(
                Area::Documentation,
                Effect::Changed,
                format!("`{key}` of {} changed", n.label()),
                &n.pointer,
                Verdict::none("documentation only"),
            ));
        }
    }
    super::parameters::compare(docs, o, n, out);
    super::operation::request_body(docs, o, n, out);
    super::operation::responses(docs, o, n, out);
    super::operation::security(docs, o, n, out);
    servers(
        docs,
        &format!("{}/servers", o.pointer),
        &format!("{}/servers", n.pointer),
        out,
    );
}

fn components(docs: Docs, out: &mut Vec<Change>) {
    let schemas = |d: &Value| {
        d.pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (so, sn) = (schemas(docs.old), schemas(docs.new));
    let (uo, un) = (usage::components(docs.old), usage::components(docs.new));
    for name in sn.keys().filter(|k| !so.contains_key(*k)) {
        out.push(Change::from_spec(
            Area::Schemas,
            Effect::Added,
            format!("schema `{name}` added"),
            &pointer::join("/components/schemas", name),
            Verdict::new(Level::Additive, "deployed binaries do not use it"),
        ));
    }
    for name in so.keys().filter(|k| !sn.contains_key(*k)) {
        out.push(Change::from_spec(
            Area::Schemas,
            Effect::Removed,
            format!("schema `{name}` removed"),
            &pointer::join("/components/schemas", name),
            Verdict::none("where it was used, that use changed, and is listed there"),
        ));
    }
    for name in so.keys().filter(|k| sn.contains_key(*k)) {
        let dir = uo
            .get(name)
            .copied()
            .unwrap_or_default()
            .union(un.get(name).copied().unwrap_or_default());
        let at = pointer::join("/components/schemas", name);
        schema::diff(docs, &at, &at, dir, Area::Schemas, out);
    }
}

/// Servers at `old_at` / `new_at` (a `servers` array), compared by URL with variables at
/// their defaults: what deployed binaries call.
pub(super) fn servers(docs: Docs, old_at: &str, new_at: &str, out: &mut Vec<Change>) {
    let urls = |d: &Value, at: &str| -> Vec<String> {
        d.pointer(at)
            .and_then(Value::as_array)
            .map(|s| s.iter().map(crate::services::default_url).collect())
            .unwrap_or_default()
    };
    let (uo, un) = (urls(docs.old, old_at), urls(docs.new, new_at));
    if uo == un {
        return;
    }
    if uo.first() != un.first() && !uo.is_empty() && !un.is_empty() {
        out.push(Change::from_spec(
            Area::Servers,
            Effect::Changed,
            format!("default server `{}` → `{}`", uo[0], un[0]),
            &format!("{new_at}/0"),
            Verdict::new(
                Level::Breaking,
                format!(
                    "deployed binaries that use the default base URL still call `{}`",
                    uo[0]
                ),
            ),
        ));
    }
    for (i, url) in un.iter().enumerate().filter(|(_, u)| !uo.contains(u)) {
        if i == 0 && !uo.is_empty() {
            continue;
        }
        out.push(Change::from_spec(
            Area::Servers,
            Effect::Added,
            format!("server `{url}` added"),
            &format!("{new_at}/{i}"),
            Verdict::new(Level::Additive, "deployed binaries do not call it"),
        ));
    }
    for (i, url) in uo.iter().enumerate().filter(|(_, u)| !un.contains(u)) {
        if i == 0 && !un.is_empty() {
            continue;
        }
        out.push(Change::from_spec(
            Area::Servers,
            Effect::Removed,
            format!("server `{url}` removed"),
            &format!("{old_at}/{i}"),
            Verdict::new(
                Level::Breaking,
                format!("deployed binaries configured with `{url}` call a server the spec no longer lists"),
            ),
        ));
    }
}

fn security_schemes(docs: Docs, out: &mut Vec<Change>) {
    let schemes = |d: &Value| -> Map<String, Value> {
        d.pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (so, sn) = (schemes(docs.old), schemes(docs.new));
    let without_docs = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.remove("description");
        }
        v
    };
    let mut changed: BTreeMap<&String, (Effect, Verdict)> = BTreeMap::new();
    for (name, scheme) in &so {
        match sn.get(name) {
            None => {
                changed.insert(
                    name,
                    (
                        Effect::Removed,
                        Verdict::none("operations that used it list their own change"),
                    ),
                );
            }
            Some(s) if without_docs(s) != without_docs(scheme) => {
                changed.insert(
                    name,
                    (
                        Effect::Changed,
                        Verdict::new(
                            Level::Breaking,
                            "deployed binaries send credentials the old way",
                        ),
                    ),
                );
            }
            _ => {}
        }
    }
    for name in sn.keys().filter(|k| !so.contains_key(*k)) {
        changed.insert(
            name,
            (
                Effect::Added,
                Verdict::new(Level::Additive, "a new way to authenticate"),
            ),
        );
    }
    for (name, (effect, wire)) in changed {
        let what = format!(
            "security scheme `{name}` {}",
            match effect {
                Effect::Added => "added",
                Effect::Removed => "removed",
                Effect::Changed => "changed",
            }
        );
        out.push(Change::from_spec(
            Area::Security,
            effect,
            what,
            &pointer::join("/components/securitySchemes", name),
            wire,
        ));
    }
}
