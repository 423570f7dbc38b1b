//! Sharing tokens across processes: many replicas, one token per credential.
//!
//! - [`TokenStore`] is the seam: atomic operations on a credential's *slot* (load, save
//!   fenced by generation, retire to a tombstone, next generation, lease).
//!   `RedisStore` (feature `redis`: one server, a cluster or a Sentinel-managed master, TLS,
//!   configured with `RedisConfig`) and [`MemoryStore`] implement it.
//! - [`SharedStore`] pairs a backend with the [`StoreKey`] that seals tokens (AES-256-GCM) and
//!   goes into [`AuthOptions::token_store`](crate::AuthOptions::token_store); without one,
//!   every process mints for itself, exactly as before.
//! - Slots are named `sdk-auth:v1:{<api>:<service>:<fingerprint>}` where the fingerprint is a
//!   keyed hash of the credential's identity ([`Fingerprint`]), never a secret.
//! - The fleet protocol (look, lease, mint, save, wait) is the token layer's
//!   (`crate::token::fleet`); the lease it takes is `lease` here.
//! - Processes also tell each other, through the store, when a slot changes (waiters wake at
//!   once) and when an API asked to hold back ([`Notice`]; Redis pub/sub).

pub(crate) mod backend;
mod env;
pub(crate) mod fingerprint;
pub(crate) mod lease;
pub(crate) mod memory;
pub(crate) mod meter;
pub(crate) mod notices;
#[cfg(feature = "redis")]
pub(crate) mod redis;
pub(crate) mod seal;
pub(crate) mod shared;
pub(crate) mod warnings;

pub use backend::{Record, StoreError, StoreResult, TokenStore};
pub use env::{
    STORE_CONNECT_TIMEOUT_VAR, STORE_KEY_VAR, STORE_MODE_VAR, STORE_SENTINEL_MASTER_VAR,
    STORE_TIMEOUT_VAR, STORE_TLS_CA_FILE_VAR, STORE_TLS_CERT_FILE_VAR, STORE_TLS_KEY_FILE_VAR,
    STORE_URL_VAR,
};
pub use fingerprint::Fingerprint;
pub use memory::MemoryStore;
pub use notices::{Listener, Notice};
#[cfg(feature = "redis")]
pub use redis::RedisStore;
#[cfg(feature = "redis")]
pub use redis::config::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, RedisConfig};
pub use seal::StoreKey;
pub use shared::{DEFAULT_LEASE, SharedStore};
