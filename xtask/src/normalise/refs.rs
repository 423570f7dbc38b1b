//! Reference checks: every `$ref` is local and resolves, schema references point at
//! `#/components/schemas/*` (the only place typify looks for named types), and no schema is
//! defined only in terms of itself (`A` → `B` → `A` through `$ref` or `allOf`), which sends
//! typify into endless recursion (a stack overflow, no message).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::finding::{Findings, Severity};
use crate::pointer;
use crate::walk;

/// Reports dangling, external and misplaced references anywhere outside example data, and
/// reference cycles.
pub fn check(doc: &Value, out: &mut Findings) {
    let schema_roots = walk::schema_roots(doc);
    cycles(doc, &schema_roots, out);
    let path_item_refs = walk::ref_path_items(doc);
    for (key, value) in doc.as_object().into_iter().flatten() {
        let ptr = pointer::join("", key);
        if key == "paths" {
            // `$ref` path items are reported by the operation rules; look only inside the rest.
            for (path, item) in value.as_object().into_iter().flatten() {
                let item_ptr = pointer::join(&ptr, path);
                if !path_item_refs.contains(&item_ptr) {
                    visit(doc, item, &item_ptr, &schema_roots, out);
                }
            }
        } else if !key.starts_with("x-") {
            visit(doc, value, &ptr, &schema_roots, out);
        }
    }
}

/// Keys whose values are data, not spec: their `$ref`-looking members are left alone.
const DATA_KEYS: &[&str] = &["example", "examples", "default", "enum", "const"];

fn visit(doc: &Value, value: &Value, ptr: &str, schema_roots: &[String], out: &mut Findings) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                check_one(doc, reference, ptr, schema_roots, out);
            }
            for (key, child) in map {
                let is_example_map = key == "examples" && !in_schema(ptr, schema_roots);
                if key.starts_with("x-") || (DATA_KEYS.contains(&key.as_str()) && !is_example_map) {
                    continue;
                }
                visit(doc, child, &pointer::join(ptr, key), schema_roots, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                visit(doc, child, &format!("{ptr}/{i}"), schema_roots, out);
            }
        }
        _ => {}
    }
}

/// Whether `ptr` lies inside one of the schema roots.
fn in_schema(ptr: &str, schema_roots: &[String]) -> bool {
    schema_roots
        .iter()
        .any(|r| ptr == r || ptr.starts_with(&format!("{r}/")))
}

fn check_one(
    doc: &Value,
    reference: &Value,
    ptr: &str,
    schema_roots: &[String],
    out: &mut Findings,
) {
    let at = pointer::join(ptr, "$ref");
    let Some(reference) = reference.as_str() else {
        out.add(
            Severity::Error,
            "invalid-ref",
            &at,
            "`$ref` must be a string",
        );
        return;
    };
    let Some(target) = pointer::local_ref(reference) else {
        out.add(
            Severity::Error,
            "external-ref",
            &at,
            format!(
                "`{reference}` points outside this document; bundle the spec into one file first"
            ),
        );
        return;
    };
    if doc.pointer(target).is_none() {
        out.add(
            Severity::Error,
            "dangling-ref",
            &at,
            format!("`{reference}` does not resolve to anything in the document"),
        );
        return;
    }
    let is_schema_ref = in_schema(ptr, schema_roots);
    let names_component = target
        .strip_prefix("/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'));
    if is_schema_ref && !names_component {
        out.add(
            Severity::Error,
            "schema-ref-target",
            &at,
            format!("schema reference `{reference}` must name a schema under `#/components/schemas/`; move the target there with a fix"),
        );
    }
}

/// Where a depth-first search stands with a schema.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    /// On the current path.
    Open,
    /// Finished: no cycle runs through it that was not reported.
    Done,
}

/// Reports every cycle of schemas that consist of nothing but a reference or an `allOf`
/// (`A: {$ref: B}`, `B: {allOf: [{$ref: A}]}`): no schema in between says what the value is.
/// The finding sits on the reference that closes the cycle, so degrading makes that schema
/// untyped and the cycle is gone. The search keeps its own stack: a long chain costs memory,
/// never the thread's stack.
fn cycles(doc: &Value, roots: &[String], out: &mut Findings) {
    let mut state: BTreeMap<String, Visit> = BTreeMap::new();
    let mut sorted = roots.to_vec();
    sorted.sort();
    for root in sorted {
        if state.contains_key(&root) {
            continue;
        }
        state.insert(root.clone(), Visit::Open);
        let mut path = vec![(root.clone(), composition_edges(doc, &root), 0)];
        while let Some((node, edges, next)) = path.last_mut() {
            let Some((at, target)) = edges.get(*next).cloned() else {
                state.insert(node.clone(), Visit::Done);
                path.pop();
                continue;
            };
            *next += 1;
            match state.get(&target) {
                Some(Visit::Done) => {}
                Some(Visit::Open) => {
                    let start = path.iter().position(|(n, _, _)| *n == target).unwrap_or(0);
                    let names: Vec<String> = path[start..]
                        .iter()
                        .map(|(n, _, _)| schema_name(n))
                        .chain([schema_name(&target)])
                        .collect();
                    out.add(
                        Severity::Error,
                        "ref-cycle",
                        &at,
                        format!("`$ref` cycle with no schema in between ({}): nothing says what the value is, and the generator would recurse forever; make one of them a real schema", names.join(" → ")),
                    );
                }
                None => {
                    state.insert(target.clone(), Visit::Open);
                    let edges = composition_edges(doc, &target);
                    path.push((target, edges, 0));
                }
            }
        }
    }
}

/// The schemas a schema is made of without anything in between: its `$ref` target and its
/// `allOf` branches, each with the pointer of the reference that leads there.
fn composition_edges(doc: &Value, ptr: &str) -> Vec<(String, String)> {
    let Some(Value::Object(map)) = doc.pointer(ptr) else {
        return Vec::new();
    };
    let mut edges = Vec::new();
    if let Some(target) = map
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(pointer::local_ref)
        .filter(|t| doc.pointer(t).is_some())
    {
        edges.push((pointer::join(ptr, "$ref"), target.to_owned()));
    }
    if let Some(Value::Array(branches)) = map.get("allOf") {
        for i in 0..branches.len() {
            let branch = format!("{ptr}/allOf/{i}");
            edges.push((branch.clone(), branch));
        }
    }
    edges
}

/// `A` for `/components/schemas/A`, else the pointer.
fn schema_name(ptr: &str) -> String {
    ptr.strip_prefix("/components/schemas/")
        .filter(|rest| !rest.contains('/'))
        .map_or_else(
            || format!("#{ptr}"),
            |name| name.replace("~1", "/").replace("~0", "~"),
        )
}
