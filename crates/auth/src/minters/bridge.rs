//! Bridge: `POST {base}/generate-token` with `{keyId, secret}`, one key pair per service.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{BoxFuture, Minter, MinterInfo, key_prefix, minted};
use crate::auth::Auth;
use crate::config::{self, AuthOptions};
use crate::error::AuthError;
use crate::http::{self, MintHttp};
use crate::store::Fingerprint;
use crate::token::MintedToken;

/// Lifetime assumed when `expiresAt` is `null` and nothing else tells (documented ~1 h).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// The two Bridge services. Each has its own key pair, base URL and token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BridgeService {
    /// BaaS core (KYC, lending, wallets).
    Baas,
    /// Collections gateway (`/collection/*`).
    Gateway,
}

impl BridgeService {
    /// Documented production base URL (the `/api` suffix is part of it).
    pub fn default_base_url(self) -> &'static str {
        match self {
            Self::Baas => "https://services.finance.reli.co.tz/api",
            Self::Gateway => "https://bridge-fsp.usereli.tech/api",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Baas => "baas",
            Self::Gateway => "gateway",
        }
    }

    fn env_names(self) -> [&'static str; 3] {
        match self {
            Self::Baas => [
                "BRIDGE_BAAS_URL",
                "BRIDGE_BAAS_KEY_ID",
                "BRIDGE_BAAS_SECRET",
            ],
            Self::Gateway => [
                "BRIDGE_GATEWAY_URL",
                "BRIDGE_GATEWAY_KEY_ID",
                "BRIDGE_GATEWAY_SECRET",
            ],
        }
    }
}

/// One Bridge key pair, optionally with a non-default base URL.
#[derive(Clone)]
pub struct BridgeCredentials {
    key_id: String,
    secret: SecretString,
    base_url: Option<String>,
}

impl BridgeCredentials {
    /// A key pair from the Bridge dashboard (Settings → Developer).
    pub fn new(key_id: impl Into<String>, secret: SecretString) -> Self {
        Self {
            key_id: key_id.into(),
            secret,
            base_url: None,
        }
    }

    /// Overrides the service's default base URL (include the `/api` suffix).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The base URL set with [`base_url`](Self::base_url), else `service`'s documented one.
    pub fn effective_base_url(&self, service: BridgeService) -> &str {
        self.base_url
            .as_deref()
            .unwrap_or(service.default_base_url())
    }

    /// Reads `service`'s key pair from `env`: `BRIDGE_BAAS_KEY_ID` and `BRIDGE_BAAS_SECRET`
    /// (required) and `BRIDGE_BAAS_URL` (optional), or the same `BRIDGE_GATEWAY_*` three.
    ///
    /// # Errors
    /// [`AuthError::Config`] naming a missing variable (never a value).
    pub fn from_env(
        service: BridgeService,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, AuthError> {
        let [url, key_id, secret] = service.env_names();
        let mut credentials = Self::new(
            config::required(&env, key_id)?,
            config::required(&env, secret)?.into(),
        );
        credentials.base_url = config::optional(&env, url);
        Ok(credentials)
    }
}

impl fmt::Debug for BridgeCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BridgeCredentials")
            .field("key_id", &key_prefix(&self.key_id))
            .field("secret", &"[REDACTED]")
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// Configuration of a Bridge [`Auth`]: one or both services.
///
/// One `Auth` can serve both: each request gets the token of the service whose base URL
/// has the same origin, so the two tokens never mix.
#[derive(Debug, Clone, Default)]
pub struct BridgeConfig {
    baas: Option<BridgeCredentials>,
    gateway: Option<BridgeCredentials>,
    options: AuthOptions,
}

impl BridgeConfig {
    /// An empty configuration; add at least one service.
    pub fn new() -> Self {
        Self::default()
    }

    /// Credentials for the BaaS core.
    pub fn baas(mut self, credentials: BridgeCredentials) -> Self {
        self.baas = Some(credentials);
        self
    }

    /// Credentials for the Collections gateway.
    pub fn gateway(mut self, credentials: BridgeCredentials) -> Self {
        self.gateway = Some(credentials);
        self
    }

    /// Shared options (clock, refresh policy, timeouts).
    pub fn options(mut self, options: AuthOptions) -> Self {
        self.options = options;
        self
    }

    /// Reads `BRIDGE_BAAS_URL`, `BRIDGE_BAAS_KEY_ID`, `BRIDGE_BAAS_SECRET` and the same three
    /// `BRIDGE_GATEWAY_*` variables from `env`. A service is configured when its key id or
    /// secret is set (then both are required); at least one service is required. URLs are
    /// optional.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Self, AuthError> {
        let mut config = Self::new();
        for service in [BridgeService::Baas, BridgeService::Gateway] {
            let [_, key_id, secret] = service.env_names();
            if config::optional(&env, key_id).is_none() && config::optional(&env, secret).is_none()
            {
                continue;
            }
            let credentials = BridgeCredentials::from_env(service, &env)?;
            match service {
                BridgeService::Baas => config.baas = Some(credentials),
                BridgeService::Gateway => config.gateway = Some(credentials),
            }
        }
        if config.baas.is_none() && config.gateway.is_none() {
            return Err(AuthError::Config(
                "environment variable BRIDGE_BAAS_KEY_ID is not set (set BRIDGE_BAAS_* and/or BRIDGE_GATEWAY_*)"
                    .into(),
            ));
        }
        Ok(config)
    }

    /// [`from_env`](Self::from_env) on the process environment.
    pub fn from_process_env() -> Result<Self, AuthError> {
        Self::from_env(config::process_env)
    }

    /// Validates the configuration and builds the [`Auth`].
    pub fn build(self) -> Result<Auth, AuthError> {
        let services = [
            (BridgeService::Baas, self.baas),
            (BridgeService::Gateway, self.gateway),
        ]
        .into_iter()
        .filter_map(|(service, credentials)| Some((service, credentials?)))
        .map(|(service, credentials)| {
            let minter = BridgeMinter::new(service, credentials, &self.options)?;
            Ok((
                Some(minter.base.clone()),
                Arc::new(minter) as Arc<dyn Minter>,
            ))
        })
        .collect::<Result<Vec<_>, AuthError>>()?;
        if services.is_empty() {
            return Err(AuthError::Config("no Bridge service configured".into()));
        }
        Ok(Auth::from_services(services, self.options))
    }
}

/// Mints Bridge tokens for one service.
pub struct BridgeMinter {
    service: BridgeService,
    base: Url,
    key_id: String,
    secret: SecretString,
    http: MintHttp,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenRequest<'a> {
    key_id: &'a str,
    secret: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenResponse {
    token: SecretString,
    expires_at: Option<String>,
    expires_in: Option<u64>,
    #[serde(default)]
    scopes: Vec<String>,
}

impl BridgeMinter {
    /// A minter for `service`; checks the base URL (https, or http to loopback only).
    pub fn new(
        service: BridgeService,
        credentials: BridgeCredentials,
        options: &AuthOptions,
    ) -> Result<Self, AuthError> {
        let [url_var, key_var, _] = service.env_names();
        let url = credentials
            .base_url
            .as_deref()
            .unwrap_or(service.default_base_url());
        if credentials.key_id.trim().is_empty() {
            return Err(AuthError::Config(format!("{key_var} is empty")));
        }
        Ok(Self {
            service,
            base: http::base_url(url, url_var)?,
            key_id: credentials.key_id,
            secret: credentials.secret,
            http: MintHttp::new(options)?,
        })
    }
}

impl Minter for BridgeMinter {
    fn info(&self) -> MinterInfo {
        MinterInfo {
            api: "bridge",
            service: self.service.name(),
            key_id_prefix: key_prefix(&self.key_id),
        }
    }

    fn identify(&self, fingerprint: &mut Fingerprint) -> bool {
        fingerprint.add(self.base.as_str()).add(&self.key_id);
        true
    }

    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        Box::pin(async move {
            let body = TokenRequest {
                key_id: &self.key_id,
                secret: self.secret.expose_secret(),
            };
            let request = self
                .http
                .post(http::endpoint(&self.base, "/generate-token"))
                .json(&body);
            let response = self.http.send(request).await?;
            response.check_status()?;
            let parsed: TokenResponse = response.json()?;
            Ok(minted(
                parsed.token,
                DEFAULT_LIFETIME,
                parsed.expires_in,
                parsed.expires_at.as_deref(),
                &response,
            )
            .with_scopes(parsed.scopes))
        })
    }
}

impl fmt::Debug for BridgeMinter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BridgeMinter")
            .field("service", &self.service)
            .field("base", &self.base.as_str())
            .field("key_id", &key_prefix(&self.key_id))
            .finish_non_exhaustive()
    }
}
