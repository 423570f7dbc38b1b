//! [`Error`]: the one error type of every call of every API, and what a caller must decide
//! ([`ErrorKind`]).
//!
//! Generated calls fail with `progenitor_client::Error<E>`, where `E` is the operation's typed
//! error body; `?` converts any of them into [`Error`]. Failures the auth layer ends a call
//! with (no token, a 401 it could not cure, the deadline) travel inside it as an
//! `sdk_auth::CallFailure` in the source chain of a `reqwest::Error` (progenitor's hooks can
//! return nothing else), and are recovered here intact: the [`AuthError`] variant, with its
//! `Retry-After`, is never lost. [`ErrorKind`] and its status table are the auth layer's, so
//! what is retried and what a caller is told come from one place.

mod convert;

use std::any::Any;
use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use sdk_auth::{AuthError, ErrorKind};
use serde_json::Value;

/// Why a call of any API failed: one type to `match` on, whatever the API and operation.
///
/// Display is one line (`rejected (HTTP 400, route-metadata-incomplete): …`); Debug is as
/// concise; [`source`](StdError::source) chains to the [`AuthError`] or the transport or
/// decoding error. Neither ever shows a secret, a token or a header.
///
/// ```
/// use sdk::{Error, ErrorKind};
///
/// fn explain(err: &Error) -> String {
///     match err.kind() {
///         ErrorKind::Auth => format!("fix credentials or account: {:?}", err.auth_error()),
///         ErrorKind::Config => format!("fix the configuration: {err}"),
///         ErrorKind::RateLimited => format!("slow down for {:?}", err.retry_after()),
///         ErrorKind::Unavailable => format!("try later: {err}"),
///         ErrorKind::Rejected => format!("{:?} {:?} {} ({:?})", err.status(), err.code(), err.message(), err.request_id()),
///         ErrorKind::InvalidResponse => format!("{:?}: {:?}", err.status(), err.excerpt()),
///         ErrorKind::InvalidRequest => format!("fix the request: {err}"),
///         _ => err.to_string(), // the enum is non_exhaustive
///     }
/// }
/// ```
pub struct Error(Box<Inner>);

pub(crate) struct Inner {
    kind: ErrorKind,
    status: Option<StatusCode>,
    retry_after: Option<Duration>,
    code: Option<String>,
    message: String,
    request_id: Option<String>,
    details: Option<Value>,
    excerpt: Option<String>,
    auth: Option<AuthError>,
    body: Option<Box<dyn Any + Send + Sync>>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self(Box::new(Inner {
            kind,
            status: None,
            retry_after: None,
            code: None,
            message: message.into(),
            request_id: None,
            details: None,
            excerpt: None,
            auth: None,
            body: None,
            source: None,
        }))
    }

    /// An error of `kind` for a refused request, e.g. one a facade check caught before
    /// sending; `source` is kept as the typed reason ([`body`](Self::body) finds it too).
    pub fn invalid_request<S: StdError + Clone + Send + Sync + 'static>(source: S) -> Self {
        let mut error = Self::new(ErrorKind::InvalidRequest, source.to_string());
        error.0.body = Some(Box::new(source.clone()));
        error.0.source = Some(Box::new(source));
        error
    }

    #[cfg_attr(not(feature = "bridge"), expect(dead_code))]
    pub(crate) fn with_code(mut self, code: impl Into<String>) -> Self {
        self.0.code = Some(code.into());
        self
    }

    /// What the caller must decide.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.status
    }

    /// How long the server (or the token endpoint) asked to wait, capped at
    /// [`MAX_RETRY_AFTER`](sdk_auth::MAX_RETRY_AFTER) (20 s).
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// True if trying again later may succeed: [`Unavailable`](ErrorKind::Unavailable)
    /// (token endpoint outages included), [`RateLimited`](ErrorKind::RateLimited), or a 409
    /// (Bridge: the same idempotency reference is still in flight). Whether repeating an
    /// operation is *safe* is another matter: the SDK already retried what was safe to retry.
    pub fn is_retryable(&self) -> bool {
        match self.0.kind {
            ErrorKind::Unavailable | ErrorKind::RateLimited => true,
            ErrorKind::Rejected => self.0.status == Some(StatusCode::CONFLICT),
            _ => false,
        }
    }

    /// The typed auth failure, for every error the auth layer caused: why no token could be
    /// had (also when the kind is `Unavailable` or `RateLimited`: the token endpoint's
    /// outage), [`AuthError::RejectedAfterReplay`] for a 401 to a freshly minted token, or
    /// [`AuthError::NotReplayed`] for a 401 that was not replayed, with the reason.
    pub fn auth_error(&self) -> Option<&AuthError> {
        self.0.auth.as_ref()
    }

    /// The vendor's machine-readable code (`NOT_FOUND`, `route-metadata-incomplete`,
    /// `SERVICE_UNAVAILABLE`, …), when the answer carried one.
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// A human-readable message (the vendor's, else a description of the failure).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The vendor's id of this request (OrigoID `transactionId`, or a request-id header);
    /// quote it to the vendor's support.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// Extra details the vendor sent (Bridge `details`, OrigoID `errors[]`).
    pub fn details(&self) -> Option<&Value> {
        self.0.details.as_ref()
    }

    /// The start of a response body that could not be decoded.
    pub fn excerpt(&self) -> Option<&str> {
        self.0.excerpt.as_deref()
    }

    /// The typed error body as the API sent it, e.g.
    /// `error.body::<sdk::obi::types::ErrorResponse>()`,
    /// `error.body::<sdk::origoid::EnvelopeError>()`, or the facade check that refused a
    /// request (`sdk::obi::RouteMetadataError`).
    pub fn body<T: Any>(&self) -> Option<&T> {
        self.0.body.as_ref()?.downcast_ref()
    }
}

/// What [`Error`] reads from a typed error body. Implemented for every error body of the
/// three APIs, and for `()` (operations that document none). Sealed.
pub trait ErrorBody: sealed::Sealed + Send + Sync + 'static {
    /// The vendor's code.
    fn code(&self) -> Option<&str>;
    /// The vendor's message.
    fn message(&self) -> Option<Cow<'_, str>>;
    /// The vendor's id of the request.
    fn request_id(&self) -> Option<Cow<'_, str>> {
        None
    }
    /// Details beyond code and message.
    fn details(&self) -> Option<Value> {
        None
    }
    /// The kind the body itself states, when it says more than the status (a rate-limit code
    /// on a 200, say).
    fn kind(&self) -> Option<ErrorKind> {
        None
    }
}

pub(crate) mod sealed {
    /// Seals [`ErrorBody`](super::ErrorBody), and reads a body the auth layer kept (a 401 it
    /// ended the call with) as this type.
    pub trait Sealed {
        /// `body` as this type, if it is one (JSON bodies: `serde_json`).
        fn decode(body: &[u8]) -> Option<Self>
        where
            Self: Sized;
    }

    impl Sealed for () {
        fn decode(_: &[u8]) -> Option<Self> {
            None
        }
    }

    /// Implements [`Sealed`] for generated error bodies, decoded from JSON.
    macro_rules! json_error_body {
        ($($body:ty),+ $(,)?) => {$(
            impl $crate::error::sealed::Sealed for $body {
                fn decode(body: &[u8]) -> Option<Self> {
                    serde_json::from_slice(body).ok()
                }
            }
        )+};
    }
    pub(crate) use json_error_body;
}

impl ErrorBody for () {
    fn code(&self) -> Option<&str> {
        None
    }
    fn message(&self) -> Option<Cow<'_, str>> {
        None
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.0;
        f.write_str(inner.kind.as_str())?;
        match (inner.status, &inner.code) {
            (Some(status), Some(code)) => write!(f, " (HTTP {}, {code})", status.as_u16())?,
            (Some(status), None) => write!(f, " (HTTP {})", status.as_u16())?,
            (None, Some(code)) => write!(f, " ({code})")?,
            (None, None) => {}
        }
        write!(f, ": {}", inner.message.replace(['\r', '\n'], " "))?;
        if let Some(id) = &inner.request_id {
            write!(f, " [request id {id}]")?;
        }
        if let Some(after) = inner.retry_after {
            write!(f, " (retry after {} s)", after.as_secs())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.0;
        let mut debug = f.debug_struct("Error");
        debug.field("kind", &inner.kind);
        if let Some(status) = inner.status {
            debug.field("status", &status.as_u16());
        }
        if let Some(code) = &inner.code {
            debug.field("code", code);
        }
        debug.field("message", &inner.message);
        if let Some(id) = &inner.request_id {
            debug.field("request_id", id);
        }
        if let Some(after) = inner.retry_after {
            debug.field("retry_after", &after);
        }
        if let Some(auth) = &inner.auth {
            debug.field("auth", auth);
        }
        debug.finish_non_exhaustive()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}
