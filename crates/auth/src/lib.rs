//! Bearer-token core for the Bridge, OrigoID and Obi FARE.AI clients.
//!
//! All three APIs trade a long-lived credential (key id + secret, API key, username + password)
//! for a short-lived bearer JWT. [`Auth`] does that trade once per token lifetime and shares
//! the result: it mints on first use, refreshes ahead of expiry while callers keep using the
//! still-valid token, coalesces concurrent mints into one (single-flight), replays a request
//! once when the API answers 401, retries transient failures within a budget, and keeps
//! secrets out of `Debug`, `Display`, errors and logs.
//!
//! The generated progenitor clients hold an [`Auth`] as their inner type and send every
//! request through [`Auth::send_with`] (with the builder's [`CallOptions`], if any).
//!
//! ```no_run
//! # async fn demo() -> Result<(), sdk_auth::AuthError> {
//! use sdk_auth::ObiConfig;
//!
//! // Reads OBI_URL (optional), OBI_API_KEY and OBI_API_SECRET.
//! let auth = ObiConfig::from_process_env()?.build()?;
//! let token = auth.token().await?; // typed error before any API call
//! println!("{token:?}"); // the secret is redacted
//! auth.shutdown(std::time::Duration::from_secs(2)).await?; // revokes the Obi token
//! # Ok(()) }
//! ```
//!
//! # Behaviour
//!
//! - **Lifetime** comes from the best source the response offers: a relative TTL, else the
//!   JWT's `exp − iat`, else `expiresAt` measured against the server's `Date` header, else the
//!   API's documented default (Bridge 1 h, OrigoID `expireAfter` or 1 h, Obi 24 h).
//! - **Refresh ahead**: from `expiry − lead` (see [`AuthOptions`]) exactly one caller refreshes
//!   while the others keep the old token without waiting; from `expiry − margin` everyone
//!   waits for one shared mint. A failed refresh keeps the old token while it is usable.
//! - **Mint failures**: transient ones are retried within a mint (bounded, exponential);
//!   after a failed mint the next one waits (1 s doubling to 60 s, or `Retry-After`); rejected
//!   credentials and blocked accounts are remembered for 30 s. Recovery is automatic.
//! - **Calls** ([`Auth::send`]): one replay with a fresh token on 401 (the rejected token is
//!   invalidated, one re-mint for any number of concurrent 401s); retries of transient
//!   failures as [`RetryPolicy`] says, within a budget and one deadline per call; options for
//!   one call with [`CallOptions`]. A 401 that is not cured says whether a replay was sent
//!   ([`AuthError::RejectedAfterReplay`] or [`AuthError::NotReplayed`]).
//! - **Wire lines**: every attempt's request line and headers (credentials shown as
//!   `[redacted]`) and status are DEBUG events of target `sdk_auth::wire`; token and revoke
//!   requests show method and URL only.
//! - **Minting** uses its own HTTP client: no redirects, explicit timeouts, `https` only
//!   (plain `http` to loopback hosts for tests), never a bearer token.
//! - **Many replicas** can share one token per credential through Redis (feature `redis`;
//!   `AuthOptions::token_store`, the `store` module): one process mints while the others wait
//!   for it; a failing store means local minting, never a failed call. Without the feature,
//!   none of the store's cryptography is compiled.
//! - **Metrics** for operators (feature `metrics`, the `metrics` facade): call durations,
//!   retry decisions, the retry budget, token age, mints, the store; labels are names, never
//!   a secret, token, key id or URL. Without the feature, nothing of it is compiled.
//!
//! # Layers
//!
//! Modules import only downward, from the top: `auth` ([`Auth`]) → `call` (the send loop,
//! classification, the retry/replay decision, the failure carrier, telemetry) → `token`
//! (cache, lifetime, token types, health, minters, the fleet protocol) → `config` (plain
//! data: options, per-call options, credentials) → `store` (the shared store's backends) →
//! leaves (`error`, `clock`, `env`, `url`, `transport`, `wire`, `pauses`, `meter`: every
//! metric's name and labels).
//!
//! The core spawns no tasks and holds no lock across an `.await`; the only runtime
//! dependency is the sleep of [`SystemClock`], which uses Tokio's timer (reqwest needs a
//! Tokio runtime anyway). The Redis store keeps its connection with one task of its own on
//! that runtime. Inject a [`ManualClock`] for deterministic tests.
#![deny(missing_docs)]
// docs.rs (nightly, `--cfg docsrs`): a badge on each item behind a cargo feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
#[cfg(feature = "internal-bench")]
#[doc(hidden)]
pub mod bench;
mod call;
mod clock;
mod config;
mod env;
mod error;
mod meter;
mod pauses;
#[cfg(feature = "store")]
#[cfg_attr(docsrs, doc(cfg(feature = "store")))]
pub mod store;
mod token;
mod transport;
mod url;
mod wire;

pub use auth::Auth;
pub use call::failure::CallFailure;
pub use call::operation::Operation;
pub use clock::{Clock, ManualClock, Sleep, SystemClock};
pub use config::bridge::{BridgeConfig, BridgeCredentials, BridgeService};
pub use config::call::CallOptions;
pub use config::obi::ObiConfig;
pub use config::origoid::{OrigoIdConfig, OrigoIdCredentials};
pub use config::retry::{MAX_RETRY_AFTER, RetryPolicy, retry_after};
pub use config::{AuthOptions, Jitter};
pub use error::{AuthError, ErrorKind, NoReplay};
#[cfg(feature = "store")]
#[cfg_attr(docsrs, doc(cfg(feature = "store")))]
pub use store::{SharedStore, StoreKey};
pub use token::access::{AccessToken, MintedToken};
pub use token::health::Health;
pub use token::lifetime::LifetimeSource;
pub use token::minter::{Minter, MinterInfo, RevokeScope};
pub use token::minters::bridge::BridgeMinter;
pub use token::minters::obi::ObiMinter;
pub use token::minters::origoid::OrigoIdMinter;
pub use transport::{TransportCause, describe as describe_transport};

/// A boxed, `Send` future, as [`Minter`] methods return (`futures_util`'s).
pub use futures_util::future::BoxFuture;
/// Re-export of [`secrecy::SecretString`], the type every secret is passed in.
pub use secrecy::SecretString;

/// The start of a response body as error messages show it: at most 200 characters, trimmed.
pub fn body_excerpt(body: &[u8]) -> String {
    call::classify::excerpt(body)
}
