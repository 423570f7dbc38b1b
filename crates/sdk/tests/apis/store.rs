//! The shared token store through the facade: configured from the environment like every
//! other setting, against a real `redis-server` on a random loopback port.

use std::sync::atomic::Ordering;

use sdk::AuthOptions;
use sdk_testkit::redis_server::RedisServer;
use wiremock::MockServer;

use crate::support::mount_tokens;

/// Base64 of 32 bytes (0, 1, …, 31).
const STORE_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facade_reads_the_store_from_the_environment() {
    let redis = RedisServer::start();
    let server = MockServer::start().await;
    let mints = mount_tokens(&server).await;
    let vars = [
        ("OBI_URL", server.uri()),
        ("OBI_API_KEY", "pgw_store_test".to_owned()),
        ("OBI_API_SECRET", "obi-secret".to_owned()),
        ("SDK_TOKEN_STORE_URL", redis.url()),
        ("SDK_TOKEN_STORE_KEY", STORE_KEY.to_owned()),
    ];
    let env = |vars: &[(&'static str, String)]| {
        let vars = vars.to_vec();
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        }
    };
    let token = |client: sdk::obi::Client| async move {
        let auth = sdk::obi::auth(&client).clone();
        auth.token().await.unwrap().shared_generation()
    };
    let first = sdk::obi::from_env_with(env(&vars), AuthOptions::default()).unwrap();
    let second = sdk::obi::from_env_with(env(&vars), AuthOptions::default()).unwrap();
    assert_eq!(token(first).await, Some(1));
    assert_eq!(token(second).await, Some(1));
    let obi_mints = mints.iter().find(|(api, _)| *api == "obi").unwrap();
    assert_eq!(
        obi_mints.1.load(Ordering::SeqCst),
        1,
        "two clients, one token"
    );

    let mut bad = vars.to_vec();
    bad[4].1 = "CANARY-not-a-key".into();
    let error = sdk::obi::from_env_with(env(&bad), AuthOptions::default()).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("SDK_TOKEN_STORE_KEY") && !text.contains("CANARY"),
        "{text}"
    );
}
