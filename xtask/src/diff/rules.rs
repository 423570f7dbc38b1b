//! One test per wire rule of the spec comparison that the evolution fixtures do not cover:
//! each edits a small document and checks the verdict at the change's pointer.

use serde_json::{Value, json};

use super::{Level, spec};

fn base() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "servers": [{"url": "https://a.example"}],
        "security": [{"bearer": []}],
        "paths": {
            "/items/{id}": {"get": {
                "operationId": "get_item",
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "q", "in": "query", "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}
            }},
            "/items": {"post": {
                "operationId": "create_item",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewItem"}}}},
                "responses": {"201": {"description": "created"}}
            }}
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}, "key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
            "schemas": {
                "Item": {"type": "object", "required": ["id", "size"], "properties": {
                    "id": {"type": "string"}, "size": {"type": "integer", "minimum": 0}, "tag": {"type": "string"},
                    "kind": {"type": "string", "enum": ["a", "b"]}
                }},
                "NewItem": {"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string", "maxLength": 10}, "note": {"type": "string"},
                    "kind": {"type": "string", "enum": ["a", "b"]}
                }}
            }
        }
    })
}

/// The wire level of the change at `pointer` after `edit`, and every change's pointer.
fn judge(edit: impl FnOnce(&mut Value), pointer: &str) -> Level {
    let old = base();
    let mut new = base();
    edit(&mut new);
    let changes = spec::compare(&old, &new);
    let found = changes
        .iter()
        .find(|c| c.pointer == pointer || c.was.as_deref() == Some(pointer));
    match found {
        Some(c) => c.wire.level,
        None => panic!(
            "nothing at {pointer}; found {:?}",
            changes
                .iter()
                .map(|c| (&c.pointer, &c.what))
                .collect::<Vec<_>>()
        ),
    }
}

fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer).expect(pointer)
}

const ITEM: &str = "/components/schemas/Item";
const NEW_ITEM: &str = "/components/schemas/NewItem";
const GET: &str = "/paths/~1items~1{id}/get";

#[test]
fn an_operation_id_changed_on_the_same_route_is_a_rename_with_nothing_on_the_wire() {
    let level = judge(
        |d| *at(d, &format!("{GET}/operationId")) = json!("fetch_item"),
        &format!("#{GET}"),
    );
    assert_eq!(level, Level::None);
}

#[test]
fn an_operation_moved_to_another_path_breaks_deployed_binaries() {
    let level = judge(
        |d| {
            let op = at(d, "/paths")
                .as_object_mut()
                .unwrap()
                .remove("/items/{id}")
                .unwrap();
            at(d, "/paths")
                .as_object_mut()
                .unwrap()
                .insert("/things/{id}".into(), op);
        },
        "#/paths/~1things~1{id}/get",
    );
    assert_eq!(level, Level::Breaking);
}

#[test]
fn a_second_success_status_breaks_and_a_new_error_status_does_not() {
    let ok = format!("{GET}/responses");
    assert_eq!(
        judge(
            |d| {
                at(d, &ok)["202"] = json!({"description": "later"});
            },
            &format!("#{ok}/202")
        ),
        Level::Breaking
    );
    assert_eq!(
        judge(
            |d| {
                at(d, &ok)["404"] = json!({"description": "gone"});
            },
            &format!("#{ok}/404")
        ),
        Level::Additive
    );
    assert_eq!(
        judge(
            |d| {
                at(d, &ok).as_object_mut().unwrap().remove("200");
            },
            &format!("#{ok}/200")
        ),
        Level::None
    );
}

#[test]
fn a_request_body_made_required_or_sent_as_another_media_type_breaks() {
    let body = "/paths/~1items/post/requestBody";
    assert_eq!(
        judge(
            |d| {
                at(d, body)["required"] = json!(true);
            },
            &format!("#{body}")
        ),
        Level::Breaking
    );
    let level = judge(
        |d| {
            let content = at(d, &format!("{body}/content")).as_object_mut().unwrap();
            let schema = content.remove("application/json").unwrap();
            content.insert("application/xml".into(), schema);
        },
        &format!("#{body}"),
    );
    assert_eq!(level, Level::Breaking);
}

#[test]
fn parameters_made_required_reserialised_or_removed() {
    let q = format!("{GET}/parameters/1");
    assert_eq!(
        judge(
            |d| {
                at(d, &q)["required"] = json!(true);
            },
            &format!("#{q}")
        ),
        Level::Breaking
    );
    assert_eq!(
        judge(
            |d| {
                at(d, &q)["style"] = json!("spaceDelimited");
            },
            &format!("#{q}")
        ),
        Level::Breaking
    );
    assert_eq!(
        judge(
            |d| {
                at(d, &format!("{GET}/parameters"))
                    .as_array_mut()
                    .unwrap()
                    .pop();
            },
            &format!("#{q}")
        ),
        Level::None
    );
}

#[test]
fn security_that_asks_for_other_credentials_breaks_and_one_that_asks_less_does_not() {
    assert_eq!(
        judge(
            |d| {
                d["security"] = json!([{"key": []}]);
            },
            "#/security"
        ),
        Level::Breaking
    );
    assert_eq!(
        judge(
            |d| {
                d["security"] = json!([{"bearer": []}, {}]);
            },
            "#/security"
        ),
        Level::None
    );
    let scheme = "/components/securitySchemes/bearer";
    assert_eq!(
        judge(
            |d| {
                at(d, scheme)["scheme"] = json!("basic");
            },
            &format!("#{scheme}")
        ),
        Level::Breaking
    );
}

#[test]
fn response_members_removed_or_made_optional_break_only_if_they_were_required() {
    let props = format!("{ITEM}/properties");
    assert_eq!(
        judge(
            |d| {
                at(d, &props).as_object_mut().unwrap().remove("size");
            },
            &format!("#{props}/size")
        ),
        Level::Breaking
    );
    assert_eq!(
        judge(
            |d| {
                at(d, &props).as_object_mut().unwrap().remove("tag");
            },
            &format!("#{props}/tag")
        ),
        Level::None
    );
    assert_eq!(
        judge(
            |d| {
                at(d, &format!("{ITEM}/required"))
                    .as_array_mut()
                    .unwrap()
                    .pop();
            },
            &format!("#{props}/size")
        ),
        Level::Breaking
    );
}

#[test]
fn nullability_and_closed_objects_are_judged_by_direction() {
    let tag = format!("{ITEM}/properties/tag");
    assert_eq!(
        judge(
            |d| {
                at(d, &tag)["nullable"] = json!(true);
            },
            &format!("#{tag}")
        ),
        Level::Breaking
    );
    let note = format!("{NEW_ITEM}/properties/note");
    assert_eq!(
        judge(
            |d| {
                at(d, &note)["nullable"] = json!(true);
            },
            &format!("#{note}")
        ),
        Level::None
    );
    // A response object that forbade other members now allows them: old decoders refuse them.
    let level = judge(
        |d| {
            at(d, ITEM)["additionalProperties"] = json!(false);
        },
        &format!("#{ITEM}"),
    );
    assert_eq!(
        level,
        Level::None,
        "closing a response object sends fewer members"
    );
}

#[test]
fn bounds_tightened_in_requests_break_and_loosened_in_responses_break() {
    let name = format!("{NEW_ITEM}/properties/name");
    assert_eq!(
        judge(
            |d| {
                at(d, &name)["maxLength"] = json!(5);
            },
            &format!("#{name}")
        ),
        Level::Breaking
    );
    assert_eq!(
        judge(
            |d| {
                at(d, &name)["maxLength"] = json!(50);
            },
            &format!("#{name}")
        ),
        Level::None
    );
    let size = format!("{ITEM}/properties/size");
    assert_eq!(
        judge(
            |d| {
                at(d, &size).as_object_mut().unwrap().remove("minimum");
            },
            &format!("#{size}")
        ),
        Level::Breaking
    );
    assert_eq!(
        judge(
            |d| {
                at(d, &size)["minimum"] = json!(5);
            },
            &format!("#{size}")
        ),
        Level::None
    );
}

#[test]
fn enum_values_removed_break_requests_and_added_ones_break_responses() {
    let req = format!("{NEW_ITEM}/properties/kind/enum");
    assert_eq!(
        judge(
            |d| {
                at(d, &req).as_array_mut().unwrap().pop();
            },
            &format!("#{req}")
        ),
        Level::Breaking
    );
    assert_eq!(
        judge(
            |d| {
                at(d, &req).as_array_mut().unwrap().push(json!("c"));
            },
            &format!("#{req}")
        ),
        Level::Additive
    );
    let resp = format!("{ITEM}/properties/kind/enum");
    assert_eq!(
        judge(
            |d| {
                at(d, &resp).as_array_mut().unwrap().pop();
            },
            &format!("#{resp}")
        ),
        Level::None
    );
}

#[test]
fn a_type_widened_in_a_request_is_compatible_and_narrowed_breaks() {
    let name = format!("{NEW_ITEM}/properties/name");
    assert_eq!(
        judge(
            |d| {
                *at(d, &name) = json!({"type": "string"});
            },
            &format!("#{name}")
        ),
        Level::None
    );
    let size = format!("{ITEM}/properties/size");
    assert_eq!(
        judge(
            |d| {
                *at(d, &size) = json!({"type": "number"});
            },
            &format!("#{size}")
        ),
        Level::Breaking
    );
}
