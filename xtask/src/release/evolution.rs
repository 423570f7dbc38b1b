//! Evolution fixtures: a spec and a named change to it (an RFC 6902 patch), with what the
//! diff must say of it. Read by the tests (`xtask/tests/release/evolution.rs`) and by
//! `cargo xtask semver-crosscheck`, which holds the same pairs against cargo-semver-checks.
//!
//! A case file (`<dir>/cases/<name>.yaml`):
//! ```yaml
//! rule: why the change is judged as it is
//! base: bridge            # optional: a registered API instead of <dir>/base.yaml
//! patch: [ { op: add, path: /paths/~1refunds, value: {...} } ]
//! expect:
//!   compile: breaking     # breaking | additive | none
//!   wire: additive
//!   version: 0.2.0        # from 0.1.0
//!   semver_checks: breaking   # what cargo-semver-checks says (breaking | compatible)
//!   changes: [ { pointer: "#/...", compile: breaking, wire: additive } ]
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::config::ApiConfig;
use crate::diff::{Level, Side};
use crate::job::{Built, Job};
use crate::{document, fixes};

/// What a case must be judged.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Worst compile-time level.
    pub compile: Level,
    /// Worst wire level.
    pub wire: Level,
    /// The version suggested after 0.1.0.
    pub version: String,
    /// cargo-semver-checks' verdict: `breaking` or `compatible`.
    pub semver_checks: String,
    /// Changes that must be listed, with their levels.
    #[serde(default)]
    pub changes: Vec<ExpectedChange>,
}

/// One change a case must list.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedChange {
    /// Its pointer (`#/...`).
    pub pointer: String,
    /// Its compile-time level.
    pub compile: Level,
    /// Its wire level.
    pub wire: Level,
}

/// One case.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// File stem.
    #[serde(skip)]
    pub name: String,
    /// Why the change is judged so (the rule it documents).
    pub rule: String,
    /// A registered API to start from, instead of the fixtures' `base.yaml`.
    #[serde(default)]
    pub base: Option<String>,
    /// The change.
    pub patch: Value,
    /// The verdicts.
    pub expect: Expect,
}

/// The cases under `dir/cases`, sorted by name.
///
/// # Errors
/// A case that cannot be read or parsed, named.
pub fn cases(dir: &Path) -> Result<Vec<Case>, String> {
    let cases = dir.join("cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&cases)
        .map_err(|e| format!("{}: {e}", cases.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let loaded = document::load(p).map_err(|f| format!("{}: {f}", p.display()))?;
            let mut case: Case = serde_json::from_value(loaded.value)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            case.name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(case)
        })
        .collect()
}

/// The two crates of a case, built in memory: before and after its patch.
pub struct Pair {
    /// Before.
    pub old: Built,
    /// After.
    pub new: Built,
    /// Keeps the patched spec on disk while it is built.
    _dir: tempfile::TempDir,
}

impl Pair {
    /// The sides to compare (documents without the omitted operations).
    pub fn sides(&self) -> (Side, Side) {
        let side = |b: &Built| Side {
            document: crate::operations::omit(&b.document, &b.config.omit)
                .unwrap_or_else(|_| b.document.clone()),
            files: b.files.clone(),
        };
        (side(&self.old), side(&self.new))
    }
}

/// Builds `case` from `dir/base.yaml` (or the workspace's registered API at `root`).
///
/// # Errors
/// When a spec does not build, or the patch does not apply.
pub fn build(root: &Path, dir: &Path, case: &Case) -> Result<Pair, String> {
    let temp = tempfile::Builder::new()
        .prefix("xtask-evolution-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let (old_job, spec) = match &case.base {
        Some(api) => {
            let job = Job::registered(root, api).map_err(|e| e.to_string())?;
            let copy = temp.path().join("specs").join(api);
            std::fs::create_dir_all(&copy).map_err(|e| e.to_string())?;
            for entry in
                std::fs::read_dir(root.join("specs").join(api)).map_err(|e| e.to_string())?
            {
                let entry = entry.map_err(|e| e.to_string())?;
                std::fs::copy(entry.path(), copy.join(entry.file_name()))
                    .map_err(|e| e.to_string())?;
            }
            let spec = job.spec.clone();
            (job, spec)
        }
        None => {
            let spec = dir.join("base.yaml");
            let job = Job {
                name: case.name.clone(),
                spec: spec.clone(),
                fixes: None,
                config: ApiConfig::standalone("shop-client"),
                display_root: dir.to_owned(),
                command: "evolution fixture".to_owned(),
            };
            (job, spec)
        }
    };
    let mut doc = document::load(&spec).map_err(|f| f.to_string())?.value;
    let set = fixes::parse(serde_json::json!({
        "fixes": [{ "name": case.name, "reason": case.rule, "patch": case.patch }]
    }))
    .map_err(|f| format!("{}: {f}", case.name))?;
    let problems = fixes::apply(&mut doc, &set);
    if !problems.is_empty() {
        return Err(format!(
            "{}: the patch does not apply:\n{problems}",
            case.name
        ));
    }
    let new_spec = match &case.base {
        Some(api) => temp.path().join("specs").join(api).join("openapi.yaml"),
        None => temp.path().join("openapi.yaml"),
    };
    std::fs::write(
        &new_spec,
        serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let new_job = match &case.base {
        Some(api) => Job::registered(temp.path(), api).map_err(|e| e.to_string())?,
        None => Job {
            spec: new_spec,
            display_root: temp.path().to_owned(),
            ..old_job.clone()
        },
    };
    let build = |job: &Job| job.build().map_err(|f| format!("{}: {f}", case.name));
    Ok(Pair {
        old: build(&old_job)?,
        new: build(&new_job)?,
        _dir: temp,
    })
}
