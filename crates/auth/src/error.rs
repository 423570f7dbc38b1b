//! The one error type of the crate.

use std::time::Duration;

/// Why a token could not be obtained, or why a request was rejected after a refresh.
///
/// Messages never contain secrets, tokens or request bodies; at most an HTTP status, an
/// OrigoID envelope `type`, validation codes and a `transactionId`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The token endpoint rejected the credentials (HTTP 401, OrigoID `UNAUTHORIZED`).
    /// Remembered for a while so a broken key does not hammer the endpoint.
    #[error("the token endpoint rejected the credentials")]
    InvalidCredentials,
    /// The account may not obtain tokens (HTTP 403, e.g. Obi `account-blocked`).
    #[error("the account is blocked or not allowed to obtain tokens")]
    AccountBlocked,
    /// The token endpoint asked to slow down (HTTP 429, OrigoID `RATE_LIMIT_EXCEEDED`).
    #[error("rate limited by the token endpoint{}", retry_suffix(.retry_after))]
    RateLimited {
        /// The server's `Retry-After`, capped to a sane maximum.
        retry_after: Option<Duration>,
    },
    /// A temporary failure (5xx, OrigoID `SERVICE_UNAVAILABLE`, connection reset,
    /// truncated response); retrying later may succeed.
    #[error("temporary failure at the token endpoint: {0}")]
    Transient(String),
    /// The API answered 401 again after the token was refreshed and the request replayed.
    #[error("the API rejected the request with 401 again after a token refresh")]
    RejectedAfterReplay,
    /// The token request did not complete within the configured timeout.
    #[error("the token request timed out")]
    Timeout,
    /// The token endpoint answered something this crate does not understand.
    #[error("unexpected answer from the token endpoint: {0}")]
    Protocol(String),
    /// The configuration is invalid or incomplete (never includes a secret value).
    #[error("invalid auth configuration: {0}")]
    Config(String),
    /// The operation does not exist for this API (e.g. revoking an OrigoID or Bridge token).
    #[error("{0} is not supported by this API")]
    Unsupported(&'static str),
}

fn retry_suffix(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(after) => format!(" (retry after {} s)", after.as_secs()),
        None => String::new(),
    }
}

impl AuthError {
    /// True for failures worth retrying later: [`Transient`](Self::Transient),
    /// [`Timeout`](Self::Timeout) and [`RateLimited`](Self::RateLimited).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Transient(_) | Self::Timeout | Self::RateLimited { .. }
        )
    }

    /// [`RejectedAfterReplay`](Self::RejectedAfterReplay) if `response` is a 401 that
    /// [`Auth::send`](crate::Auth::send) got although the token was fresh: after replaying
    /// with a newly minted token, or while a fresh token was rejected moments ago.
    ///
    /// The mark is a response extension, so it is gone once a generated client has decoded
    /// the response; the `sdk` crate's error conversion treats every 401 that way.
    pub fn from_response(response: &reqwest::Response) -> Option<Self> {
        response
            .extensions()
            .get::<crate::replay::ReplayRejected>()
            .map(|_| Self::RejectedAfterReplay)
    }

    /// The typed reason inside an error of a generated call, if it is an auth failure
    /// (searches `error`'s source chain for a [`CallFailure::Auth`](crate::CallFailure::Auth)).
    pub fn find<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a AuthError> {
        match crate::failure::CallFailure::find(error)? {
            crate::failure::CallFailure::Auth(auth) => Some(auth),
            _ => None,
        }
    }

    /// Short stable name of the variant (`invalid_credentials`, `timeout`, …), as used in
    /// the `outcome` of mint spans and the `error.type` of call spans.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccountBlocked => "account_blocked",
            Self::RateLimited { .. } => "rate_limited",
            Self::Transient(_) => "transient",
            Self::RejectedAfterReplay => "rejected_after_replay",
            Self::Timeout => "timeout",
            Self::Protocol(_) => "protocol",
            Self::Config(_) => "config",
            Self::Unsupported(_) => "unsupported",
        }
    }
}
