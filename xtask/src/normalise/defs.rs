//! `$defs` (JSON Schema 2020-12) inside component schemas are hoisted into
//! `#/components/schemas`, and references to them rewritten.

use heck::ToPascalCase;
use serde_json::{Map, Value, json};

use crate::finding::{Findings, Severity};
use crate::pointer;

/// Moves every `$defs` entry found in a component schema to `components/schemas`.
pub fn hoist(doc: &mut Value, out: &mut Findings) {
    let mut found = Vec::new();
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for (name, schema) in schemas {
            collect(
                schema,
                &pointer::join("/components/schemas", name),
                name,
                &mut found,
            );
        }
    }
    for (defs_ptr, parent) in found.into_iter().rev() {
        let Some(Value::Object(defs)) = doc.pointer_mut(&defs_ptr).map(Value::take) else {
            continue;
        };
        if let Some((owner, _)) = defs_ptr.rsplit_once('/')
            && let Some(Value::Object(o)) = doc.pointer_mut(owner)
        {
            o.shift_remove("$defs");
        }
        for (def_name, def) in defs {
            let old = pointer::join(&defs_ptr, &def_name);
            let Some(new_name) = free_name(doc, &def_name, &parent) else {
                out.add(Severity::Error, "defs-name-clash", &old, format!("cannot hoist `$defs/{def_name}`: `{def_name}` and `{parent}{def_name}` are both taken"));
                continue;
            };
            let schemas = doc
                .pointer_mut("/components/schemas")
                .and_then(Value::as_object_mut);
            if let Some(schemas) = schemas {
                schemas.insert(new_name.clone(), def);
            }
            rewrite_refs(
                doc,
                &format!("#{old}"),
                &format!("#/components/schemas/{}", pointer::escape(&new_name)),
            );
            out.add(
                Severity::Note,
                "defs-hoisted",
                &old,
                format!("`$defs/{def_name}` moved to `#/components/schemas/{new_name}`"),
            );
        }
    }
}

/// Finds `$defs` objects in a schema (outside example data), innermost last.
fn collect(schema: &Value, ptr: &str, parent: &str, found: &mut Vec<(String, String)>) {
    let Value::Object(map) = schema else { return };
    for (key, child) in map {
        if matches!(
            key.as_str(),
            "example" | "examples" | "default" | "enum" | "const"
        ) || key.starts_with("x-")
        {
            continue;
        }
        let child_ptr = pointer::join(ptr, key);
        if key == "$defs" && child.is_object() {
            found.push((child_ptr.clone(), parent.to_owned()));
        }
        match child {
            Value::Object(_) => collect(child, &child_ptr, parent, found),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    collect(item, &format!("{child_ptr}/{i}"), parent, found);
                }
            }
            _ => {}
        }
    }
}

fn free_name(doc: &Value, name: &str, parent: &str) -> Option<String> {
    let taken = |n: &str| {
        doc.pointer(&pointer::join("/components/schemas", n))
            .is_some()
    };
    [
        name.to_owned(),
        format!("{}{}", parent.to_pascal_case(), name.to_pascal_case()),
    ]
    .into_iter()
    .find(|n| !taken(n))
}

/// Rewrites `$ref`s equal to `old`, or under it, to point at `new`.
fn rewrite_refs(value: &mut Value, old: &str, new: &str) {
    match value {
        Value::Object(map) => {
            rewrite_one(map, old, new);
            for child in map.values_mut() {
                rewrite_refs(child, old, new);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, old, new)),
        _ => {}
    }
}

fn rewrite_one(map: &mut Map<String, Value>, old: &str, new: &str) {
    let Some(Value::String(r)) = map.get("$ref") else {
        return;
    };
    let replaced = if r == old {
        Some(new.to_owned())
    } else {
        r.strip_prefix(old)
            .filter(|rest| rest.starts_with('/'))
            .map(|rest| format!("{new}{rest}"))
    };
    if let Some(replaced) = replaced {
        map.insert("$ref".into(), json!(replaced));
    }
}

/// Schema references that point at a schema outside `#/components/schemas` (a parameter's
/// schema, a property of another schema) are given a component of their own: typify only
/// names types there. The target is copied, and every reference to it rewritten.
pub fn hoist_schema_refs(doc: &mut Value, out: &mut Findings) {
    for _ in 0..8 {
        let mut misplaced = std::collections::BTreeSet::new();
        for root in crate::walk::schema_roots(doc) {
            if let Some(schema) = doc.pointer(&root) {
                schema_refs(schema, &mut misplaced);
            }
        }
        let misplaced: Vec<String> = misplaced
            .into_iter()
            .filter(|r| {
                let target = pointer::local_ref(r).unwrap_or_default();
                let named = target
                    .strip_prefix("/components/schemas/")
                    .is_some_and(|rest| !rest.contains('/'));
                !named && r.starts_with("#/") && doc.pointer(target).is_some_and(Value::is_object)
            })
            .collect();
        if misplaced.is_empty() {
            return;
        }
        for reference in misplaced {
            let target = pointer::local_ref(&reference).unwrap_or_default();
            let Some(schema) = doc.pointer(target).cloned() else {
                continue;
            };
            let base = pointer::tokens(target)
                .unwrap_or_default()
                .iter()
                .skip(2)
                .map(|t| t.to_pascal_case())
                .collect::<String>();
            let Some(name) = (0..100)
                .map(|i| {
                    if i == 0 {
                        base.clone()
                    } else {
                        format!("{base}{i}")
                    }
                })
                .find(|n| {
                    doc.pointer(&pointer::join("/components/schemas", n))
                        .is_none()
                })
            else {
                continue;
            };
            if let Some(Value::Object(components)) = doc.get_mut("components") {
                let schemas = components.entry("schemas").or_insert(json!({}));
                if let Value::Object(schemas) = schemas {
                    schemas.insert(name.clone(), schema);
                }
            }
            let new = format!("#/components/schemas/{}", pointer::escape(&name));
            rewrite_exact(doc, &reference, &new);
            out.add(
                Severity::Note,
                "schema-ref-hoisted",
                target,
                format!("schema referenced as `{reference}` copied to `{new}` (typify names types only there)"),
            );
        }
    }
}

/// `$ref` strings inside one schema tree (not inside examples, defaults or extensions).
fn schema_refs(schema: &Value, out: &mut std::collections::BTreeSet<String>) {
    let Value::Object(map) = schema else { return };
    if let Some(Value::String(r)) = map.get("$ref") {
        out.insert(r.clone());
    }
    for (key, child) in map {
        if matches!(
            key.as_str(),
            "example" | "examples" | "default" | "enum" | "const"
        ) || key.starts_with("x-")
        {
            continue;
        }
        match child {
            Value::Object(_) => schema_refs(child, out),
            Value::Array(items) => items.iter().for_each(|i| schema_refs(i, out)),
            _ => {}
        }
    }
}

/// Rewrites `$ref`s equal to `old` (only those) to `new`.
fn rewrite_exact(value: &mut Value, old: &str, new: &str) {
    match value {
        Value::Object(map) => {
            if map.get("$ref").and_then(Value::as_str) == Some(old) {
                map.insert("$ref".into(), json!(new));
            }
            map.values_mut().for_each(|v| rewrite_exact(v, old, new));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_exact(v, old, new)),
        _ => {}
    }
}

/// A component schema that is both `nullable` and a composition (`anyOf`, `oneOf`, or an
/// `allOf` of several) makes typify emit two types of the same name (E0428): the `Option`
/// newtype and the composed type. The composition moves to a component of its own, and the
/// original becomes a nullable reference to it.
pub fn split_nullable_unions(doc: &mut Value, out: &mut Findings) {
    let names: Vec<String> = match doc.pointer("/components/schemas") {
        Some(Value::Object(schemas)) => schemas
            .iter()
            .filter(|(_, s)| {
                s.get("nullable") == Some(&Value::Bool(true))
                    && (s.get("anyOf").is_some()
                        || s.get("oneOf").is_some()
                        || s.get("allOf")
                            .and_then(Value::as_array)
                            .is_some_and(|a| a.len() > 1))
            })
            .map(|(name, _)| name.clone())
            .collect(),
        _ => return,
    };
    for name in names {
        let base = format!("{}Value", name.to_pascal_case());
        let Some(free) = (0..100)
            .map(|i| {
                if i == 0 {
                    base.clone()
                } else {
                    format!("{base}{i}")
                }
            })
            .find(|n| {
                doc.pointer(&pointer::join("/components/schemas", n))
                    .is_none()
            })
        else {
            continue;
        };
        let at = pointer::join("/components/schemas", &name);
        let Some(Value::Object(mut union)) = doc.pointer_mut(&at).map(Value::take) else {
            continue;
        };
        union.shift_remove("nullable");
        union.shift_remove("default");
        let mut wrapper = serde_json::Map::new();
        if let Some(d) = union.get("description") {
            wrapper.insert("description".into(), d.clone());
        }
        wrapper.insert("nullable".into(), Value::Bool(true));
        wrapper.insert(
            "allOf".into(),
            json!([{ "$ref": format!("#/components/schemas/{}", pointer::escape(&free)) }]),
        );
        if let Some(slot) = doc.pointer_mut(&at) {
            *slot = Value::Object(wrapper);
        }
        if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
            schemas.insert(free.clone(), Value::Object(union));
        }
        out.add(
            Severity::Note,
            "nullable-union-split",
            &at,
            format!("nullable composition split into `{free}` (the composed type) and a nullable reference to it; typify emits one name twice otherwise"),
        );
    }
}

/// typify names the type of an inline property schema `<Schema><Property>`; when a component
/// already has that name (`Collaboration.item` beside `CollaborationItem`), both are emitted
/// (E0428). Such a property schema gets a component of its own under a free name.
pub fn hoist_colliding_inline_types(doc: &mut Value, out: &mut Findings) {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return;
    };
    let taken: std::collections::BTreeSet<String> = schemas
        .keys()
        .map(|n| crate::names::sanitize_pascal(n))
        .collect();
    let mut moves = Vec::new();
    for (name, schema) in schemas {
        // The schema's own properties, and those of inline `allOf` branches (typify merges them).
        let base = pointer::join("/components/schemas", name);
        let mut holders = vec![(pointer::join(&base, "properties"), schema.get("properties"))];
        for (i, branch) in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            holders.push((
                format!("{base}/allOf/{i}/properties"),
                branch.get("properties"),
            ));
        }
        for (holder, properties) in holders {
            let Some(Value::Object(properties)) = properties else {
                continue;
            };
            for (prop, sub) in properties {
                let named = ["properties", "enum", "oneOf", "anyOf", "allOf"]
                    .iter()
                    .any(|k| sub.get(*k).is_some());
                let derived = crate::names::sanitize_pascal(&format!("{name}-{prop}"));
                if named && sub.get("$ref").is_none() && taken.contains(&derived) {
                    moves.push((pointer::join(&holder, prop), derived));
                }
            }
        }
    }
    for (at, derived) in moves {
        let Some(free) = (1..100)
            .map(|i| {
                format!(
                    "{derived}Inline{}",
                    if i == 1 { String::new() } else { i.to_string() }
                )
            })
            .find(|n| {
                doc.pointer(&pointer::join("/components/schemas", n))
                    .is_none()
            })
        else {
            continue;
        };
        let Some(sub) = doc.pointer_mut(&at).map(Value::take) else {
            continue;
        };
        if let Some(slot) = doc.pointer_mut(&at) {
            *slot = json!({ "$ref": format!("#/components/schemas/{}", pointer::escape(&free)) });
        }
        if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
            schemas.insert(free.clone(), sub);
        }
        out.add(
            Severity::Note,
            "inline-type-name-clash",
            &at,
            format!("typify would name this inline schema `{derived}`, which a component already is; moved to `#/components/schemas/{free}`"),
        );
    }
}
