//! Releasing the crates: versions from what a spec change does to users ([`version`]),
//! changelog entries ([`changelog`]), manifests ([`manifest`], [`bump`]), the files a
//! generated crate ships with, and the guard of `cargo xtask check` ([`guard`]).

pub mod bump;
pub mod changelog;
pub mod cli;
pub mod evolution;
pub mod git;
pub mod guard;
pub mod manifest;
pub mod report;
pub mod semver_checks;
pub mod version;

use std::path::Path;

use serde_json::Value;

use crate::config::ApiConfig;
use crate::emit::Files;

/// Where a registered API's changelog is kept (edited by `cargo xtask diff --bump` and by
/// hand); the generator copies it into the crate so that it ships with the package.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// Adds the files a crate generated into the workspace is published with: `README.md`, and
/// `CHANGELOG.md` copied from the API's spec directory when there is one. Both carry the
/// crate's provenance banner (taken from its `Cargo.toml`).
pub fn package_files(config: &ApiConfig, doc: &Value, spec_dir: &Path, files: &mut Files) {
    if !config.in_workspace {
        return;
    }
    let banner: String = files
        .get(Path::new("Cargo.toml"))
        .map(|manifest| {
            manifest
                .lines()
                .map_while(|l| l.strip_prefix("# "))
                .map(|l| format!("{l}\n"))
                .collect()
        })
        .unwrap_or_default();
    files.insert("README.md".into(), manifest::readme(config, doc, &banner));
    if let Ok(text) = std::fs::read_to_string(spec_dir.join(CHANGELOG)) {
        let source = format!("specs/{}/{CHANGELOG}", dir_name(spec_dir));
        files.insert(
            CHANGELOG.into(),
            format!(
                "<!--\n{banner}A copy of {source}: edit that file (`cargo xtask diff --bump` writes its entries).\n-->\n\n{text}"
            ),
        );
    }
}

fn dir_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
