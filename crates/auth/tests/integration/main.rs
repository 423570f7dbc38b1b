//! Integration tests of `sdk-auth`: deterministic (manual clock, gated mock minter) and
//! against real servers on 127.0.0.1 only.

mod canary;
mod classify;
mod common;
mod env;
mod herd;
#[cfg(feature = "metrics")]
mod metrics;
mod pause;
mod replay;
mod revoke;
mod skew;
#[cfg(feature = "store")]
mod store;
