//! What makes a generated crate publishable: its `[package]` section (version from
//! `codegen.toml`, metadata inherited from the workspace), its `README.md` and `CHANGELOG.md`,
//! and the checks on the metadata `codegen.toml` gives. Used by the generator; the release
//! commands (`crate::release`) only write the versions and changelogs it reads.

use serde_json::Value;

use crate::config::ApiConfig;
use crate::tree::Files;

/// The `[package]` section (and docs.rs metadata) of a generated crate's `Cargo.toml`.
///
/// A crate generated into this workspace inherits edition, rust-version, license and
/// repository from `[workspace.package]`, so there is one place to change them; a crate made
/// by `cargo xtask generate` anywhere else stays standalone and unpublished.
pub fn package_section(config: &ApiConfig) -> String {
    if !config.in_workspace {
        return format!(
            "[package]\nname = \"{}\"\nversion = \"{}\"\nedition = \"2024\"\ndescription = {:?}\npublish = false\n",
            config.crate_name, config.version, config.description
        );
    }
    format!(
        "[package]\nname = \"{}\"\nversion = \"{}\"\ndescription = {:?}\nreadme = \"README.md\"\n\
         keywords = {}\ncategories = {}\nedition.workspace = true\nrust-version.workspace = true\n\
         license.workspace = true\nrepository.workspace = true\n\n\
         [package.metadata.docs.rs]\nall-features = true\n",
        config.crate_name,
        config.version,
        config.description,
        toml_list(&config.keywords),
        toml_list(&config.categories),
    )
}

/// The dependency line on the auth layer: the workspace's (path and version, so the crate
/// can be published) for crates generated here, a path otherwise.
pub fn sdk_auth_dependency(config: &ApiConfig) -> &'static str {
    if config.in_workspace {
        "sdk-auth = { workspace = true }"
    } else {
        r#"sdk-auth = { path = "../../crates/auth" }"#
    }
}

/// The dependency line on the pagination streams, like [`sdk_auth_dependency`].
pub fn sdk_paginate_dependency(config: &ApiConfig) -> &'static str {
    if config.in_workspace {
        "sdk-paginate = { workspace = true }"
    } else {
        r#"sdk-paginate = { path = "../../crates/paginate" }"#
    }
}

/// The inner attribute that gives feature-gated items their badge on docs.rs (which builds
/// with `--cfg docsrs` on nightly; `doc_cfg` shows the `cfg` of each item by itself).
pub const DOCS_RS_ATTRIBUTE: &str = "#![cfg_attr(docsrs, feature(doc_cfg))]\n";

/// `README.md` of a generated crate: what it is, where it came from, and that most users
/// want the `sdk` crate.
pub fn readme(config: &ApiConfig, doc: &Value, banner: &str) -> String {
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("API");
    let version = doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut out = format!(
        "<!--\n{banner}-->\n\n# {}\n\n{}\n\nGenerated from the OpenAPI document *{title}*, version `{version}`, \
         by the workspace's generator (progenitor, builder interface). Most users want the \
         workspace's `sdk` crate instead: it re-exports this client with its credentials, token \
         handling, retries and one error type.\n",
        config.crate_name, config.description
    );
    let features: Vec<String> = config
        .services
        .iter()
        .filter_map(|s| {
            s.feature
                .as_ref()
                .map(|f| format!("- `{f}`: {}", s.doc.replace('\n', " ")))
        })
        .chain(std::iter::once(
            "- `mock`: typed httpmock mocks per operation, for tests.".to_owned(),
        ))
        .collect();
    out.push_str(&format!("\n## Cargo features\n\n{}\n", features.join("\n")));
    out.push_str(
        "\n## Versions\n\nThe version follows what each spec change does to code that uses the \
         crate (0.x: breaking changes raise the minor version); `CHANGELOG.md` lists every \
         release with the spec version it was generated from.\n",
    );
    out
}

fn toml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

use std::path::Path;

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
    files.insert("README.md".into(), readme(config, doc, &banner));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn registered() -> ApiConfig {
        ApiConfig {
            in_workspace: true,
            keywords: vec!["obi".into(), "fares".into()],
            ..ApiConfig::standalone("obi-api")
        }
    }

    #[test]
    fn a_standalone_crate_keeps_its_unpublished_manifest() {
        let section = package_section(&ApiConfig::standalone("x-client"));
        assert!(section.contains("publish = false"), "{section}");
        assert!(section.contains("edition = \"2024\""), "{section}");
        assert!(!section.contains("workspace"), "{section}");
    }

    #[test]
    fn a_workspace_crate_is_publishable_and_inherits_its_metadata() {
        let section = package_section(&registered());
        for line in [
            "version = \"0.1.0\"",
            "readme = \"README.md\"",
            "keywords = [\"obi\", \"fares\"]",
            "categories = [\"api-bindings\", \"web-programming::http-client\"]",
            "license.workspace = true",
            "repository.workspace = true",
            "rust-version.workspace = true",
            "[package.metadata.docs.rs]\nall-features = true",
        ] {
            assert!(section.contains(line), "{line} missing in\n{section}");
        }
        assert!(!section.contains("publish"), "{section}");
        let parsed: toml::Table = toml::from_str(&section).expect("valid TOML");
        assert_eq!(parsed["package"]["name"].as_str(), Some("obi-api"));
    }
}
