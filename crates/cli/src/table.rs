//! The shape of the generated tables (`crate::generated`): what the command line knows of
//! each API and operation, read from the spec by `cargo xtask regen`.

/// One API: a subcommand of `sdk-cli`.
#[derive(Debug)]
pub struct Api {
    /// The subcommand (`specs/<name>/`).
    pub name: &'static str,
    /// The document's `info.title`.
    pub title: &'static str,
    /// The document's `info.description`.
    pub description: &'static str,
    /// Its operations, in the document's order.
    pub operations: &'static [Operation],
}

/// One operation: a subcommand of its API.
#[derive(Debug)]
pub struct Operation {
    /// The subcommand: the operationId in kebab-case.
    pub name: &'static str,
    /// The spec's summary (may be empty).
    pub summary: &'static str,
    /// The spec's description (may be empty).
    pub description: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// The service (generated module) it belongs to; empty for single-service APIs.
    pub service: &'static str,
    /// Path, query and header parameters, one flag each.
    pub params: &'static [Param],
    /// The JSON request body, if any.
    pub body: Option<Body>,
    /// How a paginated operation (a `[[paginate]]` entry of the API's `codegen.toml`) is
    /// followed page after page with `--all`; `None` for the others.
    pub pages: Option<Pages>,
}

/// A paginated operation.
#[derive(Debug)]
pub struct Pages {
    /// The flag of the parameter carrying the page's position (`page`, `offset`, `cursor`),
    /// which `--all` sets itself: the two conflict. Empty if the position has no flag.
    pub position: &'static str,
}

/// A parameter flag.
#[derive(Debug)]
pub struct Param {
    /// The flag, without `--`.
    pub flag: &'static str,
    /// `path`, `query` or `header`.
    pub location: &'static str,
    /// Whether the flag must be given.
    pub required: bool,
    /// Whether the flag may be repeated (array parameters).
    pub repeated: bool,
    /// The spec's description.
    pub description: &'static str,
    /// What the value looks like.
    pub value: Shape,
}

/// A JSON request body: `--body`, `--body-file` and one flag per top-level member.
#[derive(Debug)]
pub struct Body {
    /// Whether the operation needs one.
    pub required: bool,
    /// Members settable by flag.
    pub fields: &'static [Field],
}

/// A top-level member of the body, settable by flag.
#[derive(Debug)]
pub struct Field {
    /// The JSON member name.
    pub member: &'static str,
    /// The flag, without `--`.
    pub flag: &'static str,
    /// Whether the schema requires the member.
    pub required: bool,
    /// The schema's description.
    pub description: &'static str,
    /// What the value looks like.
    pub value: Shape,
}

/// How a flag's text is read, and shown in help.
#[derive(Debug)]
pub struct Shape {
    /// The schema is a string: the text is the value (`--curp 123` stays `"123"`); otherwise
    /// the text is read as JSON when it parses (`--amount 12.5`, `--pickup '{…}'`).
    pub text: bool,
    /// Placeholder in help (`STRING`, `NUMBER`, `UUID`, `JSON`, …).
    pub placeholder: &'static str,
    /// The allowed values of a string enum (empty: any).
    pub choices: &'static [&'static str],
}

impl Operation {
    /// One line for listings: the summary, else the description's first line, else the
    /// method and path.
    pub fn headline(&self) -> String {
        first_line(self.summary)
            .or_else(|| first_line(self.description))
            .unwrap_or_else(|| format!("{} {}", self.method, self.path))
    }
}

/// The first non-empty line of `text`, if any.
pub fn first_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_owned)
}
