//! Store warnings without floods: at most one per distinct cause per interval, and the one
//! that is logged says how many were held back since the last.
//!
//! A store that is down, slow or full of entries that do not open is met by every waiting
//! poll of every service: logged each time, that is hundreds of identical lines per 401 storm.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How often one cause is logged at most.
pub(crate) const INTERVAL: Duration = Duration::from_secs(10);

/// Causes are told apart by a short text (the message and the error); a store has few.
const MAX_CAUSES: usize = 64;

/// The warnings of one store.
#[derive(Debug, Default)]
pub(crate) struct Warnings {
    causes: Mutex<HashMap<String, Cause>>,
}

#[derive(Debug)]
struct Cause {
    logged_at: Instant,
    held_back: u64,
}

impl Warnings {
    /// Whether the warning `what`, for `detail` (an error, say), is logged now: `Some(n)` with
    /// the number of its kind held back since the last one logged, `None` if it is held back.
    pub(crate) fn admit(&self, what: &str, detail: impl fmt::Display) -> Option<u64> {
        self.admit_at(&format!("{what}: {detail}"), Instant::now())
    }

    fn admit_at(&self, cause: &str, now: Instant) -> Option<u64> {
        let mut causes = self.causes.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(seen) = causes.get_mut(cause) {
            if now.saturating_duration_since(seen.logged_at) < INTERVAL {
                seen.held_back += 1;
                return None;
            }
            let held_back = std::mem::take(&mut seen.held_back);
            seen.logged_at = now;
            return Some(held_back);
        }
        if causes.len() >= MAX_CAUSES {
            causes.retain(|_, seen| now.saturating_duration_since(seen.logged_at) < INTERVAL);
        }
        causes.insert(
            cause.to_owned(),
            Cause {
                logged_at: now,
                held_back: 0,
            },
        );
        Some(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_per_cause_per_interval_with_the_count() {
        let warnings = Warnings::default();
        let start = Instant::now();
        assert_eq!(warnings.admit_at("down", start), Some(0));
        for _ in 0..300 {
            assert_eq!(warnings.admit_at("down", start + INTERVAL / 2), None);
        }
        assert_eq!(warnings.admit_at("slow", start), Some(0), "another cause");
        assert_eq!(warnings.admit_at("down", start + INTERVAL), Some(300));
        assert_eq!(warnings.admit_at("down", start + INTERVAL * 3), Some(0));
    }

    #[test]
    fn causes_are_bounded() {
        let warnings = Warnings::default();
        let start = Instant::now();
        for cause in 0..MAX_CAUSES * 3 {
            let now = start + INTERVAL * cause as u32;
            assert_eq!(warnings.admit_at(&cause.to_string(), now), Some(0));
        }
        let causes = warnings.causes.lock().unwrap().len();
        assert!(causes <= MAX_CAUSES, "{causes}");
    }
}
