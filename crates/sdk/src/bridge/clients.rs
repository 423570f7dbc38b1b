//! Ready clients: both services at once ([`Clients`]) or one alone.

use sdk_auth::{Auth, AuthError, AuthOptions, BridgeConfig, BridgeCredentials, BridgeService};

#[cfg(feature = "bridge-undocumented")]
use super::undocumented;
use super::{baas, collections};

/// Ready-to-use clients for both Bridge services, each with its own base URL and [`Auth`].
///
/// The two `Auth`s never share a token: the BaaS one mints with the BaaS key pair at
/// `{baas_url}/generate-token`, the Collections one with the Collections key pair at
/// `{collections_url}/generate-token`, and each only stamps requests to its own origin.
#[derive(Debug, Clone)]
pub struct Clients {
    /// BaaS core client (KYC, lending, wallets), with the BaaS token.
    pub baas: baas::Client,
    /// Collections gateway client (`/collection/*`), with the Collections token.
    pub collections: collections::Client,
    /// Client for the undocumented loan operations; it talks to the BaaS core and shares the
    /// BaaS [`Auth`] (same key pair, same token).
    #[cfg(feature = "bridge-undocumented")]
    pub undocumented: undocumented::Client,
}

impl Clients {
    /// Starts a builder from the two key pairs (BaaS core, Collections gateway). Each service
    /// talks to the base URL set on its credentials, else to [`baas::DEFAULT_BASE_URL`] and
    /// [`collections::DEFAULT_BASE_URL`].
    pub fn builder(baas: BridgeCredentials, collections: BridgeCredentials) -> ClientsBuilder {
        ClientsBuilder {
            baas,
            collections,
            options: AuthOptions::default(),
        }
    }

    /// Clients configured from the process environment: `BRIDGE_BAAS_KEY_ID`,
    /// `BRIDGE_BAAS_SECRET`, `BRIDGE_COLLECTIONS_KEY_ID` and `BRIDGE_COLLECTIONS_SECRET` are
    /// required; `BRIDGE_BAAS_URL` and `BRIDGE_COLLECTIONS_URL` are optional (include the `/api`
    /// suffix). Empty values count as unset; the earlier `BRIDGE_GATEWAY_*` names still work,
    /// with a warning. For one service alone, see [`baas_from_env`] and
    /// [`collections_from_env`].
    ///
    /// # Errors
    /// Kind [`Config`](crate::ErrorKind::Config) naming every missing variable of both
    /// services at once (never a value), or an invalid base URL (https only; plain http only
    /// to loopback).
    pub fn from_env() -> Result<Self, crate::Error> {
        Self::from_env_with(|name| std::env::var(name).ok(), AuthOptions::default())
    }

    /// [`from_env`](Self::from_env) reading variables from `env` instead of the process
    /// environment (tests never touch the real one), with explicit [`AuthOptions`]. A shared
    /// token store set in `env` (`SDK_TOKEN_STORE_URL`, see
    /// `SharedStore::from_env`, feature `redis`) is added to `options`.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_env_with(
        env: impl Fn(&str) -> Option<String>,
        options: AuthOptions,
    ) -> Result<Self, crate::Error> {
        let options = crate::with_env_store(options, &env)?;
        let both = [BridgeService::Baas, BridgeService::Collections];
        let config = BridgeConfig::from_env_requiring(&env, &both)?;
        let credentials = |service| {
            config.credentials(service).cloned().ok_or_else(|| {
                AuthError::Config(format!("Bridge {} is not configured", service.name()))
            })
        };
        Self::builder(credentials(both[0])?, credentials(both[1])?)
            .options(options)
            .build()
    }

    /// Assembles clients from `Auth`s you built yourself (custom minters, shared options).
    ///
    /// Give each service its own `Auth`; one `Auth` for both would hand the BaaS token to the
    /// gateway if both base URLs had the same origin.
    pub fn from_auth(
        baas_url: &str,
        baas_auth: Auth,
        collections_url: &str,
        collections_auth: Auth,
    ) -> Self {
        let baas_url = baas_url.trim_end_matches('/');
        Self {
            #[cfg(feature = "bridge-undocumented")]
            undocumented: undocumented::Client::new(baas_url, baas_auth.clone()),
            baas: baas::Client::new(baas_url, baas_auth),
            collections: collections::Client::new(
                collections_url.trim_end_matches('/'),
                collections_auth,
            ),
        }
    }
}

/// Builder of [`Clients`]: base URLs and auth options on top of the two key pairs.
#[derive(Debug, Clone)]
pub struct ClientsBuilder {
    baas: BridgeCredentials,
    collections: BridgeCredentials,
    options: AuthOptions,
}

impl ClientsBuilder {
    /// BaaS core base URL, including the `/api` suffix (default [`baas::DEFAULT_BASE_URL`]).
    /// Tokens are minted at `{url}/generate-token` and calls go to `{url}/...`: always the same
    /// host. Replaces a base URL set on the credentials.
    pub fn baas_url(mut self, url: impl Into<String>) -> Self {
        self.baas = self.baas.base_url(url);
        self
    }

    /// Collections gateway base URL, including the `/api` suffix (default
    /// [`collections::DEFAULT_BASE_URL`]). Same rules as [`baas_url`](Self::baas_url).
    pub fn collections_url(mut self, url: impl Into<String>) -> Self {
        self.collections = self.collections.base_url(url);
        self
    }

    /// Token, retry and deadline options for both services.
    pub fn options(mut self, options: AuthOptions) -> Self {
        self.options = options;
        self
    }

    /// Builds one [`Auth`] per service and the clients around them.
    ///
    /// # Errors
    /// Kind [`Config`](crate::ErrorKind::Config) for an empty key id or an invalid base URL
    /// (https only; plain http only to loopback). Nothing is sent: the first token is minted
    /// on first use.
    pub fn build(self) -> Result<Clients, crate::Error> {
        let (baas_url, baas_auth) = service_auth(BridgeService::Baas, self.baas, &self.options)?;
        let (collections_url, collections_auth) =
            service_auth(BridgeService::Collections, self.collections, &self.options)?;
        Ok(Clients::from_auth(
            &baas_url,
            baas_auth,
            &collections_url,
            collections_auth,
        ))
    }
}

/// The base URL and [`Auth`] of one service.
fn service_auth(
    service: BridgeService,
    credentials: BridgeCredentials,
    options: &AuthOptions,
) -> Result<(String, Auth), AuthError> {
    let url = credentials
        .effective_base_url(service)
        .trim_end_matches('/')
        .to_owned();
    let auth = BridgeConfig::new()
        .service(service, credentials.base_url(url.clone()))
        .options(crate::sdk_options(options.clone()))
        .build()?;
    Ok((url, auth))
}

/// Defines the one-service constructors of a Bridge service.
macro_rules! one_service {
    ($service:ident, $module:ident, $client:ident, $from_env:ident, $from_env_with:ident, $vars:literal) => {
        #[doc = concat!("A `", stringify!($module), "::Client` alone, from `credentials` (base URL from the credentials, else [`", stringify!($module), "::DEFAULT_BASE_URL`]).\n\n# Errors\nKind [`Config`](crate::ErrorKind::Config) for an empty key id or an invalid base URL. Nothing is sent.")]
        pub fn $client(
            credentials: BridgeCredentials,
            options: AuthOptions,
        ) -> Result<$module::Client, crate::Error> {
            let (url, auth) = service_auth(BridgeService::$service, credentials, &options)?;
            Ok($module::Client::new(&url, auth))
        }

        #[doc = concat!("A `", stringify!($module), "::Client` alone, configured from the process environment: ", $vars, ".\n\n# Errors\nKind [`Config`](crate::ErrorKind::Config) naming every missing variable at once (never a value).")]
        pub fn $from_env() -> Result<$module::Client, crate::Error> {
            $from_env_with(|name| std::env::var(name).ok(), AuthOptions::default())
        }

        #[doc = concat!("[`", stringify!($from_env), "`] reading variables from `env`, with explicit [`AuthOptions`].\n\n# Errors\nAs [`", stringify!($from_env), "`].")]
        pub fn $from_env_with(
            env: impl Fn(&str) -> Option<String>,
            options: AuthOptions,
        ) -> Result<$module::Client, crate::Error> {
            let options = crate::with_env_store(options, &env)?;
            $client(BridgeCredentials::from_env(BridgeService::$service, env)?, options)
        }
    };
}

one_service!(
    Baas,
    baas,
    baas_client,
    baas_from_env,
    baas_from_env_with,
    "`BRIDGE_BAAS_KEY_ID`, `BRIDGE_BAAS_SECRET` and optionally `BRIDGE_BAAS_URL`"
);
one_service!(
    Collections,
    collections,
    collections_client,
    collections_from_env,
    collections_from_env_with,
    "`BRIDGE_COLLECTIONS_KEY_ID`, `BRIDGE_COLLECTIONS_SECRET` and optionally `BRIDGE_COLLECTIONS_URL` (or the earlier `BRIDGE_GATEWAY_*`)"
);
