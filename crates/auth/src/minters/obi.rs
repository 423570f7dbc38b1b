//! Obi FARE.AI: `POST {base}/v1/auth/token` with `X-API-KEY` + `X-API-SECRET` headers and no
//! body; revocation by `jti` or `all` at `POST {base}/v1/auth/revoke` with the bearer.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::AUTHORIZATION;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{BoxFuture, Minter, MinterInfo, RevokeScope, key_prefix, lenient, minted};
use crate::auth::Auth;
use crate::config::{self, AuthOptions};
use crate::error::AuthError;
use crate::http::{self, MintHttp};
use crate::store::Fingerprint;
use crate::token::{AccessToken, MintedToken};

/// Documented production base URL.
const DEFAULT_BASE_URL: &str = "https://api.obifareai.com";
/// Documented default account TTL (24 h).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Configuration of an Obi [`Auth`].
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
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Self, AuthError> {
        let mut config = Self::new(
            config::required(&env, "OBI_API_KEY")?.into(),
            config::required(&env, "OBI_API_SECRET")?.into(),
        );
        config.base_url = config::optional(&env, "OBI_URL");
        Ok(config)
    }

    /// [`from_env`](Self::from_env) on the process environment.
    pub fn from_process_env() -> Result<Self, AuthError> {
        Self::from_env(config::process_env)
    }

    /// Validates the configuration and builds the [`Auth`].
    pub fn build(self) -> Result<Auth, AuthError> {
        let minter = ObiMinter::new(self.clone())?;
        let base = minter.base.clone();
        Ok(Auth::from_services(
            vec![(Some(base), Arc::new(minter))],
            self.options,
        ))
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

/// Mints and revokes Obi tokens.
pub struct ObiMinter {
    base: Url,
    api_key: SecretString,
    api_secret: SecretString,
    http: MintHttp,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenResponse {
    token: SecretString,
    #[serde(default, deserialize_with = "lenient::string")]
    jti: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    expires_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::seconds")]
    ttl_seconds: Option<u64>,
}

impl ObiMinter {
    /// A minter from `config`; checks the base URL (https, or http to loopback only).
    pub fn new(config: ObiConfig) -> Result<Self, AuthError> {
        let url = config.effective_base_url();
        Ok(Self {
            base: http::base_url(url, "OBI_URL")?,
            api_key: config.api_key,
            api_secret: config.api_secret,
            http: MintHttp::new(&config.options)?,
        })
    }
}

impl Minter for ObiMinter {
    fn info(&self) -> MinterInfo {
        MinterInfo {
            api: "obi",
            service: "default",
            // The key is documented as non-secret; its prefix is just `pgw_`.
            key_id_prefix: key_prefix(self.api_key.expose_secret()),
        }
    }

    fn identify(&self, fingerprint: &mut Fingerprint) -> bool {
        // The key is the public half; the secret stays out.
        fingerprint
            .add(self.base.as_str())
            .add(self.api_key.expose_secret());
        true
    }

    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        Box::pin(async move {
            let request = self
                .http
                .post(http::endpoint(&self.base, "/v1/auth/token"))
                .header(
                    "X-API-KEY",
                    http::secret_header(self.api_key.expose_secret())?,
                )
                .header(
                    "X-API-SECRET",
                    http::secret_header(self.api_secret.expose_secret())?,
                );
            let response = self.http.send(request).await?;
            response.check_status()?;
            let parsed: TokenResponse = response.json()?;
            let token = minted(
                parsed.token,
                DEFAULT_LIFETIME,
                parsed.ttl_seconds,
                parsed.expires_at.as_deref(),
                &response,
            );
            Ok(match parsed.jti {
                Some(jti) => token.with_jti(jti),
                None => token,
            })
        })
    }

    fn supports_revocation(&self) -> bool {
        true
    }

    fn revoke<'a>(
        &'a self,
        bearer: &'a AccessToken,
        scope: RevokeScope,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            let body = match scope {
                RevokeScope::All => serde_json::json!({ "all": true }),
                RevokeScope::Token => {
                    let jti = bearer.jti().ok_or_else(|| {
                        AuthError::Protocol(
                            "the token has no jti, so it cannot be revoked alone".into(),
                        )
                    })?;
                    serde_json::json!({ "jti": jti })
                }
            };
            let request = self
                .http
                .post(http::endpoint(&self.base, "/v1/auth/revoke"))
                .header(AUTHORIZATION, bearer.header().clone())
                .json(&body);
            self.http.send(request).await?.check_status()
        })
    }
}

impl fmt::Debug for ObiMinter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObiMinter")
            .field("base", &self.base.as_str())
            .field("api_key", &key_prefix(self.api_key.expose_secret()))
            .finish_non_exhaustive()
    }
}
