//! `[[paginate]]` in `codegen.toml`: operations that answer page after page, and how. The
//! keys are checked here for what can be checked without the document (a style's required
//! keys, keys that mean nothing for a style, duplicates); the rewrite pass `paginate` checks
//! operation, parameter and fields against the generated code, as located findings.

use serde::Deserialize;

/// One paginated operation.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Paginate {
    /// The operation (spec operationId or its Rust name).
    pub operation: String,
    /// How the next page is asked for.
    pub style: Style,
    /// The query parameter carrying the position: the page number (`page`, the default for
    /// style `page`), the offset (`offset`, the default for `offset`), the cursor (style
    /// `cursor`, required), or the one read from the `Link: rel="next"` URL (style `link`,
    /// required).
    pub param: Option<String>,
    /// The first page number (style `page`, default 1) or offset (style `offset`, default 0).
    pub first: Option<i64>,
    /// Response field holding the page's items, dot-separated JSON names (`data`,
    /// `result.items`); absent when the response body is the array itself.
    pub items: Option<String>,
    /// Style `page`: the response field with the number of pages; without it, an empty page
    /// ends the list.
    pub total_pages: Option<String>,
    /// Style `offset`: the response field with the number of items; without it, an empty
    /// page ends the list.
    pub total: Option<String>,
    /// Style `cursor`: the response field with the next page's cursor (required); a missing
    /// or empty one ends the list.
    pub next_cursor: Option<String>,
}

/// How a paginated operation asks for the next page.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// A page number, one more each page.
    Page,
    /// An offset, advanced by the items read.
    Offset,
    /// A cursor the previous page names.
    Cursor,
    /// RFC 8288 `Link: <…>; rel="next"`: the parameter `param` of that URL.
    Link,
}

impl Paginate {
    /// The query parameter carrying the position.
    pub fn param(&self) -> &str {
        match (&self.param, self.style) {
            (Some(p), _) => p,
            (None, Style::Page) => "page",
            (None, Style::Offset) => "offset",
            (None, Style::Cursor | Style::Link) => "",
        }
    }

    /// The first position of a numbered style.
    pub fn first(&self) -> i64 {
        self.first.unwrap_or(i64::from(self.style == Style::Page))
    }
}

/// Checks every declaration; the message names the entry (`[[paginate]] #2`, `list_x`).
pub fn check(entries: &[Paginate]) -> Result<(), String> {
    for (i, p) in entries.iter().enumerate() {
        let at = format!("[[paginate]] #{} (`{}`)", i + 1, p.operation);
        if p.operation.is_empty() {
            return Err(format!("{at}: `operation` is empty"));
        }
        if entries[..i].iter().any(|q| q.operation == p.operation) {
            return Err(format!("{at}: the operation is declared twice"));
        }
        let needs_param = matches!(p.style, Style::Cursor | Style::Link);
        if needs_param && p.param.as_deref().unwrap_or_default().is_empty() {
            return Err(format!(
                "{at}: this style needs `param`, the query parameter"
            ));
        }
        if p.style == Style::Cursor && p.next_cursor.is_none() {
            return Err(format!(
                "{at}: style `cursor` needs `next_cursor`, the response field naming the next cursor"
            ));
        }
        for (key, set, style) in [
            (
                "first",
                p.first.is_some(),
                p.style != Style::Page && p.style != Style::Offset,
            ),
            (
                "total_pages",
                p.total_pages.is_some(),
                p.style != Style::Page,
            ),
            ("total", p.total.is_some(), p.style != Style::Offset),
            (
                "next_cursor",
                p.next_cursor.is_some(),
                p.style != Style::Cursor,
            ),
        ] {
            if set && style {
                return Err(format!(
                    "{at}: `{key}` means nothing for style `{:?}`",
                    p.style
                ));
            }
        }
        for path in [&p.items, &p.total_pages, &p.total, &p.next_cursor]
            .into_iter()
            .flatten()
        {
            if path.split('.').any(str::is_empty) {
                return Err(format!("{at}: field path {path:?} has an empty part"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(), String> {
        #[derive(Deserialize)]
        struct Doc {
            paginate: Vec<Paginate>,
        }
        let doc: Doc = toml::from_str(text).map_err(|e| e.to_string())?;
        check(&doc.paginate)
    }

    #[test]
    fn declarations_are_checked_per_style() {
        assert_eq!(
            parse(
                "[[paginate]]\noperation = \"a\"\nstyle = \"page\"\nitems = \"data\"\ntotal_pages = \"totalPages\""
            ),
            Ok(())
        );
        for (text, expected) in [
            (
                "operation = \"a\"\nstyle = \"cursor\"\nparam = \"after\"",
                "needs `next_cursor`",
            ),
            ("operation = \"a\"\nstyle = \"link\"", "needs `param`"),
            (
                "operation = \"a\"\nstyle = \"page\"\ntotal = \"n\"",
                "`total` means nothing",
            ),
            (
                "operation = \"a\"\nstyle = \"page\"\nitems = \"a..b\"",
                "empty part",
            ),
            ("operation = \"a\"\nstyle = \"pages\"", "unknown variant"),
            (
                "operation = \"a\"\nstyle = \"page\"\nlimit = 3",
                "unknown field",
            ),
        ] {
            let err = parse(&format!("[[paginate]]\n{text}")).unwrap_err();
            assert!(err.contains(expected), "{text}: {err}");
        }
        let twice = "[[paginate]]\noperation = \"a\"\nstyle = \"page\"\n[[paginate]]\noperation = \"a\"\nstyle = \"offset\"";
        assert!(
            parse(twice)
                .unwrap_err()
                .contains("#2 (`a`): the operation is declared twice")
        );
    }

    #[test]
    fn defaults_follow_the_style() {
        let page: Paginate = toml::from_str("operation = \"a\"\nstyle = \"page\"").unwrap();
        assert_eq!((page.param(), page.first()), ("page", 1));
        let offset: Paginate = toml::from_str("operation = \"a\"\nstyle = \"offset\"").unwrap();
        assert_eq!((offset.param(), offset.first()), ("offset", 0));
    }
}
