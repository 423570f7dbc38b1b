//! One token per service, refreshed by a single flight.
//!
//! A mint is a shared future ([`Shared`]) that every interested caller awaits; the state only
//! keeps a weak handle to it. So:
//! - any number of concurrent callers cause one mint (they all await the same future);
//! - if the caller that started it is dropped, the others keep polling it to completion;
//! - if every caller is dropped, the future is dropped with them (no task to leak, no
//!   "in progress" flag to get stuck) and the next caller starts afresh.
//!
//! The mint future installs its own result, so it lands exactly once whoever polls it.
//! The lock is a plain mutex held for a few field reads, never across an `.await`.
//!
//! Waits are bounded: a caller waits at most `token_wait` for a token and a mint gives up
//! after the same time, so a hanging token endpoint costs each caller one bounded wait
//! followed by fast failures during the backoff.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use futures_util::FutureExt as _;
use futures_util::future::{Shared, WeakShared};
use reqwest::header::HeaderValue;
use tracing::Instrument as _;

use futures_util::future::BoxFuture;

use super::access::{AccessToken, MintedToken};
#[cfg(feature = "store")]
use super::fleet::Fleet;
use super::health::Health;
use super::lifetime::Phase;
use super::minter::{Minter, MinterInfo};
use crate::clock;
use crate::config::AuthOptions;
use crate::error::AuthError;
use crate::meter;
use crate::pauses::Pauses;

type MintResult = Result<AccessToken, AuthError>;
type MintFuture = BoxFuture<'static, MintResult>;

/// First pause after a failed mint; doubles per consecutive failure up to `max_backoff`.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);

pub(crate) struct TokenCache {
    pub(crate) minter: Arc<dyn Minter>,
    pub(crate) info: MinterInfo,
    pub(crate) options: AuthOptions,
    /// This service's slot in the shared token store, if one is configured.
    #[cfg(feature = "store")]
    pub(crate) fleet: Option<Fleet>,
    /// Scopes the API asked to hold back (429 with `Retry-After`): this process's, and with
    /// a shared store the fleet's.
    pub(crate) pauses: Arc<Pauses>,
    state: Mutex<State>,
    /// Mirrors `state.rejection.is_some()`, so a successful call checks it without the lock.
    rejected: AtomicBool,
}

#[derive(Default)]
struct State {
    current: Option<AccessToken>,
    /// The mint in progress, if any caller still awaits it; tagged to recognise it.
    inflight: Option<(u64, WeakShared<MintFuture>)>,
    failure: Option<Failure>,
    generation: u64,
    mints_started: u64,
    rejection: Option<Failure>,
    /// The (local) generation of the token whose refusal `rejection` counted last.
    rejection_counted: u64,
}

/// The last failure of a kind, remembered until `retry_at` (negative cache and backoff):
/// a failed mint, or the API rejecting a freshly minted token.
struct Failure {
    error: AuthError,
    retry_at: Instant,
    consecutive: u32,
}

/// What a caller does next, decided under the lock.
enum Plan {
    Ready(AccessToken),
    Wait(Shared<MintFuture>),
    Fail(AuthError),
}

impl State {
    fn running(&self) -> Option<Shared<MintFuture>> {
        self.inflight.as_ref().and_then(|(_, weak)| weak.upgrade())
    }

    fn backing_off(&self, now: Instant) -> Option<&AuthError> {
        self.failure
            .as_ref()
            .filter(|failure| failure.retry_at > now)
            .map(|failure| &failure.error)
    }
}

impl TokenCache {
    pub(crate) fn new(minter: Arc<dyn Minter>, options: AuthOptions) -> Self {
        let info = minter.info();
        #[cfg(feature = "store")]
        let fleet = Fleet::new(&options, &*minter, &info);
        #[cfg(feature = "store")]
        let pauses = fleet.as_ref().map(Fleet::pauses).unwrap_or_default();
        #[cfg(not(feature = "store"))]
        let pauses = Arc::default();
        Self {
            info,
            minter,
            options,
            #[cfg(feature = "store")]
            fleet,
            pauses,
            state: Mutex::default(),
            rejected: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current token, minting if needed. Never waits while a usable token exists,
    /// except for the one caller that starts a refresh ahead of expiry, and never longer
    /// than `token_wait`.
    pub(crate) async fn token(self: &Arc<Self>) -> MintResult {
        let wait = self.options.token_wait;
        let mint = match self.plan() {
            Plan::Ready(token) => return Ok(token),
            Plan::Fail(error) => return Err(error),
            Plan::Wait(mint) => mint,
        };
        let error = match clock::within(&*self.options.clock, wait, mint).await {
            Some(Ok(token)) => return Ok(token),
            Some(Err(error)) => error,
            None => {
                tracing::warn!(
                    api = self.info.api,
                    service = self.info.service,
                    ?wait,
                    "gave up waiting for a token"
                );
                AuthError::Timeout
            }
        };
        // A failed refresh keeps the old token while it is still usable.
        self.usable().ok_or(error)
    }

    fn plan(self: &Arc<Self>) -> Plan {
        let now = self.options.clock.now();
        let mut state = self.lock();
        let phase = state.current.as_ref().map(|token| token.phase(now));
        match (phase, &state.current) {
            (Some(Phase::Fresh), Some(token)) => Plan::Ready(token.clone()),
            (Some(Phase::Soft), Some(token)) => {
                if state.running().is_some() || state.backing_off(now).is_some() {
                    return Plan::Ready(token.clone());
                }
                tracing::debug!(
                    api = self.info.api,
                    service = self.info.service,
                    generation = token.generation(),
                    "refreshing token ahead of expiry"
                );
                Plan::Wait(self.start(&mut state))
            }
            _ => {
                if let Some(mint) = state.running() {
                    Plan::Wait(mint)
                } else if let Some(error) = state.backing_off(now) {
                    Plan::Fail(error.clone())
                } else {
                    Plan::Wait(self.start(&mut state))
                }
            }
        }
    }

    fn start(self: &Arc<Self>, state: &mut State) -> Shared<MintFuture> {
        state.mints_started += 1;
        let id = state.mints_started;
        let cache = Arc::clone(self);
        let future: MintFuture = Box::pin(async move { cache.mint(id).await });
        let shared = future.shared();
        state.inflight = shared.downgrade().map(|weak| (id, weak));
        shared
    }

    /// One mint: bounded attempts with exponential backoff for transient failures, in a span.
    async fn mint(&self, id: u64) -> MintResult {
        let span = tracing::info_span!(
            "mint",
            api = self.info.api,
            service = self.info.service,
            key_id = %self.info.key_id_prefix,
            outcome = tracing::field::Empty,
            lifetime_s = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        async {
            let started = meter::Stopwatch::start();
            let mut attempt = 1;
            let attempts = async {
                loop {
                    match self.obtain().await {
                        Err(error) if error.is_retryable_now() && attempt < self.options.max_attempts => {
                            let delay = self.options.retry_delay.saturating_mul(1 << (attempt - 1).min(16));
                            tracing::debug!(attempt, error = %error, ?delay, "mint attempt failed; retrying");
                            self.options.clock.sleep(delay).await;
                            attempt += 1;
                        }
                        result => break result,
                    }
                }
            };
            let limit = self.options.token_wait;
            let minted = clock::within(&*self.options.clock, limit, std::pin::pin!(attempts))
                .await
                .unwrap_or(Err(AuthError::Timeout));
            tracing::Span::current().record("attempts", attempt);
            let source = self.source(&minted);
            let result = self.install(id, minted);
            let outcome = result.as_ref().map_or_else(AuthError::kind, |_| "ok");
            meter::mint(self.info.api, self.info.service, source, outcome, started);
            result
        }
        .instrument(span)
        .await
    }

    /// Stores a mint's outcome: the new token, or the failure and when to try again.
    fn install(&self, id: u64, minted: Result<MintedToken, AuthError>) -> MintResult {
        let now = self.options.clock.now();
        let wall = self.options.clock.wall();
        let mut state = self.lock();
        if state
            .inflight
            .as_ref()
            .is_some_and(|(running, _)| *running == id)
        {
            state.inflight = None;
        }
        let generation = state.generation + 1;
        let result = minted.and_then(|minted| {
            let lifetime = minted.lifetime(wall);
            AccessToken::new(minted, generation, now, lifetime, &self.options)
        });
        let span = tracing::Span::current();
        match &result {
            Ok(token) => {
                state.generation = generation;
                state.current = Some(token.clone());
                state.failure = None;
                span.record("outcome", "ok");
                span.record("lifetime_s", token.lifetime().as_secs());
                tracing::info!(
                    generation,
                    lifetime_s = token.lifetime().as_secs(),
                    source = ?token.lifetime_source(),
                    "token minted"
                );
            }
            Err(error) => {
                let consecutive = state.failure.as_ref().map_or(0, |f| f.consecutive) + 1;
                let pause = self.pause_after(error, consecutive);
                state.failure = Some(Failure {
                    error: error.clone(),
                    retry_at: now.checked_add(pause).unwrap_or(now),
                    consecutive,
                });
                span.record("outcome", error.kind());
                tracing::warn!(error = %error, consecutive, next_attempt_in = ?pause, "token mint failed");
            }
        }
        result
    }

    /// How long to wait after a failed mint before minting again.
    fn pause_after(&self, error: &AuthError, consecutive: u32) -> Duration {
        let backoff = self.backoff(consecutive);
        match error {
            AuthError::InvalidCredentials | AuthError::AccountBlocked | AuthError::Config(_) => {
                self.options.negative_ttl
            }
            AuthError::RateLimited {
                retry_after: Some(after),
            } => (*after).max(backoff),
            _ => backoff,
        }
    }

    /// 1 s doubling per consecutive failure, up to `max_backoff`.
    fn backoff(&self, consecutive: u32) -> Duration {
        FIRST_BACKOFF
            .saturating_mul(1 << consecutive.saturating_sub(1).min(16))
            .min(self.options.max_backoff)
    }

    /// The current token if it is still usable (not hard-expired); never mints.
    pub(crate) fn usable(&self) -> Option<AccessToken> {
        let now = self.options.clock.now();
        self.lock()
            .current
            .clone()
            .filter(|token| token.phase(now) != Phase::Expired)
    }

    /// Drops the current token if it is the one `rejected` carried; a token minted since
    /// then stays. Returns whether anything was dropped.
    pub(crate) fn invalidate(&self, rejected: &HeaderValue) -> bool {
        let mut state = self.lock();
        let matches = state
            .current
            .as_ref()
            .is_some_and(|token| token.header() == rejected);
        if matches {
            #[cfg(feature = "store")]
            if let (Some(fleet), Some(token)) = (&self.fleet, &state.current) {
                fleet.rejected(token);
            }
            state.current = None;
        }
        matches
    }

    /// Forgets the current token (after revocation).
    pub(crate) fn clear(&self) {
        self.lock().current = None;
    }

    /// Whether a 401 may trigger a re-mint and replay now: always, unless the API recently
    /// rejected a freshly minted token (then once per backoff interval).
    pub(crate) fn replay_allowed(&self) -> bool {
        if !self.rejected.load(Ordering::Relaxed) {
            return true;
        }
        let now = self.options.clock.now();
        self.lock()
            .rejection
            .as_ref()
            .is_none_or(|rejection| rejection.retry_at <= now)
    }

    /// The API answered 401 to a request replayed with the fresh `token`: stop re-minting per
    /// request until the backoff passes or a call succeeds. Concurrent calls refused with the
    /// same token count once, so a burst does not lengthen the pause.
    pub(crate) fn note_rejected(&self, token: &AccessToken) {
        let now = self.options.clock.now();
        let mut state = self.lock();
        if state.rejection.is_some() && state.rejection_counted == token.generation() {
            return;
        }
        state.rejection_counted = token.generation();
        let consecutive = state.rejection.as_ref().map_or(0, |r| r.consecutive) + 1;
        let pause = self.backoff(consecutive);
        state.rejection = Some(Failure {
            error: AuthError::RejectedAfterReplay,
            retry_at: now.checked_add(pause).unwrap_or(now),
            consecutive,
        });
        self.rejected.store(true, Ordering::Relaxed);
        tracing::warn!(api = self.info.api, service = self.info.service, consecutive,
            next_replay_in = ?pause, "the API rejected a freshly minted token; re-mints on 401 paused");
    }

    /// The API accepted a request (anything but 401): leave the rejected state.
    pub(crate) fn note_accepted(&self) {
        // Read before writing: the common case (never rejected) must not dirty a shared line.
        if self.rejected.load(Ordering::Relaxed) && self.rejected.swap(false, Ordering::Relaxed) {
            self.lock().rejection = None;
            tracing::info!(
                api = self.info.api,
                service = self.info.service,
                "the API accepts the token again"
            );
        }
    }

    /// Where this service stands, without minting.
    pub(crate) fn health(&self) -> Health {
        let now = self.options.clock.now();
        let state = self.lock();
        let usable = state
            .current
            .as_ref()
            .is_some_and(|token| token.phase(now) != Phase::Expired);
        let retry_in = |failure: &Failure| failure.retry_at.saturating_duration_since(now);
        if let Some(rejection) = &state.rejection {
            Health::Rejected {
                consecutive: rejection.consecutive,
                replay_in: retry_in(rejection),
            }
        } else if let Some(failure) = &state.failure {
            Health::MintFailing {
                error: failure.error.clone(),
                retry_in: retry_in(failure),
                token_usable: usable,
            }
        } else if usable {
            Health::Ready
        } else {
            Health::Idle
        }
    }
}

/// Shared token store hooks (see `crate::store`).
impl TokenCache {
    /// Where a mint's token came from (see `MintedToken::source`); a failed mint is labelled
    /// `fleet` when a shared store is configured (its local fallbacks are counted apart).
    fn source(&self, minted: &Result<MintedToken, AuthError>) -> &'static str {
        match minted {
            Ok(minted) => minted.source(),
            #[cfg(feature = "store")]
            Err(_) if self.fleet.is_some() => "fleet",
            Err(_) => "local",
        }
    }

    /// One mint attempt: through the fleet when a shared store is configured, else directly.
    async fn obtain(&self) -> Result<MintedToken, AuthError> {
        #[cfg(feature = "store")]
        if let Some(fleet) = &self.fleet {
            return fleet.obtain(&*self.minter, &self.options).await;
        }
        self.minter.mint().await
    }
}

impl AuthError {
    /// Worth another attempt within the same mint (not rate limits: those wait longer).
    fn is_retryable_now(&self) -> bool {
        matches!(self, Self::Transient(_) | Self::Timeout)
    }
}
