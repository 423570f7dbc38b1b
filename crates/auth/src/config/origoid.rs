//! OrigoID's configuration: an API key or HTTP Basic credentials, the base URL and the
//! requested token lifetime (`expireAfter`).

use std::fmt;

use secrecy::SecretString;

use super::{AuthOptions, key_prefix};
use crate::env::{self, Vars};
use crate::error::AuthError;

/// Documented production base URL.
const DEFAULT_BASE_URL: &str = "https://api.origoid.com";
/// Valid `expireAfter` values, in seconds.
pub(crate) const EXPIRE_AFTER_RANGE: std::ops::RangeInclusive<u32> = 1..=3600;

/// The long-lived credential OrigoID accepts for minting (never a bearer token).
#[derive(Clone)]
pub enum OrigoIdCredentials {
    /// Sent as the `x-api-key` header.
    ApiKey(SecretString),
    /// Sent as `Authorization: Basic base64(username:password)`.
    Basic {
        /// Account user name.
        username: String,
        /// Account password.
        password: SecretString,
    },
}

impl fmt::Debug for OrigoIdCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiKey(_) => f.write_str("ApiKey([REDACTED])"),
            Self::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", &key_prefix(username))
                .field("password", &"[REDACTED]")
                .finish(),
        }
    }
}

/// Configuration of an OrigoID [`Auth`](crate::Auth).
#[derive(Debug, Clone)]
pub struct OrigoIdConfig {
    credentials: OrigoIdCredentials,
    base_url: Option<String>,
    expire_after: Option<u32>,
    options: AuthOptions,
}

impl OrigoIdConfig {
    /// Authenticate mints with an API key.
    pub fn api_key(key: SecretString) -> Self {
        Self::with_credentials(OrigoIdCredentials::ApiKey(key))
    }

    /// Authenticate mints with HTTP Basic.
    pub fn basic(username: impl Into<String>, password: SecretString) -> Self {
        Self::with_credentials(OrigoIdCredentials::Basic {
            username: username.into(),
            password,
        })
    }

    fn with_credentials(credentials: OrigoIdCredentials) -> Self {
        Self {
            credentials,
            base_url: None,
            expire_after: None,
            options: AuthOptions::default(),
        }
    }

    /// Overrides the base URL (default `https://api.origoid.com`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Requested token lifetime in seconds (`expireAfter`, 1..=3600); checked by
    /// [`build`](Self::build) so an invalid value never reaches the server.
    pub fn expire_after(mut self, seconds: u32) -> Self {
        self.expire_after = Some(seconds);
        self
    }

    /// The base URL tokens are minted at and API calls go to: the one set with
    /// [`base_url`](Self::base_url), else the documented production server.
    pub fn effective_base_url(&self) -> &str {
        self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL)
    }

    /// The options [`options`](Self::options) set (default [`AuthOptions::default`]).
    pub fn auth_options(&self) -> &AuthOptions {
        &self.options
    }

    /// Shared options (clock, refresh policy, timeouts).
    pub fn options(mut self, options: AuthOptions) -> Self {
        self.options = options;
        self
    }

    /// Reads `ORIGOID_URL` (optional), `ORIGOID_API_KEY` or else `ORIGOID_USERNAME` +
    /// `ORIGOID_PASSWORD`, and `ORIGOID_EXPIRE_AFTER` (optional, seconds) from `env`.
    ///
    /// # Errors
    /// [`AuthError::Config`] naming every missing or invalid variable (never a value).
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Self, AuthError> {
        let mut vars = Vars::new(&env);
        let credentials = if let Some(key) = vars.optional("ORIGOID_API_KEY") {
            Some(OrigoIdCredentials::ApiKey(key.into()))
        } else if vars.optional("ORIGOID_USERNAME").is_some()
            || vars.optional("ORIGOID_PASSWORD").is_some()
        {
            let (username, password) = (
                vars.required("ORIGOID_USERNAME"),
                vars.required("ORIGOID_PASSWORD"),
            );
            username
                .zip(password)
                .map(|(username, password)| OrigoIdCredentials::Basic {
                    username,
                    password: password.into(),
                })
        } else {
            vars.missing_one_of(
                &["ORIGOID_API_KEY"],
                "or ORIGOID_USERNAME and ORIGOID_PASSWORD",
            );
            None
        };
        let expire_after = vars.optional("ORIGOID_EXPIRE_AFTER").and_then(|value| {
            let seconds = value
                .trim()
                .parse()
                .ok()
                .filter(|s| EXPIRE_AFTER_RANGE.contains(s));
            if seconds.is_none() {
                vars.invalid("ORIGOID_EXPIRE_AFTER", "must be an integer from 1 to 3600");
            }
            seconds
        });
        let base_url = vars.optional("ORIGOID_URL");
        let config = credentials.map(|credentials| Self {
            base_url,
            expire_after,
            ..Self::with_credentials(credentials)
        });
        vars.finish(config)
    }

    /// [`from_env`](Self::from_env) on the process environment.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_process_env() -> Result<Self, AuthError> {
        Self::from_env(env::process_env)
    }

    pub(crate) fn credentials(&self) -> &OrigoIdCredentials {
        &self.credentials
    }

    pub(crate) fn requested_lifetime(&self) -> Option<u32> {
        self.expire_after
    }
}
