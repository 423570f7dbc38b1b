//! The mutations: each breaks a document the way real documents are broken (a key deleted,
//! a value of the wrong type, a `$ref` cycle, a `$ref` pointed elsewhere, a duplicate
//! operation id, a shape that made typify panic), chosen by a seeded generator so that a run
//! repeats exactly.

use fastrand::Rng;
use serde_json::{Value, json};

use crate::{pointer, walk};

/// One kind of mutation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// A member of some object removed.
    DeleteKey,
    /// Some value replaced by one of another JSON type.
    WrongType,
    /// Two schemas made references to each other (or one to itself), one of them used as an
    /// `allOf` branch beside a property.
    RefCycle,
    /// A `$ref` pointed at another place of the document.
    RetargetRef,
    /// An operation given the id of another.
    DuplicateOperationId,
    /// A schema replaced by a shape that made typify or progenitor panic.
    HostileShape,
}

impl Kind {
    /// Every kind, in the order they are drawn from.
    pub const ALL: [Kind; 6] = [
        Kind::DeleteKey,
        Kind::WrongType,
        Kind::RefCycle,
        Kind::RetargetRef,
        Kind::DuplicateOperationId,
        Kind::HostileShape,
    ];

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Kind::DeleteKey => "delete-key",
            Kind::WrongType => "wrong-type",
            Kind::RefCycle => "ref-cycle",
            Kind::RetargetRef => "retarget-ref",
            Kind::DuplicateOperationId => "duplicate-operation-id",
            Kind::HostileShape => "hostile-shape",
        }
    }
}

/// Applies one mutation of `kind` to `doc`; what it did, or `None` when the document offers
/// nothing to apply it to.
pub fn apply(doc: &mut Value, kind: Kind, rng: &mut Rng) -> Option<String> {
    match kind {
        Kind::DeleteKey => delete_key(doc, rng),
        Kind::WrongType => wrong_type(doc, rng),
        Kind::RefCycle => ref_cycle(doc, rng),
        Kind::RetargetRef => retarget_ref(doc, rng),
        Kind::DuplicateOperationId => duplicate_operation_id(doc, rng),
        Kind::HostileShape => hostile_shape(doc, rng),
    }
}

/// Pointers of every value in `doc` but the root, in document order.
fn all_pointers(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![(doc, String::new())];
    while let Some((value, ptr)) = pending.pop() {
        if !ptr.is_empty() {
            out.push(ptr.clone());
        }
        match value {
            Value::Object(map) => {
                pending.extend(map.iter().rev().map(|(k, v)| (v, pointer::join(&ptr, k))));
            }
            Value::Array(items) => {
                pending.extend(
                    items
                        .iter()
                        .enumerate()
                        .rev()
                        .map(|(i, v)| (v, format!("{ptr}/{i}"))),
                );
            }
            _ => {}
        }
    }
    out
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.usize(..items.len())])
}

/// Splits a pointer into its parent and last token (unescaped).
fn parent_and_key(ptr: &str) -> Option<(&str, String)> {
    let (parent, last) = ptr.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn delete_key(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let members: Vec<String> = all_pointers(doc)
        .into_iter()
        .filter(|p| {
            parent_and_key(p)
                .and_then(|(parent, _)| doc.pointer(parent))
                .is_some_and(Value::is_object)
        })
        .collect();
    let ptr = pick(rng, &members)?.clone();
    let (parent, key) = parent_and_key(&ptr)?;
    doc.pointer_mut(parent)?.as_object_mut()?.shift_remove(&key);
    Some(format!("deleted #{ptr}"))
}

fn wrong_type(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let pointers = all_pointers(doc);
    let ptr = pick(rng, &pointers)?.clone();
    let slot = doc.pointer_mut(&ptr)?;
    let palette = [
        json!(null),
        json!(true),
        json!(7),
        json!(-1.5),
        json!("x"),
        json!([]),
        json!({}),
        json!(["a", 1]),
        json!({"a": 1}),
    ];
    let others: Vec<&Value> = palette
        .iter()
        .filter(|v| std::mem::discriminant(*v) != std::mem::discriminant(slot))
        .collect();
    let value = (*pick(rng, &others)?).clone();
    let what = format!("#{ptr} := {value}");
    *slot = value;
    Some(what)
}

/// Names of the component schemas.
fn schema_names(doc: &Value) -> Vec<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{}", pointer::escape(name)) })
}

fn ref_cycle(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let names = schema_names(doc);
    let a = pick(rng, &names)?.clone();
    let b = pick(rng, &names)?.clone();
    let holder = pick(rng, &names)?.clone();
    let schemas = doc.pointer_mut("/components/schemas")?.as_object_mut()?;
    schemas.insert(a.clone(), schema_ref(&b));
    schemas.insert(b.clone(), schema_ref(&a));
    if holder != a && holder != b {
        // The shape that overflowed the stack: the cycle merged by an `allOf` beside a property.
        schemas.insert(
            holder.clone(),
            json!({ "allOf": [schema_ref(&a), { "type": "object", "properties": { "loop": schema_ref(&a) } }] }),
        );
    }
    Some(format!("{a} -> {b} -> {a}, used by {holder}"))
}

fn retarget_ref(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let pointers = all_pointers(doc);
    let refs: Vec<&String> = pointers.iter().filter(|p| p.ends_with("/$ref")).collect();
    let at = (*pick(rng, &refs)?).clone();
    let target = pick(rng, &pointers)?.clone();
    *doc.pointer_mut(&at)? = json!(format!("#{target}"));
    Some(format!("#{at} := #{target}"))
}

fn duplicate_operation_id(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let ops = walk::operations(doc);
    let first = pick(rng, &ops)?.clone();
    let second = pick(rng, &ops)?.clone();
    let id = doc
        .pointer(&format!("{}/operationId", first.pointer))
        .cloned()
        .unwrap_or_else(|| json!("duplicate"));
    for op in [&first, &second] {
        doc.pointer_mut(&op.pointer)?
            .as_object_mut()?
            .insert("operationId".into(), id.clone());
    }
    Some(format!(
        "{} and {} share {id}",
        first.pointer, second.pointer
    ))
}

/// Shapes that made typify or progenitor panic or reject a document before the normaliser
/// learnt them.
fn hostile_shapes(self_ref: &Value) -> Vec<Value> {
    vec![
        json!({ "format": "uri" }),
        json!({ "format": "int64", "description": "no type" }),
        json!({ "minimum": 0, "maximum": 1 }),
        json!({ "required": ["id"] }),
        json!({ "type": "http", "scheme": "basic" }),
        json!({ "type": "object", "format": "uri-map" }),
        json!({ "type": "string", "enum": [] }),
        json!({ "type": "string", "enum": ["a-b", "a_b"] }),
        json!({ "type": "string", "enum": [1, "a", null] }),
        json!({ "type": "integer", "minimum": 1e30 }),
        json!({ "type": "integer", "exclusiveMinimum": true }),
        json!({ "type": "string", "default": 5 }),
        json!({ "nullable": true, "anyOf": [{ "type": "string" }, { "type": "integer" }] }),
        json!({ "allOf": [self_ref] }),
        json!({ "type": "array", "items": [{ "type": "string" }] }),
        json!({ "type": ["string", "integer", "null"] }),
        json!({ "oneOf": [self_ref, { "type": "string" }] }),
        json!({ "type": "object", "required": ["missing"], "properties": {} }),
        json!({ "type": "object", "properties": { "a": { "type": "string" }, "A": { "type": "string" } } }),
    ]
}

fn hostile_shape(doc: &mut Value, rng: &mut Rng) -> Option<String> {
    let roots = walk::schema_roots(doc);
    let at = pick(rng, &roots)?.clone();
    let shapes = hostile_shapes(&json!({ "$ref": format!("#{at}") }));
    let shape = pick(rng, &shapes)?.clone();
    let what = format!("#{at} := {shape}");
    *doc.pointer_mut(&at)? = shape;
    Some(what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
                "/b": {"get": {"operationId": "b", "responses": {"204": {"description": "ok"}}}}},
            "components": {"schemas": {"A": {"type": "object"}, "B": {"type": "string"}, "C": {}}}
        })
    }

    #[test]
    fn every_kind_applies_and_repeats_with_its_seed() {
        for kind in Kind::ALL {
            for seed in 0..8 {
                let (mut first, mut second) = (doc(), doc());
                let a = apply(&mut first, kind, &mut Rng::with_seed(seed));
                let b = apply(&mut second, kind, &mut Rng::with_seed(seed));
                assert!(a.is_some(), "{kind:?} found nothing to mutate");
                assert_eq!((a, &first), (b, &second), "{kind:?} is deterministic");
            }
        }
    }

    #[test]
    fn a_document_without_schemas_offers_no_cycle() {
        let mut bare = json!({"openapi": "3.0.3", "paths": {}});
        assert_eq!(
            apply(&mut bare, Kind::RefCycle, &mut Rng::with_seed(1)),
            None
        );
    }
}
