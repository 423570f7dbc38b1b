//! A Sentinel-managed master (`SDK_TOKEN_STORE_MODE=sentinel`): tokens are shared through the
//! master the Sentinel names, and after a failover the store follows it (its connection to
//! the old master, now a replica, refuses writes; the store reconnects through the Sentinel
//! and sends the write again).

use std::time::Duration;

use libtest_mimic::Trial;
use sdk_auth::SharedStore;
use sdk_testkit::redis_server::{RedisSentinel, RedisServer};

use crate::deployment::*;
use crate::harness::*;

pub fn trials() -> Vec<Trial> {
    trials![a_sentinel_managed_master_is_followed_through_a_failover]
}

const NAME: &str = "fleet";

/// Polls `done` every 50 ms for up to 30 s.
async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `INFO replication` of `server` (empty if it does not answer).
async fn replication(server: &RedisServer) -> String {
    redis::cmd("INFO")
        .arg("replication")
        .query_async(&mut connect(server).await)
        .await
        .unwrap_or_default()
}

/// `INFO replication` of `server` contains `line`.
async fn replication_says(server: &RedisServer, line: &str) -> bool {
    replication(server).await.contains(line)
}

/// The number after `field:` in `INFO replication` of `server` (0 if absent).
async fn replication_offset(server: &RedisServer, field: &str) -> u64 {
    replication(server)
        .await
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0)
}

async fn a_sentinel_managed_master_is_followed_through_a_failover() {
    let master = RedisServer::start_with_args(&["--repl-diskless-sync-delay", "0"]);
    let port = master.port().to_string();
    let replica = RedisServer::start_with_args(&["--replicaof", "127.0.0.1", &port]);
    eventually("the replica syncs", async || {
        replication_says(&replica, "master_link_status:up").await
    })
    .await;
    let sentinel = RedisSentinel::start(&master, &[&replica], NAME);
    let env = [
        ("SDK_TOKEN_STORE_URL", sentinel.url()),
        ("SDK_TOKEN_STORE_MODE", "sentinel".to_owned()),
        ("SDK_TOKEN_STORE_SENTINEL_MASTER", NAME.to_owned()),
        ("SDK_TOKEN_STORE_KEY", STORE_KEY.to_owned()),
        (
            "SDK_TOKEN_STORE_TIMEOUT_MS",
            GENEROUS.as_millis().to_string(),
        ),
    ];
    let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let store = SharedStore::from_env(lookup).unwrap().unwrap();
    let server = TokenServer::start(3600).await;
    let auth = server.auth(store.clone());
    assert_eq!(auth.token().await.unwrap().shared_generation(), Some(1));
    let cold = server.auth(store.clone()).token().await.unwrap();
    assert_eq!(
        cold.shared_generation(),
        Some(1),
        "adopted through the Sentinel"
    );
    assert_eq!(server.mints(), 1);
    // Replication is asynchronous: a failover before the replica has the token would lose it
    // (the new master would start the generations again), which is Redis's behaviour, not
    // what this test is about.
    let written = replication_offset(&master, "master_repl_offset").await;
    eventually("the replica has every write", async || {
        replication_offset(&replica, "slave_repl_offset").await >= written
    })
    .await;

    eventually("the Sentinel knows the replica", async || {
        sentinel.try_fail_over(NAME)
    })
    .await;
    eventually("the replica is promoted", async || {
        sentinel.master_port(NAME) == Some(replica.port())
    })
    .await;
    // What the Sentinel does to the old master at its next look (up to 10 s later), now.
    let _: () = redis::cmd("REPLICAOF")
        .arg("127.0.0.1")
        .arg(replica.port())
        .query_async(&mut connect(&master).await)
        .await
        .unwrap();
    eventually("the old master follows it", async || {
        replication_says(&master, "role:slave").await
    })
    .await;

    // A 401: the stored token is retired (a write, refused by the old master), a new one
    // minted under the lease and stored in the new master.
    server.accept_from(2);
    let client = reqwest::Client::new();
    let request = client.get(server.ping_url()).build().unwrap();
    let response = auth.execute(&client, request).await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(auth.token().await.unwrap().shared_generation(), Some(2));
    let cold = server.auth(store).token().await.unwrap();
    assert_eq!(
        cold.shared_generation(),
        Some(2),
        "stored in the new master"
    );
    assert_eq!(server.mints(), 2);
}
