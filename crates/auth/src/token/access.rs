//! Token types: what a minter returns ([`MintedToken`]) and what callers get ([`AccessToken`]).
//! Both keep the secret in a [`SecretString`] and redact it in `Debug`.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use super::lifetime::{self, Hints, LifetimeSource, Phase, Schedule};
use crate::config::AuthOptions;
use crate::error::AuthError;

/// A token fresh from a token endpoint, with every lifetime hint the response carried.
///
/// Returned by [`Minter::mint`](crate::Minter::mint); [`Auth`](crate::Auth) picks the most
/// trustworthy hint (see [`LifetimeSource`]).
pub struct MintedToken {
    pub(crate) secret: SecretString,
    pub(crate) hints: Hints,
    pub(crate) jti: Option<String>,
    pub(crate) scopes: Vec<String>,
    /// Set when the token is in a shared store (see `crate::store`).
    pub(crate) shared: Option<Shared>,
    /// When it was issued, by the wall clock (set by the fleet, which shares it; otherwise
    /// the moment the cache installs it).
    #[cfg(feature = "store")]
    pub(crate) issued_at: Option<SystemTime>,
}

/// A token's place in a shared store.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shared {
    /// Its fleet-wide generation there.
    pub(crate) generation: u64,
    /// Set when another process minted it: the schedule it was minted with.
    pub(crate) adopted: Option<Adopted>,
}

/// The schedule of a token another process minted, so that every process refreshes it at
/// the same point of its life.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Adopted {
    pub(crate) lifetime: Duration,
    pub(crate) source: LifetimeSource,
    /// How much of `lifetime` had passed when it was read from the store.
    pub(crate) age: Duration,
}

impl Adopted {
    /// When it was issued on this process's monotonic clock, and its lifetime from then; if the
    /// clock cannot reach back that far, the remaining lifetime from `now`.
    pub(crate) fn basis(&self, now: Instant) -> (Instant, Duration) {
        match now.checked_sub(self.age) {
            Some(issued) => (issued, self.lifetime),
            None => (now, self.lifetime.saturating_sub(self.age)),
        }
    }
}

impl MintedToken {
    /// A token with no lifetime hints yet; `fallback_lifetime` is the API's documented default.
    pub fn new(secret: SecretString, fallback_lifetime: Duration) -> Self {
        Self {
            secret,
            hints: Hints::new(fallback_lifetime),
            jti: None,
            scopes: Vec::new(),
            shared: None,
            #[cfg(feature = "store")]
            issued_at: None,
        }
    }

    /// Relative lifetime from the response (`expires_in`, `expiresIn`, `ttlSeconds`).
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.hints.ttl = Some(ttl);
        self
    }

    /// Absolute expiry from the response (`expiresAt`), by the server's clock.
    pub fn with_expires_at(mut self, expires_at: SystemTime) -> Self {
        self.hints.expires_at = Some(expires_at);
        self
    }

    /// The response's `Date` header, used to correct [`with_expires_at`](Self::with_expires_at)
    /// for clock skew.
    pub fn with_server_date(mut self, date: SystemTime) -> Self {
        self.hints.server_date = Some(date);
        self
    }

    /// Token id used for revocation (Obi `jti`).
    pub fn with_jti(mut self, jti: String) -> Self {
        self.jti = Some(jti);
        self
    }

    /// Scopes granted to the token, as opaque strings.
    pub fn with_scopes(mut self, scopes: Vec<String>) -> Self {
        self.scopes = scopes;
        self
    }

    pub(crate) fn secret(&self) -> &str {
        self.secret.expose_secret()
    }

    /// How long this token lives from `wall_now`, and which hint said so.
    pub(crate) fn lifetime(&self, wall_now: SystemTime) -> (Duration, LifetimeSource) {
        lifetime::lifetime(&self.hints, self.secret(), wall_now)
    }

    /// Where it came from, as the `source` of the mint metrics: `local` (this process alone
    /// has it), `fleet` (minted here and shared through the store) or `adopted` (another
    /// process's, read from the store).
    pub(crate) fn source(&self) -> &'static str {
        match self.shared {
            None => "local",
            Some(Shared { adopted: None, .. }) => "fleet",
            Some(Shared {
                adopted: Some(_), ..
            }) => "adopted",
        }
    }
}

impl fmt::Debug for MintedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MintedToken")
            .field("secret", &"[REDACTED]")
            .field("ttl", &self.hints.ttl)
            .field("expires_at", &self.hints.expires_at)
            .field("jti", &self.jti)
            .finish_non_exhaustive()
    }
}

/// A cached bearer token. Cheap to clone; `Debug` never shows the secret.
///
/// Get one with [`Auth::token`](crate::Auth::token) to learn about auth failures as a typed
/// [`AuthError`] before making a call.
#[derive(Clone)]
pub struct AccessToken(Arc<Inner>);

struct Inner {
    secret: SecretString,
    /// `Bearer <secret>`, marked sensitive, built once so stamping a request is a refcount bump.
    header: HeaderValue,
    jti: Option<String>,
    scopes: Vec<String>,
    generation: u64,
    lifetime: Duration,
    source: LifetimeSource,
    schedule: Schedule,
    shared_generation: Option<u64>,
    /// Minted by another process and read from the shared store.
    adopted: bool,
    /// When it was issued, by the wall clock: the fleet compares tokens of different
    /// processes by it (see `crate::token::fleet`).
    #[cfg(feature = "store")]
    issued_at: SystemTime,
}

impl AccessToken {
    pub(crate) fn new(
        minted: MintedToken,
        generation: u64,
        issued: Instant,
        lifetime: (Duration, LifetimeSource),
        options: &AuthOptions,
    ) -> Result<Self, AuthError> {
        if minted.secret().is_empty() {
            return Err(AuthError::Protocol(
                "the token endpoint returned an empty token".into(),
            ));
        }
        let mut header =
            HeaderValue::try_from(format!("Bearer {}", minted.secret())).map_err(|_| {
                AuthError::Protocol("the token contains characters not allowed in a header".into())
            })?;
        header.set_sensitive(true);
        // A token another process minted keeps the schedule it was minted with.
        let adopted = minted.shared.and_then(|shared| shared.adopted);
        let (issued, lifetime) = match adopted {
            Some(adopted) => {
                let (issued, length) = adopted.basis(issued);
                (issued, (length, adopted.source))
            }
            None => (issued, lifetime),
        };
        let schedule = Schedule::new(issued, lifetime.0, options, options.jitter.sample());
        #[cfg(feature = "store")]
        let issued_at = minted.issued_at.unwrap_or_else(|| options.clock.wall());
        Ok(Self(Arc::new(Inner {
            secret: minted.secret,
            header,
            jti: minted.jti,
            scopes: minted.scopes,
            generation,
            lifetime: lifetime.0,
            source: lifetime.1,
            schedule,
            shared_generation: minted.shared.map(|shared| shared.generation),
            adopted: adopted.is_some(),
            #[cfg(feature = "store")]
            issued_at,
        })))
    }

    /// The raw token. Explicit on purpose: the only way to read the secret.
    pub fn expose_secret(&self) -> &str {
        self.0.secret.expose_secret()
    }

    /// The token id (Obi `jti`), if the API returns one.
    pub fn jti(&self) -> Option<&str> {
        self.0.jti.as_deref()
    }

    /// Scopes the token endpoint reported (Bridge), as opaque strings.
    pub fn scopes(&self) -> &[String] {
        &self.0.scopes
    }

    /// Counts mints of this [`Auth`](crate::Auth) service: 1 for the first token, then +1 per mint.
    pub fn generation(&self) -> u64 {
        self.0.generation
    }

    /// Lifetime measured when the token was minted.
    pub fn lifetime(&self) -> Duration {
        self.0.lifetime
    }

    /// Where [`lifetime`](Self::lifetime) came from.
    pub fn lifetime_source(&self) -> LifetimeSource {
        self.0.source
    }

    /// Monotonic expiry instant (by the [`Clock`](crate::Clock) of the owning `Auth`).
    pub fn expires_at(&self) -> Instant {
        self.0.schedule.expires_at
    }

    /// Monotonic instant from which the token is refreshed ahead of expiry.
    pub fn refresh_at(&self) -> Instant {
        self.0.schedule.soft_at
    }

    /// The token's generation in the shared token store, if it is one the fleet shares
    /// (see `AuthOptions::token_store`, feature `redis`); `None` for a token
    /// only this process knows.
    pub fn shared_generation(&self) -> Option<u64> {
        self.0.shared_generation
    }

    pub(crate) fn header(&self) -> &HeaderValue {
        &self.0.header
    }

    /// Whether another process minted it (it was read from the shared store).
    pub(crate) fn adopted(&self) -> bool {
        self.0.adopted
    }

    /// When it was issued, by the wall clock.
    #[cfg(feature = "store")]
    pub(crate) fn issued_at(&self) -> SystemTime {
        self.0.issued_at
    }

    pub(crate) fn phase(&self, now: Instant) -> Phase {
        self.0.schedule.phase(now)
    }

    /// How far into its lifetime the token is at `now`: 0 just minted, 1 expired.
    pub(crate) fn age_ratio(&self, now: Instant) -> f64 {
        let remaining = self.0.schedule.expires_at.saturating_duration_since(now);
        match self.0.lifetime.as_secs_f64() {
            0.0 => 1.0,
            lifetime => (1.0 - remaining.as_secs_f64() / lifetime).clamp(0.0, 1.0),
        }
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"[REDACTED]")
            .field("generation", &self.0.generation)
            .field("jti", &self.0.jti)
            .field("lifetime", &self.0.lifetime)
            .field("lifetime_source", &self.0.source)
            .field("shared_generation", &self.0.shared_generation)
            .finish_non_exhaustive()
    }
}
