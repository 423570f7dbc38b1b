//! Each paginated shape on a small document, and lists that are not paginated (no finding).

use serde_json::{Value, json};

use super::*;
use crate::config::Style;

/// A document with one operation `GET /things` (`listThings`).
fn doc(parameters: Value, response: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "paths": {"/things": {"get": {
            "operationId": "listThings",
            "parameters": parameters,
            "responses": {"200": response, "400": {"description": "bad"}}
        }}},
        "components": {
            "schemas": {
                "Thing": {"type": "object", "properties": {"id": {"type": "string"}}},
                "Meta": {"type": "object", "properties": {"total": {"type": "integer"}}}
            },
            "parameters": {
                "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}
            }
        }
    })
}

fn query(name: &str, kind: &str) -> Value {
    json!({"name": name, "in": "query", "schema": {"type": kind}})
}

fn body(schema: Value) -> Value {
    json!({"description": "a page", "content": {"application/json": {"schema": schema}}})
}

fn things() -> Value {
    json!({"type": "array", "items": {"$ref": "#/components/schemas/Thing"}})
}

/// The one suggestion for `doc`, read back as the `[[paginate]]` entry it proposes.
fn suggested(doc: &Value) -> Paginate {
    let findings = suggest(doc, &[], &[]).sorted();
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!(
        (finding.rule, finding.severity, finding.location.as_str()),
        (RULE, Severity::Warning, "#/paths/~1things/get")
    );
    let (_, toml) = finding
        .message
        .split_once("codegen.toml:\n")
        .expect("the entry to paste");
    #[derive(serde::Deserialize)]
    struct Config {
        paginate: Vec<Paginate>,
    }
    let mut config: Config =
        toml::from_str(toml).unwrap_or_else(|e| panic!("pastes as TOML ({e}):\n{toml}"));
    assert_eq!(config.paginate.len(), 1);
    config.paginate.remove(0)
}

fn none(doc: &Value) {
    let findings = suggest(doc, &[], &[]);
    assert!(findings.is_empty(), "{findings}");
}

#[test]
fn page_number_with_a_size_and_a_page_count() {
    let doc = doc(
        json!([query("page", "integer"), {"$ref": "#/components/parameters/Limit"}]),
        body(json!({"type": "object", "properties": {
            "data": things(), "totalPages": {"type": "integer"}, "tags": {"type": "array", "items": {}}
        }})),
    );
    let entry = suggested(&doc);
    assert_eq!(entry.operation, "listThings");
    assert_eq!(entry.style, Style::Page);
    assert_eq!(entry.param, None, "`page` is the default");
    assert_eq!(
        entry.items.as_deref(),
        Some("data"),
        "the preferred array name"
    );
    assert_eq!(entry.total_pages.as_deref(), Some("totalPages"));
}

#[test]
fn json_api_page_number_and_size() {
    let doc = doc(
        json!([
            query("page[number]", "integer"),
            query("page[size]", "integer")
        ]),
        body(json!({"type": "object", "properties": {"data": things()}})),
    );
    let entry = suggested(&doc);
    assert_eq!(entry.style, Style::Page);
    assert_eq!(entry.param.as_deref(), Some("page[number]"));
    // An id TOML must escape pastes as it is.
    let mut quoted = doc.clone();
    quoted["paths"]["/things"]["get"]["operationId"] = json!("list \"things\" \\ all");
    assert_eq!(suggested(&quoted).operation, "list \"things\" \\ all");
    assert_eq!(entry.total_pages, None);
}

#[test]
fn offset_and_limit_with_a_nested_total() {
    let doc = doc(
        json!([query("offset", "integer"), query("limit", "integer")]),
        body(json!({"allOf": [
            {"type": "object", "properties": {"results": things()}},
            {"type": "object", "properties": {"meta": {"$ref": "#/components/schemas/Meta"}}}
        ]})),
    );
    let entry = suggested(&doc);
    assert_eq!(entry.style, Style::Offset);
    assert_eq!(entry.param, None);
    assert_eq!(entry.items.as_deref(), Some("results"));
    assert_eq!(entry.total.as_deref(), Some("meta.total"));
}

#[test]
fn cursor_with_a_next_page_token() {
    let doc = doc(
        json!([query("page_token", "string"), query("page_size", "integer")]),
        body(json!({"type": "object", "properties": {
            "items": things(), "nextPageToken": {"type": "string"}
        }})),
    );
    let entry = suggested(&doc);
    assert_eq!(entry.style, Style::Cursor);
    assert_eq!(entry.param.as_deref(), Some("page_token"));
    assert_eq!(entry.items.as_deref(), Some("items"));
    assert_eq!(entry.next_cursor.as_deref(), Some("nextPageToken"));
}

#[test]
fn cursor_one_level_down() {
    let doc = doc(
        json!([query("after", "string")]),
        body(json!({"type": "object", "properties": {
            "data": {"type": "object", "properties": {"nodes": things()}},
            "pageInfo": {"type": "object", "properties": {"endCursor": {"type": "string"}}}
        }})),
    );
    let entry = suggested(&doc);
    assert_eq!(entry.style, Style::Cursor);
    assert_eq!(entry.items.as_deref(), Some("data.nodes"));
    assert_eq!(entry.next_cursor.as_deref(), Some("pageInfo.endCursor"));
}

#[test]
fn a_documented_link_header() {
    let mut response = body(things());
    response["headers"] = json!({"Link": {"schema": {"type": "string"}}});
    let doc = doc(
        json!([query("since", "string"), query("per_page", "integer")]),
        response,
    );
    none(&doc);
    let mut with_cursor = doc.clone();
    with_cursor["paths"]["/things"]["get"]["parameters"][0] = query("cursor", "string");
    let entry = suggested(&with_cursor);
    assert_eq!(entry.style, Style::Link);
    assert_eq!(entry.param.as_deref(), Some("cursor"));
    assert_eq!(entry.items, None, "the body is the array");
}

#[test]
fn lists_that_are_not_paginated_get_nothing() {
    // A filter and an array: no position parameter.
    none(&doc(json!([query("q", "string")]), body(things())));
    // A page number with no size parameter and no page count.
    none(&doc(
        json!([query("page", "integer")]),
        body(json!({"type": "object", "properties": {"data": things()}})),
    ));
    // A page that is text (a slug), not a number, and no size.
    none(&doc(json!([query("page", "string")]), body(things())));
    // `after` as a date, not a cursor.
    none(&doc(
        json!([{"name": "after", "in": "query", "schema": {"type": "string", "format": "date-time"}}]),
        body(
            json!({"type": "object", "properties": {"items": things(), "cursor": {"type": "string"}}}),
        ),
    ));
    // Paging parameters, but one object answered, with no array.
    none(&doc(
        json!([query("page", "integer"), query("limit", "integer")]),
        body(json!({"$ref": "#/components/schemas/Thing"})),
    ));
    // Several arrays and none named like a list of items.
    none(&doc(
        json!([query("offset", "integer"), query("limit", "integer")]),
        body(json!({"type": "object", "properties": {
            "tags": {"type": "array", "items": {}}, "labels": {"type": "array", "items": {}}
        }})),
    ));
    // No JSON success body.
    none(&doc(
        json!([query("page", "integer"), query("limit", "integer")]),
        json!({"description": "a CSV page", "content": {"text/csv": {"schema": {"type": "string"}}}}),
    ));
}

#[test]
fn declared_omitted_and_non_get_operations_get_nothing() {
    let paged = doc(
        json!([query("page", "integer"), query("limit", "integer")]),
        body(things()),
    );
    assert_eq!(suggested(&paged).style, Style::Page);
    let declared: Paginate =
        toml::from_str("operation = \"list_things\"\nstyle = \"page\"").unwrap();
    assert!(suggest(&paged, &[declared], &[]).is_empty());
    assert!(suggest(&paged, &[], &["listThings".to_owned()]).is_empty());
    let mut post = paged.clone();
    let op = post["paths"]["/things"]["get"].take();
    post["paths"]["/things"] = json!({"post": op});
    assert!(suggest(&post, &[], &[]).is_empty());
}
