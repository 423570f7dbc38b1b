//! End-to-end overhead of the auth layer against a real loopback HTTP server.
//!
//! Compares, in one process and one run:
//! - **A** plain `reqwest` sending `GET /v1/customer/me` with a fixed `Authorization` header
//!   and decoding the body into `serde_json::Value`;
//! - **B** the generated `obi_api::Client` (progenitor hooks → `sdk_auth::Auth`, which mints
//!   once from the server's `POST /v1/auth/token` and then stamps every request) calling
//!   `get_customer` and decoding.
//!
//! Two diagnostic variants split the gap between them:
//! - **A2** is A with the generated request's shape (URL built with `format!`, an `Accept`
//!   header, response headers cloned, body decoded into a JSON map), so
//!   A → A2 is what progenitor's request building costs, independent of auth;
//! - **A4** is A2 sent with `Auth::execute` instead of a fixed header (the token lookup, a
//!   spare copy of the request for a replay or a retry, the retry bookkeeping, the call
//!   deadline and span: the same loop the generated hook runs), so A2 → A4 is the auth
//!   layer's send path and A4 → B is progenitor's builder and typed decoding.
//!
//! Throughput on a shared 2-core box moves with whatever else runs, so it also reports the
//! client's **CPU per call** (thread CPU time of a dedicated client thread, B over A), which
//! does not.
//!
//! The order of variants rotates every round so slow drift (CPU frequency, other processes
//! on the machine) hits all of them equally. It prints requests/s (median of rounds),
//! p50/p99 latency over all rounds, the throughput ratio B/A and the added p99 (B − A).
//!
//! `cargo bench -p sdk --bench e2e` runs the full measurement (about 30 s on 2 cores).
//! With `--test`, or without cargo bench's `--bench` flag (as `cargo test --benches` runs
//! it), it does a few hundred requests as a smoke test and exits 0, so CI stays fast.
//! Any failed request, any 401 or more than one mint makes it exit non-zero.

use std::convert::Infallible;
use std::error::Error;
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use sdk_auth::{Auth, ObiConfig, SecretString};
use tokio::net::TcpListener;

type BoxError = Box<dyn Error + Send + Sync>;

/// The one token the fake server issues; variant A sends it as a fixed header.
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJl";
const API_KEY: &str = "pgw_bench_key";
const API_SECRET: &str = "bench-secret";
/// A small body, the size of a real account record, so decoding is part of the cost.
const CUSTOMER: &str = r#"{"id":"cus_01HBENCH","name":"Bench Customer","email":"bench@example.com","status":"Active","createdAt":"2024-01-01T00:00:00Z"}"#;

/// How much work one run does.
struct Plan {
    rounds: usize,
    /// `(concurrency, requests per variant per round)`.
    levels: &'static [(usize, usize)],
    warmup: usize,
}

/// Full run: about 30 s on 2 cores with server and client sharing them. Rounds rotate the
/// variants' order, so slow drift hits all of them alike.
const FULL: Plan = Plan {
    rounds: 5,
    levels: &[(32, 30_000), (1, 10_000)],
    warmup: 2_000,
};

/// Smoke run for CI: proves the server, both clients and the auth handshake work.
const SMOKE: Plan = Plan {
    rounds: 1,
    levels: &[(4, 200), (1, 50)],
    warmup: 20,
};

/// What the fake server saw; checked at the end so a silently failing variant cannot
/// look fast.
#[derive(Default)]
struct ServerStats {
    mints: AtomicU64,
    unauthorized: AtomicU64,
    served: AtomicU64,
    /// A variant that churned connections would pay for handshakes, not for its own code.
    connections: AtomicU64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Plain,
    Shaped,
    Executed,
    Generated,
}

impl Variant {
    /// Table order: the headline pair first, then the decomposition.
    const ALL: [Variant; 4] = [
        Variant::Plain,
        Variant::Generated,
        Variant::Shaped,
        Variant::Executed,
    ];

    fn label(self) -> &'static str {
        match self {
            Variant::Plain => "A  plain reqwest, fixed header",
            Variant::Generated => "B  obi_api::Client + sdk-auth",
            Variant::Shaped => "A2 A + generated request shape",
            Variant::Executed => "A4 A2 + Auth::execute",
        }
    }
}

/// Every variant's client, each with its own connection pool built from identical settings.
struct Clients {
    base: String,
    plain: reqwest::Client,
    plain_url: String,
    bearer: HeaderValue,
    shaped: reqwest::Client,
    executed: reqwest::Client,
    /// Shares its token cache with `generated`, so the run still mints exactly once.
    auth: Auth,
    generated: obi_api::Client,
}

/// Per variant, accumulated over rounds.
#[derive(Default)]
struct Tally {
    throughput: Vec<f64>,
    latencies_ns: Vec<u64>,
}

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().collect();
    let full = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    let plan = if full { &FULL } else { &SMOKE };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(plan, full))
}

async fn run(plan: &Plan, full: bool) -> Result<(), BoxError> {
    let stats = Arc::new(ServerStats::default());
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(serve(listener, Arc::clone(&stats)));

    let auth = ObiConfig::new(SecretString::from(API_KEY), SecretString::from(API_SECRET))
        .base_url(base.clone())
        .build()?;
    let clients = Arc::new(Clients {
        plain: http_client()?,
        plain_url: format!("{base}/v1/customer/me"),
        bearer: HeaderValue::from_str(&format!("Bearer {TOKEN}"))?,
        shaped: http_client()?,
        executed: http_client()?,
        auth: auth.clone(),
        generated: obi_api::Client::new_with_client(&base, http_client()?, auth),
        base,
    });

    let started = Instant::now();
    println!(
        "e2e: GET /v1/customer/me on {}, {} round(s) per level, variant order rotating",
        clients.base, plan.rounds
    );
    println!(
        "machine: {} CPU(s), tokio multi-thread runtime; server and clients share it",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    println!(
        "{:<32} {:>6} {:>10} {:>12} {:>9} {:>9}",
        "variant", "conc", "requests", "req/s(med)", "p50 µs", "p99 µs"
    );
    for &(concurrency, requests) in plan.levels {
        // Warm-up: opens the pooled connections and, for B, mints the one token.
        for variant in Variant::ALL {
            round(&clients, variant, concurrency, plan.warmup).await?;
        }
        let mut tallies: [Tally; 4] = Default::default();
        let mut paired = Vec::with_capacity(plan.rounds);
        for i in 0..plan.rounds {
            let mut rates = [0.0; 4];
            for k in 0..Variant::ALL.len() {
                let slot = (i + k) % Variant::ALL.len();
                let (rate, latencies) =
                    round(&clients, Variant::ALL[slot], concurrency, requests).await?;
                tallies[slot].throughput.push(rate);
                tallies[slot].latencies_ns.extend(latencies);
                rates[slot] = rate;
            }
            paired.push(rates[1] / rates[0]);
        }
        let total = requests * plan.rounds;
        let rows: Vec<_> = Variant::ALL
            .iter()
            .zip(tallies)
            .map(|(&variant, tally)| summarise(variant, concurrency, total, tally))
            .collect();
        let (a, b) = (rows[0], rows[1]);
        let ratio = b.0 / a.0;
        println!(
            "  B/A throughput {ratio:.3} (median of per-round ratios {:.3}; target >= 0.98: {}); \
             added p50 {:+.1} µs, added p99 {:+.1} µs",
            median(&mut paired),
            if ratio >= 0.98 { "met" } else { "MISSED" },
            b.1 - a.1,
            b.2 - a.2,
        );
        let share = |from: (f64, f64, f64), to: (f64, f64, f64)| to.0 / from.0;
        println!(
            "  steps in throughput: A->A2 {:.3}, A2->A4 {:.3}, A4->B {:.3}",
            share(rows[0], rows[2]),
            share(rows[2], rows[3]),
            share(rows[3], rows[1]),
        );
    }

    micro(&clients, if full { 200_000 } else { 1_000 }).await?;
    let (base, bearer, auth) = (
        clients.base.clone(),
        clients.bearer.clone(),
        clients.auth.clone(),
    );
    tokio::task::spawn_blocking(move || {
        cpu_per_call(base, bearer, auth, if full { 5_000 } else { 50 })
    })
    .await
    .map_err(|_| "the CPU measurement panicked")??;

    let mints = stats.mints.load(Ordering::Relaxed);
    let unauthorized = stats.unauthorized.load(Ordering::Relaxed);
    println!(
        "server: {} requests served on {} connection(s), {mints} token mint(s), \
         {unauthorized} 401(s); total {:.1} s{}",
        stats.served.load(Ordering::Relaxed),
        stats.connections.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
        if full { "" } else { " (smoke run)" },
    );
    if mints != 1 || unauthorized != 0 {
        return Err(format!("expected 1 mint and no 401, got {mints} and {unauthorized}").into());
    }
    Ok(())
}

/// Settings of `obi_api::Client::new` (15 s connect and total timeouts), applied to both
/// variants so the only difference is the generated code and the auth layer.
fn http_client() -> reqwest::Result<reqwest::Client> {
    let timeout = Duration::from_secs(15);
    reqwest::Client::builder()
        .connect_timeout(timeout)
        .timeout(timeout)
        .build()
}

/// Prints one table row; returns (median req/s, p50 µs, p99 µs).
fn summarise(variant: Variant, concurrency: usize, total: usize, tally: Tally) -> (f64, f64, f64) {
    let Tally {
        mut throughput,
        mut latencies_ns,
    } = tally;
    latencies_ns.sort_unstable();
    let rate = median(&mut throughput);
    let p50 = percentile_us(&latencies_ns, 0.50);
    let p99 = percentile_us(&latencies_ns, 0.99);
    println!(
        "{:<32} {concurrency:>6} {total:>10} {rate:>12.0} {p50:>9.1} {p99:>9.1}",
        variant.label()
    );
    (rate, p50, p99)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Nearest-rank percentile of sorted nanoseconds, in microseconds.
fn percentile_us(sorted_ns: &[u64], q: f64) -> f64 {
    let rank = ((sorted_ns.len() as f64 * q).ceil() as usize).clamp(1, sorted_ns.len());
    sorted_ns[rank - 1] as f64 / 1_000.0
}

/// `requests` calls of `variant` spread over `concurrency` tasks (each does an equal
/// share back to back); returns requests/s over the wall time and every call's latency.
async fn round(
    clients: &Arc<Clients>,
    variant: Variant,
    concurrency: usize,
    requests: usize,
) -> Result<(f64, Vec<u64>), BoxError> {
    let per_task = requests / concurrency;
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let clients = Arc::clone(clients);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_task);
                for _ in 0..per_task {
                    let t = Instant::now();
                    call(&clients, variant).await?;
                    latencies.push(t.elapsed().as_nanos() as u64);
                }
                Ok::<_, BoxError>(latencies)
            })
        })
        .collect();
    let mut all = Vec::with_capacity(per_task * concurrency);
    for task in tasks {
        all.extend(task.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok((all.len() as f64 / elapsed, all))
}

/// One request of `variant`, decoded; errors on anything but a non-empty JSON object.
async fn call(clients: &Clients, variant: Variant) -> Result<(), BoxError> {
    let fields = match variant {
        Variant::Plain => {
            let response = clients
                .plain
                .get(&clients.plain_url)
                .header(AUTHORIZATION, clients.bearer.clone())
                .send()
                .await?
                .error_for_status()?;
            let body: serde_json::Value = response.json().await?;
            body.as_object().map_or(0, |o| o.len())
        }
        Variant::Shaped => {
            let request = shaped_request(&clients.shaped, &clients.base)
                .header(AUTHORIZATION, clients.bearer.clone())
                .build()?;
            decode_like_progenitor(clients.shaped.execute(request).await?).await?
        }
        Variant::Executed => {
            let request = shaped_request(&clients.executed, &clients.base).build()?;
            let response = clients.auth.execute(&clients.executed, request).await?;
            decode_like_progenitor(response).await?
        }
        Variant::Generated => {
            let profile = clients.generated.get_customer().send().await?;
            profile.into_inner().len()
        }
    };
    if black_box(fields) == 0 {
        return Err("empty customer body".into());
    }
    Ok(())
}

/// In-process CPU cost (no I/O) of the per-request steps that differ between A and B, so a
/// throughput gap can be attributed: ns per call, best of three passes of `n` calls.
async fn micro(clients: &Clients, n: u32) -> Result<(), BoxError> {
    let mut best = [f64::MAX; 4];
    let authorized = shaped_request(&clients.shaped, &clients.base)
        .header(AUTHORIZATION, clients.bearer.clone())
        .build()?;
    for _ in 0..3 {
        let t = Instant::now();
        for _ in 0..n {
            let request = clients
                .plain
                .get(&clients.plain_url)
                .header(AUTHORIZATION, clients.bearer.clone())
                .build()?;
            drop(black_box(request));
        }
        best[0] = best[0].min(t.elapsed().as_nanos() as f64 / f64::from(n));
        let t = Instant::now();
        for _ in 0..n {
            drop(black_box(
                shaped_request(&clients.shaped, &clients.base).build()?,
            ));
        }
        best[1] = best[1].min(t.elapsed().as_nanos() as f64 / f64::from(n));
        let t = Instant::now();
        for _ in 0..n {
            black_box(clients.auth.token().await?);
        }
        best[2] = best[2].min(t.elapsed().as_nanos() as f64 / f64::from(n));
        // What `Auth::execute` does before sending: copy the bearer, clone for a replay.
        let t = Instant::now();
        for _ in 0..n {
            let sent = authorized.headers().get(AUTHORIZATION).cloned();
            let replay = authorized.try_clone();
            drop(black_box((sent, replay)));
        }
        best[3] = best[3].min(t.elapsed().as_nanos() as f64 / f64::from(n));
    }
    println!(
        "cpu per call, no I/O (ns): build A request {:.0}; build generated-shape request {:.0}; \
         Auth::token (warm) {:.0}; the spare copy (bearer + try_clone + drop) {:.0}",
        best[0], best[1], best[2], best[3]
    );
    Ok(())
}

/// The request exactly as `obi_api`'s `get_customer` builds it, minus the bearer.
fn shaped_request(client: &reqwest::Client, base: &str) -> reqwest::RequestBuilder {
    client
        .get(format!("{base}/v1/customer/me"))
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .headers(reqwest::header::HeaderMap::new())
}

/// Client CPU per call, B over A: one OS thread with its own current-thread runtime (so all
/// client work, connection tasks included, runs on it) makes `n` sequential calls of A,
/// then of B, in alternating rounds; the thread's CPU time (not wall time) around each loop
/// is what the client spent, which a busy shared machine barely changes. Prints the median
/// ratio of the rounds.
fn cpu_per_call(base: String, bearer: HeaderValue, auth: Auth, n: u32) -> Result<(), BoxError> {
    let worker = std::thread::spawn(move || -> Result<(f64, f64, f64), String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async move {
            let plain = http_client().map_err(|e| e.to_string())?;
            let url = format!("{base}/v1/customer/me");
            let generated = obi_api::Client::new_with_client(
                &base,
                http_client().map_err(|e| e.to_string())?,
                auth,
            );
            let plain_call = || async {
                let response = plain
                    .get(&url)
                    .header(AUTHORIZATION, bearer.clone())
                    .send()
                    .await?;
                let body: serde_json::Value = response.error_for_status()?.json().await?;
                Ok::<_, BoxError>(black_box(body))
            };
            let generated_call = || async {
                Ok::<_, BoxError>(black_box(
                    generated.get_customer().send().await?.into_inner(),
                ))
            };
            let (mut a_ns, mut b_ns, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for round in 0..6 {
                let t = thread_cpu_ns();
                for _ in 0..n {
                    plain_call().await.map_err(|e| e.to_string())?;
                }
                let a = (thread_cpu_ns() - t) as f64 / f64::from(n);
                let t = thread_cpu_ns();
                for _ in 0..n {
                    generated_call().await.map_err(|e| e.to_string())?;
                }
                let b = (thread_cpu_ns() - t) as f64 / f64::from(n);
                // Round 0 warms connections and caches up.
                if round > 0 {
                    a_ns.push(a);
                    b_ns.push(b);
                    ratios.push(b / a);
                }
            }
            Ok((median(&mut a_ns), median(&mut b_ns), median(&mut ratios)))
        })
    });
    let (a, b, ratio) = worker.join().map_err(|_| "the CPU worker panicked")??;
    println!(
        "client cpu per call (thread CPU time, sequential): A {:.1} µs, B {:.1} µs; B/A {ratio:.3}",
        a / 1000.0,
        b / 1000.0
    );
    Ok(())
}

/// CPU time consumed by the calling thread, in ns.
fn thread_cpu_ns() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec; the clock id is a constant libc knows.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
}

/// What `progenitor_client::ResponseValue::from_response` does: status check, a copy of the
/// response headers, the body as bytes, then a JSON map.
async fn decode_like_progenitor(response: reqwest::Response) -> Result<usize, BoxError> {
    if response.status() != StatusCode::OK {
        return Err(format!("status {}", response.status()).into());
    }
    let headers = black_box(response.headers().clone());
    let body = response.bytes().await?;
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&body)?;
    drop(headers);
    Ok(map.len())
}

/// Accepts HTTP/1.1 connections until the process exits.
async fn serve(listener: TcpListener, stats: Arc<ServerStats>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // Responses are one small write; no reason to let Nagle delay them.
        let _ = stream.set_nodelay(true);
        stats.connections.fetch_add(1, Ordering::Relaxed);
        let stats = Arc::clone(&stats);
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(request, Arc::clone(&stats)));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The two Obi endpoints the benchmark needs, with real credential and bearer checks.
async fn handle(
    request: Request<Incoming>,
    stats: Arc<ServerStats>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let headers = request.headers();
    let response = match (request.method(), request.uri().path()) {
        (&Method::POST, "/v1/auth/token") => {
            if headers.get("x-api-key").is_some_and(|v| v == API_KEY)
                && headers.get("x-api-secret").is_some_and(|v| v == API_SECRET)
            {
                stats.mints.fetch_add(1, Ordering::Relaxed);
                let expires = SystemTime::now() + Duration::from_secs(24 * 3600);
                let body = serde_json::json!({
                    "token": TOKEN,
                    "jti": "j1",
                    "expiresAt": rfc3339(expires),
                    "ttlSeconds": 86_400,
                });
                json(StatusCode::OK, Bytes::from(body.to_string()))
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    Bytes::from_static(br#"{"error":"invalid credentials"}"#),
                )
            }
        }
        (&Method::GET, "/v1/customer/me") => {
            let authorized = headers.get(AUTHORIZATION).is_some_and(|v| {
                v.as_bytes()
                    .strip_prefix(b"Bearer ")
                    .is_some_and(|t| t == TOKEN.as_bytes())
            });
            if authorized {
                stats.served.fetch_add(1, Ordering::Relaxed);
                json(StatusCode::OK, Bytes::from_static(CUSTOMER.as_bytes()))
            } else {
                stats.unauthorized.fetch_add(1, Ordering::Relaxed);
                json(
                    StatusCode::UNAUTHORIZED,
                    Bytes::from_static(br#"{"error":"unauthorized"}"#),
                )
            }
        }
        _ => json(StatusCode::NOT_FOUND, Bytes::from_static(b"{}")),
    };
    Ok(response)
}

fn json(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// `YYYY-MM-DDTHH:MM:SSZ` for `time` (civil-from-days; saves a date crate for one field).
fn rfc3339(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let of_day = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        of_day / 3_600,
        of_day / 60 % 60,
        of_day % 60
    )
}
