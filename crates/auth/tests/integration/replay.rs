//! 401 replay against a real loopback server.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::StatusCode;
use sdk_auth::{
    Auth, AuthError, BridgeConfig, BridgeCredentials, ManualClock, NoReplay, SecretString,
};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use sdk_testkit::logs::Capture;

use crate::common::{GatedMinter, HOUR, options};

/// Accepts `Bearer tok-<n>` for `n >= accept_from`, echoing the body; 401 otherwise.
struct Api {
    accept_from: Arc<AtomicUsize>,
}

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let generation = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer tok-"))
            .and_then(|n| n.parse::<usize>().ok());
        match generation {
            Some(n) if n >= self.accept_from.load(Ordering::SeqCst) => {
                ResponseTemplate::new(200).set_body_bytes(request.body.clone())
            }
            // Slow enough that every request of a storm is sent before the first 401 lands.
            _ => ResponseTemplate::new(401).set_delay(std::time::Duration::from_millis(100)),
        }
    }
}

pub async fn api_server(accept_from: usize) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let accept = Arc::new(AtomicUsize::new(accept_from));
    Mock::given(any())
        .respond_with(Api {
            accept_from: accept.clone(),
        })
        .mount(&server)
        .await;
    (server, accept)
}

async fn setup(accept_from: usize) -> (MockServer, Auth, GatedMinter, reqwest::Client) {
    let (server, _) = api_server(accept_from).await;
    let clock = ManualClock::new();
    let minter = GatedMinter::new(HOUR, true);
    let auth = Auth::from_minter(minter.clone(), options(&clock));
    (server, auth, minter, reqwest::Client::new())
}

/// A POST to `url` once `auth` holds a token (so the first attempts all carry the same one).
pub async fn authorized(
    auth: &Auth,
    client: &reqwest::Client,
    url: &str,
    body: Vec<u8>,
) -> reqwest::Request {
    auth.token().await.unwrap();
    client.post(url).body(body).build().unwrap()
}

/// T4: K = 100 concurrent requests all rejected for generation 1 → one mint, 2K calls,
/// replayed bodies byte-identical.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn storm_of_401s_mints_once_and_replays_each_request_once() {
    let (server, auth, minter, client) = setup(2).await;
    let url = format!("{}/v1/things", server.uri());
    let mut requests = Vec::new();
    for i in 0..100 {
        // Binary bodies of varying size, to catch any corruption on replay.
        let body: Vec<u8> = (0..(i * 37 % 900 + 1)).map(|b| (b * 7 + i) as u8).collect();
        requests.push((body.clone(), authorized(&auth, &client, &url, body).await));
    }
    assert_eq!(minter.calls(), 1);
    let handles: Vec<_> = requests
        .into_iter()
        .map(|(body, request)| {
            let (auth, client) = (auth.clone(), client.clone());
            tokio::spawn(async move {
                let response = auth.execute(&client, request).await.unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                assert_eq!(response.bytes().await.unwrap().as_ref(), body.as_slice());
            })
        })
        .collect();
    for handle in handles {
        handle.await.unwrap();
    }
    assert_eq!(minter.calls(), 2, "one re-mint for the whole storm");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 200);
    let mut by_body: HashMap<Vec<u8>, Vec<String>> = HashMap::new();
    for request in &received {
        let auth = request
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        by_body.entry(request.body.clone()).or_default().push(auth);
    }
    assert_eq!(by_body.len(), 100);
    for auths in by_body.values() {
        let mut auths = auths.clone();
        auths.sort();
        assert_eq!(
            auths,
            ["Bearer tok-1", "Bearer tok-2"],
            "each body sent once per token"
        );
    }
}

/// T5: a 401 with the fresh token ends the call: no third attempt, labelled as refused
/// after a replay.
#[tokio::test]
async fn second_401_is_returned_without_a_loop() {
    let (server, auth, minter, client) = setup(usize::MAX).await;
    let url = format!("{}/v1/things", server.uri());
    let request = authorized(&auth, &client, &url, b"payload".to_vec()).await;
    let error = auth.execute(&client, request).await.unwrap_err();
    assert_eq!(
        AuthError::find(&error),
        Some(&AuthError::RejectedAfterReplay)
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert_eq!(minter.calls(), 2);
}

/// Concurrent calls whose replays are all refused with the same fresh token count as one
/// rejection: the re-mint pause is the first step (1 s), not one step per call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_refused_replays_counts_once() {
    let (server, auth, minter, client) = setup(usize::MAX).await;
    let url = format!("{}/v1/things", server.uri());
    let mut handles = Vec::new();
    for i in 0..7u8 {
        let request = authorized(&auth, &client, &url, vec![i]).await;
        let (auth, client) = (auth.clone(), client.clone());
        handles.push(tokio::spawn(async move {
            let error = auth.execute(&client, request).await.unwrap_err();
            AuthError::find(&error).cloned()
        }));
    }
    for handle in handles {
        assert_eq!(handle.await.unwrap(), Some(AuthError::RejectedAfterReplay));
    }
    assert_eq!(minter.calls(), 2, "one re-mint for the burst");
    match auth.health() {
        sdk_auth::Health::Rejected {
            consecutive,
            replay_in,
        } => {
            assert_eq!(consecutive, 1, "the burst counts once");
            assert!(
                replay_in <= std::time::Duration::from_secs(1),
                "{replay_in:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// T6: a streaming body cannot be replayed: the 401 ends the call, labelled "not replayed"
/// with the reason, and an event says so.
#[tokio::test]
async fn streaming_body_is_not_replayed() {
    let capture = Capture::start();
    let (server, auth, minter, client) = setup(2).await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(b"chunk-1".to_vec()), Ok(b"chunk-2".to_vec())];
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let request = client
        .post(format!("{}/upload", server.uri()))
        .body(body)
        .build()
        .unwrap();
    auth.token().await.unwrap();
    let error = auth.execute(&client, request).await.unwrap_err();
    assert_eq!(
        AuthError::find(&error),
        Some(&AuthError::NotReplayed {
            reason: NoReplay::StreamingBody
        })
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(
        minter.calls(),
        1,
        "no re-mint for a request that cannot be replayed"
    );
    assert!(
        capture.text().contains("cannot be sent twice"),
        "{}",
        capture.text()
    );
}

/// A 403 (e.g. Obi account-blocked) is not a refresh trigger.
#[tokio::test]
async fn forbidden_is_not_a_refresh_trigger() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(403))
        .mount(&server)
        .await;
    let minter = GatedMinter::new(HOUR, true);
    let auth = Auth::from_minter(minter.clone(), options(&ManualClock::new()));
    let client = reqwest::Client::new();
    let request = authorized(
        &auth,
        &client,
        &format!("{}/v1/quote", server.uri()),
        b"{}".to_vec(),
    )
    .await;
    let response = auth.execute(&client, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(minter.calls(), 1);
}

/// If the re-mint fails, nothing is replayed and the caller gets the typed reason.
#[tokio::test]
async fn failed_remint_returns_the_typed_auth_error() {
    let (server, auth, minter, client) = setup(2).await;
    let request = authorized(
        &auth,
        &client,
        &format!("{}/x", server.uri()),
        b"a".to_vec(),
    )
    .await;
    minter.set_failure(Some(AuthError::InvalidCredentials));
    let error = auth.execute(&client, request).await.unwrap_err();
    assert_eq!(
        AuthError::find(&error),
        Some(&AuthError::InvalidCredentials)
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(minter.calls(), 2);
}

/// Bridge: one `Auth` for both services; each origin gets its own service's token, and a
/// foreign origin gets none.
#[tokio::test]
async fn bridge_services_never_share_tokens() {
    let mut servers = Vec::new();
    for name in ["baas", "gateway"] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/generate-token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "token": format!("{name}-token"), "expiresAt": null,
                "businessId": "b", "environment": "sandbox", "scopes": []
            })))
            .expect(1)
            .mount(&server)
            .await;
        servers.push(server);
    }
    let auth = BridgeConfig::new()
        .baas(
            BridgeCredentials::new("baas-key", SecretString::from("s1"))
                .base_url(format!("{}/api", servers[0].uri())),
        )
        .collections(
            BridgeCredentials::new("gw-key", SecretString::from("s2"))
                .base_url(format!("{}/api", servers[1].uri())),
        )
        .options(options(&ManualClock::new()))
        .build()
        .unwrap();
    let client = reqwest::Client::new();
    for (server, name) in servers.iter().zip(["baas", "gateway"]) {
        let url = reqwest::Url::parse(&format!("{}/api/v1/x", server.uri())).unwrap();
        for _ in 0..2 {
            let token = auth.token_for(&url).await.unwrap();
            assert_eq!(token.expose_secret(), format!("{name}-token"));
        }
        Mock::given(method("GET"))
            .and(path("/api/v1/x"))
            .and(header(
                "authorization",
                format!("Bearer {name}-token").as_str(),
            ))
            .respond_with(ResponseTemplate::new(200))
            .expect(1)
            .mount(server)
            .await;
        let response = auth
            .execute(&client, client.get(url).build().unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let foreign = client.get("http://127.0.0.1:9/api/v1/x").build().unwrap();
    let error = auth.execute(&client, foreign).await.unwrap_err();
    assert!(
        matches!(AuthError::find(&error), Some(AuthError::Config(_))),
        "{error:?}"
    );
    assert_eq!(auth.token().await.unwrap().expose_secret(), "baas-token");
}
