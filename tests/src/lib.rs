//! Shared helpers for the workspace's cross-crate tests (the tests live beside this crate's
//! `Cargo.toml`, one file per subject).

use std::path::PathBuf;

pub mod logs;
pub mod redis_server;
pub mod spec_examples;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// A file under `tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative)
}
