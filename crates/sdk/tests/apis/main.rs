//! The SDK's behaviour against loopback servers, one module per subject: each API's
//! operations and facade, the error model, retries, secrets, the emitted hook, metrics and
//! the shared token store. One binary, so the generated crates are linked once.

mod bridge;
mod errors;
mod hook;
#[cfg(feature = "metrics")]
mod metrics;
mod obi;
mod origoid;
mod pages;
mod retries;
mod secrets;
#[cfg(feature = "redis")]
mod store;
mod support;
