//! The documented success answer of an operation, for mocks: its status and a body taken
//! from the spec's own examples (the media type's `example`, else its first `examples` entry,
//! else an example built from the schema: `example`, `default`, first `enum` value, required
//! members, one array item).

use serde_json::{Map, Value};

use crate::pointer;

/// An operation's documented success answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The lowest documented 2xx status (200 for a `2XX` range).
    pub status: u16,
    /// The body, if the response documents one.
    pub body: Option<Body>,
}

/// A response body.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// Its media type, e.g. `application/json`.
    pub media_type: String,
    /// The example value (a JSON string for a text body).
    pub value: Value,
    /// Whether the spec documents it (`example` / `examples` of the media type), rather than
    /// it being built from the schema.
    pub documented: bool,
}

/// How deep schema-built examples go (recursive schemas stop here).
const MAX_DEPTH: usize = 12;

/// The success answer of `operation` (an operation object of the normalised `doc`); `None`
/// if no 2xx response is documented, or it has a body whose example cannot be built.
pub fn success(doc: &Value, operation: &Value) -> Option<Answer> {
    let responses = operation.get("responses")?.as_object()?;
    let (status, response) = responses
        .iter()
        .filter_map(|(code, response)| Some((success_status(code)?, response)))
        .min_by_key(|(status, _)| *status)?;
    let response = resolve(doc, response, 0)?;
    let Some(content) = response
        .get("content")
        .and_then(Value::as_object)
        .filter(|c| !c.is_empty())
    else {
        return Some(Answer { status, body: None });
    };
    let (media_type, media) = content
        .iter()
        .find(|(media_type, _)| media_type.contains("json"))
        .or_else(|| content.iter().next())?;
    let documented = media
        .get("example")
        .cloned()
        .or_else(|| first_example(doc, media));
    let (value, documented) = match documented {
        Some(value) => (value, true),
        None => (build(doc, media.get("schema")?, 0, false)?, false),
    };
    Some(Answer {
        status,
        body: Some(Body {
            media_type: media_type.clone(),
            value,
            documented,
        }),
    })
}

/// `200`..`299`, or 200 for `2XX`.
fn success_status(code: &str) -> Option<u16> {
    if code.eq_ignore_ascii_case("2XX") {
        return Some(200);
    }
    code.parse().ok().filter(|c| (200..300).contains(c))
}

/// The value of the first entry of a media type's `examples`.
fn first_example(doc: &Value, media: &Value) -> Option<Value> {
    let (_, example) = media.get("examples")?.as_object()?.iter().next()?;
    resolve(doc, example, 0)?.get("value").cloned()
}

/// Follows `$ref`s to the object they name.
fn resolve<'a>(doc: &'a Value, value: &'a Value, depth: usize) -> Option<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) if depth < MAX_DEPTH => {
            let target = doc.pointer(pointer::local_ref(reference)?)?;
            resolve(doc, target, depth + 1)
        }
        Some(_) => None,
        None => Some(value),
    }
}

/// An example value of `schema` (of the normalised `doc`), built from its parts: its own
/// `example`, `default` or first `enum` value, else required members (and optional ones that
/// carry an example), or `every_member` of every object. Request conformance checks use it to
/// make inputs the spec does not document.
pub fn schema_example(doc: &Value, schema: &Value, every_member: bool) -> Option<Value> {
    build(doc, schema, 0, every_member)
}

/// An example of `schema` built from its parts; `None` where a required part has none.
fn build(doc: &Value, schema: &Value, depth: usize, all: bool) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let schema = resolve(doc, schema, 0)?;
    if let Some(v) = schema.get("example").or_else(|| schema.get("default")) {
        return Some(v.clone());
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return Some(first.clone());
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        return all_of(doc, parts, depth, all);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            return branches.iter().find_map(|b| build(doc, b, depth + 1, all));
        }
    }
    let kind = schema.get("type").and_then(Value::as_str);
    match kind {
        Some("object") => object(doc, schema, depth, all),
        None if schema.get("properties").is_some() => object(doc, schema, depth, all),
        Some("array") => {
            let item = schema
                .get("items")
                .and_then(|i| build(doc, i, depth + 1, all));
            Some(Value::Array(item.into_iter().collect()))
        }
        Some("string") => Some(Value::from(string(schema))),
        Some("integer") => Some(Value::from(
            schema.get("minimum").and_then(Value::as_i64).unwrap_or(0),
        )),
        Some("number") => Some(
            schema
                .get("minimum")
                .cloned()
                .unwrap_or_else(|| Value::from(0)),
        ),
        Some("boolean") => Some(Value::Bool(false)),
        _ => Some(Value::Object(Map::new())),
    }
}

/// The members of every `allOf` part merged (or the first part that is not an object).
fn all_of(doc: &Value, parts: &[Value], depth: usize, all: bool) -> Option<Value> {
    let mut merged = Map::new();
    for part in parts {
        match build(doc, part, depth + 1, all)? {
            Value::Object(members) => merged.extend(members),
            other => return Some(other),
        }
    }
    Some(Value::Object(merged))
}

/// Required members, and optional ones that carry their own example (`all`: every member).
fn object(doc: &Value, schema: &Value, depth: usize, all: bool) -> Option<Value> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Map::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let documented = resolve(doc, property, 0).is_some_and(|p| p.get("example").is_some());
            if all || required.contains(&name.as_str()) || documented {
                out.insert(name.clone(), build(doc, property, depth + 1, all)?);
            }
        }
    }
    Some(Value::Object(out))
}

/// A string that fits the common formats.
fn string(schema: &Value) -> &'static str {
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2024-01-01T00:00:00Z",
        Some("date") => "2024-01-01",
        Some("uuid") => "00000000-0000-4000-8000-000000000000",
        Some("email") => "user@example.com",
        Some("uri" | "url") => "https://example.com/",
        Some("ipv4") => "192.0.2.1",
        _ => "string",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(doc: Value) -> Option<Answer> {
        let op = doc.pointer("/paths/~1a/get").cloned().unwrap();
        success(&doc, &op)
    }

    fn doc(responses: Value) -> Value {
        json!({"paths": {"/a": {"get": {"responses": responses}}}, "components": {
            "schemas": {"Thing": {"type": "object", "required": ["id", "at", "tags"], "properties": {
                "id": {"type": "string", "format": "uuid"},
                "at": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string", "enum": ["x", "y"]}},
                "note": {"type": "string", "example": "hello"},
                "extra": {"type": "integer"}
            }}},
            "examples": {"One": {"value": {"id": "from-examples"}}},
            "responses": {"Ok": {"description": "ok", "content": {"application/json": {"example": {"ref": true}}}}}
        }})
    }

    #[test]
    fn the_media_example_wins_then_named_examples_then_the_schema() {
        let media = |extra: Value| {
            let mut m = json!({"schema": {"$ref": "#/components/schemas/Thing"}});
            m.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            doc(
                json!({"404": {"description": "no"}, "201": {"description": "made", "content": {"application/json": m}}}),
            )
        };
        let value = |d| answer(d).unwrap().body.unwrap().value;
        assert_eq!(
            value(media(json!({"example": {"id": "inline"}}))),
            json!({"id": "inline"})
        );
        assert_eq!(
            value(media(
                json!({"examples": {"first": {"$ref": "#/components/examples/One"}}})
            )),
            json!({"id": "from-examples"})
        );
        assert_eq!(
            value(media(json!({}))),
            json!({"id": "00000000-0000-4000-8000-000000000000", "at": "2024-01-01T00:00:00Z", "tags": ["x"], "note": "hello"})
        );
        let built = answer(media(json!({}))).unwrap();
        assert_eq!((built.status, built.body.unwrap().documented), (201, false));
        assert!(
            answer(media(json!({"example": {}})))
                .unwrap()
                .body
                .unwrap()
                .documented
        );
    }

    #[test]
    fn bodiless_ranges_refs_and_missing_successes() {
        assert_eq!(
            answer(doc(json!({"2XX": {"description": "fine"}}))),
            Some(Answer {
                status: 200,
                body: None
            })
        );
        assert_eq!(
            answer(doc(json!({"200": {"$ref": "#/components/responses/Ok"}})))
                .unwrap()
                .body
                .unwrap()
                .value,
            json!({"ref": true})
        );
        assert_eq!(answer(doc(json!({"default": {"description": "x"}}))), None);
    }

    #[test]
    fn recursive_schemas_stop() {
        let d = json!({"paths": {"/a": {"get": {"responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}}}}},
            "components": {"schemas": {"Node": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Node"}}}}}});
        assert_eq!(answer(d), None);
    }
}
