//! `cargo xtask diff --bump`: writes the versions a diff calls for and their changelog
//! entries. A generated crate's version lives in its `specs/<api>/codegen.toml` (the
//! generator writes it into the crate's `Cargo.toml`); the workspace's dependency entries on
//! it (`[workspace.dependencies]`), and `sdk` and `sdk-cli`, follow. Comments and layout of
//! every manifest are kept (`toml_edit`).

use std::path::Path;

use semver::Version;
use toml_edit::{DocumentMut, value};

use super::changelog;
use super::report::{DEPENDENTS, Report};

/// The files written, relative to `root`.
///
/// # Errors
/// A manifest that cannot be read, parsed or written.
pub fn apply(root: &Path, report: &Report, date: &str) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    let mut upgrades = Vec::new();
    for api in &report.apis {
        let v = &api.version;
        if v.suggested == v.released {
            continue;
        }
        let target = newer(&v.current, &v.suggested)?;
        let config = format!("specs/{}/codegen.toml", api.api);
        edit(root, &config, |doc| doc["version"] = value(target.clone()))?;
        written.push(config);
        workspace_dependency(root, &api.crate_name, &target, &mut written)?;
        let entry = changelog::api_entry(&target, date, &api.diff);
        let log = format!("specs/{}/{}", api.api, super::CHANGELOG);
        write_entry(root, &log, &api.crate_name, &target, &entry)?;
        written.push(log);
        upgrades.push((
            api.crate_name.clone(),
            v.released.clone(),
            target,
            api.diff.compile(),
        ));
    }
    if upgrades.is_empty() {
        return Ok(written);
    }
    for (suggestion, (name, dir)) in report.dependents.iter().zip(DEPENDENTS) {
        let target = newer(&suggestion.current, &suggestion.suggested)?;
        let manifest = format!("{dir}/Cargo.toml");
        edit(root, &manifest, |doc| {
            doc["package"]["version"] = value(target.clone())
        })?;
        written.push(manifest);
        workspace_dependency(root, name, &target, &mut written)?;
        let entry = changelog::dependent_entry(&target, date, &upgrades);
        let log = format!("{dir}/{}", super::CHANGELOG);
        write_entry(root, &log, name, &target, &entry)?;
        written.push(log);
    }
    written.sort();
    written.dedup();
    Ok(written)
}

/// The greater of two versions.
fn newer(current: &str, suggested: &str) -> Result<String, String> {
    let parse = |s: &str| Version::parse(s).map_err(|e| format!("`{s}`: {e}"));
    Ok(parse(current)?.max(parse(suggested)?).to_string())
}

/// Sets the version of `[workspace.dependencies] <name>` (if the workspace lists it).
fn workspace_dependency(
    root: &Path,
    name: &str,
    version: &str,
    written: &mut Vec<String>,
) -> Result<(), String> {
    let mut listed = false;
    edit(root, "Cargo.toml", |doc| {
        if let Some(dep) = doc
            .get_mut("workspace")
            .and_then(|w| w.get_mut("dependencies"))
            .and_then(|d| d.get_mut(name))
            .and_then(|d| d.as_table_like_mut())
        {
            dep.insert("version", value(version));
            listed = true;
        }
    })?;
    if listed {
        written.push("Cargo.toml".to_owned());
    }
    Ok(())
}

fn edit(root: &Path, rel: &str, change: impl FnOnce(&mut DocumentMut)) -> Result<(), String> {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{rel}: {e}"))?;
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("{rel}: {e}"))?;
    change(&mut doc);
    let new = doc.to_string();
    if new != text {
        std::fs::write(&path, new).map_err(|e| format!("{rel}: {e}"))?;
    }
    Ok(())
}

fn write_entry(
    root: &Path,
    rel: &str,
    crate_name: &str,
    version: &str,
    entry: &str,
) -> Result<(), String> {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|_| changelog::new_file(crate_name));
    std::fs::write(&path, changelog::insert(&text, version, entry))
        .map_err(|e| format!("{rel}: {e}"))
}
