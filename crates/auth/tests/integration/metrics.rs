//! Metrics (feature `metrics`) recorded by real calls against loopback servers, read back from
//! an in-memory recorder: call durations by status class, the call loop's decisions, the
//! retry budget, token age at use, mints by source and outcome, and the shared store's
//! operations and fallbacks. Every test also checks that no label holds a secret, token, key
//! id, host or path. Each test records on its own thread (current-thread runtimes).

use std::time::Duration;

use reqwest::Method;
use sdk_auth::{Auth, AuthOptions, Jitter, ManualClock, ObiConfig, Operation, RetryPolicy};
use sdk_testkit::recorder::{self, Metrics};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CALLS: &str = "sdk_call_duration_seconds";
const DECISIONS: &str = "sdk_call_decisions_total";
const BUDGET: &str = "sdk_retry_budget_ratio";
const AGE: &str = "sdk_token_age_ratio";
const MINTS: &str = "sdk_token_mints_total";
const MINT_DURATION: &str = "sdk_token_mint_duration_seconds";

/// Credentials and tokens in snake case, so that only the checks for secrets (not the
/// snake-case rule) can catch them in a label.
const KEY: &str = "pgw_canary_key";
const SECRET: &str = "canary_secret";
const TOKEN: &str = "canary_token_value";

/// An Obi `Auth` against `server` on a manual clock (backoff costs no real time).
fn obi(server: &MockServer, clock: &ManualClock) -> Auth {
    let options = AuthOptions::default()
        .clock(clock.clone())
        .jitter(Jitter::None)
        .retries(1, Duration::from_millis(1))
        .retry(RetryPolicy::default().full_jitter(false));
    ObiConfig::new(KEY.into(), SECRET.into())
        .base_url(server.uri())
        .options(options)
        .build()
        .unwrap()
}

/// Obi's token endpoint answering `answer`.
async fn token_endpoint(server: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/auth/token"))
        .respond_with(answer)
        .mount(server)
        .await;
}

fn token_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"token": TOKEN, "ttlSeconds": 3600}))
}

/// `status` on `route`, `times` times (then the next mock).
async fn answer(server: &MockServer, route: &str, status: u16, times: Option<u64>) {
    let mock = Mock::given(path(route)).respond_with(ResponseTemplate::new(status));
    match times {
        Some(n) => mock.up_to_n_times(n).with_priority(1),
        None => mock.with_priority(5),
    }
    .mount(server)
    .await;
}

/// Sends `verb route` as operation `id`; what it returns is read from the metrics.
async fn call(auth: &Auth, server: &MockServer, id: &'static str, verb: Method, route: &str) {
    let client = reqwest::Client::new();
    let request = client
        .request(verb.clone(), format!("{}{route}", server.uri()))
        .build()
        .unwrap();
    let operation = Operation::new(id, verb.as_str(), "/v1/things");
    let _ = auth.send(&client, request, &operation).await;
}

/// What no label may contain: the credentials, the token, the host and the paths.
fn secrets(server: &MockServer) -> Vec<String> {
    let address = server.address();
    [KEY, SECRET, TOKEN, "canary", "things"]
        .map(str::to_owned)
        .into_iter()
        .chain([address.to_string(), address.port().to_string()])
        .collect()
}

fn assert_safe(metrics: &Metrics, server: &MockServer) {
    let secrets = secrets(server);
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    metrics.assert_labels_are_names(&secrets);
}

#[tokio::test]
async fn calls_are_measured_by_status_class_and_decision() {
    let capture = recorder::capture();
    let server = MockServer::start().await;
    token_endpoint(&server, token_answer()).await;
    answer(&server, "/v1/ok", 200, None).await;
    answer(&server, "/v1/flaky", 503, Some(1)).await;
    answer(&server, "/v1/flaky", 200, None).await;
    answer(&server, "/v1/missing", 404, None).await;
    answer(&server, "/v1/pay", 500, None).await;
    answer(&server, "/v1/stale", 401, Some(1)).await;
    answer(&server, "/v1/stale", 200, None).await;
    let clock = ManualClock::new();
    let auth = obi(&server, &clock);

    call(&auth, &server, "get_ok", Method::GET, "/v1/ok").await;
    clock.advance(Duration::from_secs(1800));
    call(&auth, &server, "get_ok", Method::GET, "/v1/ok").await;
    let ages = capture
        .take()
        .histogram(AGE, &[("api", "obi"), ("service", "default")]);
    assert_eq!(ages.len(), 2, "{ages:?}");
    assert!(ages[0] < 0.01 && (ages[1] - 0.5).abs() < 0.01, "{ages:?}");

    call(&auth, &server, "get_flaky", Method::GET, "/v1/flaky").await;
    call(&auth, &server, "get_missing", Method::GET, "/v1/missing").await;
    call(&auth, &server, "create_payment", Method::POST, "/v1/pay").await;
    call(&auth, &server, "get_stale", Method::GET, "/v1/stale").await;
    let metrics = capture.take();
    let calls = |operation, class| {
        let labels = [
            ("api", "obi"),
            ("operation", operation),
            ("status_class", class),
        ];
        metrics.histogram(CALLS, &labels).len()
    };
    assert_eq!(calls("get_flaky", "2xx"), 1, "{metrics:#?}");
    assert_eq!(calls("get_missing", "4xx"), 1);
    assert_eq!(calls("create_payment", "5xx"), 1);
    assert_eq!(calls("get_stale", "2xx"), 1);
    let decided = |operation, decision, reason| {
        let labels = [
            ("api", "obi"),
            ("operation", operation),
            ("decision", decision),
            ("reason", reason),
        ];
        metrics.counter(DECISIONS, &labels)
    };
    assert_eq!(decided("get_flaky", "retry", "http_503"), 1);
    assert_eq!(decided("create_payment", "give_up", "not_idempotent"), 1);
    assert_eq!(decided("get_stale", "replay", "unauthorized"), 1);
    assert_eq!(
        metrics.counter(DECISIONS, &[]),
        3,
        "nothing else: {metrics:#?}"
    );
    // The 401 invalidated the first token: one more mint, locally.
    let minted = [("api", "obi"), ("source", "local"), ("outcome", "ok")];
    assert_eq!(metrics.counter(MINTS, &minted), 1);
    assert_eq!(metrics.histogram(MINT_DURATION, &minted).len(), 1);
    let budget = metrics.gauge(BUDGET, &[("api", "obi")]).unwrap();
    assert!(budget < 1.0, "a failed attempt spends budget: {budget}");
    assert_safe(&metrics, &server);
}

#[tokio::test]
async fn failed_mints_and_a_spent_budget() {
    let capture = recorder::capture();
    let server = MockServer::start().await;
    token_endpoint(&server, ResponseTemplate::new(401)).await;
    let clock = ManualClock::new();
    call(
        &obi(&server, &clock),
        &server,
        "get_ok",
        Method::GET,
        "/v1/ok",
    )
    .await;
    let metrics = capture.take();
    let refused = [
        ("api", "obi"),
        ("source", "local"),
        ("outcome", "invalid_credentials"),
    ];
    assert_eq!(metrics.counter(MINTS, &refused), 1, "{metrics:#?}");
    let no_token = [("operation", "get_ok"), ("status_class", "no_token")];
    assert_eq!(metrics.histogram(CALLS, &no_token).len(), 1);
    assert_safe(&metrics, &server);

    // A total outage of the API: the budget drains, then stops retries.
    let server = MockServer::start().await;
    token_endpoint(&server, token_answer()).await;
    answer(&server, "/v1/down", 503, None).await;
    let auth = obi(&server, &clock);
    for _ in 0..8 {
        call(&auth, &server, "get_down", Method::GET, "/v1/down").await;
    }
    let metrics = capture.take();
    let budget = metrics.gauge(BUDGET, &[("api", "obi")]).unwrap();
    assert!(budget <= 0.5, "{budget}");
    let stopped = |reason| {
        let labels = [("decision", "give_up"), ("reason", reason)];
        metrics.counter(DECISIONS, &labels)
    };
    assert!(stopped("budget_exhausted") > 0, "{metrics:#?}");
    assert!(stopped("attempts_exhausted") > 0, "{metrics:#?}");
    assert_eq!(
        metrics.histogram(CALLS, &[("status_class", "5xx")]).len(),
        8
    );
    assert_safe(&metrics, &server);
}

/// Tokens from the fleet: one process mints and shares (`fleet`), the other adopts.
#[cfg(feature = "store")]
#[tokio::test]
async fn mints_by_source_in_a_fleet() {
    use sdk_auth::store::MemoryStore;
    use sdk_auth::{SharedStore, StoreKey};

    use crate::common::{GatedMinter, HOUR};

    let capture = recorder::capture();
    let store = SharedStore::new(MemoryStore::new(), StoreKey::random().unwrap());
    let minter = GatedMinter::new(HOUR, true);
    let options = AuthOptions::default().token_store(store);
    let first = Auth::from_minter(minter.clone(), options.clone());
    let second = Auth::from_minter(minter.clone(), options);
    first.token().await.unwrap();
    second.token().await.unwrap();
    assert_eq!(minter.calls(), 1);
    let metrics = capture.take();
    for source in ["fleet", "adopted"] {
        let labels = [("api", "mock"), ("source", source), ("outcome", "ok")];
        assert_eq!(metrics.counter(MINTS, &labels), 1, "{source}: {metrics:#?}");
    }
    metrics.assert_labels_are_names(&["tok-1", "mock-key-id"]);
}

/// Redis operations by name and outcome, and the local mints when Redis is not there.
#[cfg(feature = "redis")]
#[tokio::test]
async fn store_operations_and_fallbacks() {
    use sdk_auth::{SharedStore, StoreKey};
    use sdk_testkit::redis_server::RedisServer;

    use crate::common::{GatedMinter, HOUR};

    const OPERATIONS: &str = "sdk_store_operations_total";
    const LATENCY: &str = "sdk_store_operation_duration_seconds";
    const FALLBACKS: &str = "sdk_store_fallbacks_total";
    let capture = recorder::capture();
    let replicas = |url: &str| {
        let store = SharedStore::redis(url, StoreKey::random().unwrap()).unwrap();
        let minter = GatedMinter::new(HOUR, true);
        let options = AuthOptions::default().token_store(store);
        let auth = Auth::from_minter(minter.clone(), options.clone());
        (auth, Auth::from_minter(minter.clone(), options), minter)
    };

    let redis = RedisServer::start();
    let (first, second, minter) = replicas(&redis.url());
    first.token().await.unwrap();
    second.token().await.unwrap();
    assert_eq!(minter.calls(), 1);
    let metrics = capture.take();
    for operation in [
        "get",
        "acquire_lease",
        "next_generation",
        "save",
        "release_lease",
    ] {
        let labels = [("operation", operation), ("outcome", "ok")];
        assert!(
            metrics.counter(OPERATIONS, &labels) >= 1,
            "{operation}: {metrics:#?}"
        );
        assert!(
            !metrics.histogram(LATENCY, &labels).is_empty(),
            "{operation}"
        );
    }
    let adopted = [("source", "adopted"), ("outcome", "ok")];
    assert_eq!(metrics.counter(MINTS, &adopted), 1);
    assert_eq!(metrics.counter(FALLBACKS, &[]), 0);
    let port = redis.port().to_string();
    metrics.assert_labels_are_names(&["tok-1", "mock-key-id", &port]);

    // No Redis on that port any more: every replica mints locally, counted as a fallback.
    let mut redis = redis;
    redis.stop();
    let (first, _, minter) = replicas(&redis.url());
    first.token().await.unwrap();
    assert_eq!(minter.calls(), 1);
    let metrics = capture.take();
    let labels = [
        ("api", "mock"),
        ("service", "default"),
        ("reason", "store_error"),
    ];
    assert_eq!(metrics.counter(FALLBACKS, &labels), 1, "{metrics:#?}");
    let failed = metrics.counter(OPERATIONS, &[("outcome", "error")])
        + metrics.counter(OPERATIONS, &[("outcome", "timeout")]);
    assert!(failed >= 1, "{metrics:#?}");
    let local = [("source", "local"), ("outcome", "ok")];
    assert_eq!(metrics.counter(MINTS, &local), 1);
}
