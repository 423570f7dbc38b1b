//! `rediss://` against a TLS-only `redis-server` with certificates made by the test: the CA
//! and the client certificate come from configuration, the server is checked, and the
//! private key never shows (fleet runs over TLS are in `sharing`).

use libtest_mimic::Trial;
use sdk_auth::SharedStore;
use sdk_testkit::logs::Capture;

use crate::deployment::*;
use crate::harness::*;

pub fn trials() -> Vec<Trial> {
    trials![
        tls_checks_the_server_and_presents_the_client_certificate,
        the_tls_private_key_stays_secret,
    ]
}

/// `env` without the variables named in `without`.
fn store_without(env: &[(String, String)], without: &[&str]) -> Option<SharedStore> {
    let lookup = |name: &str| {
        env.iter()
            .find(|(k, _)| k == name && !without.contains(&name))
            .map(|(_, v)| v.clone())
    };
    SharedStore::from_env(lookup).unwrap()
}

/// With its CA and client certificate the store shares tokens; without the client
/// certificate (the server requires one), or trusting only the system's roots, it does not
/// connect, and the fleet would mint locally.
async fn tls_checks_the_server_and_presents_the_client_certificate() {
    let tls = Deployment::tls();
    let env = tls.env();
    let server = TokenServer::start(3600).await;
    let token = server.auth(tls.store()).token().await.unwrap();
    assert_eq!(token.shared_generation(), Some(1));
    let adopted = server.auth(tls.store()).token().await.unwrap();
    assert_eq!(adopted.shared_generation(), Some(1));
    assert_eq!(server.mints(), 1);

    let cases = [
        (
            "no client certificate",
            &[
                "SDK_TOKEN_STORE_TLS_CERT_FILE",
                "SDK_TOKEN_STORE_TLS_KEY_FILE",
            ][..],
        ),
        ("system roots only", &["SDK_TOKEN_STORE_TLS_CA_FILE"][..]),
    ];
    for (case, without) in cases {
        let store = store_without(&env, without).unwrap();
        assert!(store.check().await.is_err(), "{case}: connected");
        let local = server.auth(store).token().await.unwrap();
        assert_eq!(local.shared_generation(), None, "{case}: minted locally");
    }
}

/// The client's private key is in no `Debug`, error or log line: not when it works, not
/// when the server refuses, not when the key file is not a key.
async fn the_tls_private_key_stays_secret() {
    let capture = Capture::start();
    let tls = Deployment::tls();
    let env = tls.env();
    let key_file = env
        .iter()
        .find(|(k, _)| k == "SDK_TOKEN_STORE_TLS_KEY_FILE")
        .map(|(_, v)| v.clone())
        .unwrap();
    let pem = std::fs::read_to_string(&key_file).unwrap();
    let secret_lines: Vec<&str> = pem
        .lines()
        .filter(|line| !line.starts_with("-----") && line.len() > 16)
        .collect();
    assert!(!secret_lines.is_empty());

    let server = TokenServer::start(3600).await;
    let store = tls.store();
    let auth = server.auth(store.clone());
    auth.token().await.unwrap();
    let refused = store_without(&env, &["SDK_TOKEN_STORE_TLS_CA_FILE"]).unwrap();
    let refused_error = refused.check().await.unwrap_err();
    server.auth(refused.clone()).token().await.unwrap();

    let canary_key = std::env::temp_dir().join(format!("sdk-canary-key-{}", std::process::id()));
    std::fs::write(&canary_key, "-----BEGIN PRIVATE KEY-----\nCANARY-tls-key\n").unwrap();
    let mut broken = env.clone();
    for (name, value) in &mut broken {
        if name == "SDK_TOKEN_STORE_TLS_KEY_FILE" {
            *value = canary_key.display().to_string();
        }
    }
    let lookup = |name: &str| {
        broken
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let config_error = SharedStore::from_env(lookup).unwrap_err();
    let _ = std::fs::remove_file(&canary_key);

    let shown = format!(
        "{store:?} {refused:?} {auth:?} {refused_error} {refused_error:?} {config_error} {config_error:?} {}",
        capture.text()
    );
    for line in secret_lines {
        assert!(!shown.contains(line), "a line of the private key shows");
    }
    assert!(!shown.contains("CANARY"), "{shown}");
    assert!(
        config_error.to_string().contains("SDK_TOKEN_STORE_TLS"),
        "{config_error}"
    );
}
