//! What one process remembers about the tokens of its fleet slot, to decide whether a stored
//! token may be adopted: the one it holds (asking again means it wants another) and the ones
//! an API refused.
//!
//! Refusals are remembered two ways. By digest, the last refused token: compared by value,
//! since generations restart when the store loses its data. And by issue time, the newest
//! refused token's: an API that refuses a token refuses the ones issued before it too
//! (a revocation, a rotated signing key), so no stored token issued at or before it is
//! adopted. Without that, a replica that minted its own token during a store outage and saw it
//! refused would adopt the older token still in the store and fail its replay.
//!
//! Issue times come from the wall clocks of the processes that minted (the store already
//! relies on them for expiry, so keep NTP on).

use sha2::{Digest as _, Sha256};

type Digest = [u8; 32];

fn digest(token: &str) -> Digest {
    Sha256::digest(token.as_bytes()).into()
}

/// Tokens this process must not adopt.
#[derive(Debug, Default)]
pub(crate) struct Marks {
    /// The one it holds.
    held: Option<Digest>,
    /// The last one an API refused (or that was revoked).
    refused: Option<Digest>,
    /// Unix milliseconds: no token issued at or before this is adopted.
    refused_through: Option<u64>,
}

/// What a stored token is to this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Usable: not held, not refused, not older than a refused one.
    Adopt,
    /// The token this process holds already.
    Held,
    /// Refused, or issued no later than a refused one: retire it, mint another.
    Refused,
}

impl Marks {
    /// This process now holds `token`.
    pub(crate) fn hold(&mut self, token: &str) {
        self.held = Some(digest(token));
    }

    /// An API refused `token`, issued at `issued_at_ms`.
    pub(crate) fn refuse(&mut self, token: &str, issued_at_ms: u64) {
        self.refused = Some(digest(token));
        self.refuse_through(issued_at_ms);
    }

    /// Every token issued at or before `unix_ms` is refused (e.g. a revoke-all).
    pub(crate) fn refuse_through(&mut self, unix_ms: u64) {
        self.refused_through = Some(self.refused_through.unwrap_or(0).max(unix_ms));
    }

    /// What a stored `token`, issued at `issued_at_ms`, is to this process.
    pub(crate) fn judge(&self, token: &str, issued_at_ms: u64) -> Verdict {
        let seen = Some(digest(token));
        let older = self
            .refused_through
            .is_some_and(|through| issued_at_ms <= through);
        if self.refused == seen || older {
            Verdict::Refused
        } else if self.held == seen {
            Verdict::Held
        } else {
            Verdict::Adopt
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_tokens_and_older_ones_are_not_adopted() {
        let mut marks = Marks::default();
        assert_eq!(marks.judge("a", 100), Verdict::Adopt);
        marks.hold("a");
        assert_eq!(marks.judge("a", 100), Verdict::Held);
        // Its own token, minted during an outage at 500, is refused: the stored token from
        // before the outage (100) is refused too, a later one (600) is not.
        marks.hold("mine");
        marks.refuse("mine", 500);
        assert_eq!(marks.judge("a", 100), Verdict::Refused);
        assert_eq!(marks.judge("mine", 500), Verdict::Refused);
        assert_eq!(marks.judge("equal", 500), Verdict::Refused);
        assert_eq!(marks.judge("fresh", 600), Verdict::Adopt);
        // The floor never moves back; a refusal by digest holds whatever the time says.
        marks.refuse("late-clock", 50);
        assert_eq!(marks.judge("a", 100), Verdict::Refused);
        assert_eq!(marks.judge("late-clock", 9_000), Verdict::Refused);
        marks.refuse_through(1_000);
        assert_eq!(marks.judge("fresh", 600), Verdict::Refused);
        assert_eq!(marks.judge("newer", 1_001), Verdict::Adopt);
    }
}
