//! T10: lifetime from the best source despite clock skew; past expiries re-mint at once.

use std::time::Duration;

use base64::Engine as _;
use sdk_auth::{
    Auth, BridgeCredentials, BridgeMinter, BridgeService, Clock, LifetimeSource, ManualClock,
};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::options;

async fn bridge_auth(body: Value, date: Option<String>, clock: &ManualClock) -> (Auth, MockServer) {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(200).set_body_json(body);
    if let Some(date) = date {
        response = response.insert_header("Date", date.as_str());
    }
    Mock::given(method("POST"))
        .and(path("/api/generate-token"))
        .respond_with(response)
        .mount(&server)
        .await;
    let credentials =
        BridgeCredentials::new("k", "s".into()).base_url(format!("{}/api", server.uri()));
    let minter = BridgeMinter::new(BridgeService::Baas, &credentials, &options(clock)).unwrap();
    (Auth::from_minter(minter, options(clock)), server)
}

/// The manual clock starts at 2026-01-01T00:00:00Z.
#[tokio::test]
async fn absolute_expiry_is_measured_by_the_server_clock() {
    // Server ahead / behind by 10 min / in sync; its token lives 1 h by its own clock.
    for (date_offset, expires_at) in [
        (600i64, "2026-01-01T01:10:00Z"),
        (-600, "2026-01-01T00:50:00.000Z"),
        (0, "2026-01-01T03:00:00+02:00"),
    ] {
        let clock = ManualClock::new();
        let server_now = if date_offset >= 0 {
            clock.wall() + Duration::from_secs(date_offset as u64)
        } else {
            clock.wall() - Duration::from_secs((-date_offset) as u64)
        };
        let (auth, _server) = bridge_auth(
            json!({"token": "opaque", "expiresAt": expires_at}),
            Some(httpdate::fmt_http_date(server_now)),
            &clock,
        )
        .await;
        let token = auth.token().await.unwrap();
        assert_eq!(token.lifetime_source(), LifetimeSource::AbsoluteExpiry);
        assert_eq!(
            token.lifetime(),
            Duration::from_secs(3600),
            "offset {date_offset}"
        );
    }
}

#[tokio::test]
async fn jwt_claims_beat_absolute_expiry() {
    let clock = ManualClock::new();
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(r#"{"sub":"x","iat":1767225600,"exp":1767227400}"#);
    let jwt = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.c2ln");
    let (auth, _server) = bridge_auth(
        json!({"token": jwt, "expiresAt": "2030-01-01T00:00:00Z"}),
        None,
        &clock,
    )
    .await;
    let token = auth.token().await.unwrap();
    assert_eq!(
        (token.lifetime(), token.lifetime_source()),
        (Duration::from_secs(1800), LifetimeSource::JwtClaims)
    );
}

/// An expiry already in the past (a wrong server clock) is not believed: the documented
/// default applies, so callers do not mint before every call.
#[tokio::test]
async fn past_expiry_falls_back_to_the_default_lifetime() {
    let clock = ManualClock::new();
    let (auth, server) = bridge_auth(
        json!({"token": "opaque", "expiresAt": "2020-01-01T00:00:00Z"}),
        None,
        &clock,
    )
    .await;
    let first = auth.token().await.unwrap();
    assert_eq!(
        (first.lifetime(), first.lifetime_source()),
        (Duration::from_secs(3600), LifetimeSource::Default)
    );
    for _ in 0..50 {
        assert_eq!(auth.token().await.unwrap().generation(), 1);
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
