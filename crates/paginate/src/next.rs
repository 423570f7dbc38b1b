//! Where the next page starts, from the page just read. Each rule answers `None` for "this
//! was the last page", and stops on an empty page whatever else the page says, so a server
//! that keeps answering the same position cannot make a stream endless.

use http::HeaderMap;
use http::header::LINK;

/// Page-number pagination: the page after `page`, unless `page` held no item or is the last
/// of `total_pages` (when the response says how many there are).
pub fn page(page: i64, total_pages: Option<i64>, items: usize) -> Option<i64> {
    if items == 0 || total_pages.is_some_and(|total| page >= total) {
        return None;
    }
    page.checked_add(1)
}

/// Offset pagination: the offset after the `items` read at `offset`, unless there were none
/// or `total` (when the response says it) is reached.
pub fn offset(offset: i64, total: Option<i64>, items: usize) -> Option<i64> {
    let next = offset.checked_add(i64::try_from(items).ok()?)?;
    if items == 0 || total.is_some_and(|total| next >= total) {
        return None;
    }
    Some(next)
}

/// Cursor pagination: the cursor the page names, unless it names none, an empty one, the one
/// just used, or the page held no item.
pub fn cursor<C: PartialEq + AsRef<str>>(
    current: Option<&C>,
    next: Option<C>,
    items: usize,
) -> Option<C> {
    next.filter(|c| items > 0 && !c.as_ref().is_empty() && Some(c) != current)
}

/// RFC 8288 links: the value of query parameter `param` in the URL of the response's
/// `Link: <…>; rel="next"` (the same operation, one position further), if there is one.
pub fn link(headers: &HeaderMap, param: &str) -> Option<String> {
    let target = headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(split_links)
        .find_map(|(target, params)| is_next(params).then_some(target))?;
    // A relative reference resolves against any base: only its query is read.
    let base = url::Url::parse("http://link.invalid/").ok()?;
    let url = base.join(target).ok()?;
    url.query_pairs()
        .find(|(name, _)| name == param)
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}

/// `<a>; rel="next", <b>; rel=prev` → (`a`, `rel="next"`), (`b`, `rel=prev`). A comma inside
/// `<…>` or a quoted string does not split.
fn split_links(value: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = value.trim_start();
    while let Some(open) = rest.strip_prefix('<') {
        let Some(close) = open.find('>') else { break };
        let target = &open[..close];
        let after = &open[close + 1..];
        let mut quoted = false;
        let end = after
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == ',' && !quoted
            })
            .map_or(after.len(), |(i, _)| i);
        out.push((target, &after[..end]));
        rest = after[end..].trim_start_matches(',').trim_start();
    }
    out
}

/// Whether link parameters (`; rel="next"; title=…`) name the relation `next` (`rel` may
/// hold several space-separated relations; names and values compare without case).
fn is_next(params: &str) -> bool {
    params.split(';').any(|param| {
        let Some((name, value)) = param.split_once('=') else {
            return false;
        };
        name.trim().eq_ignore_ascii_case("rel")
            && value
                .trim()
                .trim_matches('"')
                .split_ascii_whitespace()
                .any(|rel| rel.eq_ignore_ascii_case("next"))
    })
}
