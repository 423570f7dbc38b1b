//! Helpers shared by the generator's end-to-end tests.

// Each test binary compiles this module and uses part of it.
#![allow(dead_code)]

use std::fs;
use std::path::PathBuf;

/// A file under `xtask/tests/fixtures/` (`fixture("")` is the directory itself).
pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// A fresh, empty directory under the target dir (kept for inspection after a failure).
pub fn tempdir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}
