//! Lists, page after page: every Bridge collection transaction with `.items()`, and whole
//! pages (with their totals) with `.pages()`.
//!
//! Run it with `cargo run -p sdk --example pages`. So that it runs anywhere without real keys,
//! it first starts a local stand-in gateway on 127.0.0.1 with three pages of two transactions;
//! against Bridge you would export `BRIDGE_COLLECTIONS_KEY_ID` and `BRIDGE_COLLECTIONS_SECRET`
//! and call `sdk::bridge::collections_from_env()` instead.

use std::collections::HashMap;

use sdk::AuthOptions;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() -> Result<(), sdk::Error> {
    let server = stand_in_gateway().await;
    let env = HashMap::from([
        ("BRIDGE_COLLECTIONS_URL", format!("{}/api", server.uri())),
        ("BRIDGE_COLLECTIONS_KEY_ID", "gateway-key".to_owned()),
        ("BRIDGE_COLLECTIONS_SECRET", "gateway-secret".to_owned()),
    ]);
    let collections = sdk::bridge::collections_from_env_with(
        |name| env.get(name).cloned(),
        AuthOptions::default(),
    )?;
    let count = every_transaction(&collections).await?;
    println!("{count} transactions");
    first_pages(&collections).await
}

// ANCHOR: items
/// Every collection transaction, 50 per request: the next page is requested only as the
/// stream is read, with the client's retries and token handling on each.
async fn every_transaction(
    collections: &sdk::bridge::collections::Client,
) -> Result<usize, sdk::Error> {
    use futures_util::TryStreamExt as _;
    use sdk::Paginate as _;

    let mut transactions =
        std::pin::pin!(collections.list_collection_transactions().limit(50).items());
    let mut count = 0;
    while let Some(transaction) = transactions.try_next().await? {
        println!("{:?}: {:?}", transaction.transaction_id, transaction.status);
        count += 1;
    }
    Ok(count)
}
// ANCHOR_END: items

// ANCHOR: pages
/// Whole pages, with the totals the API sends: the first two only (nothing more is sent).
async fn first_pages(collections: &sdk::bridge::collections::Client) -> Result<(), sdk::Error> {
    use futures_util::{StreamExt as _, TryStreamExt as _};
    use sdk::Paginate as _;

    let pages: Vec<_> = collections
        .list_collection_transactions()
        .limit(50)
        .pages()
        .take(2)
        .try_collect()
        .await?;
    for page in &pages {
        let (number, of) = (
            page.page.unwrap_or_default(),
            page.total_pages.unwrap_or_default(),
        );
        println!("page {number} of {of}: {} transactions", page.data.len());
    }
    Ok(())
}
// ANCHOR_END: pages

/// A gateway on 127.0.0.1 that mints a token and answers three pages of two transactions.
async fn stand_in_gateway() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/generate-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "stand-in"})))
        .mount(&server)
        .await;
    for n in 1..=3 {
        let data: Vec<Value> = (1..=2)
            .map(|i| json!({"transactionId": format!("ORDER_{n}{i}"), "status": "SUCCESS"}))
            .collect();
        Mock::given(method("GET"))
            .and(path("/api/collection/transactions"))
            .and(query_param("page", n.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": data, "page": n, "limit": 50, "total": 6, "totalPages": 3
            })))
            .mount(&server)
            .await;
    }
    server
}
