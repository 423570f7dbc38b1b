//! Every request the SDK sends, API calls and token mints (and Obi's revocation) alike, names
//! the SDK in `User-Agent` and carries no `api-version` header (progenitor adds one by
//! default; no vendor documents it). Checked on every request a loopback server received.

use std::time::Duration;

use sdk::AuthOptions;
use sdk::obi::types::{Coordinates, QuoteRequest};
use sdk::origoid::types::CurpValidationRequest;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A loopback server answering `routes` (`POST`s and `GET`s by path) with JSON.
async fn server(routes: &[(&str, &str, Value)]) -> MockServer {
    let server = MockServer::start().await;
    for (verb, route, body) in routes {
        Mock::given(method(*verb))
            .and(path(*route))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    server
}

/// Asserts the headers of every request `server` received; returns how many there were.
async fn assert_headers(server: &MockServer, expected_requests: usize) {
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), expected_requests, "{requests:#?}");
    for request in &requests {
        let agent = request
            .headers
            .get("user-agent")
            .and_then(|v| v.to_str().ok());
        assert_eq!(
            agent,
            Some(sdk::USER_AGENT),
            "{} {}",
            request.method,
            request.url
        );
        assert!(
            request.headers.get("api-version").is_none(),
            "{} {} carries api-version",
            request.method,
            request.url
        );
    }
    assert!(sdk::USER_AGENT.starts_with("sdk/") && sdk::USER_AGENT.len() > 4);
}

#[tokio::test]
async fn obi_mint_call_and_revocation() {
    let server = server(&[
        (
            "POST",
            "/v1/auth/token",
            json!({"token": "t", "jti": "j", "ttlSeconds": 3600}),
        ),
        (
            "POST",
            "/v1/quote",
            json!({"recommendations": {}, "marketPrices": {}}),
        ),
        ("POST", "/v1/auth/revoke", json!({})),
    ])
    .await;
    let env = |name: &str| match name {
        "OBI_URL" => Some(server.uri()),
        "OBI_API_KEY" | "OBI_API_SECRET" => Some("k".to_owned()),
        _ => None,
    };
    let client = sdk::obi::from_env_with(env, AuthOptions::default()).unwrap();
    let point = Coordinates {
        latitude: 1.0,
        longitude: 2.0,
    };
    let request = QuoteRequest {
        pickup: point.clone(),
        destination: point,
        distance_km: None,
        duration_minutes: None,
        scheduled_at: None,
    };
    sdk::obi::quote(&client, request).await.unwrap();
    sdk::obi::shutdown(&client, Duration::from_secs(2))
        .await
        .unwrap();
    assert_headers(&server, 3).await;
}

#[tokio::test]
async fn origoid_mint_and_call() {
    let envelope = |data: Value| {
        json!({"status": "OK", "type": "SUCCESS", "message": "m", "data": data,
               "transactionId": "7d1f5c52-3f0a-4c5e-9a3e-0d1c2b3a4f5e",
               "processedAt": "2026-01-01T00:00:00Z", "billable": false})
    };
    let server = server(&[
        (
            "POST",
            "/auth/token",
            envelope(json!({"access_token": "t", "expires_in": 3600})),
        ),
        (
            "POST",
            "/mex/renapo/v1/curp-validations",
            envelope(Value::Null),
        ),
    ])
    .await;
    let env = |name: &str| match name {
        "ORIGOID_URL" => Some(server.uri()),
        "ORIGOID_API_KEY" => Some("k".to_owned()),
        _ => None,
    };
    let client = sdk::origoid::from_env_with(env, AuthOptions::default()).unwrap();
    let request = CurpValidationRequest {
        curp: "TEST900101HDFRRN09".into(),
        generate_rfc: None,
    };
    client.validate_curp().body(request).send().await.unwrap();
    assert_headers(&server, 2).await;
}

#[tokio::test]
async fn bridge_mints_and_calls_on_both_services() {
    let token = json!({"token": "t", "expiresAt": null});
    let server = server(&[
        ("POST", "/baas/generate-token", token.clone()),
        ("POST", "/collections/generate-token", token),
        ("GET", "/baas/v1/lms/products", json!([])),
        (
            "GET",
            "/collections/collection/status",
            json!({"status": "PENDING"}),
        ),
    ])
    .await;
    let env = |name: &str| match name {
        "BRIDGE_BAAS_URL" => Some(format!("{}/baas", server.uri())),
        "BRIDGE_COLLECTIONS_URL" => Some(format!("{}/collections", server.uri())),
        _ if name.starts_with("BRIDGE_") => Some("k".to_owned()),
        _ => None,
    };
    let clients = sdk::bridge::Clients::from_env_with(env, AuthOptions::default()).unwrap();
    clients.baas.list_loan_products().send().await.unwrap();
    clients
        .collections
        .get_collection_status()
        .transaction_id("T")
        .fsp_id("CLICKPESA")
        .send()
        .await
        .unwrap();
    assert_headers(&server, 4).await;
}
