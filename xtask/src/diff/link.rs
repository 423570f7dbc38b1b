//! Where each Rust item comes from in the spec, and joining the Rust changes to the spec
//! changes that cause them.
//!
//! Items are located by walking the spec and the Rust API together, from what is certain:
//! a client method is named after its operation id; its builder's `send()` returns the
//! success and error bodies, `body()` takes the request body, the other setters take the
//! parameters; a struct's fields carry their wire names, so each field (and the type it
//! holds) sits under `properties/<wire name>` of the struct's schema. Schemas no operation
//! reaches are found by name, as typify names them.

use std::collections::BTreeMap;

use serde_json::Value;

use super::rust::{Api, Kind, Role};
use crate::{names, pointer, walk};

/// Item path → JSON pointer (without `#`).
#[derive(Clone, Debug, Default)]
pub struct Locations(BTreeMap<String, String>);

impl Locations {
    /// The pointer (`#/...`) an item comes from.
    pub fn of(&self, item: &str) -> Option<String> {
        self.0.get(item).map(|p| format!("#{p}"))
    }
}

/// Locates the items of `api` in `doc`, the document it was generated from.
pub fn locate(api: &Api, doc: &Value) -> Locations {
    let mut at = Locator {
        api,
        doc,
        found: BTreeMap::new(),
    };
    at.operations();
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for name in schemas.keys() {
            let wanted = format!("types::{}", names::sanitize_pascal(name));
            let ptr = pointer::join("/components/schemas", name);
            let types: Vec<String> = api
                .items
                .iter()
                .filter(|(p, i)| {
                    matches!(i.kind, Kind::Struct | Kind::Enum)
                        && (*p == &wanted || p.ends_with(&format!("::{wanted}")))
                })
                .map(|(p, _)| p.clone())
                .collect();
            for ty in types {
                at.schema(&ty, &ptr);
            }
        }
    }
    for (path, item) in &api.items {
        let name = path.rsplit("::").next().unwrap_or(path);
        // The generator's own tables: servers, and what the auth layer knows per operation.
        let place = match name {
            "DEFAULT_BASE_URL" | "SERVERS" | "Server" => "/servers",
            "OPERATIONS" | "UNAUTHENTICATED_OPERATIONS" => "/paths",
            _ => continue,
        };
        if matches!(item.kind, Kind::Const | Kind::Static | Kind::Struct) {
            at.found
                .entry(path.clone())
                .or_insert_with(|| place.to_owned());
        }
    }
    at.members();
    Locations(at.found)
}

struct Locator<'a> {
    api: &'a Api,
    doc: &'a Value,
    found: BTreeMap<String, String>,
}

impl Locator<'_> {
    /// Client methods, their builders and what those take and return.
    fn operations(&mut self) {
        let mut ops = BTreeMap::new();
        for op in walk::operations(self.doc) {
            let id = self
                .doc
                .pointer(&op.pointer)
                .and_then(|o| o.get("operationId"))
                .and_then(Value::as_str);
            if let Some(id) = id {
                ops.insert(names::sanitize_snake(id), op);
            }
        }
        let methods: Vec<(String, String)> = self
            .api
            .items
            .iter()
            .filter(|(p, i)| {
                i.kind == Kind::Method
                    && Api::parent(p).is_some_and(|t| t == "Client" || t.ends_with("::Client"))
            })
            .map(|(p, _)| {
                (
                    p.clone(),
                    p.rsplit("::").next().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        for (method, name) in methods {
            let Some(op) = ops.get(&name) else { continue };
            self.found.insert(method.clone(), op.pointer.clone());
            let Some(builder) = self.target(&method, Role::Returns) else {
                continue;
            };
            self.found.insert(builder.clone(), op.pointer.clone());
            let params = self.parameters(&op.path, &op.pointer);
            let setters: Vec<String> = self
                .api
                .items
                .keys()
                .filter(|p| Api::parent(p) == Some(builder.as_str()))
                .cloned()
                .collect();
            for setter in setters {
                let name = setter.rsplit("::").next().unwrap_or_default();
                let (place, schema) = match name {
                    "body" | "body_map" => {
                        let body = format!("{}/requestBody", op.pointer);
                        (body.clone(), self.content_schema(&body))
                    }
                    "send" => {
                        let responses = format!("{}/responses", op.pointer);
                        if let Some(t) = self.target(&setter, Role::Success) {
                            self.schema_at(&t, self.response_schema(&responses, true));
                        }
                        if let Some(t) = self.target(&setter, Role::Error) {
                            self.schema_at(&t, self.response_schema(&responses, false));
                        }
                        (responses, None)
                    }
                    other => match params.get(other) {
                        Some(p) => (
                            p.clone(),
                            walk::resolve(self.doc, p).map(|r| format!("{r}/schema")),
                        ),
                        None => (op.pointer.clone(), None),
                    },
                };
                self.found.insert(setter.clone(), place);
                if let Some(t) = self.target(&setter, Role::Accepts) {
                    self.schema_at(&t, schema);
                }
            }
            self.mocks(&builder, &name, &op.pointer);
        }
    }

    /// The typed mocks of an operation (cargo feature `mock`): `MockServerExt::<op>`, and
    /// `<Op>When` (its setters where the builder's are) and `<Op>Then` (the responses).
    fn mocks(&mut self, builder: &str, method: &str, op: &str) {
        let Some((prefix, name)) = builder.rsplit_once("builder::") else {
            return;
        };
        let when = format!("{prefix}mock::operations::{name}When");
        let then = format!("{prefix}mock::operations::{name}Then");
        self.found.insert(
            format!("{prefix}mock::MockServerExt::{method}"),
            op.to_owned(),
        );
        self.found.insert(when.clone(), op.to_owned());
        self.found.insert(then.clone(), format!("{op}/responses"));
        let members: Vec<String> = self
            .api
            .items
            .keys()
            .filter(|p| Api::parent(p).is_some_and(|t| t == when || t == then))
            .cloned()
            .collect();
        for member in members {
            let (ty, name) = member.rsplit_once("::").unwrap_or_default();
            let place = if ty == then {
                format!("{op}/responses")
            } else {
                self.found
                    .get(&format!("{builder}::{name}"))
                    .cloned()
                    .unwrap_or_else(|| op.to_owned())
            };
            self.found.insert(member, place);
        }
    }

    /// Rust setter name → pointer of the parameter in its operation (or path item).
    fn parameters(&self, path: &str, op: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for owner in [pointer::join("/paths", path), op.to_owned()] {
            let Some(Value::Array(list)) = self.doc.pointer(&format!("{owner}/parameters")) else {
                continue;
            };
            for i in 0..list.len() {
                let at = format!("{owner}/parameters/{i}");
                let name = walk::resolve(self.doc, &at)
                    .and_then(|r| self.doc.pointer(&r))
                    .and_then(|p| p.get("name"))
                    .and_then(Value::as_str)
                    .map(names::sanitize_snake);
                if let Some(name) = name {
                    out.insert(name, at);
                }
            }
        }
        out
    }

    /// The schema of the first JSON (else first) media type of a body or response.
    fn content_schema(&self, holder: &str) -> Option<String> {
        let resolved = walk::resolve(self.doc, holder)?;
        let content = self
            .doc
            .pointer(&format!("{resolved}/content"))?
            .as_object()?;
        let media = content
            .keys()
            .find(|k| k.contains("json"))
            .or_else(|| content.keys().next())?;
        Some(format!(
            "{}/schema",
            pointer::join(&format!("{resolved}/content"), media)
        ))
    }

    /// The body schema of the first success (or first error) response that has one.
    fn response_schema(&self, responses: &str, success: bool) -> Option<String> {
        let statuses = self.doc.pointer(responses)?.as_object()?;
        statuses
            .keys()
            .filter(|s| s.starts_with('2') == success)
            .find_map(|s| self.content_schema(&pointer::join(responses, s)))
    }

    fn target(&self, item: &str, role: Role) -> Option<String> {
        self.api
            .items
            .get(item)?
            .links
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, t)| t.clone())
    }

    fn schema_at(&mut self, ty: &str, schema: Option<String>) {
        if let Some(s) = schema {
            self.schema(ty, &s);
        }
    }

    /// Locates type `ty` at schema `at`, then its fields and the types they hold.
    fn schema(&mut self, ty: &str, at: &str) {
        let at = self.resolve(at);
        if self.found.contains_key(ty) || self.doc.pointer(&at).is_none() {
            return;
        }
        self.found.insert(ty.to_owned(), at.clone());
        let members: Vec<String> = self
            .api
            .items
            .keys()
            .filter(|p| Api::parent(p) == Some(ty))
            .cloned()
            .collect();
        let alternatives = ["oneOf", "anyOf"]
            .iter()
            .find_map(|k| self.doc.pointer(&format!("{at}/{k}")).map(|_| *k));
        for (index, member) in members.iter().enumerate() {
            let Some(item) = self.api.items.get(member) else {
                continue;
            };
            let place = match (item.kind, &item.wire) {
                (Kind::Field, Some(wire)) => self.property(&at, wire).unwrap_or_else(|| at.clone()),
                (Kind::Variant, _) if self.doc.pointer(&format!("{at}/enum")).is_some() => {
                    format!("{at}/enum")
                }
                (Kind::Variant, _) => {
                    alternatives.map_or_else(|| at.clone(), |k| format!("{at}/{k}/{index}"))
                }
                _ => continue,
            };
            self.found.insert(member.clone(), place.clone());
            let held: Vec<(String, Vec<String>)> = item
                .links
                .iter()
                .filter(|(r, _)| *r == Role::Field)
                .map(|(_, t)| (t.clone(), item.shape.clone()))
                .collect();
            for (target, shape) in held {
                let mut inner = place.clone();
                for wrapper in shape {
                    match wrapper.as_str() {
                        "Vec" | "HashSet" | "BTreeSet" => {
                            inner = format!("{}/items", self.resolve(&inner))
                        }
                        "HashMap" | "BTreeMap" => {
                            inner = format!("{}/additionalProperties", self.resolve(&inner))
                        }
                        _ => {}
                    }
                }
                self.schema(&target, &inner);
            }
        }
    }

    /// The pointer of property `name` of the schema at `at` (or of one of its `allOf`s).
    fn property(&self, at: &str, name: &str) -> Option<String> {
        let direct = pointer::join(&format!("{at}/properties"), name);
        if self.doc.pointer(&direct).is_some() {
            return Some(direct);
        }
        let all = self.doc.pointer(&format!("{at}/allOf"))?.as_array()?;
        (0..all.len()).find_map(|i| self.property(&self.resolve(&format!("{at}/allOf/{i}")), name))
    }

    /// Follows `$ref`s and one-member `allOf` wrappers to the schema itself.
    fn resolve(&self, at: &str) -> String {
        let mut current = at.to_owned();
        for _ in 0..32 {
            let Some(v) = self.doc.pointer(&current) else {
                break;
            };
            if let Some(target) = v
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(pointer::local_ref)
            {
                current = target.to_owned();
            } else if v
                .get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|a| a.len() == 1)
            {
                current = format!("{current}/allOf/0");
            } else {
                break;
            }
        }
        current
    }

    /// Members not yet located take their type's place: trait impls, methods, and typify's
    /// builders (`types::builder::X` is where `types::X` is; its setters where its fields are).
    fn members(&mut self) {
        let paths: Vec<String> = self.api.items.keys().cloned().collect();
        for path in &paths {
            if let Some(twin) = path
                .split_once("types::builder::")
                .map(|(a, b)| format!("{a}types::{b}"))
                && let Some(at) = self.found.get(&twin).cloned()
            {
                self.found.entry(path.clone()).or_insert(at);
            }
        }
        for path in &paths {
            if self.found.contains_key(path) {
                continue;
            }
            let field = path.split_once("types::builder::").and_then(|(a, b)| {
                let (ty, member) = b.rsplit_once("::")?;
                self.found.get(&format!("{a}types::{ty}.{member}")).cloned()
            });
            let parent = Api::parent(path).and_then(|p| self.found.get(p).cloned());
            if let Some(at) = field.or(parent) {
                self.found.insert(path.clone(), at);
            }
        }
    }
}
