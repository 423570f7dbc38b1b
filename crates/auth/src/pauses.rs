//! [`Pauses`]: until when an API asked one credential's callers to hold back, per scope (an
//! operation, or minting), by the wall clock so that processes can share them.
//!
//! A 429 with `Retry-After` seen by one call pauses that scope for every call of the process
//! and, through a shared store, of the fleet. Checking for a pause is one atomic read while
//! none is running, so the warm path stays free.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The scope of the token endpoint (not an operation id: those are identifiers).
#[cfg(feature = "store")]
pub(crate) const MINT: &str = "(mint)";

/// A later end by less than this is not news worth telling the fleet.
const NEWS_MS: u64 = 1_000;

/// The longest pause kept, whatever a server asks.
const MAX_PAUSE: Duration = Duration::from_secs(3600);

/// The end of a pause of `after` from `now`, in Unix ms.
pub(crate) fn until(now: SystemTime, after: Duration) -> u64 {
    unix_ms(now).saturating_add(unix_ms(UNIX_EPOCH + after.min(MAX_PAUSE)))
}

/// Pauses per scope, in Unix milliseconds.
#[derive(Debug, Default)]
pub(crate) struct Pauses {
    /// The latest end of any pause: nothing to look up once it has passed.
    latest: AtomicU64,
    until: Mutex<HashMap<String, u64>>,
}

impl Pauses {
    /// Pauses `scope` until `until_ms` (Unix ms), unless it is already paused longer.
    /// Returns whether this is news: it extends the pause by more than a second (concurrent
    /// calls that all hear the same 429 make one piece of news, not one each). Scopes are an
    /// API's operations, few, so ended pauses are simply kept.
    pub(crate) fn pause(&self, scope: &str, until_ms: u64) -> bool {
        let mut until = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        let current = until.entry(scope.to_owned()).or_default();
        if *current >= until_ms {
            return false;
        }
        let news = until_ms > current.saturating_add(NEWS_MS);
        *current = until_ms;
        self.latest.fetch_max(until_ms, Ordering::Relaxed);
        news
    }

    /// How long `scope` is still paused at `now`, if it is. `now` is read only if some
    /// pause was ever set.
    pub(crate) fn remaining(
        &self,
        scope: &str,
        now: impl FnOnce() -> SystemTime,
    ) -> Option<Duration> {
        let latest = self.latest.load(Ordering::Relaxed);
        if latest == 0 {
            return None;
        }
        let now = unix_ms(now());
        if latest <= now {
            return None;
        }
        let until = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        let end = *until.get(scope)?;
        (end > now).then(|| Duration::from_millis(end - now))
    }
}

/// `time` in Unix milliseconds.
pub(crate) fn unix_ms(time: SystemTime) -> u64 {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_holds_its_scope_until_it_ends() {
        let pauses = Pauses::default();
        let now = SystemTime::now();
        assert_eq!(pauses.remaining("quote", || now), None);
        let end = unix_ms(now) + 2_000;
        assert!(pauses.pause("quote", end));
        assert!(!pauses.pause("quote", end - 500), "never shortened");
        assert!(!pauses.pause("quote", end + 10), "a few ms later: no news");
        assert_eq!(
            pauses.remaining("quote", || now),
            Some(Duration::from_millis(2_010))
        );
        assert_eq!(pauses.remaining("other", || now), None, "other scopes run");
        let later = now + Duration::from_millis(2_010);
        assert_eq!(pauses.remaining("quote", || later), None);
    }
}
