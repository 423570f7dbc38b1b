//! Fleet figures at production size, printed (outside CI: a fleet of 8 × 200 takes a while).
//!
//! - **cold**: a fleet of replica processes (`SDK_FLEET_SIZE`, default `8x200`) starts cold
//!   against a fresh `redis-server` and token server and asks for tokens at once, then sees a
//!   401 storm. Per round: mints at cold start and for the storm (1 each when the fleet
//!   shares), failed calls, and how long the cold start took. `FLEET_ROUNDS` rounds (default
//!   10). The replicas use the store's default bounds unless `SDK_TOKEN_STORE_TIMEOUT_MS` or
//!   `SDK_TOKEN_STORE_CONNECT_TIMEOUT_MS` are set for this command: run it on a loaded host to
//!   check the defaults hold.
//! - **wakeup**: how soon a waiting replica has the token after the lease holder's mint
//!   returns (which includes the holder's save): two stores with their own connections, the
//!   holder's mint taking 20 ms; `FLEET_WAKEUPS` times (default 200), with push notices and
//!   against a server without RESP3 (polling only). Percentiles and maximum.
//!
//! `cargo bench -p sdk-auth --all-features --bench fleet` (both), or with `FLEET_BENCH=cold`
//! or `FLEET_BENCH=wakeup`.

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
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use harness::{Fleet, STORE_KEY, Size, TokenServer};
use sdk_auth::store::{Fingerprint, RedisConfig, RedisStore};
use sdk_auth::{
    Auth, AuthError, AuthOptions, BoxFuture, Jitter, MintedToken, Minter, MinterInfo, SecretString,
    SharedStore, StoreKey,
};
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
    let which = std::env::var("FLEET_BENCH").unwrap_or_default();
    if which.is_empty() || which == "cold" {
        runtime.block_on(cold(size, rounds));
    }
    if which.is_empty() || which == "wakeup" {
        let times = std::env::var("FLEET_WAKEUPS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(200);
        runtime.block_on(wakeups(times));
    }
    ExitCode::SUCCESS
}

async fn cold(size: Size, rounds: usize) {
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

/// Mints after 20 ms for credential `slot`, noting when the mint returned.
#[derive(Debug, Clone)]
struct Slow {
    slot: u64,
    minted: Arc<Mutex<Option<Instant>>>,
}

impl Minter for Slow {
    fn info(&self) -> MinterInfo {
        MinterInfo {
            api: "bench",
            service: "default",
            key_id_prefix: String::new(),
        }
    }

    fn identify(&self, fingerprint: &mut Fingerprint) -> bool {
        fingerprint.add(self.slot.to_be_bytes());
        true
    }

    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            *self.minted.lock().unwrap() = Some(Instant::now());
            let token = SecretString::from(format!("tok-{}", self.slot));
            Ok(MintedToken::new(token, Duration::from_secs(3600)))
        })
    }
}

async fn wakeups(times: usize) {
    for (what, args) in [
        ("push notices", &[][..]),
        (
            "polling only (no RESP3)",
            &["--rename-command", "HELLO", ""][..],
        ),
    ] {
        let redis = RedisServer::start_with_args(args);
        let store = || {
            let config = RedisConfig::new(&redis.url()).unwrap();
            SharedStore::new(RedisStore::new(config), StoreKey::from_bytes([7; 32]))
        };
        let options = |store| {
            AuthOptions::default()
                .jitter(Jitter::None)
                .token_store(store)
        };
        let (holder_options, waiter_options) = (options(store()), options(store()));
        let mut lags = Vec::with_capacity(times);
        for slot in 0..times as u64 {
            let minted = Arc::new(Mutex::new(None));
            let minter = Slow {
                slot,
                minted: minted.clone(),
            };
            let holder = Auth::from_minter(minter.clone(), holder_options.clone());
            let waiter = Auth::from_minter(minter, waiter_options.clone());
            let holding = tokio::spawn(async move { holder.token().await.map(drop) });
            // The waiter starts while the holder mints under the lease.
            tokio::time::sleep(Duration::from_millis(5)).await;
            waiter.token().await.unwrap();
            let woke = Instant::now();
            holding.await.unwrap().unwrap();
            let minted = minted.lock().unwrap().expect("the holder minted");
            lags.push(woke.saturating_duration_since(minted));
        }
        lags.sort();
        let at = |q: f64| lags[((lags.len() - 1) as f64 * q).round() as usize];
        let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
        println!(
            "wake-up, {what}: the waiter has the token after the holder's mint returned: \
             p50 {}, p90 {}, p99 {}, max {} ({times} times)",
            ms(at(0.5)),
            ms(at(0.9)),
            ms(at(0.99)),
            ms(lags[lags.len() - 1])
        );
    }
}
