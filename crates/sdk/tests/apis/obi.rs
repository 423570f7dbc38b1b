//! Obi FARE.AI: every documented example of `specs/obi/openapi.yaml` against the generated
//! types, the both-or-neither rule of the route metadata, and the ready client on loopback.

use std::time::Duration;

use sdk::obi::{self, Client, RouteField, RouteMetadataError, types};
use sdk_auth::{AuthOptions, ObiConfig};
use sdk_testkit::spec_examples::{self, Row, Spec};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// One row per operation. The response types come from the generated `send()` signature
/// (see [`Row::new`]); the request body type from what `body` accepts.
fn table() -> Vec<Row> {
    vec![
        Row::omitted("create_token"),
        Row::with_body(
            "revoke_token",
            |client: Client, body: types::RevokeRequest| async move {
                client.revoke_token().body(body).send().await
            },
        ),
        Row::new("get_customer", |client: Client| async move {
            client.get_customer().send().await
        }),
        Row::with_body(
            "create_quote",
            |client: Client, body: types::QuoteRequest| async move {
                client.create_quote().body(body).send().await
            },
        ),
    ]
}

#[test]
fn every_documented_example_round_trips_through_the_generated_types() {
    let spec = Spec::load("obi");
    let coverage = spec_examples::check_table(&spec, &table());
    println!("obi coverage: {coverage:?}");
    assert_eq!(coverage.operations, 4);
    assert_eq!(coverage.request_examples, 4);
    // The token endpoint's two examples are the auth layer's (create_token is omitted).
    assert_eq!(coverage.response_examples, 3);
}

#[test]
fn documented_error_bodies_carry_their_result_code() {
    let spec = Spec::load("obi");
    let cases = [
        ("create_quote", "400", "route-metadata-incomplete"),
        ("create_quote", "403", "account-blocked"),
        ("create_token", "403", "account-blocked"),
    ];
    for (op, status, code) in cases {
        let body: types::ErrorResponse =
            serde_json::from_value(spec.response_example(op, status, "example")).unwrap();
        assert_eq!(body.result.as_deref(), Some(code), "{op} {status}");
    }
}

// ---------------------------------------------------------------------------------------------
// Both or neither
// ---------------------------------------------------------------------------------------------

/// The spec's first quote example with the route metadata replaced.
fn quote_request(
    spec: &Spec,
    distance_km: Option<f64>,
    duration_minutes: Option<f64>,
) -> types::QuoteRequest {
    let mut request: types::QuoteRequest =
        serde_json::from_value(spec.request_example("create_quote", "withRouteMetadata")).unwrap();
    request.distance_km = distance_km;
    request.duration_minutes = duration_minutes;
    request
}

fn incomplete(present: RouteField, missing: RouteField) -> Result<(), RouteMetadataError> {
    Err(RouteMetadataError::Incomplete { present, missing })
}

/// `(distanceKm, durationMinutes, expected check)`.
type RouteCase = (Option<f64>, Option<f64>, Result<(), RouteMetadataError>);

fn route_cases() -> Vec<RouteCase> {
    use RouteField::{DistanceKm, DurationMinutes};
    vec![
        (Some(24.1), Some(45.0), Ok(())),
        (None, None, Ok(())),
        (Some(24.1), None, incomplete(DistanceKm, DurationMinutes)),
        (None, Some(45.0), incomplete(DurationMinutes, DistanceKm)),
        (
            Some(f64::NAN),
            Some(45.0),
            Err(RouteMetadataError::NotFinite(DistanceKm)),
        ),
        (
            Some(24.1),
            Some(f64::INFINITY),
            Err(RouteMetadataError::NotFinite(DurationMinutes)),
        ),
    ]
}

#[test]
fn route_metadata_is_both_or_neither() {
    let spec = Spec::load("obi");
    for (distance, duration, expected) in route_cases() {
        let request = quote_request(&spec, distance, duration);
        assert_eq!(
            obi::check_route_metadata(&request),
            expected,
            "{distance:?} {duration:?}"
        );
    }
    let error = obi::check_route_metadata(&quote_request(&spec, Some(1.0), None)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "distanceKm is set but durationMinutes is not: send both or neither"
    );
}

/// A refused quote sends nothing: not the quote, not even the token request.
#[tokio::test]
async fn refused_quotes_never_reach_the_server() {
    let spec = Spec::load("obi");
    let server = MockServer::start().await;
    assert!(server.address().ip().is_loopback());
    let client = obi::client_at(&server.uri(), config()).unwrap();
    for (distance, duration, expected) in route_cases() {
        let Err(reason) = expected else { continue };
        let result = obi::quote(&client, quote_request(&spec, distance, duration)).await;
        match result {
            Err(error) if error.kind() == sdk::ErrorKind::InvalidRequest => {
                assert_eq!(error.body::<RouteMetadataError>(), Some(&reason));
            }
            other => panic!("{distance:?} {duration:?}: expected a refusal, got {other:?}"),
        }
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

// ---------------------------------------------------------------------------------------------
// Loopback
// ---------------------------------------------------------------------------------------------

const API_KEY: &str = "pgw_test_key";
const API_SECRET: &str = "test-secret";
const QUOTE_PATH: &str = "/v1/quote";

fn options() -> AuthOptions {
    AuthOptions::default()
        .retries(1, Duration::from_millis(10))
        .timeouts(Duration::from_secs(2), Duration::from_secs(5))
}

fn config() -> ObiConfig {
    ObiConfig::new(API_KEY.into(), API_SECRET.into()).options(options())
}

fn body_json(request: &Request) -> Option<Value> {
    serde_json::from_slice(&request.body).ok()
}

/// A loopback server minting the spec's token example for the documented key + secret headers.
async fn token_server(spec: &Spec) -> (MockServer, String) {
    let server = MockServer::start().await;
    assert!(server.address().ip().is_loopback());
    let token = spec.response_example("create_token", "200", "example");
    Mock::given(method("POST"))
        .and(path("/v1/auth/token"))
        .and(header("X-API-KEY", API_KEY))
        .and(header("X-API-SECRET", API_SECRET))
        .respond_with(ResponseTemplate::new(200).set_body_json(&token))
        .expect(1)
        .mount(&server)
        .await;
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
    (server, bearer)
}

/// Both valid shapes of the rule (both fields, neither) go through the ready client; the mint
/// matches the spec and the quote carries the bearer.
#[tokio::test]
async fn ready_client_quotes_with_both_or_neither_and_sends_the_bearer() {
    let spec = Spec::load("obi");
    for example in ["withRouteMetadata", "scheduled"] {
        let (server, bearer) = token_server(&spec).await;
        Mock::given(method("POST"))
            .and(path(QUOTE_PATH))
            .and(header("authorization", bearer.as_str()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(spec.response_example(
                    "create_quote",
                    "200",
                    "example",
                )),
            )
            .expect(1)
            .mount(&server)
            .await;
        let env = |name: &str| match name {
            "OBI_API_KEY" => Some(API_KEY.to_owned()),
            "OBI_API_SECRET" => Some(API_SECRET.to_owned()),
            "OBI_URL" => Some(server.uri()),
            _ => None,
        };
        let client = obi::from_env_with(env, options()).unwrap();
        let documented = spec.request_example("create_quote", example);
        let request: types::QuoteRequest = serde_json::from_value(documented.clone()).unwrap();
        let quote = obi::quote(&client, request).await.unwrap().into_inner();
        assert_eq!(quote.currency.as_deref(), Some("USD"), "{example}");
        assert_eq!(
            quote.market_prices["UBER/Standard"].p50,
            Some(109.0),
            "{example}"
        );

        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 2, "{example}: one mint, one quote");
        let mint = &requests[0];
        assert_eq!(mint.url.path(), "/v1/auth/token");
        assert!(mint.body.is_empty(), "the token request has no body");
        assert!(mint.headers.get("authorization").is_none());
        let call = &requests[1];
        assert!(
            call.headers.get("x-api-secret").is_none(),
            "the secret stays off API calls"
        );
        let sent = body_json(call).unwrap();
        spec_examples::same_json("", &documented, &sent, spec_examples::Mode::Exact)
            .unwrap_or_else(|e| panic!("{example}: {e}"));
        server.verify().await;
    }
}

/// `revoke` and `shutdown` go through the client's `Auth` with the documented bodies, and the
/// server's documented 400 is surfaced with its `result` code.
#[tokio::test]
async fn revocation_and_error_codes_through_the_ready_client() {
    let spec = Spec::load("obi");
    let (server, bearer) = token_server(&spec).await;
    let token = spec.response_example("create_token", "200", "example");
    Mock::given(method("POST"))
        .and(path("/v1/auth/revoke"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(QUOTE_PATH))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(spec.response_example(
                "create_quote",
                "400",
                "example",
            )),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = obi::client_at(&server.uri(), config()).unwrap();

    let both = quote_request(&spec, Some(24.1), Some(45.0));
    let error = obi::quote(&client, both).await.unwrap_err();
    assert_eq!(error.code(), Some("route-metadata-incomplete"));
    assert_eq!(error.kind(), sdk::ErrorKind::Rejected);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));

    obi::shutdown(&client, Duration::from_secs(5))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let revoke = requests
        .iter()
        .find(|r| r.url.path() == "/v1/auth/revoke")
        .unwrap();
    let documented = spec.request_example("revoke_token", "byJti");
    assert_eq!(body_json(revoke), Some(json!({ "jti": token["jti"] })));
    assert_eq!(
        documented["jti"], token["jti"],
        "the spec's examples agree on the jti"
    );
    server.verify().await;
}
