//! Request and response lines as DEBUG events of target `sdk_auth::wire`, for `--verbose`
//! output and debugging: what was sent where, never a secret. API requests show their
//! headers with credentials redacted; token and revoke requests show no headers at all, since
//! those carry the API's key, secret or password.

use std::fmt;

use reqwest::header::HeaderMap;

/// Headers whose values are credentials whatever their sensitivity flag says.
const CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-api-key",
    "x-api-secret",
];

/// An API request about to be sent (each attempt, replays and retries included).
pub(crate) fn request(request: &reqwest::Request) {
    if tracing::enabled!(tracing::Level::DEBUG) {
        tracing::debug!(
            method = %request.method(),
            url = %request.url(),
            headers = %Redacted(request.headers()),
            "request"
        );
    }
}

/// A token or revoke request about to be sent: method and URL only.
pub(crate) fn credential_request(request: &reqwest::Request) {
    tracing::debug!(
        method = %request.method(),
        url = %request.url(),
        headers = "(credentials not shown)",
        "request"
    );
}

/// The status line of a response.
pub(crate) fn response(status: reqwest::StatusCode) {
    tracing::debug!(
        status = status.as_u16(),
        reason = status.canonical_reason().unwrap_or(""),
        "response"
    );
}

/// `name: value` lines, credentials shown as `[redacted]` (keeping the `Bearer` or `Basic`
/// scheme of an `Authorization` header).
struct Redacted<'a>(&'a HeaderMap);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, value)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{name}: ")?;
            if value.is_sensitive() || CREDENTIAL_HEADERS.contains(&name.as_str()) {
                let scheme = value
                    .to_str()
                    .ok()
                    .and_then(|v| v.split_once(' '))
                    .map(|(scheme, _)| scheme)
                    .filter(|scheme| {
                        name.as_str().ends_with("authorization")
                            && ["bearer", "basic"].contains(&scheme.to_ascii_lowercase().as_str())
                    });
                match scheme {
                    Some(scheme) => write!(f, "{scheme} [redacted]")?,
                    None => f.write_str("[redacted]")?,
                }
            } else {
                f.write_str(value.to_str().unwrap_or("(not text)"))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};

    use super::*;

    #[test]
    fn credentials_are_redacted_and_other_headers_shown() {
        let mut headers = HeaderMap::new();
        let mut bearer = HeaderValue::from_static("Bearer canary-token-123");
        bearer.set_sensitive(true);
        headers.insert(AUTHORIZATION, bearer);
        headers.insert("x-api-key", HeaderValue::from_static("canary-key"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let text = Redacted(&headers).to_string();
        assert_eq!(
            text,
            "authorization: Bearer [redacted]\nx-api-key: [redacted]\ncontent-type: application/json"
        );
        assert!(!text.contains("canary"));
    }
}
