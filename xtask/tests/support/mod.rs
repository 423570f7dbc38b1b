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

/// Generates `fixtures/clients/<spec>.yaml` with `config` and checks it against the committed
/// client `tests/<dir>/mod.rs`, rewriting that file first when the environment variable
/// `update` is set (`update=1 cargo test -p xtask --test <test>`); the fresh code.
pub fn committed_client(
    spec: &str,
    config: xtask::ApiConfig,
    dir: &str,
    update: &str,
    test: &str,
) -> String {
    let command = format!("{update}=1 cargo test -p xtask --test {test}");
    let built = xtask::Job {
        name: spec.into(),
        spec: fixture(&format!("clients/{spec}.yaml")),
        fixes: None,
        config,
        display_root: fixture(""),
        command: command.clone(),
    }
    .build()
    .unwrap_or_else(|f| panic!("the {spec} spec generates:\n{f}"));
    let fresh = built.files[std::path::Path::new("src/lib.rs")].clone();
    let committed_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/{dir}/mod.rs"));
    if std::env::var_os(update).is_some() {
        fs::write(&committed_path, &fresh).unwrap();
    }
    let committed = fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "xtask/tests/{dir}/mod.rs is stale: run `{command}`"
    );
    fresh
}
