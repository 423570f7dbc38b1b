//! A 429 with `Retry-After` pauses its operation for every call of the process: calls made
//! during the window wait it out instead of each meeting the limit; other operations run.

use std::time::Duration;

use reqwest::StatusCode;
use sdk_auth::{Auth, AuthOptions, CallOptions, Jitter, Operation, RetryPolicy};
use sdk_testkit::rate_limit::{Limited, RateLimit};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use crate::common::{GatedMinter, HOUR};

const QUOTE: Operation = Operation::new("create_quote", "GET", "/v1/quote");
const OTHER: Operation = Operation::new("get_prices", "GET", "/v1/prices");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_pauses_the_operation_for_every_call() {
    let server = MockServer::start().await;
    let limit = RateLimit::new();
    Mock::given(any())
        .respond_with(Limited(limit.clone()))
        .mount(&server)
        .await;
    let options = AuthOptions::default().jitter(Jitter::None);
    let auth = Auth::from_minter(GatedMinter::new(HOUR, true), options);
    let client = reqwest::Client::new();
    let url = format!("{}/v1/quote", server.uri());
    auth.token().await.unwrap();

    limit.arm(Duration::from_secs(1));
    let once = CallOptions::new().retry(RetryPolicy::disabled());
    let request = client.get(&url).build().unwrap();
    let first = auth.send_with(&client, request, &QUOTE, Some(&once));
    assert_eq!(first.await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);

    let handles: Vec<_> = (0..30)
        .map(|_| {
            let (auth, client, url) = (auth.clone(), client.clone(), url.clone());
            tokio::spawn(async move {
                let request = client.get(&url).build().unwrap();
                auth.send(&client, request, &QUOTE).await.unwrap().status()
            })
        })
        .collect();
    let other = client.get(format!("{}/v1/prices", server.uri())).build();
    let other = auth.send_with(&client, other.unwrap(), &OTHER, Some(&once));
    assert_eq!(
        other.await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS,
        "another operation is not paused"
    );
    for handle in handles {
        assert_eq!(handle.await.unwrap(), StatusCode::OK);
    }
    let in_window: usize = limit.in_window().values().sum();
    assert_eq!(in_window, 2, "the first call and the other operation's");
    assert!(server.received_requests().await.unwrap().len() >= 32);
}
