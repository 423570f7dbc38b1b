//! Document-level rules: the version, 3.1-only top-level keys, a stable path order.

use serde_json::{Map, Value, json};

use crate::finding::{Findings, Severity};

/// Checks `openapi` and rewrites 3.1.x to 3.0.3. Returns false when the document cannot be
/// handled at all (Swagger 2.0, an unknown version), so later rules do not pile up noise.
pub fn version(doc: &mut Value, out: &mut Findings) -> bool {
    if doc.get("swagger").is_some() {
        out.add(
            Severity::Error,
            "unsupported-version",
            "/swagger",
            "Swagger 2.0 is not supported; convert the document to OpenAPI 3 first",
        );
        return false;
    }
    let Some(version) = doc
        .get("openapi")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        out.add(
            Severity::Error,
            "unsupported-version",
            "/openapi",
            "missing `openapi: 3.x.y` version field",
        );
        return false;
    };
    if version.starts_with("3.1.") {
        doc["openapi"] = json!("3.0.3");
        out.add(
            Severity::Note,
            "openapi-version",
            "/openapi",
            format!("OpenAPI {version} rewritten as 3.0.3 (progenitor reads 3.0.x only)"),
        );
        true
    } else if version.starts_with("3.0.") {
        true
    } else {
        out.add(
            Severity::Error,
            "unsupported-version",
            "/openapi",
            format!("OpenAPI version `{version}` is not supported; use 3.0.x or 3.1.x"),
        );
        false
    }
}

/// Drops top-level keys 3.0 does not have and makes sure `paths` exists.
pub fn normalise(doc: &mut Value, out: &mut Findings) {
    let Value::Object(root) = doc else { return };
    for key in ["webhooks", "jsonSchemaDialect"] {
        if root.shift_remove(key).is_some() {
            out.add(
                Severity::Note,
                "dropped-3.1-key",
                &format!("/{key}"),
                format!("`{key}` is OpenAPI 3.1 only and has no client code; dropped"),
            );
        }
    }
    drop_member(root, &["info"], "summary", out);
    drop_member(root, &["info", "license"], "identifier", out);
    drop_member(root, &["components"], "pathItems", out);
    if !root.contains_key("paths") {
        root.insert("paths".into(), json!({}));
        out.add(
            Severity::Note,
            "missing-paths",
            "/paths",
            "no `paths` (allowed in 3.1): the client has no operations",
        );
    }
}

fn drop_member(root: &mut Map<String, Value>, parents: &[&str], key: &str, out: &mut Findings) {
    let mut current = root;
    for p in parents {
        match current.get_mut(*p) {
            Some(Value::Object(next)) => current = next,
            _ => return,
        }
    }
    if current.shift_remove(key).is_some() {
        let ptr = format!("/{}/{key}", parents.join("/"));
        out.add(
            Severity::Note,
            "dropped-3.1-key",
            &ptr,
            format!("`{key}` is OpenAPI 3.1 only; dropped"),
        );
    }
}

/// Sorts paths so that reordering them in the spec changes nothing in the output.
pub fn sort_paths(doc: &mut Value) {
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        paths.sort_keys();
    }
}
