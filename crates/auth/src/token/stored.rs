//! A token as the shared store keeps it: the sealed payload a minting process writes, and
//! the token another process makes of it (keeping the schedule it was minted with).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::access::{Adopted, MintedToken, Shared};
use super::lifetime::{LifetimeSource, Phase, Schedule};
use crate::config::AuthOptions;
use crate::pauses::unix_ms;
use crate::store::seal::{Opened, Payload};

/// What is sealed for `minted`, issued at `wall` and living `lifetime` (from `source`).
pub(crate) fn payload<'a>(
    minted: &'a MintedToken,
    source: &'a str,
    wall: SystemTime,
    lifetime: Duration,
) -> Payload<'a> {
    Payload {
        token: minted.secret(),
        issued_at_ms: unix_ms(wall),
        expires_at_ms: unix_ms(wall).saturating_add(millis(lifetime)),
        lifetime_ms: millis(lifetime),
        source,
        jti: minted.jti.as_deref(),
        scopes: &minted.scopes,
    }
}

/// A stored token as this process's own, unless it is expired by this process's margins.
pub(crate) fn adopted(
    opened: Opened,
    generation: u64,
    options: &AuthOptions,
) -> Option<MintedToken> {
    let remaining = opened
        .expires_at_ms
        .saturating_sub(unix_ms(options.clock.wall()));
    let lifetime = Duration::from_millis(opened.lifetime_ms);
    let adopted = Adopted {
        lifetime,
        source: source_named(&opened.source),
        age: lifetime.saturating_sub(Duration::from_millis(remaining)),
    };
    let now = options.clock.now();
    let (issued, length) = adopted.basis(now);
    if Schedule::new(issued, length, options, 0.0).phase(now) == Phase::Expired {
        return None;
    }
    let issued_at = UNIX_EPOCH + Duration::from_millis(opened.issued_at_ms());
    let mut minted = MintedToken::new(opened.token, lifetime).with_scopes(opened.scopes);
    minted.jti = opened.jti;
    minted.issued_at = Some(issued_at);
    minted.shared = Some(Shared {
        generation,
        adopted: Some(adopted),
    });
    Some(minted)
}

/// The [`LifetimeSource`] whose `Debug` name is `name` (unknown names: the default).
fn source_named(name: &str) -> LifetimeSource {
    [
        LifetimeSource::RelativeTtl,
        LifetimeSource::JwtClaims,
        LifetimeSource::AbsoluteExpiry,
    ]
    .into_iter()
    .find(|source| format!("{source:?}") == name)
    .unwrap_or(LifetimeSource::Default)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
