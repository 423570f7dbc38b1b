//! Fleet figures at production size, printed (outside CI: a fleet of 8 × 200 takes a while):
//! a fleet of replica processes (`SDK_FLEET_SIZE`, default `8x200`) starts cold against a
//! fresh `redis-server` and token server and asks for tokens at once, then sees a 401 storm.
//! Per round: mints at cold start and for the storm (1 each when the fleet shares), failed
//! calls, and how long the cold start took. `FLEET_ROUNDS` rounds (default 10).
//!
//! The replicas use the store's default bounds unless `SDK_TOKEN_STORE_TIMEOUT_MS` or
//! `SDK_TOKEN_STORE_CONNECT_TIMEOUT_MS` are set for this command. Run it on a loaded host to
//! check the defaults hold:
//!
//! `cargo bench -p sdk-auth --all-features --bench fleet`

#[allow(dead_code, unused_macros)]
#[path = "../tests/fleet/harness.rs"]
#[macro_use]
mod harness;
#[allow(dead_code)]
#[path = "../tests/fleet/deployment.rs"]
mod deployment;
#[path = "../tests/fleet/worker.rs"]
mod worker;

use std::process::ExitCode;
use std::time::Instant;

use harness::{Fleet, STORE_KEY, Size, TokenServer};
use sdk_testkit::redis_server::RedisServer;

fn main() -> ExitCode {
    if std::env::var_os(worker::ROLE).is_some() {
        return worker::main();
    }
    if std::env::args().any(|arg| arg == "--list") {
        return ExitCode::SUCCESS;
    }
    let size = match std::env::var(harness::SIZE_VAR) {
        Ok(_) => Size::from_env(),
        Err(_) => Size::new(8, 200),
    };
    let rounds: usize = std::env::var("FLEET_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(size, rounds));
    ExitCode::SUCCESS
}

async fn run(size: Size, rounds: usize) {
    let mut env = vec![("SDK_TOKEN_STORE_KEY".to_owned(), STORE_KEY.to_owned())];
    for name in [
        "SDK_TOKEN_STORE_TIMEOUT_MS",
        "SDK_TOKEN_STORE_CONNECT_TIMEOUT_MS",
    ] {
        if let Ok(value) = std::env::var(name) {
            env.push((name.to_owned(), value));
        }
    }
    println!(
        "fleet of {} processes x {} tasks, {rounds} rounds, store settings {:?}",
        size.processes,
        size.tasks,
        &env[1..]
    );
    let (mut cold_mints, mut storm_mints) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        let redis = RedisServer::start();
        let server = TokenServer::start(3600).await;
        let mut env = env.clone();
        env.push(("SDK_TOKEN_STORE_URL".to_owned(), redis.url()));
        let started = Instant::now();
        let mut fleet = Fleet::spawn(&server, size, &env);
        let failed: usize = fleet.all("tokens").await.iter().map(|r| r.failed).sum();
        let cold_ms = started.elapsed().as_millis();
        let cold = server.mints();
        server.accept_from(cold + 1);
        let storm = format!("calls {}", server.ping_url());
        let storm_failed: usize = fleet.all(&storm).await.iter().map(|r| r.failed).sum();
        let storm = server.mints() - cold;
        println!(
            "round {round:2}: cold-start mints {cold} ({failed} failed, {cold_ms} ms to serve all), \
             401-storm mints {storm} ({storm_failed} failed)"
        );
        cold_mints.push(cold);
        storm_mints.push(storm);
    }
    for (what, mints) in [("cold-start", cold_mints), ("401-storm", storm_mints)] {
        let ones = mints.iter().filter(|m| **m == 1).count();
        println!(
            "{what} mints: exactly 1 in {ones}/{rounds} rounds; min {}, max {}",
            mints.iter().min().unwrap_or(&0),
            mints.iter().max().unwrap_or(&0)
        );
    }
}
