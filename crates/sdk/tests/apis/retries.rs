//! Business-call retries on loopback, for every API: what is retried (429 with `Retry-After`
//! in seconds and as an HTTP-date, 503, a connection reset, OrigoID's HTTP-200
//! `SERVICE_UNAVAILABLE`), what is not (a POST answered 500), and the retry budget under a
//! total outage. Time is a manual clock: backoff and `Retry-After` cost no real time and are
//! measured in manual time.

use std::time::Duration;

use crate::support::{Apis, manual, mount_tokens, received, success};
use sdk::{Clock, ErrorKind, ManualClock};
use sdk_testkit::raw::{self, Action};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const APIS: [&str; 3] = ["obi", "bridge", "origoid"];

/// Serves `first` once on `api`'s call path, then its success.
async fn first_then_success(server: &MockServer, api: &str, first: ResponseTemplate) {
    let (call_path, body) = success(api);
    Mock::given(path(call_path))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(path(call_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test]
async fn transient_answers_are_retried_for_every_api() {
    for api in APIS {
        let clock = ManualClock::new();
        // The HTTP-date is read against the clock when the answer arrives, so it is made then.
        let in_4_s =
            |clock: &ManualClock| httpdate::fmt_http_date(clock.wall() + Duration::from_secs(4));
        type Make = fn(&ManualClock, &dyn Fn(&ManualClock) -> String) -> ResponseTemplate;
        let cases: [(&str, Make, Duration); 4] = [
            (
                "429, Retry-After in seconds",
                |_, _| ResponseTemplate::new(429).insert_header("retry-after", "3"),
                Duration::from_secs(3),
            ),
            (
                "429, Retry-After as an HTTP-date",
                |clock, date| {
                    ResponseTemplate::new(429).insert_header("retry-after", date(clock).as_str())
                },
                Duration::from_secs(4),
            ),
            ("503", |_, _| ResponseTemplate::new(503), Duration::ZERO),
            ("502", |_, _| ResponseTemplate::new(502), Duration::ZERO),
        ];
        for (case, make, waited_at_least) in cases {
            let server = MockServer::start().await;
            mount_tokens(&server).await;
            first_then_success(&server, api, make(&clock, &in_4_s)).await;
            let started = clock.elapsed();
            let apis = Apis::new(&server.uri(), manual(&clock));
            apis.call(api)
                .await
                .unwrap_or_else(|e| panic!("{api} {case}: {e}"));
            assert_eq!(received(&server, success(api).0).await, 2, "{api} {case}");
            let waited = clock.elapsed() - started;
            assert!(waited >= waited_at_least, "{api} {case}: waited {waited:?}");
            assert!(
                waited <= waited_at_least + Duration::from_secs(1),
                "{api} {case}: waited {waited:?}"
            );
        }
    }
}

#[tokio::test]
async fn origoid_service_unavailable_on_http_200_is_retried() {
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    let spec = sdk_testkit::spec_examples::Spec::load("origoid");
    let unavailable = spec.response_example("validate_curp", "200", "serviceUnavailable");
    first_then_success(
        &server,
        "origoid",
        ResponseTemplate::new(200).set_body_json(unavailable),
    )
    .await;
    let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
    apis.call("origoid").await.unwrap();
    assert_eq!(received(&server, crate::support::ORIGOID_PATH).await, 2);
}

#[tokio::test]
async fn a_connection_reset_is_retried_for_an_idempotent_call() {
    for api in APIS {
        let (call_path, body) = success(api);
        let body = body.to_string();
        let server = raw::start(move |path, n| {
            if let Some((name, _)) = crate::support::TOKEN_PATHS.iter().find(|(_, p)| *p == path) {
                return Action::Json(200, crate::support::token_body(name, "tok").to_string());
            }
            if path == call_path && n == 0 {
                Action::Reset
            } else {
                Action::Json(200, body.clone())
            }
        })
        .await;
        let apis = Apis::new(&server.url, manual(&ManualClock::new()));
        apis.call(api)
            .await
            .unwrap_or_else(|e| panic!("{api}: {e}"));
        let seen = server.seen.lock().unwrap().clone();
        assert_eq!(
            seen.iter().filter(|p| **p == call_path).count(),
            2,
            "{api}: {seen:?}"
        );
    }
}

#[tokio::test]
async fn a_post_answered_500_is_not_retried() {
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/v1/lms/loans"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"statusCode": 500, "message": "boom"})),
        )
        .mount(&server)
        .await;
    let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
    let error = apis.create_loan().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unavailable);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        received(&server, "/api/v1/lms/loans").await,
        1,
        "a POST is never repeated"
    );
}

#[tokio::test]
async fn a_total_outage_costs_at_most_a_fifth_more_requests() {
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    Mock::given(path(crate::support::OBI_PATH))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
    const CALLS: usize = 300;
    for _ in 0..CALLS {
        let error = apis.call("obi").await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Unavailable);
    }
    let attempts = received(&server, crate::support::OBI_PATH).await;
    println!("{CALLS} calls, {attempts} attempts under a total outage");
    assert!(
        attempts * 10 <= CALLS * 12,
        "{attempts} attempts for {CALLS} calls"
    );
}
