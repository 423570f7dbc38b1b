//! One SDK for three token-authenticated APIs: Bridge (banking as a service), OrigoID
//! (Mexican identity verification) and Obi FARE.AI (ride-fare pricing).
//!
//! Each API's typed client is generated from its OpenAPI document (`generated/<api>/`) and
//! re-exported here with hand-written glue, one module per API behind a cargo feature of the
//! same name ([`bridge`], [`origoid`], [`obi`]; all on by default). Tokens are never the
//! caller's problem: every client carries an [`Auth`] that mints, caches, refreshes ahead of
//! expiry and replays once on 401; transient failures are retried within a budget and a
//! per-call deadline ([`RetryPolicy`]).
//!
//! Every call of every API fails with one type, [`Error`]: `?` converts the error of any
//! generated call into it, and [`Error::kind`] says what to decide.
//!
//! For your tests, `sdk::mock` (cargo feature `mock`) starts loopback mocks of the APIs with
//! their token endpoints answering, typed per-operation mock builders and ready clients.
//!
//! With cargo feature `metrics`, calls, retries, tokens and the shared token store are
//! measured through the `metrics` facade into the recorder your application installs
//! (Prometheus, OTLP, …); the README's "Metrics" lists the metrics and shows the wiring.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sdk::Error> {
//! use sdk::{ErrorKind, obi};
//!
//! let fares = obi::from_env()?;
//! match fares.get_customer().send().await.map_err(sdk::Error::from) {
//!     Ok(me) => println!("{:?}", me.into_inner()),
//!     Err(e) if e.kind() == ErrorKind::RateLimited => println!("wait {:?}", e.retry_after()),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```

#![deny(missing_docs)]
// docs.rs (nightly, `--cfg docsrs`): a badge on each item behind a cargo feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The ready-client constructors of a single-service API (`client`, `client_at`, `from_env`,
/// `from_env_with`), written once for OrigoID and Obi. The token endpoint and the API calls
/// always share one base URL, so a token only ever goes where it was minted.
#[cfg(any(feature = "obi", feature = "origoid"))]
macro_rules! ready_client_constructors {
    (config: $config:ident, token_path: $token_path:literal, env: $env_doc:literal) => {
        #[doc = concat!(
            "A [`Client`] authenticated by `config`, talking to the server `config` names (its\n",
            "[`base_url`](", stringify!($config), "::base_url), else production).\n\n",
            "# Errors\nAn [`Error`](crate::Error) of kind [`Config`](crate::ErrorKind::Config) if `config` is invalid. No network call is made: ",
            "the first token is minted on the first request."
        )]
        pub fn client(config: $config) -> Result<Client, crate::Error> {
            let base_url = config.effective_base_url().trim_end_matches('/').to_owned();
            let options = crate::sdk_options(config.auth_options().clone());
            Ok(Client::new(&base_url, config.options(options).build()?))
        }

        #[doc = concat!(
            "A [`Client`] for the server at `base_url` (token endpoint `{base_url}", $token_path,
            "`), authenticated by `config`.\n\n`base_url` must be `https`, or plain `http` to a ",
            "loopback address (for tests).\n\n# Errors\nKind [`Config`](crate::ErrorKind::Config) if `config` or ",
            "`base_url` is invalid."
        )]
        pub fn client_at(base_url: &str, config: $config) -> Result<Client, crate::Error> {
            client(config.base_url(base_url.trim_end_matches('/')))
        }

        #[doc = concat!(
            "A [`Client`] configured from the process environment: ", $env_doc, ".\n\n",
            "# Errors\nKind [`Config`](crate::ErrorKind::Config), naming every missing or invalid variable at once (never a value)."
        )]
        pub fn from_env() -> Result<Client, crate::Error> {
            from_env_with(|name| std::env::var(name).ok(), AuthOptions::default())
        }

        /// [`from_env`] reading variables from `env` instead of the process environment (so
        /// tests never touch the real one), with explicit [`AuthOptions`]. A shared token
        /// store set in `env` (`SDK_TOKEN_STORE_URL`, see `SharedStore::from_env`; feature `redis`) is
        /// added to `options`.
        ///
        /// # Errors
        /// As [`from_env`].
        pub fn from_env_with(
            env: impl Fn(&str) -> Option<String>,
            options: AuthOptions,
        ) -> Result<Client, crate::Error> {
            let options = $crate::with_env_store(options, &env)?;
            client($config::from_env(env)?.options(crate::sdk_options(options)))
        }

        /// The client's [`Auth`](crate::Auth): token, health, revocation.
        pub fn auth(client: &Client) -> &crate::Auth {
            client.inner()
        }
    };
}

#[cfg(feature = "bridge")]
pub mod bridge;
mod error;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "obi")]
pub mod obi;
#[cfg(feature = "origoid")]
pub mod origoid;
mod paginate;

/// Dates and times in OrigoID and Obi types (`DateTime<Utc>`, `NaiveDate`).
#[cfg(any(feature = "obi", feature = "origoid"))]
pub use chrono;
pub use error::{Error, ErrorBody};
pub use paginate::Paginate;
/// The HTTP client the generated clients are built on, for `Client::new_with_client` (your
/// own timeouts, proxy or TLS settings) without a second dependency.
pub use reqwest;
pub use sdk_auth::{
    AccessToken, Auth, AuthError, AuthOptions, CallOptions, Clock, ErrorKind, Health, Jitter,
    LifetimeSource, ManualClock, NoReplay, RetryPolicy, SecretString, SystemClock, TransportCause,
};
/// A token store shared by many replicas (`SDK_TOKEN_STORE_URL`; feature `redis`); in code,
/// `SharedStore::new(RedisStore::new(RedisConfig::…), key)` for a cluster, Sentinels or TLS.
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use sdk_auth::{
    SharedStore, StoreKey,
    store::{RedisConfig, RedisStore},
};
/// The stream trait of [`Paginate`]'s streams (`StreamExt`/`TryStreamExt` from
/// `futures-util` consume them).
pub use sdk_paginate::Stream;

/// Extension points of the token layer: a custom token source for
/// [`Auth::from_minter`](crate::Auth::from_minter), and what a custom [`Clock`]
/// returns.
pub mod auth {
    pub use sdk_auth::{BoxFuture, MintedToken, Minter, MinterInfo, RevokeScope, Sleep};
}
/// Free-form JSON in generated types (`serde_json::Value`, `Map`).
pub use serde_json;
/// Ids in Bridge and OrigoID types (`Uuid`).
#[cfg(any(feature = "bridge", feature = "origoid"))]
pub use uuid;

/// The `User-Agent` of every request this SDK sends, API calls and token mints alike.
pub const USER_AGENT: &str = concat!("sdk/", env!("CARGO_PKG_VERSION"));

/// `options` naming this SDK in the `User-Agent`, unless the caller chose another.
#[cfg(any(feature = "bridge", feature = "obi", feature = "origoid"))]
pub(crate) fn sdk_options(options: AuthOptions) -> AuthOptions {
    options.user_agent_default(USER_AGENT)
}

/// Token access on any generated client of this SDK: `client.auth().token().await`.
pub trait Authenticated {
    /// The client's [`Auth`]: [`token`](Auth::token), [`health`](Auth::health), revocation.
    fn auth(&self) -> &Auth;
}

/// Implements [`Authenticated`] for generated clients (whose inner type is [`Auth`]).
macro_rules! authenticated {
    ($($(#[$cfg:meta])* $client:path),+ $(,)?) => {$(
        $(#[$cfg])*
        impl Authenticated for $client {
            fn auth(&self) -> &Auth {
                progenitor_client::ClientInfo::inner(self)
            }
        }
    )+};
}

authenticated!(
    #[cfg(feature = "bridge")]
    bridge::baas::Client,
    #[cfg(feature = "bridge")]
    bridge::collections::Client,
    #[cfg(feature = "bridge-undocumented")]
    bridge::undocumented::Client,
    #[cfg(feature = "origoid")]
    origoid::Client,
    #[cfg(feature = "obi")]
    obi::Client,
);

/// `options` with the shared token store that `env` configures, if any (`SDK_TOKEN_STORE_URL`,
/// `SDK_TOKEN_STORE_KEY` and the other `SDK_TOKEN_STORE_*` variables of
/// `SharedStore::from_env`; needs the `redis` feature).
#[cfg(feature = "redis")]
fn with_env_store(
    options: AuthOptions,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<AuthOptions, AuthError> {
    Ok(match SharedStore::from_env(env)? {
        Some(store) => options.token_store(store),
        None => options,
    })
}

/// Without the `redis` feature a configured store is an error, not silently ignored: the
/// replicas would each mint their own tokens while their operators believe they share.
#[cfg(not(feature = "redis"))]
fn with_env_store(
    options: AuthOptions,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<AuthOptions, AuthError> {
    match env("SDK_TOKEN_STORE_URL").filter(|url| !url.trim().is_empty()) {
        Some(_) => Err(AuthError::Config(
            "SDK_TOKEN_STORE_URL is set, but the sdk was built without its `redis` feature".into(),
        )),
        None => Ok(options),
    }
}
