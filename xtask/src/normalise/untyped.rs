//! Successes the document itself leaves untyped: a schema that says nothing (`{}`), an object
//! with no declared properties, an array of such values, a body that is not JSON, or no
//! success documented at all. The call then returns `serde_json::Value` (or a map of them) or
//! raw bytes; a warning at the operation's response says why, so every untyped success in a
//! generated crate is explained, and a fix that adds a schema knows where to go.

use serde_json::{Map, Value};

use super::bodies::{json_entry, media_base};
use crate::finding::{Findings, Severity};
use crate::pointer;
use crate::walk::{self, OperationRef};

/// The rule name, also read by the corpus to tell untypeable successes from generator gaps.
pub const RULE: &str = "untyped-success";

/// A note for a success that is a file: raw bytes are its type, not a gap in the typing.
pub const FILE_RULE: &str = "file-success";

/// The rules of this module: they describe what the document says and rewrite nothing, so
/// even a strict, hand-written spec keeps them as reported.
pub const DESCRIPTIONS: [&str; 2] = [RULE, FILE_RULE];

/// Warns about each success of `op` that is untyped because of what the document says, and
/// notes each that is a file.
/// Runs after the response rules, so it sees the successes that are generated.
pub fn check(doc: &Value, op: &OperationRef, out: &mut Findings) {
    let at = format!("{}/responses", op.pointer);
    let Some(Value::Object(responses)) = doc.pointer(&at) else {
        return;
    };
    let mut successes: Vec<&String> = responses
        .keys()
        .filter(|code| code.starts_with('2'))
        .collect();
    if successes.is_empty() {
        match responses.keys().find(|code| *code == "default") {
            Some(default) => successes.push(default),
            None => {
                out.add(
                    Severity::Warning,
                    RULE,
                    &at,
                    "no success response is documented: a success is returned as raw bytes; add one with a fix",
                );
                return;
            }
        }
    }
    for code in successes {
        let here = pointer::join(&at, code);
        match walk::resolve(doc, &here).map_or(Body::Typed, |r| body(doc, &r)) {
            Body::Typed => {}
            Body::File(media) => out.add(
                Severity::Note,
                FILE_RULE,
                &here,
                format!("the `{code}` body is a file (`{media}`): it is returned as a byte stream"),
            ),
            Body::Untyped(why) => out.add(
                Severity::Warning,
                RULE,
                &here,
                format!("the `{code}` body is untyped: {why}; give it a schema with a fix"),
            ),
        }
    }
}

/// How a success body is generated.
enum Body {
    /// `()` or a generated type.
    Typed,
    /// Raw bytes, which a file is (the media type).
    File(String),
    /// `serde_json::Value` (or a map or list of them), or raw bytes that are no file: why.
    Untyped(String),
}

/// How the response at `response` (a resolved pointer) is generated.
fn body(doc: &Value, response: &str) -> Body {
    let Some(content) = doc
        .pointer(&format!("{response}/content"))
        .and_then(Value::as_object)
        .filter(|content| !content.is_empty())
    else {
        return Body::Typed;
    };
    let Some(json) = json_entry(content) else {
        let Some((media, body)) = content.iter().next() else {
            return Body::Typed;
        };
        let file = body
            .get("schema")
            .is_some_and(|schema| walk::resolve_schema(doc, schema)["format"] == "binary");
        return if file || is_binary(media) {
            Body::File(media.clone())
        } else {
            Body::Untyped(format!(
                "its media type `{media}` is not JSON, so it is returned as raw bytes"
            ))
        };
    };
    match json
        .1
        .get("schema")
        .and_then(|schema| why_untyped_schema(doc, schema, 0))
    {
        Some(what) => Body::Untyped(format!("the document gives it {what}")),
        None => Body::Typed,
    }
}

/// Media types whose natural Rust type is bytes: a download, not a gap in the typing (as is
/// any body whose schema says `format: binary`).
fn is_binary(media: &str) -> bool {
    let base = media_base(media).to_ascii_lowercase();
    base == "application/octet-stream"
        || base == "application/pdf"
        || base == "application/zip"
        || ["image/", "audio/", "video/", "font/"]
            .iter()
            .any(|prefix| base.starts_with(prefix))
}

/// What makes a JSON schema generate as `serde_json::Value` (or a map or list of them), as a
/// noun phrase.
fn why_untyped_schema(doc: &Value, schema: &Value, depth: usize) -> Option<String> {
    const SAYS_WHAT: [&str; 8] = [
        "type",
        "properties",
        "items",
        "allOf",
        "oneOf",
        "anyOf",
        "enum",
        "additionalProperties",
    ];
    let schema = walk::resolve_schema(doc, schema);
    let object = schema.as_object()?;
    if !SAYS_WHAT.iter().any(|key| object.contains_key(*key)) {
        return Some("a schema that says nothing (`{}`)".into());
    }
    let composed = ["allOf", "oneOf", "anyOf"]
        .iter()
        .any(|key| object.contains_key(*key));
    match object.get("type").and_then(Value::as_str) {
        Some("object") | None if !composed && is_free_form(object) => {
            Some("an object schema with no declared properties".into())
        }
        Some("array") if depth < 8 => {
            let items = object.get("items")?;
            why_untyped_schema(doc, items, depth + 1)
                .map(|what| format!("an array schema whose items have {what}"))
        }
        _ => None,
    }
}

/// An object schema that declares no property and no typed value for the others.
fn is_free_form(object: &Map<String, Value>) -> bool {
    let no_properties = object
        .get("properties")
        .and_then(Value::as_object)
        .is_none_or(Map::is_empty);
    let open = match object.get("additionalProperties") {
        None | Some(Value::Bool(true)) => true,
        Some(Value::Object(values)) => values.is_empty(),
        Some(_) => false,
    };
    no_properties && open && !object.contains_key("items") && !object.contains_key("enum")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// `rule location message` of each finding.
    fn findings(responses: Value) -> Vec<String> {
        let doc = json!({
            "paths": { "/a": { "get": { "responses": responses } } },
            "components": { "schemas": {
                "Thing": { "type": "object", "properties": { "id": { "type": "string" } } },
                "Anything": { "description": "no type" }
            }}
        });
        let mut out = Findings::default();
        for op in walk::operations(&doc) {
            check(&doc, &op, &mut out);
        }
        out.sorted()
            .into_iter()
            .map(|f| format!("{} {} {}", f.rule, f.location, f.message))
            .collect()
    }

    fn json_body(schema: Value) -> Value {
        json!({ "description": "x", "content": { "application/json": { "schema": schema } } })
    }

    #[test]
    fn typed_bodies_and_no_body_raise_nothing() {
        for schema in [
            json!({ "$ref": "#/components/schemas/Thing" }),
            json!({ "type": "array", "items": { "$ref": "#/components/schemas/Thing" } }),
            json!({ "type": "object", "additionalProperties": { "type": "integer" } }),
            json!({ "type": "string" }),
            json!({ "oneOf": [{ "type": "string" }, { "type": "integer" }] }),
        ] {
            assert_eq!(
                findings(json!({ "200": json_body(schema.clone()) })),
                Vec::<String>::new(),
                "{schema}"
            );
        }
        assert!(findings(json!({ "204": { "description": "none" } })).is_empty());
    }

    #[test]
    fn a_file_is_noted_not_warned_about() {
        let download =
            json!({ "200": { "description": "x", "content": { "application/pdf": {} } } });
        let file = json!({ "type": "string", "format": "binary" });
        let file =
            json!({ "200": { "description": "x", "content": { "*/*": { "schema": file } } } });
        for (responses, media) in [(download, "application/pdf"), (file, "*/*")] {
            let found = findings(responses);
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(
                found[0].starts_with("file-success #/paths/~1a/get/responses/200 "),
                "{found:?}"
            );
            assert!(
                found[0].contains(&format!("a file (`{media}`)")),
                "{found:?}"
            );
        }
    }

    #[test]
    fn each_untyped_shape_says_why_at_the_operation() {
        let cases = [
            (
                json_body(json!({})),
                "gives it a schema that says nothing (`{}`)",
            ),
            (
                json_body(json!({ "$ref": "#/components/schemas/Anything" })),
                "says nothing",
            ),
            (
                json_body(json!({ "type": "object" })),
                "an object schema with no declared properties",
            ),
            (
                json_body(json!({ "type": "array", "items": {} })),
                "an array schema whose items have a schema that says nothing",
            ),
            (
                json!({ "description": "x", "content": { "text/csv": {} } }),
                "`text/csv` is not JSON",
            ),
        ];
        for (response, why) in cases {
            let found = findings(json!({ "200": response, "404": json_body(json!({})) }));
            assert_eq!(found.len(), 1, "{found:?}");
            assert!(
                found[0].starts_with("untyped-success #/paths/~1a/get/responses/200 "),
                "{found:?}"
            );
            assert!(found[0].contains(why), "{why}: {found:?}");
        }
    }

    #[test]
    fn no_documented_success_is_explained_and_default_counts_as_one() {
        let found = findings(json!({ "404": json_body(json!({})) }));
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("untyped-success #/paths/~1a/get/responses "),
            "{found:?}"
        );
        assert!(found[0].contains("no success response"), "{found:?}");
        assert!(findings(json!({ "default": json_body(json!({ "type": "string" })) })).is_empty());
    }
}
