//! Time sources: monotonic now, wall-clock now and an async sleep, behind one trait so tests
//! can drive time by hand instead of waiting.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// A boxed sleep future, as returned by [`Clock::sleep`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Where [`Auth`](crate::Auth) reads time from.
///
/// Expiry is tracked in monotonic time ([`Clock::now`]) so wall-clock jumps cannot expire or
/// prolong a token; the wall clock ([`Clock::wall`]) is only used to interpret absolute expiry
/// timestamps and `Date` / `Retry-After` headers.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// Monotonic now.
    fn now(&self) -> Instant;
    /// Wall-clock now.
    fn wall(&self) -> SystemTime;
    /// Completes after `duration` (used for backoff between attempts).
    fn sleep(&self, duration: Duration) -> Sleep;

    /// Completes when a timeout of `duration` has run out while other work was pending
    /// (token waits, call deadlines, shutdown). Defaults to [`sleep`](Self::sleep).
    fn timer(&self, duration: Duration) -> Sleep {
        self.sleep(duration)
    }
}

/// Runs `future` for at most `limit` by `clock`'s [`timer`](Clock::timer): `None` if the timer
/// fired first. The timer is only made if the future does not finish on its first poll, so
/// the common, immediate case costs nothing (and needs no runtime).
pub(crate) async fn within<F: Future + Unpin>(
    clock: &dyn Clock,
    limit: Duration,
    mut future: F,
) -> Option<F::Output> {
    if let Some(output) = futures_util::FutureExt::now_or_never(&mut future) {
        return Some(output);
    }
    match futures_util::future::select(future, clock.timer(limit)).await {
        futures_util::future::Either::Left((output, _)) => Some(output),
        futures_util::future::Either::Right(_) => None,
    }
}

/// The real clock: [`Instant::now`], [`SystemTime::now`] and Tokio's timer.
///
/// Sleeping needs a Tokio runtime with the timer enabled, which reqwest requires anyway.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock that only moves when told to, for deterministic tests.
///
/// Monotonic and wall time advance together via [`ManualClock::advance`]; the wall clock can
/// be moved on its own with [`ManualClock::set_wall`] to simulate skew. [`Clock::sleep`]
/// completes immediately and advances the clock by the requested duration, so backoff in a
/// test costs no real time. [`Clock::timer`] never completes: time moves only when told, so
/// a timeout cannot fire while the work it guards is pending. Clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    origin: Instant,
    elapsed: Duration,
    wall_origin: SystemTime,
}

/// Wall-clock start of a [`ManualClock`]: 2026-01-01T00:00:00Z.
const MANUAL_WALL_START: Duration = Duration::from_secs(1_767_225_600);

impl ManualClock {
    /// A clock whose wall time starts at 2026-01-01T00:00:00Z.
    pub fn new() -> Self {
        Self {
            state: Arc::new(Mutex::new(ManualState {
                origin: Instant::now(),
                elapsed: Duration::ZERO,
                wall_origin: SystemTime::UNIX_EPOCH + MANUAL_WALL_START,
            })),
        }
    }

    /// Moves monotonic and wall time forward by `duration`.
    pub fn advance(&self, duration: Duration) {
        let mut state = self.lock();
        state.elapsed = state.elapsed.saturating_add(duration);
    }

    /// Sets the wall clock to `wall` without moving monotonic time (simulates clock skew).
    pub fn set_wall(&self, wall: SystemTime) {
        let mut state = self.lock();
        state.wall_origin = wall.checked_sub(state.elapsed).unwrap_or(wall);
    }

    /// Monotonic time elapsed since the clock was created.
    pub fn elapsed(&self) -> Duration {
        self.lock().elapsed
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        let state = self.lock();
        state
            .origin
            .checked_add(state.elapsed)
            .unwrap_or(state.origin)
    }

    fn wall(&self) -> SystemTime {
        let state = self.lock();
        state
            .wall_origin
            .checked_add(state.elapsed)
            .unwrap_or(state.wall_origin)
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        self.advance(duration);
        Box::pin(std::future::ready(()))
    }

    fn timer(&self, _duration: Duration) -> Sleep {
        Box::pin(std::future::pending())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new();
        let (t0, w0) = (clock.now(), clock.wall());
        clock.advance(Duration::from_secs(5));
        assert_eq!(clock.now() - t0, Duration::from_secs(5));
        assert_eq!(
            clock.wall().duration_since(w0).unwrap(),
            Duration::from_secs(5)
        );
        let skewed = w0 + Duration::from_secs(600);
        clock.set_wall(skewed);
        assert_eq!(clock.wall(), skewed);
        assert_eq!(clock.now() - t0, Duration::from_secs(5));
        clock.advance(Duration::MAX);
        let _ = (clock.now(), clock.wall()); // saturates, never panics
    }
}
