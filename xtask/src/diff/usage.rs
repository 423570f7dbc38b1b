//! Which way each component schema travels: in requests (what deployed binaries send), in
//! responses (what they must decode), both, or neither. A change to a schema is judged by the
//! directions it travels in.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::pointer;
use crate::walk;

/// The directions a schema is used in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Direction {
    /// Sent by clients (parameters, request bodies).
    pub request: bool,
    /// Received by clients (response bodies and headers).
    pub response: bool,
}

impl Direction {
    /// In requests only.
    pub const REQUEST: Direction = Direction {
        request: true,
        response: false,
    };
    /// In responses only.
    pub const RESPONSE: Direction = Direction {
        request: false,
        response: true,
    };

    /// Used either way.
    pub fn union(self, other: Direction) -> Direction {
        Direction {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }
}

/// The direction of every component schema some operation reaches (through `$ref`s, at any
/// depth); schemas no operation reaches are absent.
pub fn components(doc: &Value) -> BTreeMap<String, Direction> {
    let mut out: BTreeMap<String, Direction> = BTreeMap::new();
    for op in walk::operations(doc) {
        let path_item = pointer::join("/paths", &op.path);
        let request = [
            format!("{path_item}/parameters"),
            format!("{}/parameters", op.pointer),
            format!("{}/requestBody", op.pointer),
        ];
        let response = [format!("{}/responses", op.pointer)];
        for (pointers, direction) in [
            (&request[..], Direction::REQUEST),
            (&response[..], Direction::RESPONSE),
        ] {
            let mut seen = BTreeSet::new();
            for p in pointers {
                if let Some(value) = doc.pointer(p) {
                    reach(doc, value, &mut seen);
                }
            }
            for target in seen {
                if let Some(name) = target.strip_prefix("/components/schemas/") {
                    let name = pointer::tokens(&format!("/{name}"))
                        .and_then(|t| t.into_iter().next())
                        .unwrap_or_default();
                    let entry = out.entry(name).or_default();
                    *entry = entry.union(direction);
                }
            }
        }
    }
    out
}

/// Adds every local `$ref` target reachable from `value` to `seen`.
fn reach(doc: &Value, value: &Value, seen: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(target) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(pointer::local_ref)
                && seen.insert(target.to_owned())
                && let Some(next) = doc.pointer(target)
            {
                reach(doc, next, seen);
            }
            for (key, v) in map {
                // Examples are data, not schemas: a `$ref` key in one means nothing.
                if key != "example" && key != "examples" {
                    reach(doc, v, seen);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| reach(doc, v, seen)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_is_used_in_the_directions_its_operations_send_and_receive_it() {
        let doc = json!({
            "paths": {"/a": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}
            }}},
            "components": {"schemas": {
                "In": {"properties": {"shared": {"$ref": "#/components/schemas/Shared"}}},
                "Out": {"properties": {"shared": {"$ref": "#/components/schemas/Shared"}}},
                "Shared": {"type": "string"},
                "Unused": {"type": "string"}
            }}
        });
        let used = components(&doc);
        assert_eq!(used["In"], Direction::REQUEST);
        assert_eq!(used["Out"], Direction::RESPONSE);
        assert_eq!(
            used["Shared"],
            Direction::REQUEST.union(Direction::RESPONSE)
        );
        assert!(!used.contains_key("Unused"));
    }
}
