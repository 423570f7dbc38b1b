//! Fleet-wide back-off: a 429 with `Retry-After` met by one replica is honoured by every
//! replica, through the store; during the window, at most one request per replica reaches the
//! limited endpoint (business call or token endpoint).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use libtest_mimic::Trial;
use redis::AsyncCommands as _;
use sdk_testkit::redis_server::RedisServer;

use crate::deployment::*;
use crate::harness::*;

pub fn trials() -> Vec<Trial> {
    trials![
        a_429_on_a_call_pauses_the_fleet,
        a_429_from_the_token_endpoint_pauses_the_fleet,
    ]
}

const WINDOW: Duration = Duration::from_secs(2);

/// Waits until a pause is recorded in `redis` (it is announced in the same step), then a
/// moment for the announcement to reach the replicas.
async fn pause_recorded(redis: &RedisServer) {
    let mut con = connect(redis).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let keys: Vec<String> = con.keys("*:pauses").await.unwrap();
        if !keys.is_empty() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "no pause recorded");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
}

/// One replica's call meets the limit; then every replica calls the endpoint with all its
/// tasks at once: they wait the window out, and succeed after it.
async fn a_429_on_a_call_pauses_the_fleet() {
    let redis = RedisServer::start();
    let server = TokenServer::start(3600).await;
    let mut fleet = Fleet::start(&server, &redis);
    assert_eq!(fleet.served("tokens").await, "1");

    server.state.limit.arm(WINDOW);
    let limited = server.limited_url();
    fleet.send(0, &format!("call {limited}")).await;
    pause_recorded(&redis).await;
    let processes = fleet.size.processes;
    for index in 1..processes {
        fleet.send(index, &format!("calls {limited}")).await;
    }
    for reply in fleet.replies(processes).await {
        assert_eq!(reply.failed, 0, "{reply:?}");
    }
    let in_window = server.state.limit.in_window();
    assert_eq!(in_window.get("0"), Some(&1), "{in_window:?}");
    for (replica, requests) in &in_window {
        assert!(
            *requests <= 1,
            "replica {replica}: {requests} requests in the window"
        );
    }
    assert_eq!(in_window.len(), 1, "the others waited: {in_window:?}");
}

/// The whole fleet starts cold while the token endpoint answers 429: one request reaches it,
/// every replica is told to wait; after the window, one mint for the fleet.
async fn a_429_from_the_token_endpoint_pauses_the_fleet() {
    let redis = RedisServer::start();
    let server = TokenServer::start(3600).await;
    server.state.mint_limit.arm(WINDOW);
    let mut fleet = Fleet::start(&server, &redis);
    for reply in fleet.all("tokens").await {
        assert_eq!(reply.ok, 0, "rate limited: {reply:?}");
    }
    let in_window: usize = server.state.mint_limit.in_window().values().sum();
    assert_eq!(
        in_window, 1,
        "one request to the token endpoint for the fleet"
    );
    // The pause runs from the first replica's 429: wait for its end, as recorded.
    let mut con = connect(&redis).await;
    let keys: Vec<String> = con.keys("*:pauses").await.unwrap();
    let pauses: Vec<(String, u64)> = con.hgetall(&keys[0]).await.unwrap();
    let until = UNIX_EPOCH + Duration::from_millis(pauses[0].1);
    let left = until.duration_since(SystemTime::now()).unwrap_or_default();
    tokio::time::sleep(left + Duration::from_millis(300)).await;
    assert_ne!(fleet.served("tokens").await, "-", "shared");
    assert_eq!(server.mints(), 1);
}
