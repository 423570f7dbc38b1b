//! T13: revocation (Obi only) and shutdown.

use std::time::Duration;

use sdk_auth::{AuthError, AuthOptions, BridgeConfig, BridgeCredentials, ObiConfig, OrigoIdConfig};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn obi_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "obi-token", "jti": "jti-1", "expiresAt": "2026-05-19T16:03:39.701484Z", "ttlSeconds": 86400
        })))
        .mount(&server)
        .await;
    server
}

fn revoke_mock(body: serde_json::Value) -> Mock {
    Mock::given(method("POST"))
        .and(path("/v1/auth/revoke"))
        .and(header("authorization", "Bearer obi-token"))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200))
}

fn obi(server: &MockServer) -> sdk_auth::Auth {
    ObiConfig::new("pgw_k".into(), "s".into())
        .base_url(server.uri())
        .build()
        .unwrap()
}

async fn mints(server: &MockServer) -> usize {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .filter(|r| r.url.path() == "/v1/auth/token")
        .count()
}

#[tokio::test]
async fn revoke_by_jti_then_remint() {
    let server = obi_server().await;
    revoke_mock(json!({"jti": "jti-1"}))
        .expect(1)
        .mount(&server)
        .await;
    let auth = obi(&server);
    auth.revoke().await.unwrap(); // nothing cached: nothing to do
    auth.token().await.unwrap();
    auth.revoke().await.unwrap();
    assert_eq!(mints(&server).await, 1);
    assert_eq!(
        auth.token().await.unwrap().generation(),
        2,
        "the cache was emptied"
    );
    assert_eq!(mints(&server).await, 2);
}

#[tokio::test]
async fn revoke_all_empties_the_cache() {
    let server = obi_server().await;
    revoke_mock(json!({"all": true}))
        .expect(1)
        .mount(&server)
        .await;
    let auth = obi(&server);
    auth.revoke_all().await.unwrap(); // mints a bearer to authenticate the revoke
    assert_eq!(mints(&server).await, 1);
    auth.token().await.unwrap();
    assert_eq!(mints(&server).await, 2);
}

#[tokio::test]
async fn shutdown_revokes_once_within_its_timeout() {
    let server = obi_server().await;
    revoke_mock(json!({"jti": "jti-1"}))
        .expect(1)
        .mount(&server)
        .await;
    let auth = obi(&server);
    auth.token().await.unwrap();
    auth.shutdown(Duration::from_secs(5)).await.unwrap();
    auth.shutdown(Duration::from_secs(5)).await.unwrap(); // nothing left to revoke
}

#[tokio::test]
async fn shutdown_gives_up_at_its_timeout() {
    let server = obi_server().await;
    Mock::given(path("/v1/auth/revoke"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let auth = obi(&server);
    auth.token().await.unwrap();
    let start = std::time::Instant::now();
    assert_eq!(
        auth.shutdown(Duration::from_millis(200)).await,
        Err(AuthError::Timeout)
    );
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn revoke_failure_is_typed_and_keeps_the_token() {
    let server = obi_server().await;
    Mock::given(path("/v1/auth/revoke"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let auth = obi(&server);
    auth.token().await.unwrap();
    assert_eq!(
        auth.revoke().await,
        Err(AuthError::Transient("HTTP 503".into()))
    );
    assert_eq!(auth.token().await.unwrap().generation(), 1);
}

#[tokio::test]
async fn origoid_and_bridge_have_no_revocation() {
    let origoid = OrigoIdConfig::api_key("k".into()).build().unwrap();
    let bridge = BridgeConfig::new()
        .baas(BridgeCredentials::new("k", "s".into()))
        .options(AuthOptions::default())
        .build()
        .unwrap();
    for auth in [origoid, bridge] {
        assert_eq!(
            auth.revoke().await,
            Err(AuthError::Unsupported("token revocation"))
        );
        assert_eq!(
            auth.revoke_all().await,
            Err(AuthError::Unsupported("token revocation"))
        );
        assert_eq!(auth.shutdown(Duration::from_millis(10)).await, Ok(()));
    }
}
