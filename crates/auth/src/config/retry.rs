//! When a business call is tried again, as data: the policy (what, how often, how long to
//! wait, the budget's size) and how to read `Retry-After`. The decision itself is
//! `crate::call::decide`; the budget's counter is `crate::call::budget`.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The longest `Retry-After` a call waits for by default (and the cap on
/// `sdk::Error::retry_after`): a server asking for more gets its answer back to the caller
/// instead of a parked call.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(20);

/// How business calls are retried (see [`AuthOptions::retry`](crate::AuthOptions::retry)).
///
/// What is retried:
/// - any operation, when the connection could not be established (nothing was sent);
/// - [idempotent](crate::Operation::idempotent) operations, also on 408, 429, 500, 502, 503,
///   504, a connection reset or timeout after sending, and OrigoID's HTTP-200
///   `SERVICE_UNAVAILABLE` envelope. Other operations are never repeated once their bytes
///   may have reached the server.
///
/// How: capped exponential backoff with full jitter, at least the server's `Retry-After`
/// (seconds or HTTP-date; a longer one than [`max_retry_after`](Self::max_retry_after) ends
/// the retries), within the budget and the call deadline. A 401 replay with a fresh token is
/// not a retry and does not count.
///
/// ```
/// use std::time::Duration;
/// use sdk_auth::{AuthOptions, RetryPolicy};
///
/// let options = AuthOptions::default()
///     .retry(RetryPolicy::default().max_attempts(5).backoff(Duration::from_millis(100), Duration::from_secs(2)))
///     .call_deadline(Some(Duration::from_secs(30)));
/// let no_retries = AuthOptions::default().retry(RetryPolicy::disabled());
/// # let _ = (options, no_retries);
/// ```
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) jitter: bool,
    pub(crate) max_tokens: u32,
    pub(crate) token_ratio: f64,
}

impl Default for RetryPolicy {
    /// 3 attempts, backoff from 200 ms doubling up to 5 s with full jitter, `Retry-After` up
    /// to 20 s, a budget of 10 tokens regaining 0.1 per success.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: MAX_RETRY_AFTER,
            jitter: true,
            max_tokens: 10,
            token_ratio: 0.1,
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once (a 401 is still replayed once with a fresh token).
    pub fn disabled() -> Self {
        Self::default().max_attempts(1)
    }

    /// Attempts per call including the first (default 3; 1 turns retries off).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Backoff before retry `n` is up to `initial × 2ⁿ⁻¹`, capped at `max` (defaults 200 ms
    /// and 5 s).
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest `Retry-After` honoured (default 20 s); a server asking for more gets its
    /// answer back to the caller instead of a parked call.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Full jitter (default `true`): each backoff is a uniformly random fraction of its
    /// ceiling, so clients that failed together do not retry together. `false` waits the
    /// whole ceiling (for deterministic tests).
    pub fn full_jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// The retry budget: at most `max_tokens` (default 10, at least 2), each failed attempt
    /// takes one, each success returns `token_ratio` (default 0.1, clamped to `0.0..=1.0`);
    /// retries only while more than half remain.
    pub fn budget(mut self, max_tokens: u32, token_ratio: f64) -> Self {
        self.max_tokens = max_tokens.max(2);
        self.token_ratio = if token_ratio.is_finite() {
            token_ratio.clamp(0.0, 1.0)
        } else {
            0.1
        };
        self
    }

    /// The pause before retry number `retry` (1 for the first retry).
    pub(crate) fn backoff_before(&self, retry: u32) -> Duration {
        let ceiling = self
            .initial_backoff
            .saturating_mul(1 << retry.saturating_sub(1).min(16))
            .min(self.max_backoff);
        if self.jitter {
            ceiling.mul_f64(fastrand::f64())
        } else {
            ceiling
        }
    }
}

/// `Retry-After` of `headers` as delta-seconds or an HTTP-date (relative to `now`), capped
/// at `cap`; `None` when absent or unreadable.
pub fn retry_after(headers: &HeaderMap, now: SystemTime, cap: Duration) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let after = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => httpdate::parse_http_date(value)
            .ok()?
            .duration_since(now)
            .unwrap_or_default(),
    };
    Some(after.min(cap))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_is_capped_exponential() {
        let policy = RetryPolicy::default()
            .full_jitter(false)
            .backoff(Duration::from_millis(100), Duration::from_millis(350));
        let waits: Vec<u128> = (1..=4)
            .map(|n| policy.backoff_before(n).as_millis())
            .collect();
        assert_eq!(waits, [100, 200, 350, 350]);
        let jittered = RetryPolicy::default();
        for n in 1..=40 {
            assert!(jittered.backoff_before(n) <= Duration::from_secs(5));
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let cap = Duration::from_secs(20);
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now, cap), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static(" 7 "));
        assert_eq!(
            retry_after(&headers, now, cap),
            Some(Duration::from_secs(7))
        );
        headers.insert(RETRY_AFTER, HeaderValue::from_static("99999"));
        assert_eq!(retry_after(&headers, now, cap), Some(cap));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(12));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&date).unwrap());
        assert_eq!(
            retry_after(&headers, now, cap),
            Some(Duration::from_secs(12))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(12));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&past).unwrap());
        assert_eq!(retry_after(&headers, now, cap), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now, cap), None);
    }
}
