//! Into [`Error`]: from a generated call's `progenitor_client::Error<E>`, from a response and
//! its typed body, and from the `CallFailure` the auth layer carries through the transport.

use std::borrow::Cow;
use std::time::SystemTime;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use sdk_auth::{AuthError, CallFailure, ErrorKind, MAX_RETRY_AFTER};

use super::{Error, ErrorBody};

/// Headers that carry a request id, in order of preference.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-correlation-id",
    "x-amzn-requestid",
];

impl Error {
    /// An error from a response: status, headers and (when it decoded) the typed body.
    pub(crate) fn from_response<B: ErrorBody>(
        status: StatusCode,
        headers: &HeaderMap,
        body: Option<B>,
    ) -> Self {
        let kind = body
            .as_ref()
            .and_then(ErrorBody::kind)
            .unwrap_or(ErrorKind::of_status(status));
        let message = body
            .as_ref()
            .and_then(|b| b.message().map(Cow::into_owned))
            .unwrap_or_else(|| {
                status
                    .canonical_reason()
                    .unwrap_or("error status")
                    .to_owned()
            });
        let mut error = Self::new(kind, message);
        let inner = &mut error.0;
        inner.status = Some(status);
        inner.retry_after = sdk_auth::retry_after(headers, SystemTime::now(), MAX_RETRY_AFTER);
        inner.request_id = REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| headers.get(*name)?.to_str().ok())
            .map(str::to_owned);
        if let Some(body) = body {
            inner.code = body.code().map(str::to_owned);
            inner.details = body.details();
            if let Some(id) = body.request_id() {
                inner.request_id = Some(id.into_owned());
            }
            inner.body = Some(Box::new(body));
        }
        error
    }

    /// An auth failure met outside a response: its kind says what to decide (an outage of
    /// the token endpoint is `Unavailable`, not `Auth`), and it stays reachable.
    fn from_auth(auth: &AuthError) -> Self {
        let message = match auth {
            // `Error`'s Display adds the wait once.
            AuthError::RateLimited { .. } => "rate limited by the token endpoint".to_owned(),
            // The kind already says "configuration error".
            AuthError::Config(reason) => reason.clone(),
            other => other.to_string(),
        };
        let mut error = Self::new(auth.error_kind(), message);
        if let AuthError::RateLimited { retry_after } = auth {
            error.0.retry_after = *retry_after;
        }
        error.0.auth = Some(auth.clone());
        error.0.source = Some(Box::new(auth.clone()));
        error
    }

    /// The typed reason `sdk_auth::Auth::send` put in a transport error's source chain; `B`
    /// is the operation's error body, read from a 401 the auth layer ended the call with.
    fn from_call_failure<B: ErrorBody>(failure: &CallFailure) -> Self {
        match failure {
            CallFailure::Auth(auth) => Self::from_auth(auth),
            CallFailure::Unauthorized {
                error: auth,
                headers,
                body,
            } => {
                let typed = B::decode(body);
                let mut error = Self::from_response(StatusCode::UNAUTHORIZED, headers, typed);
                if error.0.body.is_none() {
                    error.0.message = auth.to_string();
                }
                error.0.kind = ErrorKind::Auth;
                error.0.auth = Some(auth.clone());
                error.0.source = Some(Box::new(auth.clone()));
                error
            }
            CallFailure::ErrorStatus {
                status,
                headers,
                excerpt,
            } => {
                let mut error = Self::from_response::<()>(*status, headers, None);
                if excerpt.is_empty() {
                    error.0.message.push_str(" (empty body)");
                } else {
                    error.0.message.push_str(" (the body is not JSON)");
                    error.0.excerpt = Some(excerpt.clone());
                }
                error
            }
            CallFailure::InvalidRequest(reason) => {
                Self::new(ErrorKind::InvalidRequest, reason.clone())
            }
            other => {
                let mut error = Self::new(ErrorKind::Unavailable, other.to_string());
                error.0.source = Some(Box::new(other.clone()));
                error
            }
        }
    }

    fn from_transport<B: ErrorBody>(error: reqwest::Error) -> Self {
        if let Some(failure) = CallFailure::find(&error) {
            return Self::from_call_failure::<B>(failure);
        }
        if error.is_builder() {
            // Nothing was sent: the request itself is wrong (say, a body that cannot be
            // encoded), which no retry or wait fixes.
            let cause = std::error::Error::source(&error)
                .map_or_else(|| error.to_string(), ToString::to_string);
            let mut out = Self::new(
                ErrorKind::InvalidRequest,
                format!("the request could not be built: {cause}"),
            );
            out.0.source = Some(Box::new(error));
            return out;
        }
        let mut out = Self::new(ErrorKind::Unavailable, sdk_auth::describe_transport(&error));
        out.0.status = error.status();
        out.0.source = Some(Box::new(error));
        out
    }
}

impl<E: ErrorBody> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as Generated;
        match error {
            Generated::ErrorResponse(response) => {
                let (status, headers) = (response.status(), response.headers().clone());
                Self::from_response(status, &headers, Some(response.into_inner()))
            }
            Generated::UnexpectedResponse(response) => {
                Self::from_response::<()>(response.status(), response.headers(), None)
            }
            Generated::CommunicationError(error)
            | Generated::ResponseBodyError(error)
            | Generated::InvalidUpgrade(error) => Self::from_transport::<E>(error),
            Generated::InvalidResponsePayload(bytes, source) => {
                let mut error = Self::new(
                    ErrorKind::InvalidResponse,
                    if String::from_utf8_lossy(&bytes).trim().is_empty() {
                        "the response body is empty".to_owned()
                    } else {
                        format!("the response body does not decode ({source})")
                    },
                );
                error.0.excerpt = Some(sdk_auth::body_excerpt(&bytes));
                error.0.source = Some(Box::new(source));
                error
            }
            Generated::InvalidRequest(message) => Self::new(ErrorKind::InvalidRequest, message),
            Generated::Custom(message) => Self::new(ErrorKind::InvalidRequest, message),
        }
    }
}

impl From<AuthError> for Error {
    /// An auth failure met outside a generated call (e.g. from `token()`, `revoke()` or a
    /// configuration read from the environment).
    fn from(auth: AuthError) -> Self {
        Self::from_auth(&auth)
    }
}
