//! The token layer: everything about having a valid token, below the call layer.
//!
//! From the bottom: `lifetime` (how long a token lives and when to refresh it), `access`
//! (the token types), `health`, `minter` (the trait) and `minters` (one per API), `marks`
//! (which stored tokens a process may adopt), `stored` (a token as the shared store keeps it)
//! and `fleet` (one mint for many processes through a shared store), `cache` (one token per service,
//! refreshed by a single flight) and `services` (which service's token a request gets).

pub(crate) mod access;
pub(crate) mod cache;
#[cfg(feature = "store")]
pub(crate) mod fleet;
pub(crate) mod health;
pub(crate) mod lifetime;
#[cfg(feature = "store")]
pub(crate) mod marks;
pub(crate) mod minter;
pub(crate) mod minters;
pub(crate) mod services;
#[cfg(feature = "store")]
pub(crate) mod stored;
