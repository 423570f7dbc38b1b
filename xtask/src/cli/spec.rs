//! What the command line needs to know of each operation, read from the normalised document:
//! names, help texts, parameters and the top-level members of the JSON request body.

use heck::ToKebabCase;
use serde_json::Value;

use crate::names;
use crate::walk::{self, OperationRef};

/// Subcommand names the hand-written CLI uses itself.
const RESERVED_COMMANDS: &[&str] = &["token", "revoke", "help"];
/// Flags every operation has (`--all` on paginated ones), or the CLI has globally.
const RESERVED_FLAGS: &[&str] = &["help", "verbose", "body", "body-file", "all"];

/// One operation as the command line shows it.
#[derive(Clone, Debug)]
pub struct Op {
    /// The Rust method of the generated client (progenitor's name for the operationId).
    pub method_name: String,
    /// The subcommand, kebab-case.
    pub command: String,
    /// The spec's `summary` (may be empty).
    pub summary: String,
    /// The spec's `description` (may be empty).
    pub description: String,
    /// Upper-case HTTP method.
    pub http_method: String,
    /// Path template.
    pub path: String,
    /// Path, query and header parameters.
    pub params: Vec<Param>,
    /// The request body, if the operation has one.
    pub body: Option<Body>,
}

/// A parameter, set from a flag.
#[derive(Clone, Debug)]
pub struct Param {
    /// The spec's name of the parameter (on the wire).
    pub name: String,
    /// The builder setter (progenitor's name for the parameter).
    pub rust_name: String,
    /// The flag, kebab-case, without `--`.
    pub flag: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: String,
    /// Whether the request needs it.
    pub required: bool,
    /// The spec's description.
    pub description: String,
    /// What the value looks like.
    pub value: ValueShape,
}

/// The request body: JSON from `--body`/`--body-file`, with top-level members from flags.
#[derive(Clone, Debug)]
pub struct Body {
    /// The spec's `requestBody.required`.
    pub required: bool,
    /// Top-level members settable by flag (none for bodies that are not plain objects).
    pub fields: Vec<Field>,
}

/// A top-level member of the request body.
#[derive(Clone, Debug)]
pub struct Field {
    /// The JSON member name.
    pub member: String,
    /// The flag, without `--`.
    pub flag: String,
    /// Whether the schema requires it.
    pub required: bool,
    /// The schema's description.
    pub description: String,
    /// What the value looks like.
    pub value: ValueShape,
}

/// How a flag's text becomes JSON, and how help shows it.
#[derive(Clone, Debug)]
pub struct ValueShape {
    /// The schema says string: the text is taken as is (`--curp 123` stays `"123"`).
    pub text: bool,
    /// Placeholder in help, e.g. `STRING`, `INTEGER`, `DATE-TIME`, `JSON`.
    pub placeholder: String,
    /// The values of a string enum.
    pub choices: Vec<String>,
}

/// Every operation of `doc`, by its pointer.
pub fn operations(doc: &Value) -> Vec<(String, Op)> {
    walk::operations(doc)
        .into_iter()
        .map(|op| {
            let read = read(doc, &op);
            (op.pointer, read)
        })
        .collect()
}

fn read(doc: &Value, op: &OperationRef) -> Op {
    let operation = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
    let id = text(operation, "operationId");
    let mut command = id.to_kebab_case();
    if RESERVED_COMMANDS.contains(&command.as_str()) {
        command.push_str("-operation");
    }
    let params = parameters(doc, op);
    let mut taken: Vec<String> = params.iter().map(|p| p.flag.clone()).collect();
    let body = request_body(doc, operation, &mut taken);
    Op {
        method_name: names::sanitize_snake(&id),
        command,
        summary: text(operation, "summary"),
        description: text(operation, "description"),
        http_method: op.method.to_uppercase(),
        path: op.path.clone(),
        params,
        body,
    }
}

/// Path-item parameters overridden by the operation's own (same name and location).
fn parameters(doc: &Value, op: &OperationRef) -> Vec<Param> {
    let item = crate::pointer::join("/paths", &op.path);
    let mut out: Vec<Param> = Vec::new();
    for owner in [item, op.pointer.clone()] {
        let Some(Value::Array(list)) = doc.pointer(&format!("{owner}/parameters")) else {
            continue;
        };
        for index in 0..list.len() {
            let Some(param) = resolved(doc, &format!("{owner}/parameters/{index}")) else {
                continue;
            };
            let name = text(param, "name");
            let location = text(param, "in");
            let schema = param
                .get("schema")
                .map(|s| follow(doc, s))
                .unwrap_or(&Value::Null);
            let mut flag = name.to_kebab_case();
            if RESERVED_FLAGS.contains(&flag.as_str()) {
                flag = format!("{location}-{flag}");
            }
            let param = Param {
                name: name.clone(),
                rust_name: names::sanitize_snake(&name),
                flag,
                required: location == "path" || param.get("required") == Some(&Value::Bool(true)),
                location,
                description: text(param, "description"),
                value: shape(doc, schema),
            };
            out.retain(|p| p.rust_name != param.rust_name);
            out.push(param);
        }
    }
    out
}

fn request_body(doc: &Value, operation: &Value, taken: &mut Vec<String>) -> Option<Body> {
    let body = follow(doc, operation.get("requestBody")?);
    let content = body.get("content")?.as_object()?;
    let media = content
        .iter()
        .find(|(media, _)| media.contains("json"))
        .or_else(|| content.iter().next())?
        .1;
    let schema = media
        .get("schema")
        .map(|s| follow(doc, s))
        .unwrap_or(&Value::Null);
    let required_members: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = Vec::new();
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (member, property) in properties {
            let plain = member.to_kebab_case();
            let flag = [plain.clone(), format!("body-{plain}")]
                .into_iter()
                .find(|f| !taken.contains(f) && !RESERVED_FLAGS.contains(&f.as_str()));
            let Some(flag) = flag else { continue };
            taken.push(flag.clone());
            let property = follow(doc, property);
            fields.push(Field {
                member: member.clone(),
                flag,
                required: required_members.contains(&member.as_str()),
                description: text(property, "description"),
                value: shape(doc, property),
            });
        }
    }
    Some(Body {
        required: body.get("required") == Some(&Value::Bool(true)),
        fields,
    })
}

/// How a value of `schema` is typed on the command line.
fn shape(doc: &Value, schema: &Value) -> ValueShape {
    let schema = follow(doc, schema);
    let choices: Vec<String> = schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| {
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let kind = schema.get("type").and_then(Value::as_str);
    let text = kind == Some("string") || (kind.is_none() && !choices.is_empty());
    let format = schema.get("format").and_then(Value::as_str);
    let placeholder = match kind {
        Some("string") => format.unwrap_or("string").to_uppercase(),
        Some(kind @ ("integer" | "number" | "boolean")) => kind.to_uppercase(),
        _ if text => "STRING".to_owned(),
        _ => "JSON".to_owned(),
    };
    ValueShape {
        text,
        placeholder,
        choices,
    }
}

/// The object at `ptr`, following `$ref`s.
fn resolved<'a>(doc: &'a Value, ptr: &str) -> Option<&'a Value> {
    doc.pointer(&walk::resolve(doc, ptr)?)
}

/// `value`, or what its `$ref` (transitively) points at.
fn follow<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => crate::pointer::local_ref(reference)
            .and_then(|p| walk::resolve(doc, p))
            .and_then(|p| doc.pointer(&p))
            .unwrap_or(&Value::Null),
        None => value,
    }
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_parameters_bodies_and_avoids_flag_clashes() {
        let doc = serde_json::json!({
            "paths": {"/items/{itemId}": {
                "parameters": [{"$ref": "#/components/parameters/ItemId"}],
                "post": {
                    "operationId": "updateItem", "summary": "Update an item",
                    "parameters": [{"name": "body", "in": "query", "schema": {"type": "integer"}}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}
                }
            }, "/token": {"get": {"operationId": "token"}}},
            "components": {
                "parameters": {"ItemId": {"name": "itemId", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}},
                "schemas": {"Item": {"type": "object", "required": ["itemId"], "properties": {
                    "itemId": {"type": "string"}, "kind": {"type": "string", "enum": ["a", "b"]}, "size": {"type": "number"}}}}
            }
        });
        let ops = operations(&doc);
        let (_, update) = &ops[0];
        assert_eq!(update.command, "update-item");
        assert_eq!(update.method_name, "update_item");
        let flags: Vec<&str> = update.params.iter().map(|p| p.flag.as_str()).collect();
        assert_eq!(flags, ["item-id", "query-body"]);
        assert_eq!(update.params[0].value.placeholder, "UUID");
        assert!(update.params[0].required && !update.params[1].required);
        let body = update.body.as_ref().expect("body");
        let fields: Vec<(&str, &str, bool, bool)> = body
            .fields
            .iter()
            .map(|f| (f.member.as_str(), f.flag.as_str(), f.required, f.value.text))
            .collect();
        assert_eq!(
            fields,
            [
                ("itemId", "body-item-id", true, true),
                ("kind", "kind", false, true),
                ("size", "size", false, false)
            ]
        );
        assert_eq!(body.fields[1].value.choices, ["a", "b"]);
        assert_eq!(ops[1].1.command, "token-operation");
    }
}
