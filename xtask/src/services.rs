//! Splitting one document into services (one generated `Client` each), by the rules of
//! `codegen.toml`, and facts about operations the hooks need.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::config::Service;
use crate::finding::{Findings, Severity};
use crate::names;
use crate::walk::{self, OperationRef};

/// Assigns every operation to services; returns, per service index, the operation pointers.
/// An operation no service selects is an error: it would silently vanish from the SDK.
pub fn assign(doc: &Value, services: &[Service]) -> Result<Vec<Vec<String>>, Findings> {
    let mut assigned = vec![Vec::new(); services.len()];
    let mut findings = Findings::default();
    let root_servers = server_urls(doc.get("servers"));
    let mut ids = BTreeSet::new();
    for op in walk::operations(doc) {
        let operation = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
        let own = own_servers(doc, &op);
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        ids.insert(id);
        let by_rule = services.iter().position(|s| {
            let by_extension = s
                .extension
                .as_ref()
                .is_some_and(|x| operation.get(x) == Some(&Value::Bool(true)));
            let by_server = s.server.is_some_and(|i| match (&own, root_servers.get(i)) {
                (Some(own), Some(url)) => own.contains(url),
                (None, _) => i == 0,
                _ => false,
            });
            by_extension || by_server
        });
        let mut placed = false;
        for (i, s) in services.iter().enumerate() {
            if by_rule == Some(i) || s.include.iter().any(|x| x == id) {
                assigned[i].push(op.pointer.clone());
                placed = true;
            }
        }
        if !placed {
            findings.add(
                Severity::Error,
                "unassigned-operation",
                &op.pointer,
                format!("operation `{id}` matches no [[service]] in codegen.toml"),
            );
        }
    }
    for (i, s) in services.iter().enumerate() {
        for id in &s.include {
            if !ids.contains(id.as_str()) {
                findings.add(Severity::Error, "unknown-include", "", format!("service `{}` (#{i}) includes operation `{id}`, which the spec does not have", s.module));
            }
        }
    }
    if findings.has_errors() {
        Err(findings)
    } else {
        Ok(assigned)
    }
}

/// A copy of the document with only the given operations (components stay whole).
pub fn subset(doc: &Value, keep: &[String]) -> Value {
    let mut out = doc.clone();
    for op in walk::operations(doc) {
        if keep.contains(&op.pointer) {
            continue;
        }
        let item = crate::pointer::join("/paths", &op.path);
        if let Some(Value::Object(item)) = out.pointer_mut(&item) {
            item.shift_remove(op.method);
        }
    }
    if let Some(Value::Object(paths)) = out.get_mut("paths") {
        paths.retain(|_, item| {
            item.as_object()
                .is_some_and(|m| walk::METHODS.iter().any(|k| m.contains_key(*k)))
        });
    }
    prune_components(&mut out);
    out
}

/// Component sections whose unreferenced entries are removed from a service's document.
const PRUNED_SECTIONS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
];

/// Drops components the remaining operations never reach, so that each service module
/// carries only its own types.
fn prune_components(doc: &mut Value) {
    let mut reachable = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    collect_refs(doc.get("paths").unwrap_or(&Value::Null), &mut pending);
    while let Some(reference) = pending.pop() {
        if !reachable.insert(reference.clone()) {
            continue;
        }
        if let Some(target) = crate::pointer::local_ref(&reference).and_then(|p| doc.pointer(p)) {
            collect_refs(target, &mut pending);
        }
    }
    for section in PRUNED_SECTIONS {
        let prefix = format!("#/components/{section}/");
        if let Some(Value::Object(entries)) = doc.pointer_mut(&format!("/components/{section}")) {
            entries.retain(|name, _| {
                reachable.iter().any(|r| {
                    r.strip_prefix(&prefix).is_some_and(|rest| {
                        rest.split('/').next() == Some(&crate::pointer::escape(name))
                    })
                })
            });
        }
    }
}

/// Every `$ref` string in a value.
fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// URLs of a `servers` array.
pub fn server_urls(servers: Option<&Value>) -> Vec<String> {
    servers
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |list| {
            list.iter()
                .filter_map(|s| s.get("url")?.as_str().map(str::to_owned))
                .collect()
        })
}

/// Servers declared on the operation or its path item, if any.
fn own_servers(doc: &Value, op: &OperationRef) -> Option<Vec<String>> {
    let item = crate::pointer::join("/paths", &op.path);
    [op.pointer.clone(), item].iter().find_map(|p| {
        doc.pointer(&format!("{p}/servers"))
            .map(|s| server_urls(Some(s)))
    })
}

/// A server with every variable at its default, e.g. `https://services.finance.reli.co.tz/api`.
pub fn default_url(server: &Value) -> String {
    let mut url = server
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if let Some(Value::Object(vars)) = server.get("variables") {
        for (name, var) in vars {
            let default = var
                .get("default")
                .and_then(Value::as_str)
                .unwrap_or_default();
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    url
}

/// Operation names (as `OperationInfo` carries them) that must go out without a bearer
/// token: their effective security names no HTTP bearer scheme (`security: []`, or API
/// keys / Basic only, as for token endpoints).
pub fn unauthenticated(doc: &Value) -> Vec<String> {
    let bearer_schemes: Vec<&String> = match doc.pointer("/components/securitySchemes") {
        Some(Value::Object(schemes)) => schemes
            .iter()
            .filter(|(_, s)| {
                s.get("type") == Some(&Value::from("http"))
                    && s.get("scheme")
                        .and_then(Value::as_str)
                        .is_some_and(|x| x.eq_ignore_ascii_case("bearer"))
            })
            .map(|(name, _)| name)
            .collect(),
        _ => Vec::new(),
    };
    let root_security = doc.get("security");
    let mut out: BTreeMap<String, ()> = BTreeMap::new();
    for op in walk::operations(doc) {
        let operation = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
        let security = operation.get("security").or(root_security);
        let uses_bearer = security.and_then(Value::as_array).is_some_and(|reqs| {
            reqs.iter().any(|req| {
                req.as_object()
                    .is_some_and(|m| m.keys().any(|k| bearer_schemes.contains(&k)))
            })
        });
        if !uses_bearer && let Some(id) = operation.get("operationId").and_then(Value::as_str) {
            out.insert(names::sanitize_snake(id), ());
        }
    }
    out.into_keys().collect()
}
