//! OrigoID: `POST {base}/auth/token` with `x-api-key` or HTTP Basic, optional `expireAfter`.
//! Answers come in the OrigoID envelope, and errors may arrive as HTTP 200 with
//! `status: "ERROR"`, so they are classified by the envelope `type`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{BoxFuture, Minter, MinterInfo, key_prefix, lenient, minted};
use crate::auth::Auth;
use crate::config::{self, AuthOptions};
use crate::error::AuthError;
use crate::http::{self, MintHttp, RawResponse};
use crate::store::Fingerprint;
use crate::token::MintedToken;

/// Documented production base URL.
const DEFAULT_BASE_URL: &str = "https://api.origoid.com";
/// Gateway default lifetime when `expireAfter` is omitted.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
/// Valid `expireAfter` values, in seconds.
const EXPIRE_AFTER_RANGE: std::ops::RangeInclusive<u32> = 1..=3600;

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

/// Configuration of an OrigoID [`Auth`].
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
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Self, AuthError> {
        let mut config = if let Some(key) = config::optional(&env, "ORIGOID_API_KEY") {
            Self::api_key(key.into())
        } else if config::optional(&env, "ORIGOID_USERNAME").is_some()
            || config::optional(&env, "ORIGOID_PASSWORD").is_some()
        {
            Self::basic(
                config::required(&env, "ORIGOID_USERNAME")?,
                config::required(&env, "ORIGOID_PASSWORD")?.into(),
            )
        } else {
            return Err(AuthError::Config(
                "environment variable ORIGOID_API_KEY is not set (or set ORIGOID_USERNAME and ORIGOID_PASSWORD)"
                    .into(),
            ));
        };
        config.base_url = config::optional(&env, "ORIGOID_URL");
        if let Some(value) = config::optional(&env, "ORIGOID_EXPIRE_AFTER") {
            let seconds = value.trim().parse().map_err(|_| {
                AuthError::Config("ORIGOID_EXPIRE_AFTER must be an integer from 1 to 3600".into())
            })?;
            config.expire_after = Some(seconds);
        }
        Ok(config)
    }

    /// [`from_env`](Self::from_env) on the process environment.
    pub fn from_process_env() -> Result<Self, AuthError> {
        Self::from_env(config::process_env)
    }

    /// Validates the configuration and builds the [`Auth`].
    pub fn build(self) -> Result<Auth, AuthError> {
        let minter = OrigoIdMinter::new(self.clone())?;
        let base = minter.base.clone();
        Ok(
            Auth::from_services(vec![(Some(base), Arc::new(minter))], self.options)
                .with_success_check(service_unavailable),
        )
    }
}

/// Mints OrigoID tokens.
pub struct OrigoIdMinter {
    base: Url,
    credentials: OrigoIdCredentials,
    expire_after: Option<u32>,
    http: MintHttp,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_after: Option<u32>,
}

/// The OrigoID envelope (only the fields minting needs). Classified by `status` and `type`
/// whatever the shape of `data` and `errors`: `data` is decoded only for `status: OK`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    #[serde(default, deserialize_with = "lenient::string")]
    status: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "lenient::string")]
    kind: Option<String>,
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default)]
    errors: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient::string")]
    transaction_id: Option<String>,
}

#[derive(Deserialize)]
struct TokenData {
    access_token: SecretString,
    #[serde(default, deserialize_with = "lenient::seconds")]
    expires_in: Option<u64>,
    #[serde(default, deserialize_with = "lenient::strings")]
    scope: Vec<String>,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default, deserialize_with = "lenient::string")]
    field: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    code: Option<String>,
}

/// OrigoID's `SERVICE_UNAVAILABLE` envelope, which comes with HTTP 200: an upstream
/// registry is down and nothing was processed (`billable: false`), so an idempotent call
/// may be repeated like after a 503.
pub(crate) fn service_unavailable(body: &[u8]) -> Option<&'static str> {
    let envelope: Envelope = serde_json::from_slice(body).ok()?;
    (envelope.status.as_deref() == Some("ERROR")
        && envelope.kind.as_deref() == Some("SERVICE_UNAVAILABLE"))
    .then_some("origoid_service_unavailable")
}

impl OrigoIdMinter {
    /// A minter from `config`; rejects an `expireAfter` outside 1..=3600 and a non-https base URL.
    pub fn new(config: OrigoIdConfig) -> Result<Self, AuthError> {
        if let Some(seconds) = config.expire_after
            && !EXPIRE_AFTER_RANGE.contains(&seconds)
        {
            return Err(AuthError::Config(
                "expireAfter must be from 1 to 3600 seconds".into(),
            ));
        }
        let url = config.effective_base_url();
        Ok(Self {
            base: http::base_url(url, "ORIGOID_URL")?,
            credentials: config.credentials,
            expire_after: config.expire_after,
            http: MintHttp::new(&config.options)?,
        })
    }

    /// Turns an envelope into a token, or into the error its `type` stands for.
    fn token(&self, envelope: Envelope, response: &RawResponse) -> Result<MintedToken, AuthError> {
        let transaction = envelope.transaction_id.as_deref().unwrap_or("none");
        let kind = envelope.kind.as_deref().unwrap_or("none");
        if envelope.status.as_deref() != Some("OK") {
            return Err(match kind {
                "UNAUTHORIZED" => AuthError::InvalidCredentials,
                "RATE_LIMIT_EXCEEDED" => AuthError::RateLimited {
                    retry_after: response.retry_after(),
                },
                "SERVICE_UNAVAILABLE" | "INTERNAL_ERROR" => AuthError::Transient(format!(
                    "OrigoID answered {kind} (transactionId {transaction})"
                )),
                "INVALID_REQUEST" => {
                    let details: Vec<String> = envelope
                        .errors
                        .and_then(|errors| serde_json::from_value::<Vec<ErrorDetail>>(errors).ok())
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| {
                            format!(
                                "{} {}",
                                e.field.unwrap_or_default(),
                                e.code.unwrap_or_default()
                            )
                        })
                        .collect();
                    AuthError::Config(format!(
                        "OrigoID rejected the token request: {} (transactionId {transaction})",
                        details.join(", ")
                    ))
                }
                other => AuthError::Protocol(format!(
                    "OrigoID answered status {} type {other} (transactionId {transaction})",
                    envelope.status.as_deref().unwrap_or("none")
                )),
            });
        }
        let data = envelope
            .data
            .and_then(|data| serde_json::from_value::<TokenData>(data).ok())
            .ok_or_else(|| {
                AuthError::Protocol(format!(
                    "OrigoID token answer without a usable accessToken (transactionId {transaction})"
                ))
            })?;
        let fallback = self
            .expire_after
            .map_or(DEFAULT_LIFETIME, |s| Duration::from_secs(s.into()));
        Ok(
            minted(data.access_token, fallback, data.expires_in, None, response)
                .with_scopes(data.scope),
        )
    }
}

impl Minter for OrigoIdMinter {
    fn info(&self) -> MinterInfo {
        let key_id_prefix = match &self.credentials {
            // The API key is the secret itself: log none of it.
            OrigoIdCredentials::ApiKey(_) => String::new(),
            OrigoIdCredentials::Basic { username, .. } => key_prefix(username),
        };
        MinterInfo {
            api: "origoid",
            service: "default",
            key_id_prefix,
        }
    }

    fn identify(&self, fingerprint: &mut Fingerprint) -> bool {
        fingerprint.add(self.base.as_str());
        match &self.credentials {
            // The key is the only identity: the store keeps just its keyed hash.
            OrigoIdCredentials::ApiKey(key) => fingerprint.add("api-key").add(key.expose_secret()),
            OrigoIdCredentials::Basic { username, .. } => fingerprint.add("basic").add(username),
        };
        true
    }

    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        Box::pin(async move {
            let mut request = self
                .http
                .post(http::endpoint(&self.base, "/auth/token"))
                .json(&TokenRequest {
                    expire_after: self.expire_after,
                });
            request = match &self.credentials {
                OrigoIdCredentials::ApiKey(key) => {
                    request.header("x-api-key", http::secret_header(key.expose_secret())?)
                }
                // reqwest marks the Basic header sensitive.
                OrigoIdCredentials::Basic { username, password } => {
                    request.basic_auth(username, Some(password.expose_secret()))
                }
            };
            let response = self.http.send(request).await?;
            response.check_status()?;
            let envelope: Envelope = response.json()?;
            self.token(envelope, &response)
        })
    }
}

impl fmt::Debug for OrigoIdMinter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrigoIdMinter")
            .field("base", &self.base.as_str())
            .field("credentials", &self.credentials)
            .field("expire_after", &self.expire_after)
            .finish_non_exhaustive()
    }
}
