//! Test helpers shared by the workspace's crates (each crate's behaviour tests live next to
//! it; what they share lives here, once):
//!
//! - [`logs`]: one process-wide log capture per test binary;
//! - [`raw`]: a raw HTTP/1.1 server on loopback for faults wiremock cannot make (resets,
//!   truncated bodies, no answer), scripted per request;
//! - [`rate_limit`]: an endpoint answering 429 with `Retry-After` during a window, counting
//!   who still sent requests in it;
//! - [`redis_server`]: a real `redis-server` on a random loopback port (plain or TLS), and a
//!   Redis Cluster of them;
//! - [`tls`]: test certificates (a CA, a server and a client certificate);
//! - [`spec_examples`]: a spec's documented examples checked against its generated crate;
//! - [`layers`]: the check that a crate's modules import each other only one way;
//! - [`recorder`]: metrics recorded in memory, and the check that their labels hold no secret.

use std::path::PathBuf;

pub mod layers;
pub mod logs;
pub mod rate_limit;
pub mod raw;
pub mod recorder;
pub mod redis_server;
pub mod spec_examples;
pub mod tls;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(PathBuf::from)
        .unwrap_or_default()
}
