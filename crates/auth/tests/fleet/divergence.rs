//! No divergence after an outage: replicas that each minted their own token during a Redis
//! outage converge on one token within one mint when the API then revokes them.

use libtest_mimic::Trial;
use sdk_testkit::redis_server::RedisServer;

use crate::harness::*;

pub fn trials() -> Vec<Trial> {
    trials![
        divergence_after_an_outage_heals_3_replicas_5_calls,
        divergence_after_an_outage_heals_8_replicas,
    ]
}

/// The reproduction: 3 replicas, 5 concurrent calls each.
async fn divergence_after_an_outage_heals_3_replicas_5_calls() {
    divergence_after_an_outage_heals(Size::new(3, 5)).await;
}

/// The same with 8 replicas (tasks per replica from `SDK_FLEET_SIZE`).
async fn divergence_after_an_outage_heals_8_replicas() {
    divergence_after_an_outage_heals(Size::new(8, Size::from_env().tasks)).await;
}

/// A stalled Redis: each replica re-mints on its own (a 401 storm during the outage), so the
/// fleet diverges, and the store keeps the old shared token. Then the API revokes every token
/// minted so far: no replica adopts the stale stored one; one mint for the whole fleet and
/// not one failed call.
async fn divergence_after_an_outage_heals(size: Size) {
    let redis = RedisServer::start();
    let server = TokenServer::start(3600).await;
    let mut fleet = Fleet::sized(&server, &redis, size);
    assert_eq!(fleet.served("tokens").await, "1");
    let storm = format!("calls {}", server.ping_url());

    redis.pause();
    server.accept_from(2);
    for reply in fleet.all(&storm).await {
        assert_eq!((reply.ok, reply.failed), (size.tasks, 0), "{reply:?}");
        assert_eq!(reply.generations, "-", "minted locally: {reply:?}");
    }
    let diverged = server.mints();
    assert_eq!(diverged, 1 + size.processes, "one local mint per replica");
    redis.resume();
    for reply in fleet.all("check").await {
        assert_eq!(reply.failed, 0, "the store answers again");
    }

    server.accept_from(diverged + 1);
    let generation = fleet.served(&storm).await;
    assert_ne!(generation, "-", "shared again");
    assert_eq!(server.mints(), diverged + 1, "one mint for the fleet");
    assert_eq!(fleet.served(&storm).await, generation, "and it stays");
}
