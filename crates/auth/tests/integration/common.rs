//! The auth layer's own test kit: a counting, gated mock minter, options with a manual clock,
//! a Tokio-driven clock and herd helpers (raw fault servers and the log capture are
//! `sdk_testkit`'s).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

#[cfg(feature = "store")]
use sdk_auth::store::Fingerprint;
use sdk_auth::{
    AccessToken, AuthError, AuthOptions, BoxFuture, Clock, Jitter, ManualClock, MintedToken,
    Minter, MinterInfo, SecretString, Sleep,
};
use tokio::sync::watch;

pub const HOUR: Duration = Duration::from_secs(3600);

/// Options for tests: manual clock, no jitter.
pub fn options(clock: &ManualClock) -> AuthOptions {
    AuthOptions::default()
        .clock(clock.clone())
        .jitter(Jitter::None)
}

/// A minter that counts calls, waits for a gate, optionally sleeps (real time) or fails,
/// and issues `tok-<n>` tokens with a fixed TTL.
#[derive(Debug, Clone)]
pub struct GatedMinter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    calls: AtomicUsize,
    gate: watch::Sender<bool>,
    ttl: Duration,
    delay: Mutex<Option<Duration>>,
    failure: Mutex<Option<AuthError>>,
    clock: Option<ManualClock>,
    call_times: Mutex<Vec<Duration>>,
}

impl GatedMinter {
    pub fn new(ttl: Duration, open: bool) -> Self {
        Self::build(ttl, open, None)
    }

    /// Records the manual clock's elapsed time at each call.
    pub fn timed(ttl: Duration, clock: &ManualClock) -> Self {
        Self::build(ttl, true, Some(clock.clone()))
    }

    fn build(ttl: Duration, open: bool, clock: Option<ManualClock>) -> Self {
        Self {
            inner: Arc::new(Inner {
                calls: AtomicUsize::new(0),
                gate: watch::channel(open).0,
                ttl,
                delay: Mutex::new(None),
                failure: Mutex::new(None),
                clock,
                call_times: Mutex::new(Vec::new()),
            }),
        }
    }

    pub fn calls(&self) -> usize {
        self.inner.calls.load(Ordering::SeqCst)
    }

    pub fn call_times(&self) -> Vec<Duration> {
        self.inner.call_times.lock().unwrap().clone()
    }

    pub fn open(&self) {
        self.inner.gate.send_replace(true);
    }

    pub fn close(&self) {
        self.inner.gate.send_replace(false);
    }

    pub fn set_delay(&self, delay: Option<Duration>) {
        *self.inner.delay.lock().unwrap() = delay;
    }

    pub fn set_failure(&self, failure: Option<AuthError>) {
        *self.inner.failure.lock().unwrap() = failure;
    }

    /// Waits (real time) until at least `n` mints have started.
    pub async fn wait_calls(&self, n: usize) {
        while self.calls() < n {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}

impl Minter for GatedMinter {
    fn info(&self) -> MinterInfo {
        MinterInfo {
            api: "mock",
            service: "default",
            key_id_prefix: "mock".into(),
        }
    }

    /// Clones share a credential, so they share a slot in a token store.
    #[cfg(feature = "store")]
    fn identify(&self, fingerprint: &mut Fingerprint) -> bool {
        fingerprint.add("mock-key-id");
        true
    }

    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        Box::pin(async move {
            let n = self.inner.calls.fetch_add(1, Ordering::SeqCst) + 1;
            if let Some(clock) = &self.inner.clock {
                self.inner.call_times.lock().unwrap().push(clock.elapsed());
            }
            let mut gate = self.inner.gate.subscribe();
            gate.wait_for(|open| *open)
                .await
                .expect("gate sender alive");
            let delay = *self.inner.delay.lock().unwrap();
            if let Some(delay) = delay {
                tokio::time::sleep(delay).await;
            }
            if let Some(error) = self.inner.failure.lock().unwrap().clone() {
                return Err(error);
            }
            Ok(
                MintedToken::new(SecretString::from(format!("tok-{n}")), HOUR)
                    .with_ttl(self.inner.ttl),
            )
        })
    }
}

/// Spawns `n` tasks calling `token()`; returns their handles and a count of tasks that
/// have entered the call.
pub fn spawn_callers(
    auth: &sdk_auth::Auth,
    n: usize,
) -> (
    Vec<tokio::task::JoinHandle<Result<AccessToken, AuthError>>>,
    Arc<AtomicUsize>,
) {
    let entered = Arc::new(AtomicUsize::new(0));
    let handles = (0..n)
        .map(|_| {
            let auth = auth.clone();
            let entered = entered.clone();
            tokio::spawn(async move {
                entered.fetch_add(1, Ordering::SeqCst);
                auth.token().await
            })
        })
        .collect();
    (handles, entered)
}

/// Waits until `counter` reaches `n`, then a little longer so the tasks reach their await.
pub async fn settle(counter: &AtomicUsize, n: usize) {
    while counter.load(Ordering::SeqCst) < n {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
}

/// Tokio's clock: follows `tokio::time::pause` / `advance` (and auto-advance in paused tests),
/// so tasks that really wait on each other (a fleet polling a store) can run on virtual time.
#[derive(Debug, Clone)]
#[cfg_attr(not(feature = "store"), allow(dead_code))]
pub struct TokioClock {
    start: tokio::time::Instant,
    wall: SystemTime,
}

#[cfg_attr(not(feature = "store"), allow(dead_code))]
impl TokioClock {
    pub fn new() -> Self {
        Self {
            start: tokio::time::Instant::now(),
            wall: SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600),
        }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }

    fn wall(&self) -> SystemTime {
        self.wall + (tokio::time::Instant::now() - self.start)
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}
