//! T11: secrets never show up in logs (TRACE, including reqwest's), `Debug`, `Display` or
//! errors; auth headers are marked sensitive.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sdk_auth::{
    AuthError, AuthOptions, BridgeConfig, BridgeCredentials, BridgeMinter, BridgeService,
    LifetimeSource, ManualClock, MintedToken, Minter, ObiConfig, ObiMinter, OrigoIdConfig,
    OrigoIdCredentials, OrigoIdMinter, SecretString,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use sdk_testkit::logs::Capture;

use crate::common::options;

const BRIDGE_SECRET: &str = "CANARY-bridge-secret-d41d8c";
const ORIGO_KEY: &str = "CANARY-origoid-key-8f00b2";
const ORIGO_PASSWORD: &str = "CANARY-origoid-password-04e9";
const OBI_SECRET: &str = "CANARY-obi-secret-800998";
const TOKEN_PREFIX: &str = "CANARY-token";
const ALL: [&str; 5] = [
    BRIDGE_SECRET,
    ORIGO_KEY,
    ORIGO_PASSWORD,
    OBI_SECRET,
    TOKEN_PREFIX,
];

/// Issues `CANARY-token-<n>`; the API side accepts only tokens after the first.
struct Tokens(Arc<AtomicUsize>);

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(json!({
            "token": format!("{TOKEN_PREFIX}-{n}"), "jti": format!("jti-{n}"), "expiresAt": null, "ttlSeconds": 3600
        }))
    }
}

struct Api;

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let auth = request
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned());
        match auth.as_deref() {
            Some(a) if a.starts_with("Bearer CANARY-token-") && !a.ends_with("-1") => {
                ResponseTemplate::new(200)
            }
            _ => ResponseTemplate::new(401),
        }
    }
}

async fn server(token_path: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(token_path))
        .respond_with(Tokens(Arc::default()))
        .mount(&server)
        .await;
    Mock::given(path("/v1/auth/revoke"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/x"))
        .respond_with(Api)
        .mount(&server)
        .await;
    Mock::given(path("/v1/x"))
        .respond_with(Api)
        .mount(&server)
        .await;
    server
}

fn assert_clean(what: &str, text: &str) {
    for canary in ALL {
        assert!(!text.contains(canary), "{what} leaks {canary}:\n{text}");
    }
}

#[tokio::test]
async fn secrets_never_leak() {
    let _ = tracing_log::LogTracer::init();
    let capture = Capture::start();
    let clock = ManualClock::new();
    let client = reqwest::Client::new();
    let mut shown: Vec<String> = Vec::new();

    // Bridge: mint, 401, re-mint, replay.
    let bridge_server = server("/api/generate-token").await;
    let bridge = BridgeConfig::new()
        .baas(
            BridgeCredentials::new("key-1", SecretString::from(BRIDGE_SECRET))
                .base_url(format!("{}/api", bridge_server.uri())),
        )
        .options(options(&clock))
        .build()
        .unwrap();
    let request = client
        .post(format!("{}/api/v1/x", bridge_server.uri()))
        .body("{}")
        .build()
        .unwrap();
    let response = bridge.execute(&client, request).await.unwrap();
    assert_eq!(response.status(), 200);
    let token = bridge.token().await.unwrap();
    assert!(token.expose_secret().starts_with(TOKEN_PREFIX));
    shown.push(format!("{token:?} {bridge:?}"));

    // Obi: mint, revoke, revoke all, shutdown.
    let obi_server = server("/v1/auth/token").await;
    let obi_config = ObiConfig::new("pgw_canary".into(), SecretString::from(OBI_SECRET))
        .base_url(obi_server.uri())
        .options(options(&clock));
    shown.push(format!("{obi_config:?}"));
    let obi = obi_config.clone().build().unwrap();
    obi.token().await.unwrap();
    obi.revoke().await.unwrap();
    obi.revoke_all().await.unwrap();
    obi.token().await.unwrap();
    shown.push(format!(
        "{obi:?} {:?}",
        ObiMinter::new(&obi_config).unwrap()
    ));

    // OrigoID: a rejected key and a rejected password; errors shown every way.
    let origo_server = MockServer::start().await;
    Mock::given(path("/auth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "status": "ERROR", "type": "UNAUTHORIZED", "message": format!("Invalid credentials {ORIGO_KEY}"), "data": null,
            "transactionId": "t", "processedAt": "2026-03-15T12:35:00-06:00", "billable": false
        })))
        .mount(&origo_server)
        .await;
    for config in [
        OrigoIdConfig::api_key(SecretString::from(ORIGO_KEY)),
        OrigoIdConfig::basic("user", SecretString::from(ORIGO_PASSWORD)),
    ] {
        let config = config.base_url(origo_server.uri()).options(options(&clock));
        shown.push(format!("{config:?}"));
        let auth = config.clone().build().unwrap();
        let error = auth.token().await.unwrap_err();
        assert_eq!(error, AuthError::InvalidCredentials);
        shown.push(format!(
            "{error} {error:?} {auth:?} {:?}",
            OrigoIdMinter::new(&config).unwrap()
        ));
    }
    shown.push(format!(
        "{:?}",
        OrigoIdCredentials::ApiKey(SecretString::from(ORIGO_KEY))
    ));
    shown.push(format!(
        "{:?}",
        OrigoIdCredentials::Basic {
            username: "u".into(),
            password: SecretString::from(ORIGO_PASSWORD)
        }
    ));

    // A malformed answer whose serde error would quote a canary.
    let bad = MockServer::start().await;
    Mock::given(path("/api/generate-token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(format!(r#"{{"token":["{TOKEN_PREFIX}-in-body"]}}"#)),
        )
        .mount(&bad)
        .await;
    let credentials = BridgeCredentials::new("key-2", SecretString::from(BRIDGE_SECRET))
        .base_url(format!("{}/api", bad.uri()));
    shown.push(format!("{credentials:?}"));
    let minter = BridgeMinter::new(
        BridgeService::Collections,
        &credentials,
        &AuthOptions::default(),
    )
    .unwrap();
    let error = minter.mint().await.unwrap_err();
    assert!(matches!(error, AuthError::Protocol(_)));
    shown.push(format!("{error} {error:?} {minter:?} {:?}", minter.info()));

    // Every other public type.
    let minted = MintedToken::new(
        SecretString::from(format!("{TOKEN_PREFIX}-minted")),
        std::time::Duration::from_secs(1),
    )
    .with_jti("j".into());
    shown.push(format!(
        "{minted:?} {:?} {:?}",
        SecretString::from(BRIDGE_SECRET),
        LifetimeSource::Default
    ));
    shown.push(format!("{:?} {:?}", AuthOptions::default(), clock));
    for error in [
        AuthError::AccountBlocked,
        AuthError::RateLimited { retry_after: None },
        AuthError::Timeout,
        AuthError::RejectedAfterReplay,
        AuthError::Unsupported("token revocation"),
        AuthError::Transient("HTTP 503".into()),
        AuthError::Config("c".into()),
    ] {
        shown.push(format!("{error} {error:?}"));
    }

    let logs = capture.text();
    assert!(
        logs.contains("token minted") && logs.contains("replaying once"),
        "logs were captured:\n{logs}"
    );
    assert_clean("logs", &logs);
    for text in &shown {
        assert_clean("Debug/Display", text);
    }
}
