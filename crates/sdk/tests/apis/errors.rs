//! The one error model on loopback, for every API: the typed `AuthError` recovered from a
//! failed generated call (no second call), a 401 that a fresh token does not cure, a token
//! endpoint that hangs, an expiry already past, an error status with an empty body, the call
//! deadline, and the tracing span of a call.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::support::{Apis, TOKEN_PATHS, manual, mount_tokens, received, success};
use sdk::{AuthError, AuthOptions, Authenticated, ErrorKind, Health, ManualClock, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const APIS: [&str; 3] = ["obi", "bridge", "origoid"];

fn token_path(api: &str) -> &'static str {
    TOKEN_PATHS.iter().find(|(name, _)| *name == api).unwrap().1
}

#[tokio::test]
async fn the_auth_error_of_a_failed_mint_reaches_the_caller_typed() {
    let origoid_unauthorized = json!({"status": "ERROR", "type": "UNAUTHORIZED", "message": "Invalid credentials",
        "data": null, "transactionId": "550e8400-e29b-41d4-a716-446655440000", "billable": false});
    for api in APIS {
        let unauthorized = match api {
            "origoid" => ResponseTemplate::new(401).set_body_json(origoid_unauthorized.clone()),
            _ => ResponseTemplate::new(401),
        };
        // What the caller must decide: credentials for a refusal, "try later" for a token
        // endpoint that is rate limited or down; the `AuthError` is there either way.
        let cases = [
            (unauthorized, AuthError::InvalidCredentials, ErrorKind::Auth),
            (
                ResponseTemplate::new(429).insert_header("retry-after", "9"),
                AuthError::RateLimited {
                    retry_after: Some(Duration::from_secs(9)),
                },
                ErrorKind::RateLimited,
            ),
            (
                ResponseTemplate::new(403),
                AuthError::AccountBlocked,
                ErrorKind::Auth,
            ),
            (
                ResponseTemplate::new(503),
                AuthError::Transient("HTTP 503".into()),
                ErrorKind::Unavailable,
            ),
        ];
        for (answer, expected, kind) in cases {
            let server = MockServer::start().await;
            Mock::given(path(token_path(api)))
                .respond_with(answer)
                .mount(&server)
                .await;
            let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
            let error = apis.call(api).await.unwrap_err();
            assert_eq!(error.kind(), kind, "{api}: {error}");
            assert_eq!(error.auth_error(), Some(&expected), "{api}");
            assert_eq!(
                error.is_retryable(),
                kind != ErrorKind::Auth,
                "{api}: {error}"
            );
            if let AuthError::RateLimited { retry_after } = expected {
                assert_eq!(error.retry_after(), retry_after, "{api}");
                assert_eq!(
                    error.to_string().matches("retry after").count(),
                    1,
                    "{error}"
                );
            }
            assert_eq!(
                received(&server, success(api).0).await,
                0,
                "{api}: nothing sent without a token"
            );
            let line = error.to_string();
            assert!(
                !line.contains('\n') && line.starts_with(kind.as_str()),
                "{line}"
            );
        }
    }
}

#[tokio::test]
async fn a_401_a_fresh_token_does_not_cure_mints_at_most_once_per_backoff() {
    for api in APIS {
        let server = MockServer::start().await;
        let mints = mount_tokens(&server).await;
        let body = match api {
            "origoid" => sdk_testkit::spec_examples::Spec::load("origoid").response_example(
                "validate_curp",
                "401",
                "invalidCredentials",
            ),
            _ => json!({"message": "Unauthorized"}),
        };
        Mock::given(path(success(api).0))
            .respond_with(ResponseTemplate::new(401).set_body_json(body))
            .mount(&server)
            .await;
        let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
        let mut not_replayed = 0;
        for call in 0..20 {
            let error = apis.call(api).await.unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Auth, "{api}");
            assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
            // The first 401 is replayed with a fresh token and refused again; while re-mints
            // are paused, a 401 says it was not replayed, and why.
            let paused = AuthError::NotReplayed {
                reason: sdk::NoReplay::RecentlyRejected,
            };
            match error.auth_error() {
                Some(AuthError::RejectedAfterReplay) => {}
                Some(other) if *other == paused && call > 0 => not_replayed += 1,
                other => panic!("{api}, call {call}: {other:?}"),
            }
        }
        assert!(not_replayed > 0, "{api}: every 401 claimed a replay");
        let count = mints
            .iter()
            .find(|(name, _)| *name == api)
            .unwrap()
            .1
            .load(Ordering::SeqCst);
        assert!(count <= 3, "{api}: {count} mints for 20 rejected calls");
        let health = match api {
            "obi" => apis.obi.auth().health(),
            "bridge" => apis.baas.auth().health(),
            _ => apis.origoid.auth().health(),
        };
        assert!(
            matches!(health, Health::Rejected { .. }),
            "{api}: {health:?}"
        );
        // A pre-flight check says so too, instead of handing out a token the API refuses.
        let preflight = match api {
            "obi" => apis.obi.auth().token().await,
            "bridge" => apis.baas.auth().token().await,
            _ => apis.origoid.auth().token().await,
        };
        assert_eq!(
            preflight.unwrap_err(),
            AuthError::RejectedAfterReplay,
            "{api}"
        );
    }
}

#[tokio::test]
async fn an_expiry_already_past_does_not_mint_before_every_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/generate-token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"token": "opaque", "expiresAt": "2020-01-01T00:00:00Z"})),
        )
        .mount(&server)
        .await;
    let (call_path, body) = success("bridge");
    Mock::given(path(call_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
    for _ in 0..50 {
        apis.call("bridge").await.unwrap();
    }
    let mints = received(&server, "/api/generate-token").await;
    assert!(mints <= 2, "{mints} mints over 50 calls");
}

#[tokio::test]
async fn a_hanging_token_endpoint_fails_within_the_token_wait() {
    let server = MockServer::start().await;
    for (_, token_path) in TOKEN_PATHS {
        Mock::given(path(token_path))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
            .mount(&server)
            .await;
    }
    let wait = Duration::from_secs(1);
    let apis = Apis::new(&server.uri(), AuthOptions::default().token_wait(wait));
    for api in APIS {
        let started = Instant::now();
        let error = apis.call(api).await.unwrap_err();
        let took = started.elapsed();
        assert_eq!(
            error.auth_error(),
            Some(&AuthError::Timeout),
            "{api}: {error}"
        );
        assert!(took < wait + Duration::from_secs(1), "{api}: {took:?}");
    }
}

#[tokio::test]
async fn the_call_deadline_bounds_a_hanging_api() {
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    Mock::given(path(crate::support::OBI_PATH))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
        .mount(&server)
        .await;
    let deadline = Duration::from_secs(1);
    let apis = Apis::new(
        &server.uri(),
        AuthOptions::default().call_deadline(Some(deadline)),
    );
    let started = Instant::now();
    let error = apis.call("obi").await.unwrap_err();
    assert!(started.elapsed() < deadline + Duration::from_secs(1));
    assert_eq!(error.kind(), ErrorKind::Unavailable, "{error}");
    assert!(error.to_string().contains("deadline"), "{error}");
}

#[tokio::test]
async fn an_error_status_with_an_empty_body_keeps_its_status() {
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/v1/lms/loans/L-1/submit-payment"))
        .respond_with(ResponseTemplate::new(400))
        .mount(&server)
        .await;
    let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
    let request: sdk::bridge::baas::types::SubmitPaymentRequest =
        serde_json::from_value(crate::support::bridge_request("submit_loan_payment")).unwrap();
    let sent = apis
        .baas
        .submit_loan_payment()
        .loan_id("L-1")
        .body(request)
        .send()
        .await;
    let error = sdk::Error::from(sent.unwrap_err());
    assert_eq!(error.kind(), ErrorKind::Rejected, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        error.to_string(),
        "rejected (HTTP 400): Bad Request (empty body)"
    );
}

#[tokio::test]
async fn an_html_error_page_keeps_its_status() {
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/v1/lms/loans"))
        .respond_with(
            ResponseTemplate::new(502).set_body_string("<html><body>Bad gateway</body></html>"),
        )
        .mount(&server)
        .await;
    let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
    let error = apis.create_loan().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unavailable, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(
        error.excerpt(),
        Some("<html><body>Bad gateway</body></html>")
    );
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    Mock::given(path(crate::support::OBI_PATH))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let options = manual(&ManualClock::new()).retry(RetryPolicy::disabled());
    let apis = Apis::new(&server.uri(), options);
    let error = apis.call("obi").await.unwrap_err();
    assert!(error.is_retryable());
    assert_eq!(received(&server, crate::support::OBI_PATH).await, 1);
}

/// A call to an API nobody listens on says where and why, for the API itself and for its
/// token endpoint, without the URL's path or query.
#[tokio::test]
async fn transport_failures_name_the_host_and_the_cause() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    };
    let apis = Apis::new(&format!("http://{closed}"), manual(&ManualClock::new()));
    let error = apis.call("obi").await.unwrap_err();
    let text = error.to_string();
    assert_eq!(error.kind(), ErrorKind::Unavailable, "{text}");
    assert!(
        text.contains(&closed) && text.contains("connection refused"),
        "{text}"
    );
    assert!(!text.contains("/v1/"), "no path in {text}");

    // Tokens are minted, the API resets every connection: the call names host and cause.
    let body = crate::support::token_body("obi", "t").to_string();
    let server = sdk_testkit::raw::start(move |path, _| match path {
        "/v1/auth/token" => sdk_testkit::raw::Action::Json(200, body.clone()),
        _ => sdk_testkit::raw::Action::Reset,
    })
    .await;
    let apis = Apis::new(&server.url, manual(&ManualClock::new()));
    let error = apis.call("obi").await.unwrap_err();
    let host = server.url.trim_start_matches("http://");
    let text = error.to_string();
    assert_eq!(error.kind(), ErrorKind::Unavailable, "{text}");
    assert!(text.contains(host) && text.contains("reset"), "{text}");
}

/// A configuration error lists every missing variable of the API at once.
#[test]
fn configuration_errors_list_every_missing_variable() {
    let nothing = |_: &str| None;
    let cases: [(&str, Result<(), sdk::Error>); 3] = [
        (
            "obi",
            sdk::obi::from_env_with(nothing, AuthOptions::default()).map(drop),
        ),
        (
            "origoid",
            sdk::origoid::from_env_with(nothing, AuthOptions::default()).map(drop),
        ),
        (
            "bridge",
            sdk::bridge::Clients::from_env_with(nothing, AuthOptions::default()).map(drop),
        ),
    ];
    let expected: [&[&str]; 3] = [
        &["OBI_API_KEY", "OBI_API_SECRET"],
        &["ORIGOID_API_KEY", "ORIGOID_USERNAME"],
        &[
            "BRIDGE_BAAS_KEY_ID",
            "BRIDGE_BAAS_SECRET",
            "BRIDGE_COLLECTIONS_KEY_ID",
            "BRIDGE_COLLECTIONS_SECRET",
        ],
    ];
    for ((api, result), names) in cases.into_iter().zip(expected) {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config, "{api}: {error}");
        for name in names {
            assert!(error.to_string().contains(name), "{api}: {error}");
        }
    }
}
