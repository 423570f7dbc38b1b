//! The guard of `cargo xtask check`: a spec or its generated crate changed since the crate's
//! last release in a way the diff calls breaking, and the crate's version (or that of `sdk`, `sdk-cli`) is below
//! what the diff suggests. The failure message carries the diff.

use std::path::Path;

use super::git::Git;
use super::report::{self, DEPENDENTS};
use crate::diff::render;
use crate::job::Built;

/// What the guard found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One message per crate whose version is short of a breaking change, with the diff.
    pub failures: Vec<String>,
    /// Why an API could not be checked (no history).
    pub notes: Vec<String>,
}

/// Checks every built API against its last release.
///
/// # Errors
/// When git fails or a base does not build.
pub fn check(root: &Path, built: &[(String, Built)]) -> Result<Outcome, String> {
    let mut outcome = Outcome::default();
    let git = match Git::open(root) {
        Ok(g) => g,
        Err(e) => {
            outcome.notes.push(format!("version guard skipped: {e}"));
            return Ok(outcome);
        }
    };
    let mut breaking = Vec::new();
    for (api, b) in built {
        let config = format!("specs/{api}/codegen.toml");
        let Some(release) = git.last_version_change(&config)? else {
            let why = if git.is_shallow() {
                "the clone is shallow"
            } else {
                "no commit set its version"
            };
            outcome.notes.push(format!(
                "version guard skipped for {api}: no release to compare with ({why})"
            ));
            continue;
        };
        let spec = format!("specs/{api}");
        // The generated crate too: a generator change can break users with no spec change.
        let paths = [
            spec.clone(),
            format!("generated/{api}"),
            format!(":(exclude){spec}/{}", super::CHANGELOG),
        ];
        if !git.changed_since(&release, &paths)? {
            continue;
        }
        let found = report::compare_api(&git, api, b, None)?;
        if found.diff.breaks() && !found.version.bumped {
            outcome.failures.push(format!(
                "{spec} or generated/{api} changed since {}, and the change breaks users, but {} needs {} (it is {}); run `cargo xtask diff --bump`, review, commit:\n{}",
                found.base,
                found.crate_name,
                found.version.suggested,
                found.version.current,
                render::changes(&found.diff, true)
            ));
        }
        if found.diff.breaks() {
            breaking.push(found);
        }
    }
    if breaking.is_empty() {
        return Ok(outcome);
    }
    let report = report::Report {
        apis: breaking,
        dependents: Vec::new(),
    };
    let dependents = report::dependents(root, &git, &report.apis, None)?;
    for (s, (_, dir)) in dependents.iter().zip(DEPENDENTS) {
        if !s.bumped {
            outcome.failures.push(format!(
                "{} re-exports a breaking change ({}), but {dir}/Cargo.toml says {} where {} is needed; run `cargo xtask diff --bump`",
                s.crate_name,
                report.apis.iter().map(|a| a.crate_name.as_str()).collect::<Vec<_>>().join(", "),
                s.current,
                s.suggested
            ));
        }
    }
    Ok(outcome)
}
