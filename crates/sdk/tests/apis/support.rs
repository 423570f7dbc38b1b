//! Shared by the loopback tests of the error model and retries: one wiremock server playing
//! the token endpoints of all three APIs, a ready client of each pointed at it, one
//! representative call per API (faults wiremock cannot make: `sdk_testkit::raw`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sdk::bridge::{self, BridgeCredentials, baas};
use sdk::obi::{self, ObiConfig};
use sdk::origoid::{self, OrigoIdConfig};
use sdk::{AuthOptions, Jitter, ManualClock, RetryPolicy};
use sdk_testkit::spec_examples::Spec;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const WALLET_ID: &str = "a1b2c3d4-0000-0000-0000-000000000000";
pub const OBI_PATH: &str = "/v1/customer/me";
pub const BRIDGE_PATH: &str = "/api/v1/wms/wallets/a1b2c3d4-0000-0000-0000-000000000000";
pub const ORIGOID_PATH: &str = "/mex/renapo/v1/curp-validations";

/// The three token paths, by API name.
pub const TOKEN_PATHS: [(&str, &str); 3] = [
    ("obi", "/v1/auth/token"),
    ("bridge", "/api/generate-token"),
    ("origoid", "/auth/token"),
];

/// Options for deterministic tests: a manual clock (backoff and `Retry-After` cost no real
/// time and are measured in manual time), no jitter anywhere.
pub fn manual(clock: &ManualClock) -> AuthOptions {
    AuthOptions::default()
        .clock(clock.clone())
        .jitter(Jitter::None)
        .retries(1, Duration::from_millis(1))
        .retry(RetryPolicy::default().full_jitter(false))
}

/// A ready client of each API, all pointed at one server.
pub struct Apis {
    pub obi: obi::Client,
    pub origoid: origoid::Client,
    pub baas: baas::Client,
}

impl Apis {
    pub fn new(uri: &str, options: AuthOptions) -> Self {
        Self {
            obi: obi::client_at(
                uri,
                ObiConfig::new("pgw_key".into(), "secret".into()).options(options.clone()),
            )
            .unwrap(),
            origoid: origoid::client_at(
                uri,
                OrigoIdConfig::api_key("key".into()).options(options.clone()),
            )
            .unwrap(),
            baas: bridge::baas_client(
                BridgeCredentials::new("key-id", "secret".into()).base_url(format!("{uri}/api")),
                options,
            )
            .unwrap(),
        }
    }

    /// The representative call of `api`: an idempotent one (GET, or OrigoID's lookup).
    pub async fn call(&self, api: &str) -> Result<(), sdk::Error> {
        match api {
            "obi" => self.obi.get_customer().send().await.map(drop)?,
            "bridge" => self
                .baas
                .get_wallet()
                .wallet_id(WALLET_ID)
                .send()
                .await
                .map(drop)?,
            "origoid" => {
                let request: origoid::types::CurpValidationRequest =
                    serde_json::from_value(json!({"curp": "TEST900101HDFRRN09"})).unwrap();
                origoid::outcome(self.origoid.validate_curp().body(request).send().await)
                    .map(drop)?
            }
            other => panic!("no API {other}"),
        }
        Ok(())
    }
}

impl Apis {
    /// Bridge's `create_loan` with the documented request: a POST no idempotency key makes
    /// safe to repeat.
    pub async fn create_loan(&self) -> Result<(), sdk::Error> {
        let request: baas::types::CreateLoanRequest =
            serde_json::from_value(bridge_request("create_loan")).unwrap();
        self.baas.create_loan().body(request).send().await?;
        Ok(())
    }
}

/// The API path and a successful body of the representative call of `api`.
pub fn success(api: &str) -> (&'static str, Value) {
    match api {
        "obi" => (OBI_PATH, json!({"accountId": "a-1"})),
        "bridge" => (
            BRIDGE_PATH,
            json!({"id": WALLET_ID, "currency": "TZS", "status": "ACTIVE"}),
        ),
        "origoid" => (
            ORIGOID_PATH,
            Spec::load("origoid").response_example("validate_curp", "200", "success"),
        ),
        other => panic!("no API {other}"),
    }
}

/// A token answer of `api` (a valid one-hour token unless `body` says otherwise).
pub fn token_body(api: &str, token: &str) -> Value {
    match api {
        "obi" => json!({"token": token, "jti": format!("jti-{token}"), "ttlSeconds": 3600}),
        "bridge" => json!({"token": token, "expiresAt": null}),
        "origoid" => json!({
            "status": "OK", "type": "SUCCESS", "message": "Token issued",
            "data": {"access_token": token, "expires_in": 3600},
            "transactionId": "550e8400-e29b-41d4-a716-446655440000", "billable": false
        }),
        other => panic!("no API {other}"),
    }
}

/// Answers every mint of `api` with a fresh token `tok-<n>` and counts them.
pub struct Minting {
    api: &'static str,
    pub count: Arc<AtomicUsize>,
}

impl Respond for Minting {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(token_body(self.api, &format!("tok-{n}")))
    }
}

/// Mounts counting token endpoints of all three APIs at a low priority (test mocks win);
/// returns the mint counters by API name.
pub async fn mount_tokens(server: &MockServer) -> Vec<(&'static str, Arc<AtomicUsize>)> {
    let mut counters = Vec::new();
    for (api, token_path) in TOKEN_PATHS {
        let count = Arc::new(AtomicUsize::new(0));
        Mock::given(method("POST"))
            .and(path(token_path))
            .respond_with(Minting {
                api,
                count: count.clone(),
            })
            .with_priority(10)
            .mount(server)
            .await;
        counters.push((api, count));
    }
    counters
}

/// Requests the server received on `path`.
pub async fn received(server: &MockServer, on: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|request| request.url.path() == on)
        .count()
}

/// A file under this crate's `tests/fixtures/`.
pub fn fixture(relative: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// The request example of a Bridge operation, from `tests/fixtures/bridge/<id>.json`.
pub fn bridge_request(id: &str) -> Value {
    let text =
        std::fs::read_to_string(crate::support::fixture(&format!("bridge/{id}.json"))).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["request"].clone()
}
