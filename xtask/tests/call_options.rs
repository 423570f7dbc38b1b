//! Options for one call, as the `call-options` rewrite gives them to every builder of a client
//! with the auth layer: a client generated from `fixtures/clients/keyed.yaml` (an API that
//! names its idempotency-key header) is committed under `keyed_client/` (kept up to date by
//! the first test) and driven against a loopback server.

mod support;

#[rustfmt::skip]
#[path = "keyed_client/mod.rs"]
#[allow(clippy::all, dead_code, unused_imports, unexpected_cfgs)]
mod keyed_client;

use std::time::Duration;

use keyed_client::{Client, types};
use sdk_auth::{
    Auth, AuthError, AuthOptions, BoxFuture, CallFailure, CallOptions, MintedToken, Minter,
    MinterInfo, RetryPolicy, SecretString,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xtask::ApiConfig;

fn config() -> ApiConfig {
    ApiConfig {
        auth: true,
        idempotency_key_header: Some("Idempotency-Key".into()),
        ..ApiConfig::standalone("keyed-client")
    }
}

#[test]
fn the_committed_keyed_client_is_up_to_date() {
    let fresh = support::committed_client(
        "keyed",
        config(),
        "keyed_client",
        "UPDATE_KEYED_CLIENT",
        "call_options",
    );
    assert!(
        fresh.contains(r#".idempotency_header("Idempotency-Key")"#),
        "every operation names the API's key header"
    );
}

/// A fixed token, no endpoint: the test is about the call, not the mint.
#[derive(Debug)]
struct Fixed;

impl Minter for Fixed {
    fn info(&self) -> MinterInfo {
        MinterInfo {
            api: "keyed",
            service: "default",
            key_id_prefix: String::new(),
        }
    }

    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        Box::pin(async {
            Ok(MintedToken::new(
                SecretString::from("t"),
                Duration::from_secs(3600),
            ))
        })
    }
}

async fn client() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let options = AuthOptions::default()
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)));
    let client = Client::new(&server.uri(), Auth::from_minter(Fixed, options));
    (server, client)
}

fn payment() -> types::Payment {
    types::Payment {
        amount: 1000,
        id: None,
    }
}

/// A POST is never repeated on its own; with an idempotency key it is, and every attempt
/// carries the same key in the API's header.
#[tokio::test]
async fn an_idempotency_key_makes_a_post_retryable_with_the_same_key() {
    let (server, client) = client().await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/payments"))
        .and(header("idempotency-key", "order-42"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(serde_json::json!({"amount": 1000, "id": "p-1"})),
        )
        .mount(&server)
        .await;

    let unkeyed = client.create_payment().body(payment()).send().await;
    assert_eq!(unkeyed.unwrap_err().status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "not repeated"
    );

    let keyed = client
        .create_payment()
        .body(payment())
        .with_options(CallOptions::new().idempotency_key("order-42"))
        .send()
        .await
        .unwrap();
    assert_eq!(keyed.into_inner().id.as_deref(), Some("p-1"));
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3, "one 503 left, then the 201");
    let keys: Vec<_> = received[1..]
        .iter()
        .map(|r| {
            r.headers
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
        })
        .collect();
    assert_eq!(keys, [Some("order-42"), Some("order-42")]);
}

/// A deadline, a retry policy and headers for one call, the client's options untouched.
#[tokio::test]
async fn deadline_retries_and_headers_apply_to_that_call_alone() {
    let (server, client) = client().await;
    Mock::given(method("GET"))
        .and(path("/payments/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/payments/down"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/payments/p-1"))
        .and(header("x-trace-tag", "checkout"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"amount": 1})))
        .expect(1)
        .mount(&server)
        .await;

    let started = std::time::Instant::now();
    let slow = client
        .get_payment()
        .id("slow")
        .with_options(CallOptions::new().deadline(Some(Duration::from_millis(200))))
        .send()
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(
            CallFailure::find(&slow),
            Some(CallFailure::DeadlineExceeded { .. })
        ),
        "{slow:?}"
    );

    let once = CallOptions::new().retry(RetryPolicy::disabled());
    client
        .get_payment()
        .id("down")
        .with_options(once)
        .send()
        .await
        .unwrap_err();
    client.get_payment().id("down").send().await.unwrap_err();
    let down = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/payments/down")
        .count();
    assert_eq!(
        down,
        1 + 3,
        "once with retries off, three times with the client's policy"
    );

    let tagged = CallOptions::new().header("x-trace-tag", "checkout");
    client
        .get_payment()
        .id("p-1")
        .with_options(tagged)
        .send()
        .await
        .unwrap();
}
