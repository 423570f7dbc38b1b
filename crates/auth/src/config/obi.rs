//! Obi FARE.AI's configuration: an API key and secret, and the base URL.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use super::{AuthOptions, key_prefix};
use crate::env::{self, Vars};
use crate::error::AuthError;

/// Documented production base URL.
const DEFAULT_BASE_URL: &str = "https://api.obifareai.com";

/// Configuration of an Obi [`Auth`](crate::Auth).
#[derive(Clone)]
pub struct ObiConfig {
    api_key: SecretString,
    api_secret: SecretString,
    base_url: Option<String>,
    options: AuthOptions,
}

impl ObiConfig {
    /// The key (`pgw_…`) and secret issued by the Obi account manager.
    pub fn new(api_key: SecretString, api_secret: SecretString) -> Self {
        Self {
            api_key,
            api_secret,
            base_url: None,
            options: AuthOptions::default(),
        }
    }

    /// Overrides the base URL (default `https://api.obifareai.com`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
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

    /// Reads `OBI_URL` (optional), `OBI_API_KEY` and `OBI_API_SECRET` from `env`.
    ///
    /// # Errors
    /// [`AuthError::Config`] naming every missing variable (never a value).
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Self, AuthError> {
        let mut vars = Vars::new(&env);
        let (key, secret) = (
            vars.required("OBI_API_KEY"),
            vars.required("OBI_API_SECRET"),
        );
        let base_url = vars.optional("OBI_URL");
        let config = key.zip(secret).map(|(key, secret)| Self {
            base_url,
            ..Self::new(key.into(), secret.into())
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

    pub(crate) fn api_key(&self) -> &SecretString {
        &self.api_key
    }

    pub(crate) fn api_secret(&self) -> &SecretString {
        &self.api_secret
    }
}

impl fmt::Debug for ObiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObiConfig")
            .field("api_key", &key_prefix(self.api_key.expose_secret()))
            .field("api_secret", &"[REDACTED]")
            .field("base_url", &self.base_url)
            .field("options", &self.options)
            .finish()
    }
}
