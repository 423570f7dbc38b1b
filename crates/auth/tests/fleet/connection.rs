//! The store's connection: made in the background as soon as the store is built, bounded
//! apart from operations, back without a failed operation after Redis restarts, and on RESP2
//! when the server has no `HELLO`.

use std::time::Duration;

use libtest_mimic::Trial;
use sdk_auth::StoreKey;
use sdk_auth::store::{Notice, Record, RedisConfig, RedisStore, TokenStore};
use sdk_testkit::redis_server::RedisServer;

use crate::deployment::*;
use crate::harness::*;

pub fn trials() -> Vec<Trial> {
    trials![
        the_connection_is_made_when_the_store_is_built,
        a_restarted_redis_fails_no_operation,
        connection_set_up_and_operations_have_their_own_bounds,
        a_server_without_resp3_still_shares,
        notices_reach_the_other_stores_on_every_deployment,
    ]
}

/// Clients connected to `redis` (`INFO clients`), the inspecting one included.
async fn clients(redis: &RedisServer) -> usize {
    let info: String = redis::cmd("INFO")
        .arg("clients")
        .query_async(&mut connect(redis).await)
        .await
        .unwrap();
    let line = info
        .lines()
        .find_map(|line| line.strip_prefix("connected_clients:"))
        .expect("connected_clients in INFO");
    line.trim().parse().unwrap()
}

/// Built inside a runtime, the store connects before any operation asks it to.
async fn the_connection_is_made_when_the_store_is_built() {
    let redis = RedisServer::start();
    assert_eq!(clients(&redis).await, 1, "only the inspecting connection");
    let store = RedisStore::open(&redis.url()).unwrap();
    let mut waited = Duration::ZERO;
    while clients(&redis).await < 2 {
        assert!(waited < Duration::from_secs(10), "no background connection");
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += Duration::from_millis(10);
    }
    assert_eq!(store.load("sdk-auth:v1:{probe}").await, Ok(None));
}

/// Redis killed and started again, three times: the first operation after each restart
/// succeeds (the old connection's loss is noticed and a new one made, or made on demand).
/// While it is down, operations fail fast.
async fn a_restarted_redis_fails_no_operation() {
    let mut redis = RedisServer::start();
    let server = TokenServer::start(3600).await;
    let key = StoreKey::from_base64(STORE_KEY).unwrap();
    let store = redis_store(&redis.url(), key, GENEROUS);
    assert_eq!(
        server
            .auth(store.clone())
            .token()
            .await
            .unwrap()
            .shared_generation(),
        Some(1)
    );
    for round in 0..3 {
        redis.stop();
        let down = tokio::time::Instant::now();
        assert!(store.check().await.is_err(), "round {round}: Redis is down");
        assert!(down.elapsed() < GENEROUS, "round {round}: failed fast");
        redis.restart();
        assert_eq!(
            store.check().await,
            Ok(()),
            "round {round}: first operation"
        );
    }
    let cold = server.auth(store).token().await.unwrap();
    assert_eq!(cold.shared_generation(), Some(1), "shared in the new Redis");
}

/// A server that accepts connections but never answers: the connect bound applies (the error
/// says so), not the operation bound. A stalled server on an established connection: the
/// operation bound applies.
async fn connection_set_up_and_operations_have_their_own_bounds() {
    let mute = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = mute.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = mute.accept().await {
            held.push(socket);
        }
    });
    let config = RedisConfig::new(&format!("redis://{address}/0"))
        .unwrap()
        .timeout(Duration::from_millis(20))
        .connect_timeout(Duration::from_millis(300));
    let error = RedisStore::new(config).load("slot").await.unwrap_err();
    assert!(error.to_string().contains("connect"), "{error}");

    let redis = RedisServer::start();
    let config = RedisConfig::new(&redis.url())
        .unwrap()
        .timeout(Duration::from_millis(200));
    let store = RedisStore::new(config);
    assert_eq!(store.load("slot").await, Ok(None));
    redis.pause();
    let error = store.load("slot").await.unwrap_err();
    redis.resume();
    assert!(
        error.to_string().contains("no answer within 200ms"),
        "{error}"
    );
    assert_eq!(store.load("slot").await, Ok(None));
}

/// A server that refuses `HELLO` (older than Redis 6, or a proxy) gets RESP2: tokens are
/// still shared (waiters poll).
async fn a_server_without_resp3_still_shares() {
    let redis = RedisServer::start_with_args(&["--rename-command", "HELLO", ""]);
    let server = TokenServer::start(3600).await;
    let key = || StoreKey::from_base64(STORE_KEY).unwrap();
    let first = server.auth(redis_store(&redis.url(), key(), GENEROUS));
    assert_eq!(first.token().await.unwrap().shared_generation(), Some(1));
    let second = server.auth(redis_store(&redis.url(), key(), GENEROUS));
    assert_eq!(second.token().await.unwrap().shared_generation(), Some(1));
    assert_eq!(server.mints(), 1);
}

/// What one store writes, another hears at once (RESP3 pushes on its own connection): a token
/// stored, a pause. On one server, over TLS and on a cluster (where the notice crosses nodes).
async fn notices_reach_the_other_stores_on_every_deployment() {
    for deployment in [
        Deployment::single(),
        Deployment::tls(),
        Deployment::cluster(),
    ] {
        let writer = RedisStore::new(deployment.config());
        let hearer = RedisStore::new(deployment.config());
        let (heard, mut notices) = tokio::sync::mpsc::unbounded_channel();
        hearer.listen(std::sync::Arc::new(move |notice| {
            let _ = heard.send(notice);
        }));
        let slot = "sdk-auth:v1:{notice-test}";
        assert_eq!(
            hearer.load(slot).await,
            Ok(None),
            "connected and subscribed"
        );
        let record = Record {
            generation: 1,
            sealed: vec![7; 40],
        };
        let minute = Duration::from_secs(60);
        assert_eq!(writer.save(slot, record, minute).await, Ok(true));
        let mut next = async || {
            tokio::time::timeout(Duration::from_secs(5), notices.recv())
                .await
                .expect("a notice within 5 s")
                .unwrap()
        };
        let changed = Notice::Changed {
            slot: slot.to_owned(),
        };
        assert_eq!(next().await, changed);
        let until = std::time::SystemTime::now() + minute;
        let until_ms = until
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        writer.pause(slot, "create_quote", until_ms).await.unwrap();
        let paused = Notice::Paused {
            slot: slot.to_owned(),
            scope: "create_quote".to_owned(),
            until_ms,
        };
        assert_eq!(next().await, paused);
        assert_eq!(
            hearer.pauses(slot).await.unwrap(),
            [("create_quote".to_owned(), until_ms)]
        );
    }
}
