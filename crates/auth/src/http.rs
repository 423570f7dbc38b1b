//! HTTP plumbing shared by all minters: a dedicated client (no redirects, explicit timeouts,
//! no hooks), base-URL checks, and mapping of transport failures and statuses to [`AuthError`].

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{DATE, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::clock::Clock;
use crate::config::AuthOptions;
use crate::error::AuthError;
use crate::retry;

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

/// Maps a reqwest failure without its `Display` (which carries the URL and inner causes).
fn transport_error(error: reqwest::Error) -> AuthError {
    if error.is_timeout() {
        AuthError::Timeout
    } else if error.is_connect() {
        AuthError::Transient("could not connect".into())
    } else if error.is_body() || error.is_decode() {
        AuthError::Transient("the response body was cut short".into())
    } else if error.is_builder() {
        AuthError::Config("the token request could not be built".into())
    } else {
        AuthError::Transient("the connection failed (reset or closed early)".into())
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

/// Validates a base URL: `https`, or plain `http` to a loopback host only; no credentials,
/// query or fragment. `what` names the setting in the error.
pub(crate) fn base_url(url: &str, what: &str) -> Result<Url, AuthError> {
    let parsed = Url::parse(url)
        .map_err(|_| AuthError::Config(format!("{what} is not a valid absolute URL")))?;
    let ok_scheme = match parsed.scheme() {
        "https" => true,
        "http" => is_loopback(&parsed),
        _ => false,
    };
    if !ok_scheme {
        return Err(AuthError::Config(format!(
            "{what} must use https (plain http only to a loopback host)"
        )));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(AuthError::Config(format!(
            "{what} must not contain credentials"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(AuthError::Config(format!(
            "{what} must not have a query or fragment"
        )));
    }
    Ok(parsed)
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `base` + `path`, keeping any path prefix of the base (Bridge bases end in `/api`).
pub(crate) fn endpoint(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let joined = format!("{}{}", base.path().trim_end_matches('/'), path);
    url.set_path(&joined);
    url
}

/// True if `a` and `b` have the same scheme, host and port: where a token may be sent.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        for ok in [
            "https://api.obifareai.com",
            "http://127.0.0.1:8080/api",
            "http://127.9.9.9",
            "http://[::1]:1",
            "http://localhost:3000",
        ] {
            assert!(base_url(ok, "X").is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "https://u:p@host",
            "https://h/?q=1",
            "nope",
        ] {
            let err = base_url(bad, "X_URL").unwrap_err();
            assert!(err.to_string().contains("X_URL"), "{bad}: {err}");
            assert!(!err.to_string().contains("u:p"), "{err}");
        }
    }

    #[test]
    fn endpoints_keep_the_base_path() {
        let base = Url::parse("https://h/api").unwrap();
        assert_eq!(
            endpoint(&base, "/generate-token").as_str(),
            "https://h/api/generate-token"
        );
        let base = Url::parse("https://h/api/").unwrap();
        assert_eq!(
            endpoint(&base, "/generate-token").as_str(),
            "https://h/api/generate-token"
        );
        let base = Url::parse("https://h").unwrap();
        assert_eq!(
            endpoint(&base, "/v1/auth/token").as_str(),
            "https://h/v1/auth/token"
        );
    }

    #[test]
    fn origins() {
        let u = |s| Url::parse(s).unwrap();
        assert!(same_origin(&u("https://h/api"), &u("https://h:443/v1/x")));
        assert!(!same_origin(&u("https://h"), &u("http://h")));
        assert!(!same_origin(
            &u("http://127.0.0.1:1"),
            &u("http://127.0.0.1:2")
        ));
    }
}
