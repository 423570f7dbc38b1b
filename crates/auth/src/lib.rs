//! Bearer-token core for the Bridge, OrigoID and Obi FARE.AI clients.
//!
//! All three APIs trade a long-lived credential (key id + secret, API key, username + password)
//! for a short-lived bearer JWT. [`Auth`] does that trade once per token lifetime and shares
//! the result: it mints on first use, refreshes ahead of expiry while callers keep using the
//! still-valid token, coalesces concurrent mints into one (single-flight), replays a request
//! once when the API answers 401, and keeps secrets out of `Debug`, `Display`, errors and logs.
//!
//! The generated progenitor clients use [`Auth`] as their inner type and call
//! [`Auth::authorize`] from `pre` and [`Auth::execute`] from `exec`.
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
//! - **Failures**: transient ones are retried within a mint (bounded, exponential); after a
//!   failed mint the next one waits (1 s doubling to 60 s, or `Retry-After`); rejected
//!   credentials and blocked accounts are remembered for 30 s. Recovery is automatic.
//! - **401**: [`Auth::execute`] invalidates only the token the request carried, re-mints
//!   once for any number of concurrent 401s, and replays each request once.
//! - **Wire lines**: every attempt's request line and headers (credentials shown as
//!   `[redacted]`) and status are DEBUG events of target `sdk_auth::wire`; token and revoke
//!   requests show method and URL only.
//! - **Minting** uses its own HTTP client: no redirects, explicit timeouts, `https` only
//!   (plain `http` to loopback hosts for tests), never a bearer token.
//! - **Many replicas** can share one token per credential through Redis (feature `redis`,
//!   [`AuthOptions::token_store`], [`store`]): one process mints while the others wait for
//!   it; a failing store means local minting, never a failed call.
//!
//! The core spawns no tasks and holds no lock across an `.await`; the only runtime
//! dependency is the sleep of [`SystemClock`], which uses Tokio's timer (reqwest needs a
//! Tokio runtime anyway; the Redis client runs its connection on it). Inject a
//! [`ManualClock`] for deterministic tests.
#![deny(missing_docs)]
// docs.rs (nightly, `--cfg docsrs`): a badge on each item behind a cargo feature.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
#[cfg(feature = "internal-bench")]
#[doc(hidden)]
pub mod bench;
mod cache;
mod clock;
mod config;
mod error;
mod execute;
mod failure;
mod health;
mod http;
mod lifetime;
mod minters;
mod operation;
mod outcome;
mod replay;
mod retry;
pub mod store;
mod token;
mod wire;

pub use auth::Auth;
pub use clock::{Clock, ManualClock, Sleep, SystemClock};
pub use config::{AuthOptions, Jitter};
pub use error::AuthError;
pub use failure::CallFailure;
pub use health::Health;
pub use lifetime::LifetimeSource;
pub use minters::bridge::{BridgeConfig, BridgeCredentials, BridgeMinter, BridgeService};
pub use minters::obi::{ObiConfig, ObiMinter};
pub use minters::origoid::{OrigoIdConfig, OrigoIdCredentials, OrigoIdMinter};
pub use minters::{BoxFuture, Minter, MinterInfo, RevokeScope};
pub use operation::Operation;
pub use retry::{RetryPolicy, retry_after};
pub use store::{SharedStore, StoreKey};
pub use token::{AccessToken, MintedToken};

/// Re-export of [`secrecy::SecretString`], the type every secret is passed in.
pub use secrecy::SecretString;
