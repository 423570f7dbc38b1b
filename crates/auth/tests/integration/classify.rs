//! T9: how each API's token answers map to `AuthError`, against loopback servers.

use std::time::Duration;

use sdk_auth::{
    Auth, AuthError, AuthOptions, BridgeCredentials, BridgeMinter, BridgeService, LifetimeSource,
    ManualClock, Minter, ObiConfig, ObiMinter, OrigoIdConfig, OrigoIdMinter, SecretString,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use sdk_testkit::raw::{self, Action};

use crate::common::options;

fn rate_limited(seconds: u64) -> AuthError {
    AuthError::RateLimited {
        retry_after: Some(Duration::from_secs(seconds)),
    }
}

fn bridge(base: &str, options: &AuthOptions) -> BridgeMinter {
    let credentials = BridgeCredentials::new("key-1234", SecretString::from("bridge-secret"))
        .base_url(format!("{base}/api"));
    BridgeMinter::new(BridgeService::Baas, &credentials, options).unwrap()
}

fn origoid(base: &str, options: &AuthOptions) -> OrigoIdMinter {
    OrigoIdMinter::new(
        &OrigoIdConfig::api_key(SecretString::from("origo-key"))
            .base_url(base)
            .options(options.clone()),
    )
    .unwrap()
}

fn obi(base: &str, options: &AuthOptions) -> ObiMinter {
    ObiMinter::new(
        &ObiConfig::new("pgw_test".into(), "obi-secret".into())
            .base_url(base)
            .options(options.clone()),
    )
    .unwrap()
}

/// Mounts one answer at `route` and returns what the minter makes of it.
async fn answer(
    route: &str,
    response: ResponseTemplate,
    mint: impl AsyncFnOnce(&str) -> Result<(), AuthError>,
) -> Result<(), AuthError> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    mint(&server.uri()).await
}

fn envelope(status: &str, kind: &str, data: Value, errors: Value) -> Value {
    json!({
        "status": status, "type": kind, "message": "m", "data": data, "errors": errors,
        "transactionId": "550e8400-e29b-41d4-a716-446655440000",
        "processedAt": "2026-03-15T12:35:00-06:00", "billable": false
    })
}

#[tokio::test]
async fn bridge_matrix() {
    let opts = AuthOptions::default();
    let cases: Vec<(ResponseTemplate, AuthError)> = vec![
        (
            ResponseTemplate::new(401).set_body_json(
                json!({"error": {"code": "UNAUTHORIZED", "message": "Token expired or invalid"}}),
            ),
            AuthError::InvalidCredentials,
        ),
        (ResponseTemplate::new(403), AuthError::AccountBlocked),
        (
            ResponseTemplate::new(429).insert_header("Retry-After", "7"),
            rate_limited(7),
        ),
        (
            ResponseTemplate::new(429),
            AuthError::RateLimited { retry_after: None },
        ),
        (
            ResponseTemplate::new(500).set_body_json(json!({"statusCode": 500, "code": "22P02"})),
            AuthError::Transient("HTTP 500".into()),
        ),
        (
            ResponseTemplate::new(503),
            AuthError::Transient("HTTP 503".into()),
        ),
        (
            ResponseTemplate::new(400),
            AuthError::Protocol("HTTP 400".into()),
        ),
    ];
    for (response, expected) in cases {
        let got = answer("/api/generate-token", response, async |base| {
            bridge(base, &opts).mint().await.map(drop)
        })
        .await;
        assert_eq!(got, Err(expected));
    }
    for body in ["not json", r#"{"expiresAt": null}"#, r#"{"token": 5}"#] {
        let got = answer(
            "/api/generate-token",
            ResponseTemplate::new(200).set_body_string(body),
            async |base| bridge(base, &opts).mint().await.map(drop),
        )
        .await;
        assert!(
            matches!(got, Err(AuthError::Protocol(_))),
            "{body}: {got:?}"
        );
    }
}

/// Bridge success: exact request, `expiresAt: null` → the documented 1 h default.
#[tokio::test]
async fn bridge_success_and_null_expiry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/generate-token"))
        .and(body_json(
            json!({"keyId": "key-1234", "secret": "bridge-secret"}),
        ))
        .and(header("content-type", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "bridge-token", "expiresAt": null,
            "businessId": "2c0219b4-8c70-418d-9e9a-449e7b7643eb", "environment": "sandbox",
            "scopes": ["wallet:*", "lending:*"]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let auth = Auth::from_minter(bridge(&server.uri(), &options(&clock)), options(&clock));
    let token = auth.token().await.unwrap();
    assert_eq!(token.expose_secret(), "bridge-token");
    assert_eq!(
        (token.lifetime(), token.lifetime_source()),
        (Duration::from_secs(3600), LifetimeSource::Default)
    );
    assert_eq!(token.scopes(), ["wallet:*", "lending:*"]);
    let received = &server.received_requests().await.unwrap()[0];
    assert!(
        received.headers.get("authorization").is_none(),
        "no bearer on mint"
    );
}

#[tokio::test]
async fn bridge_expires_in_is_a_fallback_ttl() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/generate-token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"token": "t", "expiresAt": null, "expiresIn": 1800})),
        )
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let token = Auth::from_minter(bridge(&server.uri(), &options(&clock)), options(&clock))
        .token()
        .await
        .unwrap();
    assert_eq!(
        (token.lifetime(), token.lifetime_source()),
        (Duration::from_secs(1800), LifetimeSource::RelativeTtl)
    );
}

#[tokio::test]
async fn origoid_matrix() {
    let opts = AuthOptions::default();
    let transient = |kind: &str| {
        AuthError::Transient(format!(
            "OrigoID answered {kind} (transactionId 550e8400-e29b-41d4-a716-446655440000)"
        ))
    };
    let cases: Vec<(ResponseTemplate, AuthError)> = vec![
        (ResponseTemplate::new(401).set_body_json(envelope("ERROR", "UNAUTHORIZED", Value::Null, json!([]))), AuthError::InvalidCredentials),
        (ResponseTemplate::new(200).set_body_json(envelope("ERROR", "UNAUTHORIZED", Value::Null, json!([]))), AuthError::InvalidCredentials),
        (ResponseTemplate::new(200).set_body_json(envelope("ERROR", "SERVICE_UNAVAILABLE", Value::Null, json!([]))), transient("SERVICE_UNAVAILABLE")),
        (ResponseTemplate::new(200).set_body_json(envelope("ERROR", "INTERNAL_ERROR", Value::Null, json!([]))), transient("INTERNAL_ERROR")),
        (
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "30")
                .insert_header("X-RateLimit-Limit", "60")
                .insert_header("X-RateLimit-Remaining", "0")
                .insert_header("X-RateLimit-Reset", "1773599760")
                .set_body_json(envelope("ERROR", "RATE_LIMIT_EXCEEDED", Value::Null, json!([]))),
            rate_limited(30),
        ),
        (
            ResponseTemplate::new(200).set_body_json(envelope("ERROR", "INVALID_REQUEST", Value::Null, json!([{"field": "expireAfter", "code": "OUT_OF_RANGE", "message": "m"}]))),
            AuthError::Config("OrigoID rejected the token request: expireAfter OUT_OF_RANGE (transactionId 550e8400-e29b-41d4-a716-446655440000)".into()),
        ),
    ];
    for (response, expected) in cases {
        let got = answer("/auth/token", response, async |base| {
            origoid(base, &opts).mint().await.map(drop)
        })
        .await;
        assert_eq!(got, Err(expected));
    }
    for body in [
        envelope("OK", "SUCCESS", Value::Null, json!([])),
        envelope("ERROR", "SOMETHING_NEW", Value::Null, json!([])),
        json!({"data": {}}),
    ] {
        let got = answer(
            "/auth/token",
            ResponseTemplate::new(200).set_body_json(body),
            async |base| origoid(base, &opts).mint().await.map(drop),
        )
        .await;
        assert!(matches!(got, Err(AuthError::Protocol(_))), "{got:?}");
    }
}

/// OrigoID success with an API key and with Basic; `expireAfter` sent and range-checked
/// before any request.
#[tokio::test]
async fn origoid_success_and_expire_after() {
    let server = MockServer::start().await;
    let data = json!({"access_token": "origo-token", "token_type": "Bearer", "expires_in": 60, "scope": "*"});
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(header("x-api-key", "origo-key"))
        .and(body_json(json!({"expireAfter": 60})))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(
            "OK",
            "SUCCESS",
            data.clone(),
            json!([]),
        )))
        .expect(1)
        .mount(&server)
        .await;
    // Basic: base64("user:pass") = dXNlcjpwYXNz; no expireAfter → {}.
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(header("authorization", "Basic dXNlcjpwYXNz"))
        .and(body_json(json!({})))
        .respond_with(ResponseTemplate::new(200).set_body_json(envelope(
            "OK",
            "SUCCESS",
            data,
            json!([]),
        )))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let auth = OrigoIdConfig::api_key("origo-key".into())
        .base_url(server.uri())
        .expire_after(60)
        .options(options(&clock))
        .build()
        .unwrap();
    let token = auth.token().await.unwrap();
    assert_eq!(
        (
            token.expose_secret(),
            token.lifetime(),
            token.lifetime_source()
        ),
        (
            "origo-token",
            Duration::from_secs(60),
            LifetimeSource::RelativeTtl
        )
    );
    let auth = OrigoIdConfig::basic("user", "pass".into())
        .base_url(server.uri())
        .options(options(&clock))
        .build()
        .unwrap();
    auth.token().await.unwrap();
    for bad in [0, 3601] {
        let result = OrigoIdConfig::api_key("k".into())
            .base_url(server.uri())
            .expire_after(bad)
            .build();
        assert!(matches!(result, Err(AuthError::Config(_))), "{bad}");
    }
}

#[tokio::test]
async fn obi_matrix() {
    let opts = AuthOptions::default();
    let cases: Vec<(ResponseTemplate, AuthError)> = vec![
        (ResponseTemplate::new(401), AuthError::InvalidCredentials),
        (
            ResponseTemplate::new(403).set_body_json(json!({"result": "account-blocked"})),
            AuthError::AccountBlocked,
        ),
        (
            ResponseTemplate::new(429).insert_header("Retry-After", "12"),
            rate_limited(12),
        ),
        (
            ResponseTemplate::new(502),
            AuthError::Transient("HTTP 502".into()),
        ),
    ];
    for (response, expected) in cases {
        let got = answer("/v1/auth/token", response, async |base| {
            obi(base, &opts).mint().await.map(drop)
        })
        .await;
        assert_eq!(got, Err(expected));
    }
    let got = answer(
        "/v1/auth/token",
        ResponseTemplate::new(200).set_body_string("{\"token\": \"x\""),
        async |base| obi(base, &opts).mint().await.map(drop),
    )
    .await;
    assert!(matches!(got, Err(AuthError::Protocol(_))), "{got:?}");
}

#[tokio::test]
async fn obi_success() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/token"))
        .and(header("X-API-KEY", "pgw_test"))
        .and(header("X-API-SECRET", "obi-secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "obi-token", "jti": "48e86a73-9e90-4c50-a634-a6f7ab47e583",
            "expiresAt": "2026-05-19T16:03:39.701484Z", "ttlSeconds": 86400
        })))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let token = Auth::from_minter(obi(&server.uri(), &options(&clock)), options(&clock))
        .token()
        .await
        .unwrap();
    assert_eq!(token.jti(), Some("48e86a73-9e90-4c50-a634-a6f7ab47e583"));
    assert_eq!(
        (token.lifetime(), token.lifetime_source()),
        (Duration::from_secs(86400), LifetimeSource::RelativeTtl)
    );
    let received = &server.received_requests().await.unwrap()[0];
    assert!(
        received.body.is_empty(),
        "no body: the secret goes in headers only"
    );
    assert!(received.headers.get("authorization").is_none());
}

/// Transport failures, the same for every API since the plumbing is shared. Each says the
/// host and the cause, so the user knows what to fix.
#[tokio::test]
async fn transport_failures_for_every_api_name_host_and_cause() {
    let opts = AuthOptions::default().timeouts(Duration::from_secs(2), Duration::from_millis(300));
    for (action, cause) in [
        (Action::Reset, Some("reset or closed early")),
        (Action::Truncate, Some("cut short")),
        (Action::Hang, None),
    ] {
        let base = raw::always(action.clone()).await.url;
        let host = base.trim_start_matches("http://").to_owned();
        let results = [
            bridge(&base, &opts).mint().await.map(drop),
            origoid(&base, &opts).mint().await.map(drop),
            obi(&base, &opts).mint().await.map(drop),
        ];
        for result in results {
            let error = result.unwrap_err();
            match cause {
                Some(cause) => assert!(
                    matches!(&error, AuthError::Transient(m) if m.contains(&host) && m.contains(cause)),
                    "{action:?}: {error}"
                ),
                None => assert_eq!(error, AuthError::Timeout, "{action:?}"),
            }
        }
    }
    // Nothing listening: connection refused, transient, naming the address.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let error = obi(&closed, &opts).mint().await.unwrap_err();
    let host = closed.trim_start_matches("http://");
    assert!(
        matches!(&error, AuthError::Transient(m) if m.contains(host) && m.contains("connection refused")),
        "{error}"
    );
    // `https` to a server that answers in plain HTTP: the TLS handshake fails, and says so.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tls = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            use tokio::io::AsyncWriteExt as _;
            let _ = socket.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        }
    });
    let error = obi(&tls, &opts).mint().await.unwrap_err();
    assert!(
        matches!(&error, AuthError::Transient(m) if m.contains("TLS")),
        "{error}"
    );
}

/// Rejected credentials and blocked accounts are remembered: at most 2 mints a minute.
#[tokio::test]
async fn bad_credentials_are_negatively_cached() {
    for status in [401, 403] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/auth/token"))
            .respond_with(ResponseTemplate::new(status))
            .expect(2)
            .mount(&server)
            .await;
        let clock = ManualClock::new();
        let auth = Auth::from_minter(obi(&server.uri(), &options(&clock)), options(&clock));
        for _ in 0..60 {
            assert!(auth.token().await.is_err());
            clock.advance(Duration::from_secs(1));
        }
        server.verify().await;
        // The negative cache expires: recovery without a restart.
        Mock::given(method("POST"))
            .and(path("/v1/auth/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"token": "ok", "jti": "j", "ttlSeconds": 60})),
            )
            .with_priority(1)
            .mount(&server)
            .await;
        clock.advance(Duration::from_secs(30));
        assert_eq!(auth.token().await.unwrap().expose_secret(), "ok");
    }
}

/// The mint client never follows a redirect (it would carry the credential headers along).
#[tokio::test]
async fn mint_refuses_redirects() {
    let elsewhere = MockServer::start().await;
    Mock::given(header_exists("X-API-SECRET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(307).insert_header(
            "Location",
            format!("{}/v1/auth/token", elsewhere.uri()).as_str(),
        ))
        .mount(&server)
        .await;
    let result = obi(&server.uri(), &AuthOptions::default()).mint().await;
    assert!(
        matches!(result, Err(AuthError::Protocol(ref m)) if m.contains("redirect")),
        "{result:?}"
    );
}
