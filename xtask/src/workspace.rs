//! The workspace's tasks: build every registered API (`specs/<api>/`), write or compare
//! `generated/` and the command line's modules, and `generate` one crate anywhere. Writes
//! nothing unless every API succeeds.

use std::path::{Path, PathBuf};

use crate::config::{self, ApiConfig, FeatureGroups};
use crate::emit::Files;
use crate::finding::{Findings, Severity};
use crate::job::{Built, Job};
use crate::tree::{self, Drift};
use crate::{cli, progress};

/// Why a task failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more specs have problems; nothing was written.
    #[error("{}", render_spec_errors(.0))]
    Spec(Vec<(String, Findings)>),
    /// A config file is wrong.
    #[error("{0}")]
    Config(String),
    /// Reading or writing files failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

fn render_spec_errors(all: &[(String, Findings)]) -> String {
    let mut out = String::new();
    for (what, findings) in all {
        let errors = findings
            .sorted()
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        out.push_str(&format!(
            "{what}: {errors} error(s); nothing was written\n{findings}"
        ));
    }
    out.trim_end().to_owned()
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Names of the registered APIs (`specs/*/codegen.toml`), sorted.
pub fn registered_apis(root: &Path) -> Result<Vec<String>, Error> {
    let specs = root.join("specs");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&specs).map_err(io_error(&specs))? {
        let entry = entry.map_err(io_error(&specs))?;
        if entry.path().join("codegen.toml").is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// Builds every registered API in memory; all failures are collected.
pub fn build_all(root: &Path) -> Result<Vec<(String, Built)>, Error> {
    let mut built = Vec::new();
    let mut failed = Vec::new();
    for name in registered_apis(root)? {
        let job = Job::registered(root, &name).map_err(Error::Config)?;
        match job.build() {
            Ok(b) => built.push((name, b)),
            Err(f) => failed.push((format!("api `{name}`"), f)),
        }
    }
    if failed.is_empty() {
        Ok(built)
    } else {
        Err(Error::Spec(failed))
    }
}

/// `cargo xtask regen`: regenerates `generated/<api>/` for every registered API and the
/// command line's modules ([`cli::DIR`]), and removes generated crates whose API is gone.
/// Writes nothing if any API fails.
pub fn regen(root: &Path) -> Result<Vec<(String, Built)>, Error> {
    let built = build_all(root)?;
    let cli_files = cli_files(&built)?;
    for (name, b) in &built {
        let dir = root.join("generated").join(name);
        let written = tree::replace(&dir, &b.files).map_err(io_error(&dir))?;
        progress::say(format!("generated/{name}: {written} file(s) changed"));
    }
    for orphan in orphans(root, &built)? {
        std::fs::remove_dir_all(&orphan).map_err(io_error(&orphan))?;
    }
    // The command line's generated modules (`cli::DIR`).
    let cli_dir = root.join(cli::DIR);
    tree::replace(&cli_dir, &cli_files).map_err(io_error(&cli_dir))?;
    Ok(built)
}

/// The command line's generated modules for `built`; an error names the API.
fn cli_files(built: &[(String, Built)]) -> Result<Files, Error> {
    cli::files(built).map_err(|f| Error::Spec(vec![("command line".to_owned(), f)]))
}

/// `cargo xtask check`: how `generated/` differs from a fresh regen. Writes nothing.
pub fn check(root: &Path) -> Result<Vec<Drift>, Error> {
    drift(root, &build_all(root)?)
}

/// How `generated/` differs from the crates in `built` (every registered API, built).
pub fn drift(root: &Path, built: &[(String, Built)]) -> Result<Vec<Drift>, Error> {
    let mut drift = Vec::new();
    for (name, b) in built {
        let dir = root.join("generated").join(name);
        drift.extend(tree::diff(&dir, &b.files).map_err(io_error(&dir))?);
    }
    for orphan in orphans(root, built)? {
        drift.push(Drift::Extra(orphan));
    }
    let cli_dir = root.join(cli::DIR);
    drift.extend(tree::diff(&cli_dir, &cli_files(built)?).map_err(io_error(&cli_dir))?);
    Ok(drift)
}

/// Directories under `generated/` that no registered API produces.
fn orphans(root: &Path, built: &[(String, Built)]) -> Result<Vec<PathBuf>, Error> {
    let generated = root.join("generated");
    let mut out = Vec::new();
    if !generated.is_dir() {
        return Ok(out);
    }
    for entry in std::fs::read_dir(&generated).map_err(io_error(&generated))? {
        let entry = entry.map_err(io_error(&generated))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !built.iter().any(|(n, _)| *n == name) {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

/// `cargo xtask generate`: one spec anywhere on disk → one crate in `out`.
pub fn generate(
    spec: &Path,
    fixes: Option<&Path>,
    out: &Path,
    crate_name: &str,
    strict: bool,
) -> Result<Built, Error> {
    generate_grouped(spec, fixes, out, crate_name, strict, FeatureGroups::Auto)
}

/// [`generate`], with feature groups as `groups` says (`--feature-groups`).
pub fn generate_grouped(
    spec: &Path,
    fixes: Option<&Path>,
    out: &Path,
    crate_name: &str,
    strict: bool,
    groups: FeatureGroups,
) -> Result<Built, Error> {
    if !config::is_package_name(crate_name) {
        return Err(Error::Config(format!(
            "`{crate_name}` is not a valid crate name (use --name)"
        )));
    }
    if out.is_dir() && !tree::list(out).map_err(io_error(out))?.is_empty() && !was_generated(out) {
        return Err(Error::Config(format!(
            "{} exists and was not generated by xtask; refusing to overwrite it",
            out.display()
        )));
    }
    let job = Job {
        name: spec.display().to_string(),
        spec: spec.to_owned(),
        fixes: fixes.map(Path::to_owned),
        config: ApiConfig {
            strict,
            feature_groups: groups,
            ..ApiConfig::standalone(crate_name)
        },
        display_root: std::env::current_dir().unwrap_or_default(),
        command: format!(
            "cargo xtask generate --spec {} --out {} --name {crate_name}{}",
            spec.display(),
            out.display(),
            fixes.map_or_else(String::new, |f| format!(" --fixes {}", f.display()))
        ) + if strict { " --strict" } else { "" }
            + match groups {
                FeatureGroups::Auto => "",
                FeatureGroups::On => " --feature-groups on",
                FeatureGroups::Off => " --feature-groups off",
            },
    };
    let built = job
        .build()
        .map_err(|f| Error::Spec(vec![(job.name.clone(), f)]))?;
    tree::replace(out, &built.files).map_err(io_error(out))?;
    Ok(built)
}

fn was_generated(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|t| t.contains("@generated by xtask"))
}

/// The workspace root: the parent of xtask's manifest directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_owned)
}
