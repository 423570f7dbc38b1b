//! Benchmarks: what `Auth::send` (the path every generated call takes) adds on a warm cache,
//! the size of its future, and herds at hard expiry (N = 100 / 1 000 / 10 000 callers, 50 ms
//! mint).

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use futures_util::FutureExt as _;
use sdk_auth::bench::Canned;
use sdk_auth::{
    Auth, AuthError, AuthOptions, BoxFuture, CallOptions, Jitter, ManualClock, MintedToken, Minter,
    MinterInfo, Operation, SecretString,
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

/// What `Auth::send` adds to a call on a warm cache, through the same loop production runs
/// (`Auth::send_via` is `send` with a stand-in transport that answers at once): User-Agent,
/// service routing, the spare copy for a replay or retry, the bearer, the span, the
/// outcome, the budget, the error-body check and the boxed loop.
fn warm(c: &mut Criterion) {
    let mock = Mock {
        calls: Arc::default(),
        delay: Duration::ZERO,
    };
    let auth = Auth::from_minter(mock, AuthOptions::default());
    auth.token().now_or_never().unwrap().unwrap();
    let client = reqwest::Client::new();
    let template = client
        .post("https://api.example/v1/things")
        .header("content-type", "application/json")
        .body("{}")
        .build()
        .unwrap();
    let operation = Operation::new("create_thing", "POST", "/v1/things").idempotent(true);
    let answer = Canned(|| reqwest::Response::from(http::Response::new("{}")));
    let fresh = || template.try_clone().unwrap();
    // One warm call through the production loop, with or without options for the call.
    let send = |c: &mut Criterion, name: &str, options: Option<&CallOptions>| {
        c.bench_function(name, |b| {
            b.iter_batched(
                fresh,
                |request| {
                    auth.send_via(&answer, black_box(request), &operation, options)
                        .now_or_never()
                        .unwrap()
                        .unwrap()
                },
                BatchSize::SmallInput,
            )
        });
    };
    send(c, "send/warm", None);
    let options = CallOptions::new().header("x-trace-tag", "bench");
    send(c, "send/warm_with_call_options", Some(&options));
    // The harness alone: the same requests dropped and the same answers made, with nothing
    // in between. Subtract it from the figures above to get what the auth layer adds.
    c.bench_function("send/harness_baseline", |b| {
        b.iter_batched(
            fresh,
            |request| {
                drop(black_box(request));
                (answer.0)()
            },
            BatchSize::SmallInput,
        )
    });
    // The same warm call recording its metrics into a Prometheus recorder (feature `metrics`;
    // without a recorder, `send/warm` above pays only the facade's check for one).
    #[cfg(feature = "metrics")]
    {
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let _local = metrics::set_default_local_recorder(&recorder);
        send(c, "send/warm_recorded", None);
        assert!(
            recorder
                .handle()
                .render()
                .contains("sdk_call_duration_seconds")
        );
    }
    c.bench_function("token/warm_cache", |b| {
        b.iter(|| black_box(auth.token().now_or_never().unwrap().unwrap()))
    });
    let future = auth.send(&client, fresh(), &operation);
    println!(
        "size of the future of Auth::send (what the generated hook awaits): {} bytes",
        std::mem::size_of_val(&future)
    );
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
