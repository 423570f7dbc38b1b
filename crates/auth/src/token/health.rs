//! [`Health`]: where a service's token stands, for dashboards and readiness checks.

use std::time::Duration;

use crate::error::AuthError;

/// Where the token of one service stands, read without minting ([`Auth::health`](crate::Auth::health)).
///
/// [`Auth::token`](crate::Auth::token) keeps handing out a valid token in every state, since a
/// 401 can be specific to one endpoint (OrigoID answers 401 for an endpoint the key may not
/// call); this is how to see that the API keeps rejecting it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Health {
    /// A usable token is cached and nothing has failed since.
    Ready,
    /// No usable token yet (nothing called, or it expired); the next call mints.
    Idle,
    /// The last mint failed; the next one is attempted after `retry_in`. A token minted
    /// earlier is still used meanwhile if `token_usable`.
    MintFailing {
        /// Why the last mint failed.
        error: AuthError,
        /// Time left until the next mint may be attempted.
        retry_in: Duration,
        /// Whether a token minted earlier is still usable.
        token_usable: bool,
    },
    /// The API answered 401 even to a request replayed with a freshly minted token; a 401
    /// triggers a re-mint at most once per backoff interval until a call succeeds.
    Rejected {
        /// Consecutive rejections of fresh tokens.
        consecutive: u32,
        /// Time left until a 401 may trigger a re-mint again.
        replay_in: Duration,
    },
}

impl Health {
    /// True for [`Ready`](Self::Ready) and [`Idle`](Self::Idle): nothing is failing.
    pub fn is_healthy(&self) -> bool {
        matches!(self, Self::Ready | Self::Idle)
    }
}
