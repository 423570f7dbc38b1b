//! [`Input`]: an operation's flags read into the types the generated client takes. Every
//! value goes through the generated type's own deserialisation, so what is sent is what the
//! SDK would send, and a value that does not fit is refused, with where, before anything
//! (not even a token request) goes out.

use std::io::Read as _;

use clap::ArgMatches;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::failure::Failure;
use crate::table::{Field, Operation, Shape};

/// The flags `--body` and `--body-file`.
pub const BODY: &str = "body";
/// See [`BODY`].
pub const BODY_FILE: &str = "body-file";
/// The flag of paginated operations that follows every page.
pub const ALL: &str = "all";

/// The parsed flags of one operation.
pub struct Input<'a> {
    matches: &'a ArgMatches,
    operation: &'static Operation,
}

impl<'a> Input<'a> {
    /// The flags of `operation` in `matches`.
    pub fn new(matches: &'a ArgMatches, operation: &'static Operation) -> Self {
        Self { matches, operation }
    }

    /// Whether `--all` was given (only paginated operations have it).
    pub fn all(&self) -> bool {
        self.operation.pages.is_some()
            && self.matches.try_get_one::<bool>(ALL).ok().flatten() == Some(&true)
    }

    fn texts(&self, flag: &str) -> Vec<&'a String> {
        self.matches
            .try_get_many::<String>(flag)
            .ok()
            .flatten()
            .map(Iterator::collect)
            .unwrap_or_default()
    }

    /// A flag clap already made mandatory.
    ///
    /// # Errors
    /// A usage failure if it is missing or does not fit `T`.
    pub fn required<T: DeserializeOwned>(&self, flag: &str) -> Result<T, Failure> {
        self.optional(flag)?
            .ok_or_else(|| Failure::usage(format!("--{flag} is required")))
    }

    /// An optional flag.
    ///
    /// # Errors
    /// A usage failure if the value does not fit `T`.
    pub fn optional<T: DeserializeOwned>(&self, flag: &str) -> Result<Option<T>, Failure> {
        self.texts(flag)
            .first()
            .map(|text| scalar(flag, text))
            .transpose()
    }

    /// A repeatable flag (array parameter), in the order given.
    #[allow(
        dead_code,
        reason = "called by the generated commands of array parameters; today's specs have none"
    )]
    ///
    /// # Errors
    /// A usage failure naming the first value that does not fit `T`.
    pub fn list<T: DeserializeOwned>(&self, flag: &str) -> Result<Vec<T>, Failure> {
        self.texts(flag)
            .into_iter()
            .map(|text| scalar(flag, text))
            .collect()
    }

    /// The request body: `--body` or `--body-file`, then the member flags on top; `{}` plus
    /// the flags when neither is given.
    ///
    /// # Errors
    /// A usage failure saying where the JSON or a value is wrong.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, Failure> {
        let value = self
            .body_json()?
            .unwrap_or_else(|| Value::Object(Map::new()));
        self.typed(value)
    }

    /// [`body`](Self::body) for an operation whose body is optional: `None` when no body
    /// flag is given.
    ///
    /// # Errors
    /// As [`body`](Self::body).
    pub fn optional_body<T: DeserializeOwned>(&self) -> Result<Option<T>, Failure> {
        self.body_json()?.map(|value| self.typed(value)).transpose()
    }

    /// The body as JSON, if any body flag was given.
    fn body_json(&self) -> Result<Option<Value>, Failure> {
        let base = match (self.texts(BODY).first(), self.texts(BODY_FILE).first()) {
            (Some(text), _) => Some(parse_json("--body", text)?),
            (None, Some(file)) => Some(parse_json(&format!("--body-file {file}"), &read(file)?)?),
            (None, None) => None,
        };
        let fields = self.fields();
        let given: Vec<(&Field, &String)> = fields
            .iter()
            .filter_map(|f| Some((f, *self.texts(f.flag).first()?)))
            .collect();
        if given.is_empty() {
            return Ok(base);
        }
        let mut object = match base {
            None => Map::new(),
            Some(Value::Object(object)) => object,
            Some(_) => {
                return Err(Failure::usage(
                    "the body must be a JSON object to combine it with member flags",
                ));
            }
        };
        for (field, text) in given {
            object.insert(field.member.to_owned(), member_value(&field.value, text));
        }
        Ok(Some(Value::Object(object)))
    }

    fn fields(&self) -> &'static [Field] {
        self.operation.body.as_ref().map_or(&[], |b| b.fields)
    }

    /// `value` as `T`, or where it does not fit: the member flag that set the offending
    /// member, else the path inside the body. Members `T` does not have are refused too:
    /// they would silently not be sent.
    fn typed<T: DeserializeOwned>(&self, value: Value) -> Result<T, Failure> {
        let mut unknown = Vec::new();
        let mut track = serde_path_to_error::Track::new();
        let deserializer = serde_path_to_error::Deserializer::new(value, &mut track);
        let typed = serde_ignored::deserialize(deserializer, |path| unknown.push(path.to_string()));
        let typed = typed.map_err(|error| {
            let path = track.path().to_string();
            let first = path.split(['.', '[']).next().unwrap_or_default();
            match self
                .fields()
                .iter()
                .find(|f| f.member == first && !self.texts(f.flag).is_empty())
            {
                Some(field) => Failure::usage(format!("--{}: {error}", field.flag)),
                None if path == "." => Failure::usage(format!("body: {error}")),
                None => Failure::usage(format!("body member `{path}`: {error}")),
            }
        })?;
        if !unknown.is_empty() {
            return Err(Failure::usage(format!(
                "body member `{}` is not part of `{}`'s request body",
                unknown.join("`, `"),
                self.operation.name
            )));
        }
        Ok(typed)
    }
}

/// A parameter's text as `T`: as a JSON string first (strings, enums, dates, UUIDs), else as
/// JSON (numbers, booleans).
fn scalar<T: DeserializeOwned>(flag: &str, text: &str) -> Result<T, Failure> {
    serde_json::from_value(Value::String(text.to_owned())).or_else(|as_string| {
        serde_json::from_str(text).map_err(|_| Failure::usage(format!("--{flag}: {as_string}")))
    })
}

/// A member flag's text as JSON: the text itself for string members, else the JSON it
/// spells (`12.5`, `true`, `{"a":1}`), else the text (so the type's error names it).
fn member_value(shape: &Shape, text: &str) -> Value {
    if shape.text {
        return Value::String(text.to_owned());
    }
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

/// JSON text, or a usage failure naming `source` and the line and column.
fn parse_json(source: &str, text: &str) -> Result<Value, Failure> {
    serde_json::from_str(text).map_err(|e| Failure::usage(format!("{source}: not valid JSON: {e}")))
}

/// A body file's text; `-` is standard input.
fn read(file: &str) -> Result<String, Failure> {
    let mut text = String::new();
    let read = if file == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(file).map(|t| text = t)
    };
    read.map_err(|e| Failure::usage(format!("--body-file {file}: {e}")))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use clap::{Arg, ArgAction, Command};
    use serde_json::json;

    use super::*;
    use crate::table::Body;

    const TEXT: Shape = Shape {
        text: true,
        placeholder: "STRING",
        choices: &[],
    };
    const NUMBER: Shape = Shape {
        text: false,
        placeholder: "NUMBER",
        choices: &[],
    };

    static OPERATION: Operation = Operation {
        name: "op",
        summary: "",
        description: "",
        method: "POST",
        path: "/op",
        service: "",
        params: &[],
        body: Some(Body {
            required: true,
            fields: &[
                Field {
                    member: "code",
                    flag: "code",
                    required: true,
                    description: "",
                    value: TEXT,
                },
                Field {
                    member: "amountDue",
                    flag: "amount-due",
                    required: false,
                    description: "",
                    value: NUMBER,
                },
            ],
        }),
        pages: None,
    };

    fn matches(args: &[&str]) -> ArgMatches {
        Command::new("op")
            .arg(Arg::new("tag").long("tag").action(ArgAction::Append))
            .arg(Arg::new("limit").long("limit"))
            .arg(Arg::new(BODY).long(BODY))
            .arg(Arg::new("code").long("code"))
            .arg(Arg::new("amount-due").long("amount-due"))
            .get_matches_from(std::iter::once("op").chain(args.iter().copied()))
    }

    #[test]
    fn parameters_are_read_as_their_type() {
        let m = matches(&["--tag", "a", "--tag", "7", "--limit", "20"]);
        let input = Input::new(&m, &OPERATION);
        assert_eq!(input.list::<String>("tag").unwrap(), ["a", "7"]);
        assert_eq!(input.optional::<u32>("limit").unwrap(), Some(20));
        assert_eq!(
            input.optional::<String>("limit").unwrap().as_deref(),
            Some("20")
        );
        assert!(input.optional::<u32>("missing").unwrap().is_none());
        let error = input.list::<u32>("tag").unwrap_err().to_string();
        assert!(
            error.starts_with("invalid request: --tag: invalid type: string \"a\""),
            "{error}"
        );
    }

    #[test]
    fn member_flags_override_the_body_and_keep_their_json_type() {
        let m = matches(&[
            "--body",
            r#"{"code": "x", "amountDue": 1}"#,
            "--code",
            "0042",
            "--amount-due",
            "12.5",
        ]);
        let body: Value = Input::new(&m, &OPERATION).body().unwrap();
        assert_eq!(body, json!({"code": "0042", "amountDue": 12.5}));
        let m = matches(&["--body", "[1]", "--code", "a"]);
        assert!(
            Input::new(&m, &OPERATION).body::<Value>().is_err(),
            "an array cannot take members"
        );
        let m = matches(&[]);
        assert!(
            Input::new(&m, &OPERATION)
                .optional_body::<Value>()
                .unwrap()
                .is_none()
        );
        assert_eq!(
            Input::new(&m, &OPERATION).body::<Value>().unwrap(),
            json!({})
        );
    }
}
