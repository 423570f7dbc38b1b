//! Responses that HTTP says carry no content: 204 No Content and 205 Reset Content (RFC 9110
//! §15.3.5, §15.3.6), 304 Not Modified (§15.4.5), and every response to `HEAD` (§9.3.2). A
//! body documented on one is dropped, so the call returns `()` instead of failing to decode
//! the empty body it actually gets as the documented type.

use serde_json::{Map, Value};

use crate::finding::{Findings, Severity};
use crate::pointer;
use crate::walk::{self, OperationRef};

/// Status codes whose responses never have content.
const BODILESS: [&str; 3] = ["204", "205", "304"];

/// Drops the content of every bodiless response of `op`. A shared response (a `$ref`) is not
/// edited: the operation gets its own copy without content, so other users keep the body.
pub fn normalise(doc: &mut Value, op: &OperationRef, out: &mut Findings) {
    let at = format!("{}/responses", op.pointer);
    let codes: Vec<String> = match doc.pointer(&at) {
        Some(Value::Object(responses)) => responses.keys().cloned().collect(),
        _ => return,
    };
    for code in codes {
        if op.method != "head" && !BODILESS.contains(&code.as_str()) {
            continue;
        }
        let here = pointer::join(&at, &code);
        let Some(target) = walk::resolve(doc, &here) else {
            continue;
        };
        let Some(Value::Object(response)) = doc.pointer(&target) else {
            continue;
        };
        if response
            .get("content")
            .and_then(Value::as_object)
            .is_none_or(Map::is_empty)
        {
            continue;
        }
        let mut bodiless = response.clone();
        bodiless.shift_remove("content");
        if let Some(slot) = doc.pointer_mut(&here) {
            *slot = Value::Object(bodiless);
        }
        let why = if op.method == "head" {
            "a response to HEAD has no content (RFC 9110 §9.3.2)".to_owned()
        } else {
            format!("a {code} response has no content (RFC 9110)")
        };
        out.add(
            Severity::Note,
            "content-on-bodiless-response",
            &pointer::join(&here, "content"),
            format!("{why}: the documented body is ignored and the call returns `()`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn run(mut doc: Value) -> (Value, Findings) {
        let mut out = Findings::default();
        for op in walk::operations(&doc) {
            normalise(&mut doc, &op, &mut out);
        }
        (doc, out)
    }

    fn body() -> Value {
        json!({ "description": "x", "content": { "application/json": { "schema": { "type": "object" } } } })
    }

    #[test]
    fn bodies_on_204_205_304_and_head_are_dropped_others_kept() {
        let (doc, out) = run(json!({ "paths": {
            "/a": {
                "get": { "responses": { "200": body(), "304": body() } },
                "put": { "responses": { "204": body(), "205": body() } },
                "head": { "responses": { "200": body() } }
            }
        }}));
        let paths = &doc["paths"]["/a"];
        assert!(paths["get"]["responses"]["200"].get("content").is_some());
        for (method, code) in [
            ("get", "304"),
            ("put", "204"),
            ("put", "205"),
            ("head", "200"),
        ] {
            let response = &paths[method]["responses"][code];
            assert_eq!(response.get("content"), None, "{method} {code}");
            assert_eq!(response["description"], "x", "{method} {code}");
        }
        assert_eq!(out.sorted().len(), 4);
        assert!(
            out.sorted()
                .iter()
                .all(|f| f.rule == "content-on-bodiless-response"
                    && f.location.ends_with("/content"))
        );
    }

    #[test]
    fn a_shared_response_keeps_its_body_for_its_other_users() {
        let (doc, out) = run(json!({
            "paths": { "/a": {
                "get": { "responses": { "200": { "$ref": "#/components/responses/Thing" } } },
                "delete": { "responses": { "204": { "$ref": "#/components/responses/Thing" } } }
            }},
            "components": { "responses": { "Thing": body() } }
        }));
        assert!(
            doc["components"]["responses"]["Thing"]
                .get("content")
                .is_some()
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["$ref"],
            "#/components/responses/Thing"
        );
        assert_eq!(
            doc["paths"]["/a"]["delete"]["responses"]["204"],
            json!({ "description": "x" })
        );
        assert_eq!(out.sorted().len(), 1);
    }

    #[test]
    fn a_bodiless_response_without_content_is_left_alone() {
        let (doc, out) = run(json!({ "paths": { "/a": {
            "delete": { "responses": { "204": { "description": "gone" } } }
        }}}));
        assert_eq!(
            doc["paths"]["/a"]["delete"]["responses"]["204"],
            json!({ "description": "gone" })
        );
        assert_eq!(out.sorted().len(), 0);
    }
}
