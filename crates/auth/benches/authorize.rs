//! Benchmarks: the warm-cache cost of `Auth::authorize`, and herds at hard expiry
//! (N = 100 / 1 000 / 10 000 callers, 50 ms mint).

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use futures_util::FutureExt as _;
use sdk_auth::{
    Auth, AuthError, AuthOptions, BoxFuture, Jitter, ManualClock, MintedToken, Minter, MinterInfo,
    Operation, SecretString,
};

/// Counts mints; each takes `delay` of real time.
#[derive(Debug, Clone)]
struct Mock {
    calls: Arc<AtomicUsize>,
    delay: Duration,
}

impl Minter for Mock {
    fn info(&self) -> MinterInfo {
        MinterInfo {
            api: "bench",
            service: "default",
            key_id_prefix: String::new(),
        }
    }

    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
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

fn warm(c: &mut Criterion) {
    let mock = Mock {
        calls: Arc::default(),
        delay: Duration::ZERO,
    };
    let auth = Auth::from_minter(mock, AuthOptions::default());
    let client = reqwest::Client::new();
    let mut request = client
        .post("https://api.example/v1/things")
        .header("content-type", "application/json")
        .body("{}")
        .build()
        .unwrap();
    auth.authorize(&mut request)
        .now_or_never()
        .unwrap()
        .unwrap();
    c.bench_function("authorize/warm_cache", |b| {
        b.iter(|| {
            auth.authorize(black_box(&mut request))
                .now_or_never()
                .unwrap()
                .unwrap()
        })
    });
    c.bench_function("token/warm_cache", |b| {
        b.iter(|| black_box(auth.token().now_or_never().unwrap().unwrap()))
    });
    // Everything `Auth::send` adds to one successful attempt but the network and the spare
    // copy of the request (timed next): target, User-Agent, bearer, rejection state, retry
    // classification, budget, error-body check.
    let operation = Operation::new("create_thing", "POST", "/v1/things").idempotent(true);
    c.bench_function("send/warm_attempt_bookkeeping", |b| {
        b.iter_batched(
            || reqwest::Response::from(http::Response::new("{}")),
            |response| {
                sdk_auth::bench::warm_attempt(&auth, black_box(&mut request), &operation, response)
                    .now_or_never()
                    .unwrap()
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    // The harness alone: the same batches of responses passed through untouched. Subtract it
    // from the figure above to get what the auth layer adds.
    c.bench_function("send/harness_baseline", |b| {
        b.iter_batched(
            || reqwest::Response::from(http::Response::new("{}")),
            |response| async { black_box(response) }.now_or_never().unwrap(),
            BatchSize::SmallInput,
        )
    });
    let body = format!("{{\"payload\":\"{}\"}}", "x".repeat(1000));
    let with_body = client
        .post("https://api.example/v1/things")
        .header("content-type", "application/json")
        .body(body)
        .build()
        .unwrap();
    c.bench_function("send/spare_copy_1kb_body", |b| {
        b.iter(|| black_box(with_body.try_clone()))
    });
}

fn herd(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("herd_at_hard_expiry_50ms_mint");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for n in [100usize, 1_000, 10_000] {
        let mut worst = Duration::ZERO;
        let mut max_mints = 0;
        group.bench_function(format!("n={n}"), |b| {
            b.iter_custom(|iterations| {
                runtime.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iterations {
                        let clock = ManualClock::new();
                        let calls = Arc::new(AtomicUsize::new(0));
                        let mock = Mock {
                            calls: calls.clone(),
                            delay: Duration::from_millis(50),
                        };
                        let options = AuthOptions::default()
                            .clock(clock.clone())
                            .jitter(Jitter::None);
                        let auth = Auth::from_minter(mock, options);
                        auth.token().await.unwrap();
                        clock.advance(Duration::from_secs(3600));
                        let start = Instant::now();
                        let handles: Vec<_> = (0..n)
                            .map(|_| {
                                let auth = auth.clone();
                                tokio::spawn(async move {
                                    let t = Instant::now();
                                    auth.token().await.unwrap();
                                    t.elapsed()
                                })
                            })
                            .collect();
                        for handle in handles {
                            worst = worst.max(handle.await.unwrap());
                        }
                        total += start.elapsed();
                        max_mints = max_mints.max(calls.load(Ordering::SeqCst) - 1);
                    }
                    total
                })
            })
        });
        println!("herd n={n}: mints per expiry = {max_mints}, max caller latency = {worst:?}");
    }
    group.finish();
}

criterion_group!(benches, warm, herd);
criterion_main!(benches);
