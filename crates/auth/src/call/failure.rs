//! Typed failures of [`Auth::send`](crate::Auth::send) that are not an HTTP response, carried
//! through progenitor's `exec` hook.
//!
//! progenitor's hooks can only fail with `reqwest::Error` (from `exec`) or a
//! `Error::Custom(String)` (from `pre`), so a typed reason would be flattened to text. Instead,
//! `send` returns a real `reqwest::Error` whose [`source`](std::error::Error::source) chain
//! holds a [`CallFailure`]: it reaches the caller inside `Error::CommunicationError`, and
//! [`CallFailure::find`] (or the `sdk` crate's error conversion) gets it back intact, with no
//! second call and no side channel. The `reqwest::Error` is made without any network traffic:
//! reading a response body that fails with the `CallFailure`.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use reqwest::header::HeaderMap;
use reqwest::{ResponseBuilderExt as _, StatusCode};

use crate::error::AuthError;

/// Why a call produced no response the generated client could decode.
///
/// `Debug` is as concise as `Display`: no header dumps.
#[derive(Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CallFailure {
    /// No token could be had for the request (it was not sent), or the re-mint after a 401
    /// failed.
    #[error(transparent)]
    Auth(AuthError),
    /// The API answered 401 and this layer could not cure it: `error` is
    /// [`AuthError::RejectedAfterReplay`] when a replay with a fresh token was refused too,
    /// else [`AuthError::NotReplayed`] with the reason no replay was sent.
    #[error("{error}")]
    Unauthorized {
        /// What happened, as an auth failure.
        error: AuthError,
        /// The 401's headers (`WWW-Authenticate`, request ids).
        headers: HeaderMap,
        /// The 401's body, for the operation's typed error body.
        body: Bytes,
    },
    /// The call was refused before anything was sent: an unusable
    /// [`CallOptions`](crate::CallOptions) value, or one the API cannot honour.
    #[error("the request was refused before sending: {0}")]
    InvalidRequest(String),
    /// The call deadline (token, attempts and backoff together) passed.
    #[error("the call did not finish within its deadline of {} ms ({attempts} attempt(s) sent)", .deadline.as_millis())]
    DeadlineExceeded {
        /// The configured deadline.
        deadline: Duration,
        /// Requests sent before it passed.
        attempts: u32,
    },
    /// The API answered an error status with a body that is not JSON (empty, or an HTML page
    /// from a proxy), which the generated client could only report as an undecodable payload,
    /// without its status.
    #[error("HTTP {status} with a body that is not JSON")]
    ErrorStatus {
        /// The status the API answered.
        status: StatusCode,
        /// The response headers (`Retry-After`, request ids).
        headers: HeaderMap,
        /// The start of the body (at most 200 characters; empty for an empty body).
        excerpt: String,
    },
}

impl fmt::Debug for CallFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Auth(error) => f.debug_tuple("Auth").field(error).finish(),
            Self::Unauthorized { error, .. } => f
                .debug_struct("Unauthorized")
                .field("error", error)
                .finish_non_exhaustive(),
            Self::InvalidRequest(reason) => f.debug_tuple("InvalidRequest").field(reason).finish(),
            Self::DeadlineExceeded { deadline, attempts } => f
                .debug_struct("DeadlineExceeded")
                .field("deadline", deadline)
                .field("attempts", attempts)
                .finish(),
            Self::ErrorStatus {
                status, excerpt, ..
            } => f
                .debug_struct("ErrorStatus")
                .field("status", &status.as_u16())
                .field("excerpt", excerpt)
                .finish_non_exhaustive(),
        }
    }
}

impl CallFailure {
    /// Short stable name for the `error.type` of call spans.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Auth(error) | Self::Unauthorized { error, .. } => error.kind(),
            Self::DeadlineExceeded { .. } => "deadline_exceeded",
            Self::ErrorStatus { .. } => "error_status",
            Self::InvalidRequest(_) => "invalid_request",
        }
    }

    /// The `status_class` metric label of a call that ended with this failure.
    pub(crate) fn status_class(&self) -> &'static str {
        match self {
            Self::Auth(_) => "no_token",
            Self::Unauthorized { .. } => "auth",
            Self::InvalidRequest(_) => "invalid_request",
            Self::DeadlineExceeded { .. } => "deadline",
            Self::ErrorStatus { status, .. } => crate::meter::status_class(status.as_u16()),
        }
    }

    /// The first `CallFailure` in `error`'s source chain (including `error` itself).
    pub fn find<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a CallFailure> {
        let mut current = Some(error);
        while let Some(error) = current {
            if let Some(failure) = error.downcast_ref::<CallFailure>() {
                return Some(failure);
            }
            current = error.source();
        }
        None
    }

    /// A `reqwest::Error` whose source chain holds `self`; no request is made. Its URL is a
    /// label naming the failure (`sdk-auth:no-token/invalid_credentials`), since reqwest
    /// prints the URL but not the source: "error decoding response body for url (…)".
    pub(crate) async fn into_reqwest(self) -> reqwest::Error {
        let label = match &self {
            Self::Auth(error) => format!("sdk-auth:no-token/{}", error.kind()),
            Self::Unauthorized { error, .. } => format!("sdk-auth:unauthorized/{}", error.kind()),
            Self::InvalidRequest(_) => "sdk-auth:invalid-request".to_owned(),
            Self::DeadlineExceeded { .. } => "sdk-auth:deadline-exceeded".to_owned(),
            Self::ErrorStatus { status, .. } => {
                format!("sdk-auth:error-status/{}", status.as_u16())
            }
        };
        let body =
            reqwest::Body::wrap_stream(stream::once(
                async move { Err::<Vec<u8>, CallFailure>(self) },
            ));
        let mut builder = http::Response::builder();
        if let Ok(url) = reqwest::Url::parse(&label) {
            builder = builder.url(url);
        }
        let (parts, ()) = builder.body(()).unwrap_or_default().into_parts();
        let response = reqwest::Response::from(http::Response::from_parts(parts, body));
        match response.bytes().await {
            Err(error) => error,
            Ok(_) => unreachable!("a body stream that yields only an error cannot be read"),
        }
    }
}

impl AuthError {
    /// The typed auth failure inside an error of a generated call, if it is one (searches
    /// `error`'s source chain for a [`CallFailure::Auth`] or [`CallFailure::Unauthorized`]).
    pub fn find<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a AuthError> {
        match CallFailure::find(error)? {
            CallFailure::Auth(auth) | CallFailure::Unauthorized { error: auth, .. } => Some(auth),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn survives_the_trip_through_reqwest() {
        let failure = CallFailure::Auth(AuthError::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
        });
        let error = failure.into_reqwest().await;
        let found = CallFailure::find(&error).expect("in the source chain");
        assert!(matches!(
            found,
            CallFailure::Auth(AuthError::RateLimited { retry_after: Some(d) }) if d.as_secs() == 3
        ));
        assert!(CallFailure::find(&std::fmt::Error).is_none());
        assert!(
            error.to_string().contains("sdk-auth:no-token/rate_limited"),
            "{error}"
        );
    }
}
