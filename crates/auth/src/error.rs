//! The crate's error types (leaves: they import nothing else of the crate): [`AuthError`], why
//! no token could be had or a request was refused after the auth layer's handling, and
//! [`ErrorKind`], what a caller must decide, with the one table that maps an HTTP status to
//! it (the call layer reads the same table to decide what is worth repeating).

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

/// Why a token could not be obtained, or why the API refused a request's token.
///
/// Messages never contain secrets, tokens or request bodies; at most an HTTP status, a host,
/// an OrigoID envelope `type`, validation codes and a `transactionId`.
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
    /// A temporary failure (5xx, OrigoID `SERVICE_UNAVAILABLE`, connection refused or reset,
    /// truncated response); retrying later may succeed. The text names the host and cause.
    #[error("temporary failure at the token endpoint: {0}")]
    Transient(String),
    /// The API answered 401 again after the request was replayed with a freshly minted
    /// token (or, from [`Auth::token`](crate::Auth::token), the API keeps refusing fresh
    /// tokens: see [`Health::Rejected`](crate::Health::Rejected)).
    #[error("the API rejected the request with 401 again after a token refresh")]
    RejectedAfterReplay,
    /// The API answered 401 and the request was not replayed with a fresh token.
    #[error("the API rejected the request with 401; not replayed: {reason}")]
    NotReplayed {
        /// Why no replay was sent.
        reason: NoReplay,
    },
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

/// Why a 401 was not replayed with a fresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoReplay {
    /// The request body is a stream, which cannot be sent twice.
    StreamingBody,
    /// The API refused a freshly minted token moments ago, so re-mints on 401 are paused
    /// (see [`Health::Rejected`](crate::Health::Rejected)).
    RecentlyRejected,
    /// The operation is sent without a bearer token: the 401 is the API's verdict on the
    /// request itself.
    NoBearer,
}

impl NoReplay {
    /// Short stable name for metrics (`streaming_body`, `recently_rejected`, `no_bearer`).
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::StreamingBody => "streaming_body",
            Self::RecentlyRejected => "recently_rejected",
            Self::NoBearer => "no_bearer",
        }
    }
}

impl fmt::Display for NoReplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::StreamingBody => "the request body is a stream and cannot be sent twice",
            Self::RecentlyRejected => {
                "a freshly minted token was rejected moments ago; re-mints on 401 are paused"
            }
            Self::NoBearer => "the operation is sent without a bearer token",
        })
    }
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

    /// What the caller must decide: [`ErrorKind::Auth`] only when credentials or the account
    /// need fixing (or the API refuses its tokens); an outage or rate limit at the token
    /// endpoint is [`Unavailable`](ErrorKind::Unavailable) or
    /// [`RateLimited`](ErrorKind::RateLimited), like the same answer from the API itself.
    pub fn error_kind(&self) -> ErrorKind {
        match self {
            Self::InvalidCredentials
            | Self::AccountBlocked
            | Self::RejectedAfterReplay
            | Self::NotReplayed { .. } => ErrorKind::Auth,
            Self::RateLimited { .. } => ErrorKind::RateLimited,
            Self::Transient(_) | Self::Timeout => ErrorKind::Unavailable,
            Self::Protocol(_) => ErrorKind::InvalidResponse,
            Self::Config(_) => ErrorKind::Config,
            Self::Unsupported(_) => ErrorKind::InvalidRequest,
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
            Self::NotReplayed { .. } => "not_replayed",
            Self::Timeout => "timeout",
            Self::Protocol(_) => "protocol",
            Self::Config(_) => "config",
            Self::Unsupported(_) => "unsupported",
        }
    }
}

/// What a caller must decide about a failed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Fix the credentials or the account: the token endpoint refused them, or the API
    /// answered 401 (see the `AuthError`: whether a fresh token was tried).
    Auth,
    /// Slow down: HTTP 429 or a vendor rate-limit code, from the API or its token endpoint.
    RateLimited,
    /// Temporarily unavailable: 5xx, 408, connection failure, timeout, call deadline, an
    /// outage of the token endpoint, or a vendor code meaning the same.
    Unavailable,
    /// The API refused the request (another 4xx, or a vendor error code on HTTP 200).
    Rejected,
    /// A response arrived but could not be decoded.
    InvalidResponse,
    /// Refused before anything was sent (a missing field, a check of the SDK, an option the
    /// API does not support).
    InvalidRequest,
    /// Fix the configuration: a missing or invalid setting (environment variable, base URL).
    Config,
}

/// The one table of what an error status means: the kind a caller sees, and whether an
/// attempt that received it is worth repeating (with the reason logged). Statuses not listed
/// fall back by class: other 5xx `Unavailable` (not repeated: 501, 505 … will not change),
/// other 4xx `Rejected`.
const STATUS_TABLE: [(u16, ErrorKind, Option<&str>); 7] = [
    (401, ErrorKind::Auth, None),
    (408, ErrorKind::Unavailable, Some("http_408")),
    (429, ErrorKind::RateLimited, Some("http_429")),
    (500, ErrorKind::Unavailable, Some("http_500")),
    (502, ErrorKind::Unavailable, Some("http_502")),
    (503, ErrorKind::Unavailable, Some("http_503")),
    (504, ErrorKind::Unavailable, Some("http_504")),
];

impl ErrorKind {
    /// The kind an HTTP error status stands for (a success status is `Rejected` too: it only
    /// reaches an error when its body said so).
    pub fn of_status(status: StatusCode) -> Self {
        status_row(status).0
    }

    /// Short lowercase words for messages (`rate limited`, `invalid request`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auth => "auth failure",
            Self::RateLimited => "rate limited",
            Self::Unavailable => "unavailable",
            Self::Rejected => "rejected",
            Self::InvalidResponse => "invalid response",
            Self::InvalidRequest => "invalid request",
            Self::Config => "configuration error",
        }
    }
}

/// Why an attempt that received `status` is worth repeating, if it is (`http_503`, …).
pub(crate) fn transient_status(status: StatusCode) -> Option<&'static str> {
    status_row(status).1
}

fn status_row(status: StatusCode) -> (ErrorKind, Option<&'static str>) {
    let code = status.as_u16();
    match STATUS_TABLE.iter().find(|(listed, ..)| *listed == code) {
        Some(&(_, kind, transient)) => (kind, transient),
        None if status.is_server_error() => (ErrorKind::Unavailable, None),
        None => (ErrorKind::Rejected, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_for_kinds_and_repeats() {
        let row = |code| {
            let status = StatusCode::from_u16(code).unwrap();
            (ErrorKind::of_status(status), transient_status(status))
        };
        assert_eq!(row(401), (ErrorKind::Auth, None));
        assert_eq!(row(408), (ErrorKind::Unavailable, Some("http_408")));
        assert_eq!(row(429), (ErrorKind::RateLimited, Some("http_429")));
        assert_eq!(row(503), (ErrorKind::Unavailable, Some("http_503")));
        assert_eq!(row(501), (ErrorKind::Unavailable, None));
        assert_eq!(row(404), (ErrorKind::Rejected, None));
        assert_eq!(row(409), (ErrorKind::Rejected, None));
    }

    #[test]
    fn token_endpoint_outages_are_not_credential_problems() {
        let transient =
            AuthError::Transient("could not connect to h:443 (connection refused)".into());
        assert_eq!(transient.error_kind(), ErrorKind::Unavailable);
        assert_eq!(AuthError::Timeout.error_kind(), ErrorKind::Unavailable);
        let limited = AuthError::RateLimited { retry_after: None };
        assert_eq!(limited.error_kind(), ErrorKind::RateLimited);
        assert_eq!(AuthError::InvalidCredentials.error_kind(), ErrorKind::Auth);
        assert_eq!(
            AuthError::Config("x".into()).error_kind(),
            ErrorKind::Config
        );
        let not_replayed = AuthError::NotReplayed {
            reason: NoReplay::StreamingBody,
        };
        assert_eq!(not_replayed.error_kind(), ErrorKind::Auth);
        assert!(
            not_replayed.to_string().contains("stream"),
            "{not_replayed}"
        );
    }
}
