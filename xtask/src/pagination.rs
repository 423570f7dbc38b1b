//! Lists no `[[paginate]]` entry declares: a `pagination-suggested` warning for each GET
//! operation whose shape says it answers page after page, with the entry to paste into
//! `codegen.toml`.
//!
//! The shapes, read from the normalised document (parameter and field names compared without
//! case, `_`, `-`, `.`, `[` and `]`, so `page_size`, `pageSize` and `page[size]` are one):
//! - a cursor query parameter (`cursor`, `after`, `page_token`, …) and a string field naming
//!   the next cursor (`next_cursor`, `nextPageToken`, `meta.endCursor`, …): style `cursor`;
//! - a documented `Link` response header and a query parameter the next link can carry:
//!   style `link`;
//! - an integer page number (`page`, `page[number]`, …) or offset (`offset`, `skip`, …) with
//!   a page-size parameter (`limit`, `per_page`, …) or a total in the response
//!   (`totalPages`, `total`, …): style `page` or `offset`;
//!
//! always with an array of items: the body itself, or one array field of it (one level down
//! at most). Only the success body is read; the paginate pass checks the suggestion against
//! the generated code once it is declared.

use serde_json::Value;

use crate::config::Paginate;
use crate::finding::{Findings, Severity};
use crate::{names, pointer, walk};

/// The rule name of the finding.
pub const RULE: &str = "pagination-suggested";

const PAGE: &[&str] = &["page", "pagenumber", "pagenum", "pageno", "pageindex"];
const OFFSET: &[&str] = &["offset", "skip", "start", "startindex"];
const SIZE: &[&str] = &[
    "limit",
    "pagesize",
    "perpage",
    "size",
    "pagelimit",
    "maxresults",
    "maxitems",
    "count",
    "take",
    "top",
];
const CURSOR: &[&str] = &[
    "cursor",
    "after",
    "pagetoken",
    "nextpagetoken",
    "nexttoken",
    "continuationtoken",
    "startingafter",
    "marker",
    "pagecursor",
    "pageafter",
    "startcursor",
    "nextcursor",
];
const NEXT_CURSOR: &[&str] = &[
    "nextcursor",
    "cursor",
    "nextpagetoken",
    "nexttoken",
    "continuationtoken",
    "endcursor",
    "nextmarker",
    "nextpagecursor",
    "nextkey",
    "after",
];
const TOTAL_PAGES: &[&str] = &[
    "totalpages",
    "pagecount",
    "numpages",
    "totalpagecount",
    "pages",
];
const TOTAL: &[&str] = &[
    "total",
    "totalcount",
    "totalitems",
    "totalresults",
    "totalrecords",
    "totalsize",
];
/// Names of the items array, preferred when a page has several arrays.
const ITEMS: &[&str] = &[
    "data", "items", "results", "records", "entries", "content", "list", "values", "rows",
];

/// One finding per undeclared operation of `doc` that looks paginated; `declared` and
/// `omit` (operation ids, as `codegen.toml` gives them) are skipped.
pub fn suggest(doc: &Value, declared: &[Paginate], omit: &[String]) -> Findings {
    let skip: Vec<String> = declared
        .iter()
        .map(|p| p.operation.as_str())
        .chain(omit.iter().map(String::as_str))
        .map(names::sanitize_snake)
        .collect();
    let mut findings = Findings::default();
    for op in walk::operations(doc)
        .into_iter()
        .filter(|o| o.method == "get")
    {
        let Some(id) = doc
            .pointer(&op.pointer)
            .and_then(|o| o.get("operationId"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        if skip.contains(&names::sanitize_snake(id)) {
            continue;
        }
        let params = query_params(doc, &op);
        if let Some(entry) = success(doc, &op.pointer).and_then(|s| shape(doc, &params, &s)) {
            findings.add(Severity::Warning, RULE, &op.pointer, message(id, &entry));
        }
    }
    findings
}

/// A query parameter: its name and resolved schema.
struct Param {
    name: String,
    schema: Value,
}

impl Param {
    fn is(&self, names: &[&str]) -> bool {
        names.contains(&norm(&self.name).as_str())
    }
    fn integer(&self) -> bool {
        matches!(kind(&self.schema), Some("integer" | "number"))
    }
    fn text(&self) -> bool {
        kind(&self.schema) == Some("string")
            && !matches!(format(&self.schema), Some("date" | "date-time"))
    }
}

/// The success of an operation: its body schema and whether it documents a `Link` header.
struct Success {
    body: Value,
    link: bool,
}

/// What the suggestion declares.
struct Entry {
    style: &'static str,
    param: String,
    items: Option<String>,
    extra: Option<(&'static str, String)>,
}

fn shape(doc: &Value, params: &[Param], success: &Success) -> Option<Entry> {
    let items = items(doc, &success.body)?;
    let find = |names: &[&str], test: fn(&Param) -> bool| {
        params
            .iter()
            .find(|p| p.is(names) && test(p))
            .map(|p| p.name.clone())
    };
    let cursor = find(CURSOR, Param::text);
    let page = find(PAGE, |p| p.integer() || p.text());
    let offset = find(OFFSET, Param::integer);
    let sized = params.iter().any(|p| p.is(SIZE));
    let entry = |style, param: String, extra| Entry {
        style,
        param,
        items: items.clone(),
        extra,
    };
    if let Some(cursor) = &cursor
        && let Some(next) = field(doc, &success.body, NEXT_CURSOR, "string")
    {
        return Some(entry("cursor", cursor.clone(), Some(("next_cursor", next))));
    }
    if success.link
        && let Some(param) = cursor.clone().or(page.clone()).or(offset.clone())
    {
        return Some(entry("link", param, None));
    }
    let integer = |name: &String| params.iter().any(|p| &p.name == name && p.integer());
    if let Some(page) = page.filter(|p| sized || integer(p)) {
        let total = field(doc, &success.body, TOTAL_PAGES, "integer");
        if sized || total.is_some() {
            return Some(entry("page", page, total.map(|t| ("total_pages", t))));
        }
    }
    let offset = offset?;
    let total = field(doc, &success.body, TOTAL, "integer");
    (sized || total.is_some()).then(|| entry("offset", offset, total.map(|t| ("total", t))))
}

/// The `[[paginate]]` entry, indented so the lines paste as they are.
fn message(id: &str, e: &Entry) -> String {
    let default = match e.style {
        "page" => "page",
        "offset" => "offset",
        _ => "",
    };
    let keys = [
        ("operation", Some(id)),
        ("style", Some(e.style)),
        ("param", Some(e.param.as_str()).filter(|p| *p != default)),
        ("items", e.items.as_deref()),
    ];
    let extra = e.extra.as_ref().map(|(k, v)| (*k, Some(v.as_str())));
    let mut toml = "    [[paginate]]".to_owned();
    for (key, value) in keys.into_iter().chain(extra) {
        if let Some(value) = value {
            // A JSON string is a TOML basic string: the same quotes and escapes.
            let value = serde_json::Value::from(value);
            toml.push_str(&format!("\n    {key} = {value}"));
        }
    }
    format!(
        "this list looks paginated (style `{}`, position in query parameter `{}`) but no `[[paginate]]` entry declares it; to give its builder `.items()` / `.pages()` (and `--all` on the command line), check the fields against the API's documentation and add to codegen.toml:\n{toml}",
        e.style, e.param
    )
}

/// Path-item and operation query parameters (the operation's own win).
fn query_params(doc: &Value, op: &walk::OperationRef) -> Vec<Param> {
    let mut out: Vec<Param> = Vec::new();
    for owner in [pointer::join("/paths", &op.path), op.pointer.clone()] {
        let count = doc
            .pointer(&format!("{owner}/parameters"))
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        for index in 0..count {
            let Some(param) = walk::resolve(doc, &format!("{owner}/parameters/{index}"))
                .and_then(|p| doc.pointer(&p))
            else {
                continue;
            };
            let (Some(name), Some("query")) = (text(param, "name"), text(param, "in")) else {
                continue;
            };
            let schema = walk::resolve_schema(doc, param.get("schema").unwrap_or(&Value::Null));
            out.retain(|p| p.name != name);
            out.push(Param {
                name: name.to_owned(),
                schema,
            });
        }
    }
    out
}

/// The first 2xx response with a JSON body.
fn success(doc: &Value, operation: &str) -> Option<Success> {
    let responses = doc
        .pointer(&format!("{operation}/responses"))?
        .as_object()?;
    responses
        .keys()
        .filter(|s| s.starts_with('2'))
        .find_map(|status| {
            let at = pointer::join(&format!("{operation}/responses"), status);
            let response = doc.pointer(&walk::resolve(doc, &at)?)?;
            let content = response.get("content")?.as_object()?;
            let media = content.iter().find(|(media, _)| media.contains("json"))?.1;
            let link = response
                .get("headers")
                .and_then(Value::as_object)
                .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("link")));
            Some(Success {
                body: walk::resolve_schema(doc, media.get("schema")?),
                link,
            })
        })
}

/// Where the items are: `Some(None)` for an array body, `Some(Some(path))` for an array field
/// (a preferred name when there are several, one level down at most).
fn items(doc: &Value, body: &Value) -> Option<Option<String>> {
    if kind(body) == Some("array") {
        return Some(None);
    }
    let arrays = |schema: &Value| -> Vec<String> {
        properties(doc, schema)
            .into_iter()
            .filter(|(_, s)| kind(s) == Some("array"))
            .map(|(name, _)| name)
            .collect()
    };
    let pick = |found: Vec<String>| match found.as_slice() {
        [one] => Some(one.clone()),
        _ => found
            .into_iter()
            .find(|n| ITEMS.contains(&norm(n).as_str())),
    };
    if let Some(name) = pick(arrays(body)) {
        return Some(Some(name));
    }
    let nested: Vec<String> = properties(doc, body)
        .into_iter()
        .filter_map(|(outer, s)| pick(arrays(&s)).map(|inner| format!("{outer}.{inner}")))
        .collect();
    pick(nested).map(Some)
}

/// A field of `kind` named one of `names`, on the page or one object down (`meta.total`).
fn field(doc: &Value, body: &Value, names: &[&str], want: &str) -> Option<String> {
    let fits = |s: &Value| match want {
        "integer" => matches!(kind(s), Some("integer" | "number")),
        _ => kind(s) == Some("string") && format(s).is_none_or(|f| f != "date-time"),
    };
    let top = properties(doc, body);
    let named = |(name, s): &(String, Value)| names.contains(&norm(name).as_str()) && fits(s);
    if let Some((name, _)) = top.iter().find(|p| named(p)) {
        return Some(name.clone());
    }
    top.iter().find_map(|(outer, s)| {
        properties(doc, s)
            .iter()
            .find(|p| named(p))
            .map(|(inner, _)| format!("{outer}.{inner}"))
    })
}

/// The properties of an object schema (and of its `allOf` parts), resolved, in order.
fn properties(doc: &Value, schema: &Value) -> Vec<(String, Value)> {
    let schema = walk::resolve_schema(doc, schema);
    let mut out: Vec<(String, Value)> = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, s)| (name.clone(), walk::resolve_schema(doc, s)))
        .collect();
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let part = walk::resolve_schema(doc, part);
        if part.get("allOf").is_none() {
            out.extend(properties(doc, &part));
        }
    }
    out
}

/// The schema's type (`type`, or `array` for a schema with `items`).
fn kind(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t),
        _ if schema.get("items").is_some() => Some("array"),
        _ => None,
    }
}

fn format(schema: &Value) -> Option<&str> {
    text(schema, "format")
}

fn text<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// A name without case and separators: `page_size`, `pageSize`, `page[size]` → `pagesize`.
fn norm(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | '[' | ']'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests;
