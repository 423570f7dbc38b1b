//! Bridge: `POST {base}/generate-token` with `{keyId, secret}`, one key pair per service.

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
    /// Collections gateway (`/collection/*`): the `collections` module and client.
    Collections,
}

impl BridgeService {
    /// Documented production base URL (the `/api` suffix is part of it).
    pub fn default_base_url(self) -> &'static str {
        match self {
            Self::Baas => "https://services.finance.reli.co.tz/api",
            Self::Collections => "https://bridge-fsp.usereli.tech/api",
        }
    }

    /// `baas` or `collections`, as in logs, modules and environment variables.
    pub fn name(self) -> &'static str {
        match self {
            Self::Baas => "baas",
            Self::Collections => "collections",
        }
    }

    /// The variables of this service: URL, key id, secret.
    pub fn env_names(self) -> [&'static str; 3] {
        match self {
            Self::Baas => [
                "BRIDGE_BAAS_URL",
                "BRIDGE_BAAS_KEY_ID",
                "BRIDGE_BAAS_SECRET",
            ],
            Self::Collections => [
                "BRIDGE_COLLECTIONS_URL",
                "BRIDGE_COLLECTIONS_KEY_ID",
                "BRIDGE_COLLECTIONS_SECRET",
            ],
        }
    }

    /// Earlier names of [`env_names`](Self::env_names), still read (with a warning).
    fn legacy_env_names(self) -> Option<[&'static str; 3]> {
        match self {
            Self::Baas => None,
            Self::Collections => Some([
                "BRIDGE_GATEWAY_URL",
                "BRIDGE_GATEWAY_KEY_ID",
                "BRIDGE_GATEWAY_SECRET",
            ]),
        }
    }

    /// `env` with this service's legacy variable names answering for the current ones (a
    /// current name wins); a warning names each legacy variable used.
    fn env_with_legacy<'a>(
        self,
        env: &'a dyn Fn(&str) -> Option<String>,
    ) -> impl Fn(&str) -> Option<String> + 'a {
        let pairs = self.legacy_env_names().map(|legacy| {
            let current = self.env_names();
            [
                (current[0], legacy[0]),
                (current[1], legacy[1]),
                (current[2], legacy[2]),
            ]
        });
        move |name: &str| {
            config::optional(env, name).or_else(|| {
                let (_, legacy) = pairs?.into_iter().find(|(current, _)| *current == name)?;
                let value = config::optional(env, legacy)?;
                tracing::warn!(
                    variable = legacy,
                    replacement = name,
                    "deprecated environment variable; rename it"
                );
                Some(value)
            })
        }
    }

    /// Whether `env` configures this service at all (its key id or secret, by any name).
    fn configured_in(self, env: &dyn Fn(&str) -> Option<String>) -> bool {
        let [_, key_id, secret] = self.env_names();
        let names = [key_id, secret].into_iter().chain(
            self.legacy_env_names()
                .into_iter()
                .flat_map(|[_, k, s]| [k, s]),
        );
        names
            .into_iter()
            .any(|name| config::optional(env, name).is_some())
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
    /// (required) and `BRIDGE_BAAS_URL` (optional), or the same `BRIDGE_COLLECTIONS_*` three
    /// (the earlier `BRIDGE_GATEWAY_*` names still work, with a warning).
    ///
    /// # Errors
    /// [`AuthError::Config`] naming a missing variable (never a value).
    pub fn from_env(
        service: BridgeService,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, AuthError> {
        let env = service.env_with_legacy(&env);
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
    collections: Option<BridgeCredentials>,
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
    pub fn collections(mut self, credentials: BridgeCredentials) -> Self {
        self.collections = Some(credentials);
        self
    }

    /// Credentials for a service.
    pub fn service(self, service: BridgeService, credentials: BridgeCredentials) -> Self {
        match service {
            BridgeService::Baas => self.baas(credentials),
            BridgeService::Collections => self.collections(credentials),
        }
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

    /// Reads `BRIDGE_BAAS_URL`, `BRIDGE_BAAS_KEY_ID`, `BRIDGE_BAAS_SECRET` and the same three
    /// `BRIDGE_COLLECTIONS_*` variables (or the earlier `BRIDGE_GATEWAY_*`) from `env`. A
    /// service is configured when its key id or secret is set (then both are required); at
    /// least one service is required. URLs are optional.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Self, AuthError> {
        let mut config = Self::new();
        for service in [BridgeService::Baas, BridgeService::Collections] {
            if service.configured_in(&env) {
                config = config.service(service, BridgeCredentials::from_env(service, &env)?);
            }
        }
        if config.baas.is_none() && config.collections.is_none() {
            return Err(AuthError::Config(
                "environment variable BRIDGE_BAAS_KEY_ID is not set (set BRIDGE_BAAS_* and/or BRIDGE_COLLECTIONS_*)"
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
            (BridgeService::Collections, self.collections),
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
    #[serde(default, deserialize_with = "lenient::string")]
    expires_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::seconds")]
    expires_in: Option<u64>,
    #[serde(default, deserialize_with = "lenient::strings")]
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
