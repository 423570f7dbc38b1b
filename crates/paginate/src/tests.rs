//! The stream machinery with an in-memory "server" that counts requests.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::{StreamExt, TryStreamExt};
use http::{HeaderMap, HeaderValue};

use super::*;

/// Pages of `sizes[n]` items each (page numbers from 1); page `fail` answers an error.
/// Counts requests started and the most in flight at once.
#[derive(Clone, Default)]
struct Server {
    sizes: Vec<usize>,
    fail: Option<i64>,
    started: Arc<AtomicUsize>,
    in_flight: Arc<AtomicUsize>,
    most_in_flight: Arc<AtomicUsize>,
}

impl Server {
    fn new(sizes: &[usize]) -> Self {
        Server {
            sizes: sizes.to_vec(),
            ..Server::default()
        }
    }

    fn stream(&self) -> impl Stream<Item = Result<Vec<String>, String>> + use<> {
        let server = self.clone();
        pages(1i64, move |page: i64| {
            let server = server.clone();
            server.started.fetch_add(1, Ordering::SeqCst);
            async move {
                let now = server.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                server.most_in_flight.fetch_max(now, Ordering::SeqCst);
                tokio::task::yield_now().await;
                server.in_flight.fetch_sub(1, Ordering::SeqCst);
                if server.fail == Some(page) {
                    return Err(format!("page {page} failed"));
                }
                let size = usize::try_from(page - 1)
                    .ok()
                    .and_then(|i| server.sizes.get(i))
                    .copied()
                    .unwrap_or(0);
                let items: Vec<String> = (0..size).map(|i| format!("{page}.{i}")).collect();
                let total = i64::try_from(server.sizes.len()).ok();
                let next = next::page(page, total, items.len());
                Ok((items, next))
            }
        })
    }

    fn started(&self) -> usize {
        self.started.load(Ordering::SeqCst)
    }
}

#[tokio::test]
async fn three_pages_give_every_item_in_order_then_end() {
    let server = Server::new(&[2, 2, 1]);
    let all: Vec<String> = items(server.stream(), |p| p).try_collect().await.unwrap();
    assert_eq!(all, ["1.0", "1.1", "2.0", "2.1", "3.0"]);
    assert_eq!(server.started(), 3, "the total-pages field ends it");
}

#[tokio::test]
async fn an_empty_page_ends_the_stream() {
    let server = Server {
        sizes: vec![2, 0, 5],
        ..Server::default()
    };
    let pages: Vec<Vec<String>> = server.stream().try_collect().await.unwrap();
    assert_eq!(pages.len(), 2, "the empty page is yielded, then nothing");
    assert!(pages[1].is_empty());
    assert_eq!(server.started(), 2);
}

#[tokio::test]
async fn a_failing_page_is_yielded_as_an_error_and_the_stream_ends() {
    let server = Server {
        fail: Some(2),
        ..Server::new(&[1, 1, 1])
    };
    let seen: Vec<Result<String, String>> = items(server.stream(), |p| p).collect().await;
    assert_eq!(
        seen,
        [Ok("1.0".to_owned()), Err("page 2 failed".to_owned())]
    );
    assert_eq!(server.started(), 2, "no page after the failed one");
}

#[tokio::test]
async fn nothing_is_sent_before_the_stream_is_polled_and_one_page_at_a_time() {
    let server = Server::new(&[3, 3, 3, 3]);
    let mut stream = Box::pin(items(server.stream(), |p| p));
    tokio::task::yield_now().await;
    assert_eq!(server.started(), 0, "built, not polled: no request");
    assert_eq!(stream.next().await, Some(Ok("1.0".to_owned())));
    assert_eq!(
        server.started(),
        1,
        "the first item needs the first page only"
    );
    stream.next().await;
    stream.next().await;
    assert_eq!(
        server.started(),
        1,
        "items of a page come without a request"
    );
    while stream.next().await.is_some() {}
    assert_eq!(server.started(), 4);
    assert_eq!(server.most_in_flight.load(Ordering::SeqCst), 1);
}

#[test]
fn page_rule_stops_at_the_total_or_an_empty_page() {
    assert_eq!(next::page(1, Some(3), 10), Some(2));
    assert_eq!(next::page(3, Some(3), 10), None);
    assert_eq!(next::page(1, None, 10), Some(2));
    assert_eq!(next::page(1, None, 0), None);
    assert_eq!(next::page(i64::MAX, None, 1), None, "no overflow");
}

#[test]
fn offset_rule_advances_by_the_items_read() {
    assert_eq!(next::offset(0, None, 25), Some(25));
    assert_eq!(next::offset(25, Some(50), 25), None);
    assert_eq!(next::offset(25, Some(60), 25), Some(50));
    assert_eq!(next::offset(50, None, 0), None);
}

#[test]
fn cursor_rule_stops_on_a_missing_empty_or_repeated_cursor() {
    let c = |s: &str| Some(s.to_owned());
    assert_eq!(next::cursor(None, c("b"), 3), c("b"));
    assert_eq!(next::cursor(c("a").as_ref(), c("a"), 3), None);
    assert_eq!(next::cursor(None, c(""), 3), None);
    assert_eq!(next::cursor::<String>(None, None, 3), None);
    assert_eq!(next::cursor(None, c("b"), 0), None);
}

#[test]
fn link_rule_reads_the_parameter_of_the_next_link() {
    let mut headers = HeaderMap::new();
    headers.append(
        http::header::LINK,
        HeaderValue::from_static(
            r#"<https://api.example/items?page=1&q=a,b>; rel="prev first", <https://api.example/items?per_page=5&page=3>; rel="next""#,
        ),
    );
    assert_eq!(next::link(&headers, "page").as_deref(), Some("3"));
    assert_eq!(next::link(&headers, "cursor"), None);
    let mut relative = HeaderMap::new();
    relative.append(
        http::header::LINK,
        HeaderValue::from_static(r#"</items?after=xyz>; title="a; b, c"; REL=Next"#),
    );
    assert_eq!(next::link(&relative, "after").as_deref(), Some("xyz"));
    assert_eq!(next::link(&HeaderMap::new(), "page"), None);
    let mut junk = HeaderMap::new();
    junk.append(
        http::header::LINK,
        HeaderValue::from_static("<unterminated; rel=next"),
    );
    assert_eq!(next::link(&junk, "page"), None);
}
