//! How long a freshly minted token lives, and when to refresh it.
//!
//! Sources in order of trust: a relative TTL from the response, the JWT's own `exp − iat`,
//! an absolute `expiresAt` corrected for the server's clock (`Date` header), and finally a
//! documented per-API default. All arithmetic saturates: odd clocks never panic.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::config::AuthOptions;
use crate::token::MintedToken;

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

/// The lifetime of `minted`, measured from now.
pub(crate) fn lifetime(minted: &MintedToken, wall_now: SystemTime) -> (Duration, LifetimeSource) {
    let (lifetime, source) = if let Some(ttl) = minted.ttl.filter(|ttl| !ttl.is_zero()) {
        (ttl, LifetimeSource::RelativeTtl)
    } else if let Some(lifetime) = jwt_lifetime(minted.secret()) {
        (lifetime, LifetimeSource::JwtClaims)
    } else if let Some(expires_at) = minted.expires_at {
        // The server's clock says what "now" is for its own timestamp; ours may be skewed.
        let server_now = minted.server_date.unwrap_or(wall_now);
        let remaining = expires_at.duration_since(server_now).unwrap_or_default();
        (remaining, LifetimeSource::AbsoluteExpiry)
    } else {
        (minted.fallback_lifetime, LifetimeSource::Default)
    };
    (lifetime.min(MAX_LIFETIME), source)
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
    let b = text.as_bytes();
    let digits = |from: usize, to: usize| -> Option<i64> {
        let part = b.get(from..to)?;
        part.iter().all(u8::is_ascii_digit).then_some(())?;
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let separators_ok = b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && matches!(b.get(10), Some(b'T' | b't' | b' '))
        && b.get(13) == Some(&b':')
        && b.get(16) == Some(&b':');
    if !separators_ok {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 7)?, digits(8, 10)?);
    let (hour, minute, second) = (digits(11, 13)?, digits(14, 16)?, digits(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut rest = &text[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        let kept = &fraction[..len.min(9)];
        nanos = kept.parse::<u32>().ok()? * 10u32.pow(9 - kept.len() as u32);
        rest = &fraction[len..];
    }
    let offset = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hh = std::str::from_utf8(&[*h1, *h2]).ok()?.parse::<i64>().ok()?;
            let mm = std::str::from_utf8(&[*m1, *m2]).ok()?.parse::<i64>().ok()?;
            let minutes = hh * 60 + mm;
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset * 60;
    let whole = UNIX_EPOCH.checked_add(Duration::from_secs(u64::try_from(seconds).ok()?))?;
    whole.checked_add(Duration::from_nanos(u64::from(nanos)))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
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
    use secrecy::SecretString;

    fn jwt(payload: &str) -> String {
        format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.sig",
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    fn minted(token: &str) -> MintedToken {
        MintedToken::new(SecretString::from(token), Duration::from_secs(3600))
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
        // Already past: zero, no panic.
        let m = minted("opaque").with_expires_at(at(10));
        assert_eq!(lifetime(&m, local).0, Duration::ZERO);
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
            "1969-12-31T23:59:59Z",
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
