//! An attempt's result, read once into an [`Outcome`] (from the status table in
//! `crate::error`, the transport error's kind, and OrigoID's HTTP-200 envelope), and the
//! final response made ready for the caller.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Response, ResponseBuilderExt as _, StatusCode};

use super::failure::CallFailure;
use crate::config::retry;
use crate::error::transient_status;

/// Characters of a non-JSON error body kept in [`CallFailure::ErrorStatus`].
pub(crate) const EXCERPT_CHARS: usize = 200;

/// Tells whether an HTTP-200 body is really a transient failure (OrigoID's
/// `SERVICE_UNAVAILABLE` envelope); returns the reason for logs.
pub(crate) type SuccessBodyCheck = fn(&[u8]) -> Option<&'static str>;

/// What an attempt's result means for the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A response (or transport error) for the caller as it is.
    Final,
    /// HTTP 401.
    Unauthorized,
    /// A failure worth repeating, if the rules allow.
    Transient(Transient),
}

/// Why an attempt may be worth repeating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transient {
    /// Short name for logs and `error.type`.
    pub(crate) reason: &'static str,
    /// Whether the request's bytes may have reached the server (then only idempotent
    /// operations are repeated).
    pub(crate) maybe_processed: bool,
    /// The server's `Retry-After`, uncapped.
    pub(crate) retry_after: Option<Duration>,
}

/// The outcome of a response, by its status (the status table) and `Retry-After`.
pub(crate) fn response(
    status: StatusCode,
    headers: &HeaderMap,
    wall: impl Fn() -> SystemTime,
) -> Outcome {
    if status == StatusCode::UNAUTHORIZED {
        return Outcome::Unauthorized;
    }
    match transient_status(status) {
        Some(reason) => Outcome::Transient(Transient {
            reason,
            maybe_processed: true,
            retry_after: retry::retry_after(headers, wall(), Duration::MAX),
        }),
        None => Outcome::Final,
    }
}

/// The outcome of a transport error: worth repeating if the connection failed (nothing was
/// sent), timed out, or broke (then the request may have been processed).
pub(crate) fn transport(error: &reqwest::Error) -> Outcome {
    let (reason, maybe_processed) = if error.is_connect() {
        ("connect", false)
    } else if error.is_timeout() {
        ("timeout", true)
    } else if error.is_request() || error.is_body() {
        ("connection", true)
    } else {
        return Outcome::Final;
    };
    Outcome::Transient(Transient {
        reason,
        maybe_processed,
        retry_after: None,
    })
}

/// `error.type` of a transport error.
pub(crate) fn transport_kind(error: &reqwest::Error) -> &'static str {
    match transport(error) {
        Outcome::Transient(transient) => transient.reason,
        _ => "transport",
    }
}

/// A 200 whose body `check` recognises as a transient failure (OrigoID's
/// `SERVICE_UNAVAILABLE`); the response is rebuilt from the bytes read.
pub(crate) async fn body_check(
    response: Response,
    check: SuccessBodyCheck,
) -> Result<(Response, Outcome), reqwest::Error> {
    let (response, body) = buffer(response).await?;
    let outcome = match check(&body) {
        Some(reason) => Outcome::Transient(Transient {
            reason,
            maybe_processed: true,
            retry_after: None,
        }),
        None => Outcome::Final,
    };
    Ok((response, outcome))
}

/// The response for the caller. For an operation with a typed error body, an error status
/// whose body is not JSON (empty, an HTML page) becomes a [`CallFailure::ErrorStatus`],
/// which keeps the status that decoding would lose.
pub(crate) async fn finish(
    response: Response,
    error_body: bool,
) -> Result<Result<Response, CallFailure>, reqwest::Error> {
    let status = response.status();
    if !error_body || !(status.is_client_error() || status.is_server_error()) {
        return Ok(Ok(response));
    }
    let headers = response.headers().clone();
    let (response, body) = buffer(response).await?;
    if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok() {
        return Ok(Ok(response));
    }
    Ok(Err(CallFailure::ErrorStatus {
        status,
        headers,
        excerpt: excerpt(&body),
    }))
}

/// The start of a body for a message: at most [`EXCERPT_CHARS`] characters, trimmed.
pub(crate) fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .trim()
        .chars()
        .take(EXCERPT_CHARS)
        .collect()
}

/// Reads the whole body and rebuilds an equivalent response around it.
async fn buffer(response: Response) -> Result<(Response, Bytes), reqwest::Error> {
    let (status, version) = (response.status(), response.version());
    let (url, headers) = (response.url().clone(), response.headers().clone());
    let body = response.bytes().await?;
    // The builder only carries the URL (its setter is the one public way to set it).
    let (parts, ()) = http::Response::builder()
        .url(url)
        .body(())
        .unwrap_or_default()
        .into_parts();
    let mut rebuilt = http::Response::from_parts(parts, body.clone());
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok((Response::from(rebuilt), body))
}
