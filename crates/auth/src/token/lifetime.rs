//! How long a freshly minted token lives, and when to refresh it.
//!
//! Sources in order of trust: a relative TTL from the response, the JWT's own `exp − iat`,
//! an absolute `expiresAt` corrected for the server's clock (`Date` header), and finally a
//! documented per-API default. All arithmetic saturates: odd clocks never panic.

use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::config::AuthOptions;

/// Longest lifetime ever assumed (Obi allows 366 days); keeps `Instant` arithmetic in range.
const MAX_LIFETIME: Duration = Duration::from_secs(400 * 24 * 3600);

/// Which source a token's lifetime was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LifetimeSource {
    /// A relative TTL in the response (`expires_in`, `expiresIn`, `ttlSeconds`).
    RelativeTtl,
    /// The JWT payload's `exp − iat` (decoded without verification).
    JwtClaims,
    /// An absolute `expiresAt`, measured against the server's `Date` when present.
    AbsoluteExpiry,
    /// No usable source; the API's documented default lifetime.
    Default,
}

/// Shortest lifetime believed from a relative source (a TTL, the JWT's `exp − iat`): the
/// server said so explicitly, so only zero and sub-second values are discarded.
const MIN_RELATIVE: Duration = Duration::from_secs(1);
/// Shortest lifetime believed from an absolute `expiresAt`: an expiry already past or seconds
/// away is far more likely a wrong clock than a real lifetime, and believing it would make
/// every call mint, so the next source is tried instead.
const MIN_ABSOLUTE: Duration = Duration::from_secs(10);

/// What a token answer said about its lifetime, besides the token itself (whose JWT claims
/// are one more source).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hints {
    /// Relative lifetime (`expires_in`, `ttlSeconds`).
    pub(crate) ttl: Option<Duration>,
    /// Absolute expiry, by the server's clock.
    pub(crate) expires_at: Option<SystemTime>,
    /// The answer's `Date` header.
    pub(crate) server_date: Option<SystemTime>,
    /// The API's documented default.
    pub(crate) fallback_lifetime: Duration,
}

impl Hints {
    /// No hints yet: the documented default applies.
    pub(crate) fn new(fallback_lifetime: Duration) -> Self {
        Self {
            ttl: None,
            expires_at: None,
            server_date: None,
            fallback_lifetime,
        }
    }
}

/// The lifetime that `minted` and `token` describe, measured from now: the first plausible
/// source in order of trust, else the API's documented default.
pub(crate) fn lifetime(
    minted: &Hints,
    token: &str,
    wall_now: SystemTime,
) -> (Duration, LifetimeSource) {
    let absolute = || {
        // The server's clock says what "now" is for its own timestamp; ours may be skewed.
        let server_now = minted.server_date.unwrap_or(wall_now);
        minted
            .expires_at
            .map(|at| at.duration_since(server_now).unwrap_or_default())
    };
    type Read<'a> = &'a dyn Fn() -> Option<Duration>;
    let sources: [(LifetimeSource, Read, Duration); 3] = [
        (LifetimeSource::RelativeTtl, &|| minted.ttl, MIN_RELATIVE),
        (
            LifetimeSource::JwtClaims,
            &|| jwt_lifetime(token),
            MIN_RELATIVE,
        ),
        (LifetimeSource::AbsoluteExpiry, &absolute, MIN_ABSOLUTE),
    ];
    for (source, read, floor) in sources {
        match read() {
            Some(lifetime) if lifetime >= floor => {
                return (lifetime.min(MAX_LIFETIME), source);
            }
            Some(lifetime) => tracing::warn!(
                ?source,
                lifetime_ms = lifetime.as_millis() as u64,
                "ignoring an implausibly short token lifetime; trying the next source"
            ),
            None => {}
        }
    }
    (
        minted.fallback_lifetime.min(MAX_LIFETIME),
        LifetimeSource::Default,
    )
}

/// `exp − iat` from a JWT payload, if both claims are present and sensible.
fn jwt_lifetime(token: &str) -> Option<Duration> {
    #[derive(serde::Deserialize)]
    struct Claims {
        exp: Option<f64>,
        iat: Option<f64>,
    }
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Claims = serde_json::from_slice(&bytes).ok()?;
    let seconds = claims.exp? - claims.iat?;
    (seconds.is_finite() && seconds > 0.0)
        .then(|| Duration::try_from_secs_f64(seconds).ok())
        .flatten()
}

/// Parses an RFC 3339 date-time (`2026-05-19T16:03:39.701484Z`, `…+03:00`).
pub(crate) fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(SystemTime::from)
}

/// Where a token stands relative to its refresh schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Use it.
    Fresh,
    /// Use it, and let one caller refresh it.
    Soft,
    /// Do not use it: everyone waits for a new one.
    Expired,
}

/// Monotonic instants at which a token turns soft and hard-expired.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Schedule {
    pub(crate) soft_at: Instant,
    pub(crate) hard_at: Instant,
    pub(crate) expires_at: Instant,
}

impl Schedule {
    /// The schedule of a token issued at `issued` for `lifetime`, with `jitter` in `0..=0.5`.
    pub(crate) fn new(
        issued: Instant,
        lifetime: Duration,
        options: &AuthOptions,
        jitter: f64,
    ) -> Self {
        let lifetime = lifetime.min(MAX_LIFETIME);
        let margin = options.hard_margin.min(lifetime / 10);
        let lead = options
            .min_lead
            .max(lifetime.mul_f64(options.lead_fraction))
            .min(lifetime / 2)
            .mul_f64(1.0 - jitter)
            .max(margin);
        let expires_at = issued.checked_add(lifetime).unwrap_or(issued);
        Self {
            soft_at: expires_at.checked_sub(lead).unwrap_or(issued),
            hard_at: expires_at.checked_sub(margin).unwrap_or(issued),
            expires_at,
        }
    }

    pub(crate) fn phase(&self, now: Instant) -> Phase {
        if now < self.soft_at {
            Phase::Fresh
        } else if now < self.hard_at {
            Phase::Soft
        } else {
            Phase::Expired
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn jwt(payload: &str) -> String {
        format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.sig",
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    /// A token answer with hints, as a minter would build one.
    struct Answer(Hints, String);

    impl Answer {
        fn with_ttl(mut self, ttl: Duration) -> Self {
            self.0.ttl = Some(ttl);
            self
        }
        fn with_expires_at(mut self, at: SystemTime) -> Self {
            self.0.expires_at = Some(at);
            self
        }
        fn with_server_date(mut self, date: SystemTime) -> Self {
            self.0.server_date = Some(date);
            self
        }
    }

    fn minted(token: &str) -> Answer {
        Answer(Hints::new(Duration::from_secs(3600)), token.to_owned())
    }

    fn lifetime(answer: &Answer, now: SystemTime) -> (Duration, LifetimeSource) {
        super::lifetime(&answer.0, &answer.1, now)
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn sources_in_order_of_trust() {
        let now = at(1_000_000);
        let token = jwt(r#"{"iat":100,"exp":400}"#);
        let all = minted(&token)
            .with_ttl(Duration::from_secs(60))
            .with_expires_at(at(1_000_900));
        assert_eq!(
            lifetime(&all, now),
            (Duration::from_secs(60), LifetimeSource::RelativeTtl)
        );
        let no_ttl = minted(&token).with_expires_at(at(1_000_900));
        assert_eq!(
            lifetime(&no_ttl, now),
            (Duration::from_secs(300), LifetimeSource::JwtClaims)
        );
        let opaque = minted("opaque").with_expires_at(at(1_000_900));
        assert_eq!(
            lifetime(&opaque, now),
            (Duration::from_secs(900), LifetimeSource::AbsoluteExpiry)
        );
        assert_eq!(
            lifetime(&minted("opaque"), now),
            (Duration::from_secs(3600), LifetimeSource::Default)
        );
        // A zero TTL is no information.
        let zero = minted("opaque").with_ttl(Duration::ZERO);
        assert_eq!(lifetime(&zero, now).1, LifetimeSource::Default);
    }

    #[test]
    fn absolute_expiry_is_corrected_by_server_date() {
        let local = at(1_000_000);
        // Server clock 10 minutes ahead of ours; token valid 1 h by the server's clock.
        let server = at(1_000_600);
        let m = minted("opaque")
            .with_expires_at(at(1_000_600 + 3600))
            .with_server_date(server);
        assert_eq!(lifetime(&m, local).0, Duration::from_secs(3600));
        // Server 10 minutes behind.
        let m = minted("opaque")
            .with_expires_at(at(999_400 + 3600))
            .with_server_date(at(999_400));
        assert_eq!(lifetime(&m, local).0, Duration::from_secs(3600));
        // Already past (a wrong server clock): not believed, no panic.
        let m = minted("opaque").with_expires_at(at(10));
        assert_eq!(
            lifetime(&m, local),
            (Duration::from_secs(3600), LifetimeSource::Default)
        );
    }

    #[test]
    fn implausible_sources_fall_through_to_the_next() {
        let now = at(1_000_000);
        let token = jwt(r#"{"iat":100,"exp":1000}"#);
        // A zero TTL is skipped for the JWT's 900 s; a short explicit one is believed.
        let zero_ttl = minted(&token).with_ttl(Duration::ZERO);
        assert_eq!(
            lifetime(&zero_ttl, now),
            (Duration::from_secs(900), LifetimeSource::JwtClaims)
        );
        let short_ttl = minted(&token).with_ttl(Duration::from_secs(3));
        assert_eq!(lifetime(&short_ttl, now).1, LifetimeSource::RelativeTtl);
        // A JWT lifetime under a second and an expiry 5 s away leave the default.
        let short = minted(&jwt(r#"{"iat":0,"exp":0.5}"#)).with_expires_at(at(1_000_005));
        assert_eq!(
            lifetime(&short, now),
            (Duration::from_secs(3600), LifetimeSource::Default)
        );
    }

    #[test]
    fn odd_jwts_are_ignored() {
        for payload in [
            r#"{"exp":100,"iat":400}"#,
            r#"{"exp":1e308,"iat":-1e308}"#,
            "not json",
            r#"{"exp":5}"#,
        ] {
            assert_eq!(jwt_lifetime(&jwt(payload)), None, "{payload}");
        }
        assert_eq!(jwt_lifetime("no-dots"), None);
        assert_eq!(jwt_lifetime("a.!!!.c"), None);
        // Padded base64 is tolerated.
        let padded = format!("h.{}==.s", URL_SAFE_NO_PAD.encode(r#"{"iat":0,"exp":60}"#));
        assert_eq!(jwt_lifetime(&padded), Some(Duration::from_secs(60)));
        // Absurd lifetimes are clamped.
        let huge = minted(&jwt(r#"{"iat":0,"exp":1e15}"#));
        assert_eq!(lifetime(&huge, at(0)).0, MAX_LIFETIME);
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(UNIX_EPOCH));
        assert_eq!(
            parse_rfc3339("1969-12-31T23:59:59Z"),
            UNIX_EPOCH.checked_sub(Duration::from_secs(1))
        );
        assert_eq!(
            parse_rfc3339("2026-05-19T16:03:39.701484Z"),
            Some(at(1_779_206_619) + Duration::from_micros(701_484))
        );
        assert_eq!(
            parse_rfc3339("2026-03-15T12:35:00-06:00"),
            Some(at(1_773_599_700))
        );
        assert_eq!(
            parse_rfc3339("2026-03-15T18:35:00+00:00"),
            Some(at(1_773_599_700))
        );
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00+0100",
            "2026-01-01T0a:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    /// T1: the boundary table, with jitter 0 and 0.5.
    #[test]
    fn schedule_boundaries() {
        let options = AuthOptions::default();
        let t0 = Instant::now();
        let hour = Duration::from_secs(3600);
        let ns = Duration::from_nanos(1);
        // lead = max(30 s, 6 min) = 6 min; margin = 5 s.
        for (jitter, lead) in [
            (0.0, Duration::from_secs(360)),
            (0.5, Duration::from_secs(180)),
        ] {
            let s = Schedule::new(t0, hour, &options, jitter);
            assert_eq!(s.expires_at, t0 + hour);
            assert_eq!(s.soft_at, t0 + hour - lead);
            assert_eq!(s.hard_at, t0 + hour - Duration::from_secs(5));
            assert_eq!(s.phase(t0), Phase::Fresh);
            assert_eq!(s.phase(s.soft_at - ns), Phase::Fresh);
            assert_eq!(s.phase(s.soft_at), Phase::Soft);
            assert_eq!(s.phase(s.hard_at - ns), Phase::Soft);
            assert_eq!(s.phase(s.hard_at), Phase::Expired);
            assert_eq!(s.phase(s.expires_at), Phase::Expired);
        }
        // Short token: lead capped at half the lifetime, margin a tenth.
        let s = Schedule::new(t0, Duration::from_secs(10), &options, 0.0);
        assert_eq!(s.soft_at, t0 + Duration::from_secs(5));
        assert_eq!(s.hard_at, t0 + Duration::from_secs(9));
        // Zero lifetime: expired at once, no panic.
        let s = Schedule::new(t0, Duration::ZERO, &options, 0.5);
        assert_eq!(s.phase(t0), Phase::Expired);
        let s = Schedule::new(t0, Duration::MAX, &options, 0.0);
        assert_eq!(s.phase(t0), Phase::Fresh);
    }
}
