//! Configuration as plain data: the options shared by every API (clock, refresh policy,
//! retries, timeouts, token store), the options of one call, and each API's credentials.
//! Nothing here performs I/O or imports the token or call layers; `Auth` is built from these
//! values (`crate::auth`).

pub(crate) mod bridge;
pub(crate) mod call;
pub(crate) mod obi;
pub(crate) mod origoid;
pub(crate) mod retry;

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

pub(crate) use bridge::{BridgeConfig, BridgeCredentials, BridgeService};
pub(crate) use obi::ObiConfig;
pub(crate) use origoid::{OrigoIdConfig, OrigoIdCredentials};

use crate::clock::{Clock, SystemClock};
use crate::error::AuthError;
#[cfg(feature = "store")]
use crate::store::SharedStore;
use retry::RetryPolicy;

/// At most the first four characters of a non-secret key id, for logs and `Debug`.
pub(crate) fn key_prefix(key_id: &str) -> String {
    key_id.chars().take(4).collect()
}

/// The `User-Agent` sent by default: this crate and its version.
const DEFAULT_USER_AGENT: &str = concat!("sdk-auth/", env!("CARGO_PKG_VERSION"));

/// How much of the refresh lead is randomly cut off per token, so that many processes that
/// minted at the same moment do not all refresh at the same moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Jitter {
    /// No jitter: refresh exactly `lead` before expiry.
    None,
    /// Always cut this fraction (clamped to `0.0..=0.5`) of the lead; for tests.
    Fixed(f64),
    /// Cut a random fraction in `0.0..=0.5` of the lead (the default).
    Random,
}

impl Jitter {
    /// The fraction of the lead to cut, always in `0.0..=0.5`.
    pub(crate) fn sample(self) -> f64 {
        let fraction = match self {
            Self::None => 0.0,
            Self::Fixed(fraction) => fraction,
            Self::Random => fastrand::f64() * 0.5,
        };
        if fraction.is_finite() {
            fraction.clamp(0.0, 0.5)
        } else {
            0.0
        }
    }
}

/// Knobs shared by all APIs. The defaults suit production; tests mostly swap the clock and
/// the jitter.
///
/// Refresh timing for a token of lifetime `L`: the *lead* is `max(min_lead, lead_fraction × L)`
/// capped at `L / 2`, shortened by [`Jitter`]; from `expiry − lead` one caller refreshes while
/// the others keep using the token. From `expiry − min(hard_margin, L / 10)` the token is
/// no longer handed out and every caller waits for the shared mint.
#[derive(Debug, Clone)]
pub struct AuthOptions {
    pub(crate) clock: Arc<dyn Clock>,
    /// Tokens shared with other processes (`None`: this process mints its own).
    #[cfg(feature = "store")]
    pub(crate) store: Option<SharedStore>,
    pub(crate) jitter: Jitter,
    pub(crate) min_lead: Duration,
    pub(crate) lead_fraction: f64,
    pub(crate) hard_margin: Duration,
    pub(crate) negative_ttl: Duration,
    pub(crate) max_attempts: u32,
    pub(crate) retry_delay: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) token_wait: Duration,
    pub(crate) call_deadline: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    /// `None` until set: then [`DEFAULT_USER_AGENT`] applies.
    pub(crate) user_agent: Option<HeaderValue>,
}

impl Default for AuthOptions {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            #[cfg(feature = "store")]
            store: None,
            jitter: Jitter::Random,
            min_lead: Duration::from_secs(30),
            lead_fraction: 0.1,
            hard_margin: Duration::from_secs(5),
            negative_ttl: Duration::from_secs(30),
            max_attempts: 3,
            retry_delay: Duration::from_millis(200),
            max_backoff: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(15),
            token_wait: Duration::from_secs(10),
            call_deadline: Some(Duration::from_secs(60)),
            retry: RetryPolicy::default(),
            user_agent: None,
        }
    }
}

impl AuthOptions {
    /// The time source (default [`SystemClock`]).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    #[cfg(feature = "store")]
    #[cfg_attr(docsrs, doc(cfg(feature = "store")))]
    /// Shares tokens with the other processes using `store`: one mint per credential for the
    /// whole fleet (see [`SharedStore`]). Default: none, every process mints its own.
    pub fn token_store(mut self, store: SharedStore) -> Self {
        self.store = Some(store);
        self
    }

    /// Refresh-lead jitter (default [`Jitter::Random`]).
    pub fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// Refresh lead: at least `min_lead` (default 30 s), or `fraction` of the lifetime
    /// (default 0.1) if larger; never more than half the lifetime.
    pub fn refresh_lead(mut self, min_lead: Duration, fraction: f64) -> Self {
        self.min_lead = min_lead;
        self.lead_fraction = if fraction.is_finite() {
            fraction.clamp(0.0, 0.5)
        } else {
            0.1
        };
        self
    }

    /// How long before expiry a token stops being handed out (default 5 s, at most a tenth
    /// of the lifetime), so a request does not leave with a token that expires in flight.
    pub fn hard_margin(mut self, margin: Duration) -> Self {
        self.hard_margin = margin;
        self
    }

    /// How long rejected credentials or a blocked account are remembered before the next
    /// mint attempt (default 30 s).
    pub fn negative_ttl(mut self, ttl: Duration) -> Self {
        self.negative_ttl = ttl;
        self
    }

    /// HTTP attempts per mint for transient failures (default 3, at least 1); the delay
    /// between attempts starts at `retry_delay` (default 200 ms) and doubles.
    pub fn retries(mut self, max_attempts: u32, retry_delay: Duration) -> Self {
        self.max_attempts = max_attempts.max(1);
        self.retry_delay = retry_delay;
        self
    }

    /// Longest pause between failed mints, and the cap applied to `Retry-After`
    /// (default 60 s). After a failure the pause starts at 1 s and doubles.
    pub fn max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Timeouts of the token HTTP client: connect (default 5 s) and whole request
    /// (default 15 s). They are separate from the API client's timeouts.
    pub fn timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.connect_timeout = connect;
        self.request_timeout = request;
        self
    }

    /// The longest a caller waits for a token, mint attempts and backoff included (default
    /// 10 s); then the call fails with [`AuthError::Timeout`] without being sent.
    pub fn token_wait(mut self, wait: Duration) -> Self {
        self.token_wait = wait;
        self
    }

    /// The deadline of one business call: token, every attempt and the backoff between them
    /// (default 60 s; `None` for no deadline beyond the HTTP client's own timeouts).
    pub fn call_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.call_deadline = deadline;
        self
    }

    /// How business calls are retried (default [`RetryPolicy::default`]; turn retries off
    /// with [`RetryPolicy::disabled`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `User-Agent` of every request, API calls and mints alike (default
    /// `sdk-auth/<version>`; the `sdk` crate sets `sdk/<version>`). A request that already
    /// carries one keeps it.
    ///
    /// # Errors
    /// [`AuthError::Config`] if `user_agent` is not a valid header value.
    pub fn user_agent(mut self, user_agent: &str) -> Result<Self, AuthError> {
        self.user_agent = Some(HeaderValue::from_str(user_agent).map_err(|_| {
            AuthError::Config("the User-Agent contains characters not allowed in a header".into())
        })?);
        Ok(self)
    }

    /// Sets the `User-Agent` to `user_agent` unless one was set with
    /// [`user_agent`](Self::user_agent): how a crate built on this one names itself by default.
    pub fn user_agent_default(mut self, user_agent: &'static str) -> Self {
        if self.user_agent.is_none() {
            self.user_agent = Some(HeaderValue::from_static(user_agent));
        }
        self
    }

    /// The `User-Agent` requests carry.
    pub(crate) fn effective_user_agent(&self) -> HeaderValue {
        self.user_agent
            .clone()
            .unwrap_or(HeaderValue::from_static(DEFAULT_USER_AGENT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_bounded() {
        assert_eq!(Jitter::None.sample(), 0.0);
        assert_eq!(Jitter::Fixed(0.9).sample(), 0.5);
        assert_eq!(Jitter::Fixed(f64::NAN).sample(), 0.0);
        for _ in 0..1000 {
            let j = Jitter::Random.sample();
            assert!((0.0..=0.5).contains(&j));
        }
    }
}
