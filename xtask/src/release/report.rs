//! `cargo xtask diff`: each API compared with its base (by default its last release: the
//! commit that last set the version in its `codegen.toml`), and the versions that calls for,
//! for the generated crates and for the crates that re-export them.

use std::path::Path;

use semver::Version;
use serde::Serialize;
use serde_json::Value;

use super::git::Git;
use super::version::Suggestion;
use crate::diff::{self, ApiDiff, Level, Side};
use crate::job::{Built, Job};
use crate::tree;

/// The crates built on the generated ones, whose versions follow theirs: the SDK re-exports
/// every generated type, and the command line's subcommands are generated from the specs.
pub const DEPENDENTS: &[(&str, &str)] = &[("sdk", "crates/sdk"), ("sdk-cli", "crates/cli")];

/// One API compared with its base.
#[derive(Clone, Debug, Serialize)]
pub struct ApiReport {
    /// The API (`specs/<api>/`).
    pub api: String,
    /// Its generated crate.
    pub crate_name: String,
    /// What it was compared with (a commit and why that one).
    pub base: String,
    /// The changes.
    #[serde(flatten)]
    pub diff: ApiDiff,
    /// The version they call for.
    pub version: Suggestion,
}

/// Every API and the dependents.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Per API.
    pub apis: Vec<ApiReport>,
    /// `sdk` and `sdk-cli`.
    pub dependents: Vec<Suggestion>,
}

impl Report {
    /// Whether any change breaks compiled code or deployed binaries.
    pub fn breaks(&self) -> bool {
        self.apis.iter().any(|a| a.diff.breaks())
    }

    /// Whether some crate's version is below what its changes call for.
    pub fn unbumped(&self) -> Vec<&Suggestion> {
        self.apis
            .iter()
            .map(|a| &a.version)
            .chain(&self.dependents)
            .filter(|s| !s.bumped)
            .collect()
    }
}

/// The commit to compare `file`'s crate with: `base` if given, else the last commit that set
/// its version, else `HEAD`; and a note saying which and why.
pub fn base_commit(git: &Git, base: Option<&str>, file: &str) -> Result<(String, String), String> {
    if let Some(rev) = base {
        let commit = git.commit(rev)?;
        return Ok((
            commit.clone(),
            format!("{} (--base {rev})", git.describe(&commit)),
        ));
    }
    match git.last_version_change(file)? {
        Some(commit) => Ok((
            commit.clone(),
            format!(
                "{}, the last version change of {file}",
                git.describe(&commit)
            ),
        )),
        None => {
            let commit = git.commit("HEAD")?;
            let why = if git.is_shallow() {
                "shallow clone: no version change found"
            } else {
                "no commit set a version"
            };
            Ok((
                commit.clone(),
                format!("{} (HEAD; {why})", git.describe(&commit)),
            ))
        }
    }
}

/// Compares the freshly built `new` API with the same API at `base`.
///
/// # Errors
/// When the base cannot be read or built, or a generated file does not parse.
pub fn compare_api(
    git: &Git,
    api: &str,
    new: &Built,
    base: Option<&str>,
) -> Result<ApiReport, String> {
    let spec_dir = format!("specs/{api}");
    let (commit, note) = base_commit(git, base, &format!("{spec_dir}/codegen.toml"))?;
    let checkout = git.extract(&commit, &[spec_dir.clone(), format!("generated/{api}")])?;
    let old = if checkout
        .path()
        .join(&spec_dir)
        .join("codegen.toml")
        .is_file()
    {
        let job =
            Job::registered(checkout.path(), api).map_err(|e| format!("{api} at {note}: {e}"))?;
        let built = job
            .build()
            .map_err(|f| format!("{api} at {note} does not build with today's generator:\n{f}"))?;
        let files = read_dir(&checkout.path().join("generated").join(api))?;
        Some((
            side(&built.document, &built.config.omit, files),
            built.config.version.clone(),
        ))
    } else {
        None
    };
    let new_side = side(&new.document, &new.config.omit, new.files.clone());
    let (old_side, released) = old.unwrap_or_else(|| {
        let empty = Side {
            document: serde_json::json!({}),
            files: Default::default(),
        };
        (empty, new.config.version.clone())
    });
    let diff = diff::compare(&old_side, &new_side).map_err(|e| format!("{api}: {e}"))?;
    let version = Suggestion::new(
        &new.config.crate_name,
        &parse(&released)?,
        &parse(&new.config.version)?,
        diff.compile(),
        !diff.changes.is_empty(),
    );
    Ok(ApiReport {
        api: api.to_owned(),
        crate_name: new.config.crate_name.clone(),
        base: note,
        diff,
        version,
    })
}

/// Compares every built API with its base, and suggests the dependents' versions.
///
/// # Errors
/// As [`compare_api`].
pub fn compare_all(
    root: &Path,
    built: &[(String, Built)],
    base: Option<&str>,
) -> Result<Report, String> {
    let git = Git::open(root)?;
    let mut apis = Vec::new();
    for (api, b) in built {
        apis.push(compare_api(&git, api, b, base)?);
    }
    let dependents = dependents(root, &git, &apis, base)?;
    Ok(Report { apis, dependents })
}

/// The versions `sdk` and `sdk-cli` need after the changes of `apis`: as breaking as the
/// worst of them (both re-export or wrap every generated crate).
///
/// # Errors
/// A manifest that cannot be read, or a version that does not parse.
pub fn dependents(
    root: &Path,
    git: &Git,
    apis: &[ApiReport],
    base: Option<&str>,
) -> Result<Vec<Suggestion>, String> {
    let level = apis
        .iter()
        .map(|a| a.diff.compile())
        .max()
        .unwrap_or(Level::None);
    let changed = apis
        .iter()
        .any(|a| a.version.suggested != a.version.released);
    let mut dependents = Vec::new();
    for (name, dir) in DEPENDENTS {
        let manifest = format!("{dir}/Cargo.toml");
        let current = package_version(
            &std::fs::read_to_string(root.join(&manifest))
                .map_err(|e| format!("{manifest}: {e}"))?,
        )
        .ok_or_else(|| format!("{manifest} has no [package] version"))?;
        let (commit, _) = base_commit(git, base, &manifest)?;
        let released = git
            .show(&commit, &manifest)
            .and_then(|t| package_version(&t))
            .unwrap_or_else(|| current.clone());
        dependents.push(Suggestion::new(
            name,
            &parse(&released)?,
            &parse(&current)?,
            level,
            changed,
        ));
    }
    Ok(dependents)
}

/// The side of a comparison: the document without the operations `codegen.toml` omits (as
/// the client was generated), and the crate's files.
fn side(document: &Value, omit: &[String], files: crate::tree::Files) -> Side {
    let document = crate::operations::omit(document, omit).unwrap_or_else(|_| document.clone());
    Side { document, files }
}

fn read_dir(dir: &Path) -> Result<crate::tree::Files, String> {
    let mut files = crate::tree::Files::new();
    for rel in tree::list(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        if let Ok(text) = std::fs::read_to_string(dir.join(&rel)) {
            files.insert(rel, text);
        }
    }
    Ok(files)
}

/// `[package] version` of a manifest's text.
pub fn package_version(manifest: &str) -> Option<String> {
    let table: toml::Table = toml::from_str(manifest).ok()?;
    table
        .get("package")?
        .get("version")?
        .as_str()
        .map(str::to_owned)
}

fn parse(version: &str) -> Result<Version, String> {
    Version::parse(version).map_err(|e| format!("`{version}` is not a semver version: {e}"))
}
