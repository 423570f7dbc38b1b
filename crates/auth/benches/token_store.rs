//! What the Redis token store costs (a real `redis-server` on loopback):
//! - the warm path (`authorize` / `token` with a cached token) with and without the store:
//!   the store is never touched there, so the two must match;
//! - a cold mint: without a store, as the process that mints for the fleet (lease, generation,
//!   seal, save), as one that adopts a stored token, and as one that waits for another
//!   process's mint; with an instant and a 20 ms token endpoint.
//!
//! `cargo bench -p sdk-auth --features redis --bench token_store`

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::FutureExt as _;
use sdk_auth::store::Fingerprint;
use sdk_auth::{
    Auth, AuthError, AuthOptions, BoxFuture, MintedToken, Minter, MinterInfo, SecretString,
    SharedStore, StoreKey,
};
use sdk_testkit::redis_server::RedisServer;

/// Mints after `delay`; `slot` picks the credential (a fresh one is a cold slot).
#[derive(Debug, Clone)]
struct Mock {
    delay: Duration,
    slot: u64,
}

impl Minter for Mock {
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
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            Ok(MintedToken::new(
                SecretString::from("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
                Duration::from_secs(3600),
            ))
        })
    }
}

fn store(redis: &RedisServer) -> SharedStore {
    // One store per "process": its own connection. 50 ms is the default timeout; loopback
    // answers in well under a millisecond.
    SharedStore::redis(&redis.url(), StoreKey::from_bytes([7; 32])).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn warm(c: &mut Criterion) {
    let redis = RedisServer::start();
    let runtime = runtime();
    let mock = Mock {
        delay: Duration::ZERO,
        slot: 0,
    };
    let mut group = c.benchmark_group("warm");
    for (name, options) in [
        ("in_memory", AuthOptions::default()),
        (
            "redis_store",
            AuthOptions::default().token_store(store(&redis)),
        ),
    ] {
        let auth = Auth::from_minter(mock.clone(), options);
        let token = runtime.block_on(auth.token()).unwrap();
        assert_eq!(token.shared_generation().is_some(), name == "redis_store");
        group.bench_function(format!("token/{name}"), |b| {
            b.iter(|| black_box(auth.token().now_or_never().unwrap().unwrap()))
        });
    }
    group.finish();
}

fn cold(c: &mut Criterion) {
    let redis = RedisServer::start();
    let runtime = runtime();
    let slots = AtomicU64::new(1);
    let next = || slots.fetch_add(1, Ordering::Relaxed);
    let mut group = c.benchmark_group("cold_mint");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2));
    for delay in [Duration::ZERO, Duration::from_millis(20)] {
        let ms = delay.as_millis();
        let options = || AuthOptions::default().token_store(store(&redis));
        let replica = |slot, options| Auth::from_minter(Mock { delay, slot }, options);
        let timed = |auth: Auth| async move {
            let start = Instant::now();
            auth.token().await.unwrap();
            start.elapsed()
        };
        let total =
            |iterations: u64, run: &dyn Fn() -> Duration| (0..iterations).map(|_| run()).sum();

        group.bench_function(format!("no_store/{ms}ms"), |b| {
            b.iter_custom(|n| {
                total(n, &|| {
                    runtime.block_on(timed(replica(0, AuthOptions::default())))
                })
            })
        });
        // Each iteration a cold slot: this process takes the lease and mints for the fleet.
        let minter_options = options();
        group.bench_function(format!("fleet_minter/{ms}ms"), |b| {
            b.iter_custom(|n| {
                total(n, &|| {
                    runtime.block_on(timed(replica(next(), minter_options.clone())))
                })
            })
        });
        // The slot holds a token: a new process adopts it.
        let warm_slot = next();
        runtime
            .block_on(replica(warm_slot, options()).token())
            .unwrap();
        let adopter_options = options();
        group.bench_function(format!("fleet_adopter/{ms}ms"), |b| {
            b.iter_custom(|n| {
                total(n, &|| {
                    runtime.block_on(timed(replica(warm_slot, adopter_options.clone())))
                })
            })
        });
        // Two processes at once on a cold slot: the slower of the two (the one that waited).
        let (first, second) = (Arc::new(options()), Arc::new(options()));
        group.bench_function(format!("fleet_pair_slowest/{ms}ms"), |b| {
            b.iter_custom(|n| {
                total(n, &|| {
                    let slot = next();
                    let a = replica(slot, (*first).clone());
                    let b = replica(slot, (*second).clone());
                    let (x, y) = runtime.block_on(async { tokio::join!(timed(a), timed(b)) });
                    x.max(y)
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, warm, cold);
criterion_main!(benches);
