//! Sharing one token across a fleet: one mint per need, a killed lease holder, outages,
//! entries that do not open, a slow Redis, a password that stays secret.

use std::sync::atomic::Ordering;
use std::time::Duration;

use libtest_mimic::Trial;
use redis::AsyncCommands as _;
use sdk_auth::{AuthOptions, SharedStore, StoreKey};
use sdk_testkit::logs::Capture;
use sdk_testkit::redis_server::RedisServer;

use crate::deployment::*;
use crate::harness::*;

pub fn trials() -> Vec<Trial> {
    trials![
        a_fleet_of_processes_mints_once_per_need,
        a_fleet_over_tls_mints_once_per_need,
        a_fleet_on_a_cluster_mints_once_per_need,
        a_killed_lease_holder_is_taken_over,
        redis_outage_falls_back_then_shares_again,
        entries_that_do_not_open_are_replaced,
        slow_redis_falls_back_with_a_warning,
        redis_password_stays_secret,
    ]
}

async fn a_fleet_of_processes_mints_once_per_need() {
    mints_once_per_need(Deployment::single()).await;
}

/// Over `rediss://`, with a CA and a client certificate from `SDK_TOKEN_STORE_TLS_*_FILE`.
async fn a_fleet_over_tls_mints_once_per_need() {
    mints_once_per_need(Deployment::tls()).await;
}

/// On a Redis Cluster of three masters (`SDK_TOKEN_STORE_MODE=cluster`).
async fn a_fleet_on_a_cluster_mints_once_per_need() {
    mints_once_per_need(Deployment::cluster()).await;
}

/// A fleet of processes: one mint at cold start, one per expiry, one per 401 storm, and one
/// after a revoke-all from one replica; nothing readable in the store.
async fn mints_once_per_need(deployment: Deployment) {
    let server = TokenServer::start(SHORT_TTL).await;
    let mut fleet = Fleet::on(&server, &deployment);

    assert_eq!(fleet.served("tokens").await, "1");
    assert_eq!(server.mints(), 1, "cold start");

    tokio::time::sleep(EXPIRY_WAIT).await;
    server.set_ttl(3600);
    assert_eq!(fleet.served("tokens").await, "2");
    assert_eq!(server.mints(), 2, "one per expiry");

    server.accept_from(3);
    let storm = format!("calls {}", server.ping_url());
    assert_eq!(fleet.served(&storm).await, "3");
    assert_eq!(server.mints(), 3, "one per 401 storm");

    fleet.send(0, "revoke-all").await;
    assert_eq!(fleet.replies(1).await[0].failed, 0);
    let others: Vec<Reply> = {
        for index in 1..fleet.size.processes {
            fleet.send(index, &storm).await;
        }
        fleet.replies(fleet.size.processes - 1).await
    };
    assert_eq!(
        fleet.all_served(&others),
        "4",
        "revoke-all seen by every replica"
    );
    assert_eq!(server.mints(), 4);
    fleet.send(0, "tokens").await;
    assert_eq!(fleet.replies(1).await[0].generations, "4");
    assert_eq!(server.mints(), 4);

    deployment.assert_nothing_in_plaintext().await;
}

/// The lease holder is SIGKILLed mid-mint: another process mints, no caller fails.
async fn a_killed_lease_holder_is_taken_over() {
    let redis = RedisServer::start();
    let server = TokenServer::start(3600).await;
    server.state.hold_next.store(true, Ordering::SeqCst);
    let mut fleet = Fleet::start(&server, &redis);
    for index in 0..fleet.size.processes {
        fleet.send(index, "tokens").await;
    }
    let (holder, line) = fleet.next_line().await;
    assert_eq!(line, "minting", "the first line is the lease holder's");
    while server.mints() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    fleet.kill(holder).await;
    let replies = fleet.replies(fleet.size.processes - 1).await;
    assert_eq!(
        fleet.all_served(&replies),
        "2",
        "generation 1 died with its holder"
    );
    assert_eq!(
        server.mints(),
        2,
        "the killed holder's mint and one take-over"
    );
}

/// Redis killed mid-run: no call fails, each process mints at most once; Redis back: one
/// mint for the fleet again.
async fn redis_outage_falls_back_then_shares_again() {
    let mut redis = RedisServer::start();
    let server = TokenServer::start(SHORT_TTL).await;
    let mut fleet = Fleet::start(&server, &redis);
    assert_eq!(fleet.served("tokens").await, "1");

    redis.stop();
    tokio::time::sleep(EXPIRY_WAIT).await;
    let replies = fleet.all("tokens").await;
    for reply in &replies {
        assert_eq!(
            (reply.ok, reply.failed, reply.generations.as_str()),
            (fleet.size.tasks, 0, "-")
        );
    }
    let outage_mints = server.mints() - 1;
    let processes = fleet.size.processes;
    assert!(
        (1..=processes).contains(&outage_mints),
        "{outage_mints} mints for {processes} processes"
    );

    redis.restart();
    for reply in fleet.all("check").await {
        assert_eq!(reply.failed, 0, "the store answers again");
    }
    tokio::time::sleep(EXPIRY_WAIT).await;
    let shared = fleet.served("tokens").await;
    assert_ne!(shared, "-");
    assert_eq!(
        server.mints(),
        1 + outage_mints + 1,
        "shared again: one mint"
    );
}

/// Garbage, tampered, relabelled, foreign-key and wrong-type entries: a re-mint each, never
/// a panic or a failed call; the replacement is readable by the next process.
async fn entries_that_do_not_open_are_replaced() {
    let redis = RedisServer::start();
    let server = TokenServer::start(3600).await;
    let key = || StoreKey::from_base64(STORE_KEY).unwrap();
    let store = redis_store(&redis.url(), key(), GENEROUS);
    let cold = || server.auth(store.clone());
    assert_eq!(cold().token().await.unwrap().shared_generation(), Some(1));
    let mut con = connect(&redis).await;
    let keys: Vec<String> = con.keys("*:token").await.unwrap();
    let [token_key] = keys.as_slice() else {
        panic!("one token key: {keys:?}")
    };
    let ttl: i64 = con.pttl(token_key).await.unwrap();
    assert!(
        (1..=3_600_000).contains(&ttl),
        "expires with the token: {ttl}"
    );

    // An entry sealed under another store key, in its own slot.
    let other = redis_store(&redis.url(), StoreKey::from_bytes([9; 32]), GENEROUS);
    server.auth(other).token().await.unwrap();
    let other_key = con
        .keys::<_, Vec<String>>("*:token")
        .await
        .unwrap()
        .into_iter()
        .find(|k| k != token_key)
        .expect("another slot for another store key");
    let foreign: Vec<u8> = con.get(&other_key).await.unwrap();

    let mut mints = server.mints();
    for corruption in ["garbage", "tampered", "relabelled", "foreign", "wrong type"] {
        let current: Vec<u8> = con.get(token_key).await.unwrap_or_default();
        match corruption {
            "garbage" => con.set::<_, _, ()>(token_key, "garbage").await.unwrap(),
            "tampered" => {
                let mut value = current.clone();
                *value.last_mut().unwrap() ^= 1;
                con.set::<_, _, ()>(token_key, value).await.unwrap();
            }
            "relabelled" => {
                let colon = current.iter().position(|b| *b == b':').unwrap();
                let generation: u64 = std::str::from_utf8(&current[..colon])
                    .unwrap()
                    .parse()
                    .unwrap();
                let mut value = format!("{}", generation + 1).into_bytes();
                value.extend_from_slice(&current[colon..]);
                con.set::<_, _, ()>(token_key, value).await.unwrap();
            }
            "foreign" => con
                .set::<_, _, ()>(token_key, foreign.clone())
                .await
                .unwrap(),
            _ => {
                con.del::<_, ()>(token_key).await.unwrap();
                con.lpush::<_, _, ()>(token_key, "x").await.unwrap();
            }
        }
        let token = cold().token().await.unwrap();
        mints += 1;
        assert_eq!(server.mints(), mints, "{corruption}: re-minted");
        assert!(
            token.shared_generation().is_some(),
            "{corruption}: the new token is shared"
        );
        let adopted = cold().token().await.unwrap();
        assert_eq!(
            adopted.shared_generation(),
            token.shared_generation(),
            "{corruption}"
        );
        assert_eq!(server.mints(), mints, "{corruption}: the replacement opens");
    }
    Deployment::Single(redis)
        .assert_nothing_in_plaintext()
        .await;
}

/// A paused (slow) Redis: the call still succeeds on a local mint, with a warning; once it
/// answers again, tokens are shared again. (500 ms bound here, 50 ms by default.)
async fn slow_redis_falls_back_with_a_warning() {
    let capture = Capture::start();
    let redis = RedisServer::start();
    let server = TokenServer::start(3600).await;
    let key = StoreKey::from_base64(STORE_KEY).unwrap();
    let store = redis_store(&redis.url(), key, Duration::from_millis(500));
    assert_eq!(
        server
            .auth(store.clone())
            .token()
            .await
            .unwrap()
            .shared_generation(),
        Some(1)
    );

    let mut con = connect(&redis).await;
    redis::cmd("CLIENT")
        .arg("PAUSE")
        .arg(3000)
        .arg("ALL")
        .query_async::<()>(&mut con)
        .await
        .unwrap();
    let local = server.auth(store.clone()).token().await.unwrap();
    assert_eq!(local.shared_generation(), None);
    assert_eq!(server.mints(), 2);
    assert!(
        capture
            .text()
            .contains("token store unavailable; minting locally")
    );

    while store.check().await.is_err() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        server
            .auth(store)
            .token()
            .await
            .unwrap()
            .shared_generation(),
        Some(1)
    );
    assert_eq!(server.mints(), 2, "shared again");
}

/// The Redis password never shows: not in `Debug`, not in logs, not when it is wrong.
async fn redis_password_stays_secret() {
    let capture = Capture::start();
    let redis = RedisServer::start_with_password("CANARY-redis-password");
    let server = TokenServer::start(3600).await;
    let key = || StoreKey::from_base64(STORE_KEY).unwrap();
    let store = redis_store(&redis.url(), key(), GENEROUS);
    let auth = server.auth(store.clone());
    assert_eq!(auth.token().await.unwrap().shared_generation(), Some(1));

    let wrong = redis
        .url()
        .replace("CANARY-redis-password", "CANARY-wrong-password");
    let wrong = SharedStore::redis(&wrong, key()).unwrap();
    let local = server.auth(wrong.clone()).token().await.unwrap();
    assert_eq!(
        local.shared_generation(),
        None,
        "a refused login falls back"
    );
    let shown = format!(
        "{store:?} {wrong:?} {auth:?} {:?} {}",
        AuthOptions::default().token_store(wrong.clone()),
        capture.text()
    );
    assert!(!shown.contains("CANARY"), "{shown}");
}
