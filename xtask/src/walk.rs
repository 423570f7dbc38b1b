//! Where things are in an OpenAPI document: operations, schema roots, reference resolution.

use serde_json::Value;

use crate::pointer;

/// HTTP methods of a path item, in the order progenitor reads them.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation's address in the document.
#[derive(Clone, Debug)]
pub struct OperationRef {
    /// Path template, e.g. `/v1/loans/{loanId}`.
    pub path: String,
    /// Lower-case HTTP method.
    pub method: &'static str,
    /// JSON pointer of the operation object.
    pub pointer: String,
}

/// Every operation, paths in document order.
pub fn operations(doc: &Value) -> Vec<OperationRef> {
    let mut out = Vec::new();
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return out;
    };
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        for method in METHODS {
            if item.get(*method).is_some_and(Value::is_object) {
                out.push(OperationRef {
                    path: path.clone(),
                    method,
                    pointer: pointer::join(&pointer::join("/paths", path), method),
                });
            }
        }
    }
    out
}

/// Pointers of path items given by `$ref` (progenitor cannot read them).
pub fn ref_path_items(doc: &Value) -> Vec<String> {
    match doc.get("paths") {
        Some(Value::Object(paths)) => paths
            .iter()
            .filter(|(_, item)| item.get("$ref").is_some())
            .map(|(path, _)| pointer::join("/paths", path))
            .collect(),
        _ => Vec::new(),
    }
}

/// How many `$ref`s (or one-element `allOf` wrappers) a chain is followed through before it is
/// given up: a cycle of references ends there instead of looping.
pub const MAX_HOPS: usize = 32;

/// Follows `$ref`s from `ptr` to the pointer of the object they end at (at most
/// [`MAX_HOPS`]).
pub fn resolve(doc: &Value, ptr: &str) -> Option<String> {
    let mut current = ptr.to_owned();
    for _ in 0..MAX_HOPS {
        let value = doc.pointer(&current)?;
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => current = pointer::local_ref(reference)?.to_owned(),
            None => return Some(current),
        }
    }
    None
}

/// Pointers of every schema that is not inside another schema: components, parameters,
/// headers, and request and response bodies. Schema-shaped data elsewhere (examples,
/// extensions) is never touched.
pub fn schema_roots(doc: &Value) -> Vec<String> {
    let mut roots = Vec::new();
    if let Some(Value::Object(components)) = doc.get("components") {
        let each = |section: &str| -> Vec<String> {
            match components.get(section) {
                Some(Value::Object(m)) => m
                    .keys()
                    .map(|k| pointer::join(&pointer::join("/components", section), k))
                    .collect(),
                _ => Vec::new(),
            }
        };
        roots.extend(each("schemas"));
        for p in each("parameters").into_iter().chain(each("headers")) {
            holder(doc, &p, &mut roots);
        }
        for p in each("requestBodies") {
            content(doc, &p, &mut roots);
        }
        for p in each("responses") {
            response(doc, &p, &mut roots);
        }
    }
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for path in paths.keys() {
            let item_ptr = pointer::join("/paths", path);
            parameters(doc, &item_ptr, &mut roots);
            for op in METHODS
                .iter()
                .map(|m| pointer::join(&item_ptr, m))
                .filter(|p| doc.pointer(p).is_some())
            {
                parameters(doc, &op, &mut roots);
                content(doc, &format!("{op}/requestBody"), &mut roots);
                if let Some(Value::Object(responses)) = doc.pointer(&format!("{op}/responses")) {
                    for code in responses.keys() {
                        response(
                            doc,
                            &pointer::join(&format!("{op}/responses"), code),
                            &mut roots,
                        );
                    }
                }
            }
        }
    }
    roots
}

fn parameters(doc: &Value, owner: &str, roots: &mut Vec<String>) {
    if let Some(Value::Array(params)) = doc.pointer(&format!("{owner}/parameters")) {
        for i in 0..params.len() {
            holder(doc, &format!("{owner}/parameters/{i}"), roots);
        }
    }
}

/// A parameter or header: `schema`, or `content/*/schema`.
fn holder(doc: &Value, ptr: &str, roots: &mut Vec<String>) {
    let schema = format!("{ptr}/schema");
    if doc.pointer(&schema).is_some() {
        roots.push(schema);
    }
    content(doc, ptr, roots);
}

fn response(doc: &Value, ptr: &str, roots: &mut Vec<String>) {
    content(doc, ptr, roots);
    if let Some(Value::Object(headers)) = doc.pointer(&format!("{ptr}/headers")) {
        for name in headers.keys() {
            holder(doc, &pointer::join(&format!("{ptr}/headers"), name), roots);
        }
    }
}

fn content(doc: &Value, ptr: &str, roots: &mut Vec<String>) {
    if let Some(Value::Object(media)) = doc.pointer(&format!("{ptr}/content")) {
        for mt in media.keys() {
            let schema = format!("{}/schema", pointer::join(&format!("{ptr}/content"), mt));
            if doc.pointer(&schema).is_some() {
                roots.push(schema);
            }
        }
    }
}

/// Follows `$ref`s and one-element `allOf` wrappers (how the normaliser keeps `$ref`
/// siblings) to the schema that says what the value is.
pub fn resolve_schema(doc: &Value, schema: &Value) -> Value {
    let mut current = schema.clone();
    for _ in 0..MAX_HOPS {
        let next = match (
            current.get("$ref").and_then(Value::as_str),
            current.get("allOf"),
        ) {
            (Some(r), _) => pointer::local_ref(r).and_then(|p| doc.pointer(p)).cloned(),
            (None, Some(Value::Array(all))) if all.len() == 1 => all.first().cloned(),
            _ => None,
        };
        match next {
            Some(n) => current = n,
            None => return current,
        }
    }
    current
}
