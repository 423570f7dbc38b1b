//! The command lines to run: one per documented request example of each operation (or one
//! built from the schema), plus one with every parameter and body member set, all read from
//! the normalised spec the generator used.

use serde_json::{Map, Value};
use xtask::Built;
use xtask::cli::spec::{self, Op};
use xtask::examples::schema_example;

/// Cargo features of `sdk-cli` that add generated commands (`<api>-<service feature>`).
const ENABLED_FEATURES: &[(&str, bool)] =
    &[("bridge-undocumented", cfg!(feature = "bridge-undocumented"))];

/// A free-form string parameter's value in the `awkward` variant: every character that must
/// be percent-encoded in a path segment or a query value, and a non-ASCII one.
const AWKWARD: &str = "A b/c?d#e&f=g+h%i;j,k é";

/// Which inputs a call carries.
#[derive(Clone, Copy, PartialEq)]
enum Variant {
    /// Required parameters and those with an example; the body as given.
    Documented,
    /// Every parameter and body member.
    Every,
    /// Documented, with [`AWKWARD`] in every free-form string parameter.
    Awkward,
}

/// One run of `sdk-cli`.
#[derive(Debug)]
pub struct Call {
    /// `sdk-cli` arguments.
    pub args: Vec<String>,
    /// The subcommand (operation) and which input it carries.
    pub command: String,
    pub variant: String,
    /// The operation's method and path template, when it is a generated command.
    pub target: Option<(String, String)>,
    /// The parameters given: `{"name", "in", "value"}`, for the validator to compare with
    /// what it read from the request.
    pub params: Vec<Value>,
    /// A status the server answers the operation's first request with (the client must
    /// send it again, identical but for the token).
    pub fault: Option<u16>,
}

impl Call {
    /// A hand-written command (`token`, `revoke`): no operation to match.
    pub fn command(api: &str, args: &[&str]) -> Self {
        let mut all = vec![api.to_owned()];
        all.extend(args.iter().map(|a| (*a).to_owned()));
        Call {
            command: args.join(" "),
            variant: "auth".into(),
            args: all,
            target: None,
            params: Vec::new(),
            fault: None,
        }
    }

    /// Whether a request with `method` and `path` (below the base URL) is this call's operation.
    pub fn targets(&self, method: &str, path: &str) -> bool {
        self.target
            .as_ref()
            .is_some_and(|(m, template)| m == method && crate::capture::matches(template, path))
    }

    pub fn label(&self) -> String {
        format!("{} [{}]", self.command, self.variant)
    }
}

/// Every generated command of `api` with its inputs.
pub fn calls(api: &str, built: &Built) -> Result<Vec<Call>, String> {
    let kept =
        xtask::operations::omit(&built.document, &built.config.omit).map_err(|f| f.to_string())?;
    let gated = gated(&kept, built, api)?;
    let mut out = Vec::new();
    for (pointer, op) in spec::operations(&kept) {
        if let Some(feature) = gated.iter().find(|(p, _)| *p == pointer).map(|(_, f)| f) {
            eprintln!(
                "{api} {}: left out (sdk-cli feature `{feature}` is off)",
                op.command
            );
            continue;
        }
        let operation = kept.pointer(&pointer).unwrap_or(&Value::Null);
        let examples = body_examples(&kept, operation);
        let documented: Vec<(String, Value)> = if examples.is_empty() {
            let built =
                media_schema(&kept, operation).and_then(|s| schema_example(&kept, s, false));
            vec![("built".into(), built.unwrap_or(Value::Null))]
        } else {
            examples
        };
        let first = documented[0].1.clone();
        let mut replayed = call(
            api,
            &kept,
            &pointer,
            &op,
            "replayed after 401",
            &first,
            Variant::Documented,
        );
        replayed.fault = Some(401);
        out.push(replayed);
        for (name, body) in documented {
            out.push(call(
                api,
                &kept,
                &pointer,
                &op,
                &name,
                &body,
                Variant::Documented,
            ));
        }
        let full = media_schema(&kept, operation)
            .and_then(|s| schema_example(&kept, s, true))
            .unwrap_or(Value::Null);
        out.push(call(
            api,
            &kept,
            &pointer,
            &op,
            "every member",
            &full,
            Variant::Every,
        ));
        let awkward = call(
            api,
            &kept,
            &pointer,
            &op,
            "awkward",
            &first,
            Variant::Awkward,
        );
        if awkward.params.iter().any(|p| p["value"] == AWKWARD) {
            out.push(awkward);
        }
    }
    Ok(out)
}

/// The hand-written commands that make the auth layer send its other requests.
pub fn auth_calls(api: &str) -> Vec<(Vec<&'static str>, crate::Env)> {
    match api {
        "obi" => vec![
            (vec!["revoke", "--all"], crate::Env::default()),
            (
                vec!["revoke", "--jti", "9f1c2d3e-0000-4000-8000-000000000001"],
                crate::Env::default(),
            ),
        ],
        "origoid" => vec![(
            vec!["token"],
            crate::Env::default()
                .without("ORIGOID_API_KEY")
                .with("ORIGOID_USERNAME", "user@example.com")
                .with("ORIGOID_PASSWORD", "origoid-password-1")
                .with("ORIGOID_EXPIRE_AFTER", "600"),
        )],
        _ => Vec::new(),
    }
}

fn call(
    api: &str,
    doc: &Value,
    pointer: &str,
    op: &Op,
    label: &str,
    body: &Value,
    variant: Variant,
) -> Call {
    let every = variant == Variant::Every;
    let mut args = vec![api.to_owned(), op.command.clone()];
    let mut given = Vec::new();
    for param in &op.params {
        let Some(object) = param_object(doc, pointer, &op.path, &param.name, &param.location)
        else {
            continue;
        };
        let documented = object
            .get("example")
            .or_else(|| object.pointer("/schema/example"));
        if !(param.required || every || documented.is_some()) {
            continue;
        }
        let value = documented.cloned().or_else(|| {
            object
                .get("schema")
                .and_then(|s| schema_example(doc, s, every))
        });
        let Some(mut value) = value else { continue };
        if variant == Variant::Awkward && object.get("schema").is_some_and(|s| free_string(doc, s))
        {
            value = Value::from(AWKWARD);
        }
        given.push(serde_json::json!({"name": param.name, "in": param.location, "value": value}));
        match value {
            Value::Array(items) => {
                for item in items {
                    args.extend([format!("--{}", param.flag), text(&item)]);
                }
            }
            other => args.extend([format!("--{}", param.flag), text(&other)]),
        }
    }
    if op.body.is_some() && !body.is_null() {
        args.extend(["--body".into(), body.to_string()]);
    }
    Call {
        args,
        command: op.command.clone(),
        variant: label.into(),
        target: Some((op.http_method.clone(), op.path.clone())),
        params: given,
        fault: None,
    }
}

/// A string schema without format, pattern, enum or length bounds: any text is valid.
fn free_string(doc: &Value, schema: &Value) -> bool {
    let schema = resolve(doc, schema);
    schema.get("type").and_then(Value::as_str) == Some("string")
        && ["format", "pattern", "enum", "maxLength", "minLength"]
            .iter()
            .all(|k| schema.get(k).is_none())
}

/// A flag's text: strings as they are, anything else as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The parameter object `name` in `location` (the operation's own, else the path item's).
fn param_object<'a>(
    doc: &'a Value,
    pointer: &str,
    path: &str,
    name: &str,
    location: &str,
) -> Option<&'a Value> {
    let item = xtask::pointer::join("/paths", path);
    [pointer.to_owned(), item].iter().find_map(|owner| {
        doc.pointer(&format!("{owner}/parameters"))?
            .as_array()?
            .iter()
            .map(|p| resolve(doc, p))
            .find(|p| {
                p.get("name").and_then(Value::as_str) == Some(name)
                    && p.get("in").and_then(Value::as_str) == Some(location)
            })
    })
}

/// The JSON media type object of the operation's request body.
fn media<'a>(doc: &'a Value, operation: &'a Value) -> Option<&'a Value> {
    let body = resolve(doc, operation.get("requestBody")?);
    let content = body.get("content")?.as_object()?;
    content
        .iter()
        .find(|(m, _)| m.contains("json"))
        .or_else(|| content.iter().next())
        .map(|(_, media)| media)
}

fn media_schema<'a>(doc: &'a Value, operation: &'a Value) -> Option<&'a Value> {
    media(doc, operation)?.get("schema")
}

/// The request body's documented examples, by name (`example` is named `example`).
fn body_examples(doc: &Value, operation: &Value) -> Vec<(String, Value)> {
    let Some(media) = media(doc, operation) else {
        return Vec::new();
    };
    if let Some(example) = media.get("example") {
        return vec![("example".into(), example.clone())];
    }
    let empty = Map::new();
    let named = media
        .get("examples")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    named
        .iter()
        .filter_map(|(name, example)| {
            Some((name.clone(), resolve(doc, example).get("value")?.clone()))
        })
        .collect()
}

/// Follows `$ref`s within `doc`.
fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                Some(target) => value = target,
                None => break,
            },
            None => break,
        }
    }
    value
}

/// Operations of a service behind a cargo feature of `sdk-cli` that is off.
fn gated(doc: &Value, built: &Built, api: &str) -> Result<Vec<(String, String)>, String> {
    let services = &built.config.services;
    if services.is_empty() {
        return Ok(Vec::new());
    }
    let assigned = xtask::services::assign(doc, services).map_err(|f| f.to_string())?;
    let mut out = Vec::new();
    for (service, pointers) in services.iter().zip(assigned) {
        let Some(feature) = &service.feature else {
            continue;
        };
        let name = format!("{api}-{feature}");
        let on = ENABLED_FEATURES.iter().any(|(f, on)| *f == name && *on);
        if !on {
            out.extend(pointers.into_iter().map(|p| (p, name.clone())));
        }
    }
    Ok(out)
}
