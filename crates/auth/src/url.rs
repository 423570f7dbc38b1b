//! Base URLs and origins: which URLs a credential or token may go to.

use std::net::IpAddr;

use reqwest::Url;

use crate::error::AuthError;

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
