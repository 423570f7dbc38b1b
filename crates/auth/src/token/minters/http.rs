//! HTTP plumbing shared by all minters: a dedicated client (no redirects, explicit timeouts,
//! no hooks), and mapping of transport failures and statuses to [`AuthError`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{DATE, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::clock::Clock;
use crate::config::{AuthOptions, retry};
use crate::error::AuthError;
use crate::transport;

/// The client minters use. It is separate from the API client, so minting never passes
/// through the hooks and a bearer token is never used to mint.
#[derive(Debug, Clone)]
pub(crate) struct MintHttp {
    client: reqwest::Client,
    clock: Arc<dyn Clock>,
    max_retry_after: Duration,
}

/// A fully read response of a token or revoke endpoint.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    received_at: SystemTime,
    max_retry_after: Duration,
}

impl MintHttp {
    pub(crate) fn new(options: &AuthOptions) -> Result<Self, AuthError> {
        let client = reqwest::Client::builder()
            // Redirects would forward x-api-key / X-API-SECRET to another host.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .user_agent(options.effective_user_agent())
            .build()
            .map_err(|_| AuthError::Config("could not build the token HTTP client".into()))?;
        Ok(Self {
            client,
            clock: Arc::clone(&options.clock),
            max_retry_after: options.max_backoff,
        })
    }

    /// A POST request to `url`.
    pub(crate) fn post(&self, url: Url) -> reqwest::RequestBuilder {
        self.client.post(url)
    }

    /// Sends and reads the whole body; transport failures become [`AuthError`]s.
    pub(crate) async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<RawResponse, AuthError> {
        let request = request.build().map_err(transport_error)?;
        crate::wire::credential_request(&request);
        let response = self
            .client
            .execute(request)
            .await
            .map_err(transport_error)?;
        let status = response.status();
        crate::wire::response(status);
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport_error)?.to_vec();
        Ok(RawResponse {
            status,
            headers,
            body,
            received_at: self.clock.wall(),
            max_retry_after: self.max_retry_after,
        })
    }
}

/// Maps a reqwest failure to host and cause, without its `Display` (which carries the whole
/// URL and inner messages).
fn transport_error(error: reqwest::Error) -> AuthError {
    if error.is_builder() {
        AuthError::Config("the token request could not be built".into())
    } else if error.is_timeout() && !error.is_connect() {
        AuthError::Timeout
    } else {
        AuthError::Transient(transport::describe(&error))
    }
}

impl RawResponse {
    /// Maps a non-2xx status to its error kind; shared by every API.
    pub(crate) fn check_status(&self) -> Result<(), AuthError> {
        let status = self.status;
        if status.is_success() {
            return Ok(());
        }
        Err(match status {
            StatusCode::UNAUTHORIZED => AuthError::InvalidCredentials,
            StatusCode::FORBIDDEN => AuthError::AccountBlocked,
            StatusCode::TOO_MANY_REQUESTS => AuthError::RateLimited {
                retry_after: self.retry_after(),
            },
            StatusCode::REQUEST_TIMEOUT => {
                AuthError::Transient(format!("HTTP {}", status.as_u16()))
            }
            s if s.is_server_error() => AuthError::Transient(format!("HTTP {}", s.as_u16())),
            s if s.is_redirection() => AuthError::Protocol(format!(
                "HTTP {} redirect refused (token requests never follow redirects)",
                s.as_u16()
            )),
            s => AuthError::Protocol(format!("HTTP {}", s.as_u16())),
        })
    }

    /// Parses the JSON body. The error names only the position, never body content.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, AuthError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            AuthError::Protocol(format!(
                "malformed JSON body ({:?} error at line {}, column {})",
                e.classify(),
                e.line(),
                e.column()
            ))
        })
    }

    /// The server's `Date`, for clock-skew correction.
    pub(crate) fn server_date(&self) -> Option<SystemTime> {
        header_str(self.headers.get(DATE)).and_then(|d| httpdate::parse_http_date(d).ok())
    }

    /// `Retry-After` as seconds or an HTTP date, capped at the configured maximum backoff.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        retry::retry_after(&self.headers, self.received_at, self.max_retry_after)
    }
}

fn header_str(value: Option<&HeaderValue>) -> Option<&str> {
    value.and_then(|v| v.to_str().ok())
}

/// A header value carrying a credential, marked sensitive so it is never logged.
pub(crate) fn secret_header(value: &str) -> Result<HeaderValue, AuthError> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        AuthError::Config("a credential contains characters not allowed in an HTTP header".into())
    })?;
    header.set_sensitive(true);
    Ok(header)
}
