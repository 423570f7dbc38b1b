//! What an attempt's outcome means for the call: a response to hand back, a transient
//! failure worth a retry (and whether the request may have been processed), or a typed
//! [`CallFailure`].

use std::time::Duration;

use reqwest::{Response, ResponseBuilderExt as _, StatusCode};

use crate::auth::Auth;
use crate::failure::CallFailure;
use crate::operation::Operation;
use crate::retry;

/// Characters of a non-JSON error body kept in [`CallFailure::ErrorStatus`].
const EXCERPT_CHARS: usize = 200;

/// How a call ended without a response for the caller.
pub(crate) enum Exit {
    /// The HTTP client's own error (connection, timeout), after any retries.
    Transport(reqwest::Error),
    /// A typed reason, delivered through [`CallFailure::into_reqwest`].
    Failure(Box<CallFailure>),
}

impl From<CallFailure> for Exit {
    fn from(failure: CallFailure) -> Self {
        Self::Failure(Box::new(failure))
    }
}

/// Why an attempt may be worth repeating.
pub(crate) struct Transient {
    /// Short name for logs and `error.type`.
    pub(crate) reason: &'static str,
    /// Whether the request's bytes may have reached the server (then only idempotent
    /// operations are repeated).
    pub(crate) maybe_processed: bool,
    /// The server's `Retry-After`, uncapped.
    pub(crate) retry_after: Option<Duration>,
}

/// What happened to an attempt that did not end the call.
pub(crate) enum Failed {
    Response(Response),
    Transport(reqwest::Error),
}

impl Auth {
    /// Whether a response is a transient failure worth a retry. For an API with a
    /// success-body check (OrigoID), a 200 of an idempotent operation is read to see whether
    /// it is really a `SERVICE_UNAVAILABLE`; the response is rebuilt from the bytes read.
    pub(crate) async fn inspect(
        &self,
        response: Response,
        operation: &Operation,
        retry_possible: bool,
    ) -> Result<(Response, Option<Transient>), Exit> {
        let status = response.status();
        let transient = |reason| Transient {
            reason,
            maybe_processed: true,
            retry_after: retry::retry_after(
                response.headers(),
                self.inner.options.clock.wall(),
                Duration::MAX,
            ),
        };
        let found = match status.as_u16() {
            408 => Some(transient("http_408")),
            429 => Some(transient("http_429")),
            500 => Some(transient("http_500")),
            502 => Some(transient("http_502")),
            503 => Some(transient("http_503")),
            504 => Some(transient("http_504")),
            _ => None,
        };
        let check = self
            .inner
            .success_check
            .filter(|_| status == StatusCode::OK && operation.idempotent && retry_possible);
        let Some(check) = check else {
            return Ok((response, found));
        };
        let (response, body) = buffer(response).await?;
        let reason = check(&body);
        Ok((
            response,
            reason.map(|reason| Transient {
                reason,
                maybe_processed: true,
                retry_after: None,
            }),
        ))
    }
}

/// The response for the caller. For an operation with a typed error body, an error status
/// whose body is not JSON (empty, an HTML page) becomes a [`CallFailure::ErrorStatus`], which
/// keeps the status that decoding would lose.
pub(crate) async fn finish(response: Response, operation: &Operation) -> Result<Response, Exit> {
    let status = response.status();
    if !operation.error_body || !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    let headers = response.headers().clone();
    let (response, body) = buffer(response).await?;
    if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_ok() {
        return Ok(response);
    }
    let excerpt = String::from_utf8_lossy(&body)
        .trim()
        .chars()
        .take(EXCERPT_CHARS)
        .collect();
    Err(CallFailure::ErrorStatus {
        status,
        headers,
        excerpt,
    }
    .into())
}

/// Reads the whole body and rebuilds an equivalent response around it.
async fn buffer(response: Response) -> Result<(Response, bytes::Bytes), Exit> {
    let (status, version) = (response.status(), response.version());
    let (url, headers) = (response.url().clone(), response.headers().clone());
    let body = response.bytes().await.map_err(Exit::Transport)?;
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

/// Transport errors worth a retry, and whether the request may have been processed.
pub(crate) fn transport_transient(error: &reqwest::Error) -> Option<Transient> {
    let (reason, maybe_processed) = if error.is_connect() {
        ("connect", false)
    } else if error.is_timeout() {
        ("timeout", true)
    } else if error.is_request() || error.is_body() {
        ("connection", true)
    } else {
        return None;
    };
    Some(Transient {
        reason,
        maybe_processed,
        retry_after: None,
    })
}

pub(crate) fn transport_kind(error: &reqwest::Error) -> &'static str {
    transport_transient(error).map_or("transport", |t| t.reason)
}

pub(crate) fn failure_kind(failure: &CallFailure) -> &'static str {
    match failure {
        CallFailure::Auth(error) => error.kind(),
        CallFailure::DeadlineExceeded { .. } => "deadline_exceeded",
        CallFailure::ErrorStatus { .. } => "error_status",
    }
}
