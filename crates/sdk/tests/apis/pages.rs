//! Lists, page after page: `sdk::Paginate` on Bridge's `list_collection_transactions`
//! against a loopback gateway (wiremock on 127.0.0.1): every page is an ordinary call, so
//! the call's options, the 401 replay and retries apply to each; the streams are lazy and
//! end after a failed page.

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use sdk::bridge::{collections, collections_from_env_with};
use sdk::{AuthOptions, CallOptions, ErrorKind, Paginate, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// A gateway minting `tokens` in order (the last one from then on), and its client; retries
/// back off 1 ms so the retry tests are quick.
async fn gateway(tokens: &[&str]) -> (MockServer, collections::Client) {
    let server = MockServer::start().await;
    assert!(server.address().ip().is_loopback());
    for (index, token) in tokens.iter().enumerate() {
        let mut mint = Mock::given(method("POST"))
            .and(path("/api/generate-token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "token": token, "expiresAt": null, "environment": "sandbox",
            })))
            .with_priority(u8::try_from(index + 1).unwrap());
        if index + 1 < tokens.len() {
            mint = mint.up_to_n_times(1);
        }
        mint.mount(&server).await;
    }
    let env = BTreeMap::from([
        ("BRIDGE_COLLECTIONS_URL", format!("{}/api", server.uri())),
        ("BRIDGE_COLLECTIONS_KEY_ID", "key".to_owned()),
        ("BRIDGE_COLLECTIONS_SECRET", "secret".to_owned()),
    ]);
    let options = AuthOptions::default()
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(1)));
    let client = collections_from_env_with(|name| env.get(name).cloned(), options).unwrap();
    (server, client)
}

/// Page `page` of a list: `items` transactions named `p<page>-<i>`, and the totals.
fn page(page: u32, items: u32, total_pages: Option<u32>) -> Value {
    let data: Vec<Value> = (0..items)
        .map(|i| json!({"transactionId": format!("p{page}-{i}")}))
        .collect();
    let mut body = json!({"data": data, "page": page, "limit": 2});
    if let Some(total) = total_pages {
        body["totalPages"] = json!(total);
        body["total"] = json!(total * 2);
    }
    body
}

/// Answers `GET /api/collection/transactions?page=<n>` with `response`, exactly `times`
/// times (verified when the server drops).
/// A request for page `n` of the list.
fn page_request(n: u32) -> MockBuilder {
    Mock::given(method("GET"))
        .and(path("/api/collection/transactions"))
        .and(query_param("page", n.to_string()))
}

async fn answer(server: &MockServer, n: u32, response: ResponseTemplate, times: u64) {
    page_request(n)
        .respond_with(response)
        .expect(times)
        .mount(server)
        .await;
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// The transaction ids of a list of items.
fn ids(items: &[collections::types::CollectionTransaction]) -> Vec<&str> {
    items
        .iter()
        .filter_map(|t| t.transaction_id.as_deref())
        .collect()
}

/// The page requests the server received, as their `page` parameters.
async fn pages_asked(server: &MockServer) -> Vec<String> {
    let received = server.received_requests().await.unwrap_or_default();
    received
        .iter()
        .filter(|r| r.url.path() == "/api/collection/transactions")
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        })
        .collect()
}

#[tokio::test]
async fn three_pages_with_the_call_options_on_each() {
    let (server, client) = gateway(&["t"]).await;
    for n in 1..=3 {
        Mock::given(method("GET"))
            .and(path("/api/collection/transactions"))
            .and(query_param("page", n.to_string()))
            .and(query_param("limit", "2"))
            .and(header("x-trace", "run-7"))
            .respond_with(ok(page(n, if n < 3 { 2 } else { 1 }, Some(3))))
            .expect(if n == 1 { 2 } else { 1 })
            .mount(&server)
            .await;
    }
    let options = CallOptions::new().header("x-trace", "run-7");
    let items: Vec<_> = client
        .list_collection_transactions()
        .limit(2)
        .with_options(options.clone())
        .items()
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(ids(&items), ["p1-0", "p1-1", "p2-0", "p2-1", "p3-0"]);
    let pages: Vec<_> = client
        .list_collection_transactions()
        .limit(2)
        .with_options(options)
        .pages()
        .take(1)
        .try_collect()
        .await
        .expect("one page");
    assert_eq!(pages[0].total_pages, Some(3), "pages keep their totals");
    assert_eq!(pages_asked(&server).await, ["1", "2", "3", "1"]);
}

#[tokio::test]
async fn an_empty_page_ends_a_list_without_totals() {
    let (server, client) = gateway(&["t"]).await;
    answer(&server, 1, ok(page(1, 2, None)), 1).await;
    answer(&server, 2, ok(page(2, 0, None)), 1).await;
    answer(&server, 3, ok(page(3, 2, None)), 0).await;
    let items: Vec<_> = client
        .list_collection_transactions()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["p1-0", "p1-1"]);
}

#[tokio::test]
async fn a_failing_page_is_the_streams_last_item() {
    let (server, client) = gateway(&["t"]).await;
    answer(&server, 1, ok(page(1, 2, Some(3))), 1).await;
    let refused = json!({"statusCode": 400, "message": "bad page", "error": "Bad Request"});
    answer(
        &server,
        2,
        ResponseTemplate::new(400).set_body_json(refused),
        1,
    )
    .await;
    answer(&server, 3, ok(page(3, 2, Some(3))), 0).await;
    let seen: Vec<_> = client
        .list_collection_transactions()
        .items()
        .collect()
        .await;
    assert_eq!(seen.len(), 3, "two items, then the error, then nothing");
    assert!(seen[..2].iter().all(Result::is_ok));
    let error = seen[2].as_ref().expect_err("page 2 failed");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.kind(), ErrorKind::Rejected, "{error}");
}

#[tokio::test]
async fn nothing_is_sent_before_the_first_poll_and_pages_come_one_at_a_time() {
    let (server, client) = gateway(&["t"]).await;
    for n in 1..=3 {
        answer(&server, n, ok(page(n, 2, Some(3))), 1).await;
    }
    let mut items = Box::pin(client.list_collection_transactions().items());
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty(),
        "not even a token mint"
    );
    items.next().await.unwrap().unwrap();
    items.next().await.unwrap().unwrap();
    assert_eq!(
        pages_asked(&server).await,
        ["1"],
        "a page's items need no request"
    );
    items.next().await.unwrap().unwrap();
    assert_eq!(pages_asked(&server).await, ["1", "2"]);
    while items.next().await.is_some() {}
    assert_eq!(pages_asked(&server).await, ["1", "2", "3"]);
}

#[tokio::test]
async fn a_401_on_a_page_is_replayed_and_a_503_retried_by_the_call_path() {
    let (server, client) = gateway(&["stale", "fresh"]).await;
    answer(&server, 1, ok(page(1, 1, Some(3))), 1).await;
    // Page 2: refused once with the stale token, answered with the fresh one.
    page_request(2)
        .and(header("authorization", "Bearer stale"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"statusCode": 401, "message": "expired"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    page_request(2)
        .and(header("authorization", "Bearer fresh"))
        .respond_with(ok(page(2, 1, Some(3))))
        .expect(1)
        .mount(&server)
        .await;
    // Page 3: unavailable once, then answered.
    page_request(3)
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    answer(&server, 3, ok(page(3, 1, Some(3))), 1).await;
    let items: Vec<_> = client
        .list_collection_transactions()
        .items()
        .try_collect()
        .await
        .expect("replayed and retried");
    assert_eq!(ids(&items), ["p1-0", "p2-0", "p3-0"]);
    assert_eq!(pages_asked(&server).await, ["1", "2", "2", "3", "3"]);
}
