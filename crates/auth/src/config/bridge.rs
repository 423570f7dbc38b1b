//! Bridge's configuration: one key pair (and base URL) per service, BaaS core and Collections.

use std::fmt;

use secrecy::SecretString;

use super::AuthOptions;
use crate::env::{self, Env, Vars};
use crate::error::AuthError;

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
    fn env_with_legacy<'a>(self, env: Env<'a>) -> impl Fn(&str) -> Option<String> + 'a {
        let pairs = self.legacy_env_names().map(|legacy| {
            let current = self.env_names();
            [
                (current[0], legacy[0]),
                (current[1], legacy[1]),
                (current[2], legacy[2]),
            ]
        });
        let set = move |name: &str| env(name).filter(|value| !value.trim().is_empty());
        move |name: &str| {
            set(name).or_else(|| {
                let (_, legacy) = pairs?.into_iter().find(|(current, _)| *current == name)?;
                let value = set(legacy)?;
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
    fn configured_in(self, env: Env<'_>) -> bool {
        let [_, key_id, secret] = self.env_names();
        let names = [key_id, secret].into_iter().chain(
            self.legacy_env_names()
                .into_iter()
                .flat_map(|[_, k, s]| [k, s]),
        );
        let vars = Vars::new(env);
        names.into_iter().any(|name| vars.optional(name).is_some())
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
        let mut vars = Vars::new(&env);
        let credentials = Self::read(service, &mut vars);
        vars.finish(credentials)
    }

    /// Reads `service`'s variables into `vars`, which remembers what is missing.
    fn read(service: BridgeService, vars: &mut Vars<'_>) -> Option<Self> {
        let env = service.env_with_legacy(vars.env());
        let mut own = Vars::new(&env);
        let [url, key_id, secret] = service.env_names();
        let (key_id, secret) = (own.required(key_id), own.required(secret));
        let base_url = own.optional(url);
        vars.absorb(own);
        Some(Self {
            key_id: key_id?,
            secret: secret?.into(),
            base_url,
        })
    }

    pub(crate) fn key_id(&self) -> &str {
        &self.key_id
    }

    pub(crate) fn secret(&self) -> &SecretString {
        &self.secret
    }
}

impl fmt::Debug for BridgeCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BridgeCredentials")
            .field("key_id", &super::key_prefix(&self.key_id))
            .field("secret", &"[REDACTED]")
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// Configuration of a Bridge [`Auth`](crate::Auth): one or both services.
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

    /// The credentials of `service`, if configured.
    pub fn credentials(&self, service: BridgeService) -> Option<&BridgeCredentials> {
        match service {
            BridgeService::Baas => self.baas.as_ref(),
            BridgeService::Collections => self.collections.as_ref(),
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
    ///
    /// # Errors
    /// [`AuthError::Config`] naming every missing variable (never a value).
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Self, AuthError> {
        Self::from_env_requiring(env, &[])
    }

    /// [`from_env`](Self::from_env), with `required` services needed whether or not `env`
    /// mentions them (so one error lists every missing variable of each).
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_env_requiring(
        env: impl Fn(&str) -> Option<String>,
        required: &[BridgeService],
    ) -> Result<Self, AuthError> {
        let mut vars = Vars::new(&env);
        let mut config = Self::new();
        let mut complete = true;
        for service in [BridgeService::Baas, BridgeService::Collections] {
            if required.contains(&service) || service.configured_in(&env) {
                match BridgeCredentials::read(service, &mut vars) {
                    Some(credentials) => config = config.service(service, credentials),
                    None => complete = false,
                }
            }
        }
        if config.baas.is_none() && config.collections.is_none() && complete {
            let [_, baas_key, baas_secret] = BridgeService::Baas.env_names();
            let [_, collections_key, collections_secret] = BridgeService::Collections.env_names();
            vars.missing_one_of(
                &[baas_key, baas_secret],
                &format!("or {collections_key} and {collections_secret}"),
            );
        }
        vars.finish(Some(config))
    }

    /// [`from_env`](Self::from_env) on the process environment.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_process_env() -> Result<Self, AuthError> {
        Self::from_env(env::process_env)
    }

    /// The configured services with their credentials, BaaS first.
    pub(crate) fn services(&self) -> impl Iterator<Item = (BridgeService, &BridgeCredentials)> {
        [
            (BridgeService::Baas, self.baas.as_ref()),
            (BridgeService::Collections, self.collections.as_ref()),
        ]
        .into_iter()
        .filter_map(|(service, credentials)| Some((service, credentials?)))
    }
}
