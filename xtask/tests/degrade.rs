//! The generator on real-world shapes at scale: deterministic output on a large document,
//! progenitor failures located by bisecting, and `regen` leaving unchanged files alone.

mod support;

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};
use support::tempdir;
use xtask::{ApiConfig, Findings, Job, tree};

/// A large 3.1 document (270 operations, 242 schemas, about 0.4 MB) mixing the shapes the normaliser
/// rewrites: nullable unions, enums with `null`, defaults on unions, multipart and `+json`
/// bodies, deepObject and object query parameters, `default` beside a 204.
fn large_document(reversed: bool) -> Value {
    let mut schemas = Map::new();
    let mut paths = Map::new();
    for i in 0..120 {
        schemas.insert(format!("Item{i}"), json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": { "type": "string", "title": "Id" },
                "kind": { "type": ["string", "null"], "enum": ["a", "b", null] },
                "size": { "anyOf": [{ "type": "integer" }, { "$ref": "#/components/schemas/Size" }], "default": 1 },
                "link": { "$ref": format!("#/components/schemas/Link{i}"), "description": "sibling" },
                "meta": { "type": "object", "format": "uri-map", "additionalProperties": { "type": "string" } },
            }
        }));
        schemas.insert(format!("Link{i}"), json!({ "nullable": true, "oneOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] }));
        let item = json!({ "$ref": format!("#/components/schemas/Item{i}") });
        paths.insert(format!("/items{i}/{{id}}"), json!({
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
            "get": {
                "parameters": [
                    { "name": "filter", "in": "query", "style": "deepObject", "schema": { "type": "object", "properties": { "state": { "type": "string" } } } },
                    { "name": "page", "in": "query", "schema": { "type": "object", "properties": { "cursor": { "type": "string" } } } }
                ],
                "responses": {
                    "200": { "description": "ok", "content": { "application/vnd.api+json": { "schema": item } } },
                    "default": { "description": "error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
                }
            },
            "delete": {
                "responses": {
                    "204": { "description": "gone" },
                    "default": { "description": "error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
                }
            },
        }));
        if i % 4 == 0 {
            paths.insert(format!("/items{i}/{{id}}/file"), json!({
                "put": {
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "requestBody": { "content": {
                        "multipart/form-data": { "schema": { "type": "object", "properties": { "file": { "type": "string", "format": "binary" }, "note": { "type": "string" } } } },
                        "application/merge-patch+json": { "schema": item }
                    } },
                    "responses": { "204": { "description": "stored" } }
                }
            }));
        }
    }
    schemas.insert(
        "Size".into(),
        json!({ "type": "string", "enum": ["small", "large"] }),
    );
    schemas.insert(
        "Error".into(),
        json!({ "type": "object", "properties": { "message": { "type": "string" } } }),
    );
    if reversed {
        let rev = |m: Map<String, Value>| -> Map<String, Value> { m.into_iter().rev().collect() };
        schemas = rev(schemas);
        paths = rev(paths);
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Large", "version": "1" },
        "paths": paths,
        "components": { "schemas": schemas },
    })
}

fn build(spec: &Path) -> xtask::Built {
    Job {
        name: "large".into(),
        spec: spec.to_owned(),
        fixes: None,
        config: ApiConfig::standalone("large-client"),
        display_root: spec.parent().unwrap().to_owned(),
        command: "cargo xtask generate --spec large.json --out <dir>".into(),
    }
    .build()
    .unwrap_or_else(|f| panic!("the large document generates:\n{f}"))
}

#[test]
fn a_large_document_generates_the_same_bytes_whatever_its_order() {
    let dir = tempdir("large-document");
    let spec = dir.join("large.json");
    fs::write(
        &spec,
        serde_json::to_string_pretty(&large_document(false)).unwrap(),
    )
    .unwrap();
    let first = build(&spec);
    let second = build(&spec);
    assert_eq!(first.files, second.files, "same input, same bytes");
    assert!(first.omitted.is_empty(), "{:?}", first.omitted);
    let lib = &first.files[Path::new("src/lib.rs")];
    assert_eq!(
        lib.matches("pub async fn send(").count(),
        120 * 2 + 30,
        "every operation generated"
    );
    let text = first.findings.to_string();
    assert!(
        !text.contains("progenitor-rejected") && !text.contains("error["),
        "all shapes pre-empted:\n{text}"
    );

    fs::write(&spec, serde_json::to_string(&large_document(true)).unwrap()).unwrap();
    let reordered = build(&spec);
    let code = |b: &xtask::Built| -> String {
        let lib = &b.files[Path::new("src/lib.rs")];
        lib.lines()
            .filter(|l| !l.contains("sha256"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        code(&first),
        code(&reordered),
        "path and schema order do not matter"
    );
}

#[test]
fn bisecting_leaves_out_only_what_progenitor_fails_on() {
    // Shapes the normaliser would have rewritten, handed to progenitor as they are: a schema
    // typify panics on (variants that clash) and an operation whose body typify rejects.
    let mut doc = json!({
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": {
            "/good": { "get": { "operationId": "good", "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Fine" } } } } } } },
            "/bad": { "post": { "operationId": "bad", "requestBody": { "content": { "application/json": { "schema": { "type": "object", "properties": { "x": { "type": "string", "enum": ["a", "b"], "default": "c" } } } } } }, "responses": { "204": { "description": "ok" } } } }
        },
        "components": { "schemas": {
            "Fine": { "type": "object", "properties": { "a": { "type": "string" } } },
            "Clash": { "type": "string", "enum": ["a-b", "a_b"] }
        } }
    });
    let mut findings = Findings::default();
    let omitted = xtask::bisect::repair(&mut doc, false, &mut findings).expect("located");
    let text = findings.to_string();
    assert!(
        text.contains("warning[progenitor-rejected] #/components/schemas/Clash"),
        "{text}"
    );
    assert!(!text.contains("#/components/schemas/Fine"), "{text}");
    assert_eq!(
        doc["components"]["schemas"]["Clash"],
        json!({}),
        "the culprit schema is untyped"
    );
    assert_eq!(omitted.len(), 1, "{omitted:?}");
    assert_eq!(omitted[0].operation_id, "bad");
    assert!(doc["paths"]["/good"]["get"].is_object(), "the rest stays");
}

#[test]
fn regen_writes_only_files_whose_bytes_changed() {
    let dir = tempdir("write-changed").join("crate");
    let mut files = xtask::Files::new();
    files.insert("Cargo.toml".into(), "[package]\n".into());
    files.insert("src/lib.rs".into(), "// one\n".into());
    files.insert("src/old.rs".into(), "// gone next time\n".into());
    assert_eq!(tree::replace(&dir, &files).unwrap(), 3);
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for f in ["Cargo.toml", "src/lib.rs"] {
        fs::File::options()
            .write(true)
            .open(dir.join(f))
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    files.remove(Path::new("src/old.rs"));
    files.insert("src/lib.rs".into(), "// two\n".into());
    assert_eq!(
        tree::replace(&dir, &files).unwrap(),
        2,
        "one written, one removed"
    );
    let mtime = |f: &str| fs::metadata(dir.join(f)).unwrap().modified().unwrap();
    assert_eq!(mtime("Cargo.toml"), old, "unchanged file keeps its mtime");
    assert_ne!(mtime("src/lib.rs"), old);
    assert!(!dir.join("src/old.rs").exists());
    assert_eq!(tree::replace(&dir, &files).unwrap(), 0, "nothing to do");
}
