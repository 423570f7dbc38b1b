//! The hook the generator emits into every generated client: each request goes through the
//! auth layer with the operation's own entry of the generated `OPERATIONS` table, so what
//! `codegen.toml` says about an operation (idempotent or not) decides its retries, and every
//! request leaves with the bearer and the SDK's `User-Agent`.

use sdk::ManualClock;
use sdk::obi::types::{Coordinates, QuoteRequest};
use serde_json::json;
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Apis, manual, mount_tokens, received};

fn trip() -> QuoteRequest {
    let at = |latitude, longitude| Coordinates {
        latitude,
        longitude,
    };
    QuoteRequest {
        pickup: at(40.758, -73.9855),
        destination: at(40.6413, -73.7781),
        distance_km: None,
        duration_minutes: None,
        scheduled_at: None,
    }
}

/// Obi's `create_quote` is a POST that `codegen.toml` marks idempotent; Bridge's
/// `create_loan` is a POST it does not. Both answered 503 once: only the first is repeated.
#[tokio::test]
async fn the_operations_table_decides_what_a_post_may_repeat() {
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    for route in ["/v1/quote", "/api/v1/lms/loans"] {
        Mock::given(method("POST"))
            .and(path(route))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/v1/quote"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "currency": "USD", "recommendations": {}
        })))
        .mount(&server)
        .await;
    let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));

    let quote = sdk::obi::quote(&apis.obi, trip()).await;
    assert!(quote.is_ok(), "{quote:?}");
    assert_eq!(received(&server, "/v1/quote").await, 2, "retried once");

    let loan = apis.create_loan().await.unwrap_err();
    assert_eq!(loan.status().map(|s| s.as_u16()), Some(503), "{loan}");
    assert_eq!(
        received(&server, "/api/v1/lms/loans").await,
        1,
        "never repeated"
    );
}

/// Every generated request carries the bearer and the SDK's `User-Agent`.
#[tokio::test]
async fn every_request_carries_the_bearer_and_the_user_agent() {
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    Mock::given(method("GET"))
        .and(path("/v1/customer/me"))
        .and(header_exists("authorization"))
        .and(header("user-agent", sdk::USER_AGENT))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"accountId": "a-1"})))
        .expect(1)
        .mount(&server)
        .await;
    let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
    apis.call("obi").await.unwrap();
}

/// Options for one call reach the auth layer through any generated builder; a key for an
/// API that documents no idempotency-key header is refused before anything is sent.
#[tokio::test]
async fn call_options_travel_with_the_builder() {
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    Mock::given(method("GET"))
        .and(path("/v1/customer/me"))
        .and(header("x-request-source", "checkout"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"accountId": "a-1"})))
        .expect(1)
        .mount(&server)
        .await;
    let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
    let tagged = sdk::CallOptions::new().header("x-request-source", "checkout");
    apis.obi
        .get_customer()
        .with_options(tagged)
        .send()
        .await
        .unwrap();

    let keyed = sdk::CallOptions::new().idempotency_key("order-42");
    let error = apis
        .obi
        .create_quote()
        .body(trip())
        .with_options(keyed)
        .send()
        .await
        .map_err(sdk::Error::from)
        .unwrap_err();
    assert_eq!(error.kind(), sdk::ErrorKind::InvalidRequest, "{error}");
    assert!(error.to_string().contains("idempotency"), "{error}");
    assert_eq!(received(&server, "/v1/quote").await, 0, "nothing sent");
}
