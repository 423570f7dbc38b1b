//! `cargo xtask`: turns OpenAPI specs (3.0 and 3.1) into committed, compiling, typed client
//! crates with progenitor.
//!
//! Pipeline, per API: read the spec → apply the named fixes → normalise to the OpenAPI 3.0.3
//! subset progenitor handles → generate (builder interface) → format with prettyplease →
//! write a crate. Every problem is a [`Finding`] with a rule name and a location; all of an
//! API's problems are reported at once, and nothing is written unless every API succeeds.

pub mod bench;
pub mod bisect;
pub mod bodies;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod degrade;
pub mod diff;
pub mod document;
pub mod emit;
pub mod examples;
pub mod finding;
pub mod fixes;
pub mod mock;
pub mod names;
pub mod normalise;
pub mod operations;
pub mod package;
pub mod pointer;
pub mod postprocess;
pub mod progenitor;
pub mod progress;
pub mod release;
pub mod services;
mod syntax;
pub mod tree;
pub mod walk;

use std::fmt;
use std::path::{Path, PathBuf};

pub use config::ApiConfig;
pub use emit::Files;
pub use finding::{Finding, Findings, Severity};
pub use tree::Drift;

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

/// The inputs of one crate.
#[derive(Clone, Debug)]
pub struct Job {
    /// Display name (the API name, or the spec path).
    pub name: String,
    /// The spec file.
    pub spec: PathBuf,
    /// An optional fixes file.
    pub fixes: Option<PathBuf>,
    /// Settings.
    pub config: ApiConfig,
    /// How paths appear in banners: relative to this directory when inside it.
    pub display_root: PathBuf,
    /// Regeneration command for the banner.
    pub command: String,
}

/// The result of building one crate in memory.
#[derive(Debug)]
pub struct Built {
    /// The crate's files.
    pub files: Files,
    /// Notes and warnings (no errors).
    pub findings: Findings,
    /// The settings it was built with.
    pub config: ApiConfig,
    /// The normalised document it was generated from (read again by [`cli`]).
    pub document: serde_json::Value,
    /// Operations left out of the client.
    pub omitted: Vec<degrade::Omitted>,
}

impl Job {
    /// The registered API `name` of the workspace at `root` (`specs/<name>/codegen.toml`).
    pub fn registered(root: &Path, name: &str) -> Result<Job, Error> {
        let dir = root.join("specs").join(name);
        let config = ApiConfig::load(&dir.join("codegen.toml")).map_err(Error::Config)?;
        let spec = ["openapi.yaml", "openapi.yml", "openapi.json"]
            .iter()
            .map(|f| dir.join(f))
            .find(|p| p.exists())
            .unwrap_or_else(|| dir.join("openapi.yaml"));
        let fixes = Some(dir.join("fixes.yaml")).filter(|p| p.exists());
        Ok(Job {
            name: name.to_owned(),
            spec,
            fixes,
            config,
            display_root: root.to_owned(),
            command: "cargo xtask regen".to_owned(),
        })
    }

    fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.display_root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// Reads, fixes, normalises and generates, all in memory.
    pub fn build(&self) -> Result<Built, Findings> {
        let spec_name = self.display(&self.spec);
        progress::say(format!(
            "{}: reading and normalising {spec_name}",
            self.name
        ));
        let loaded = document::load(&self.spec).map_err(|f| located(f, &spec_name))?;
        let mut doc = loaded.value;
        let mut findings = Findings::default();
        let mut fixes_provenance = None;
        let mut applied_fixes = Vec::new();
        if let Some(path) = &self.fixes {
            let fixes_name = self.display(path);
            let fixes_doc = document::load(path).map_err(|f| located(f, &fixes_name))?;
            fixes_provenance = Some((fixes_name.clone(), fixes_doc.sha256));
            match fixes::parse(fixes_doc.value) {
                Ok(set) => {
                    findings.extend(located(fixes::apply(&mut doc, &set), &fixes_name));
                    applied_fixes = set.fixes.into_iter().map(|f| (f.name, f.reason)).collect();
                }
                Err(f) => findings.extend(located(f, &fixes_name)),
            }
        }
        let normalised = normalise::normalise(&mut doc);
        let mut omitted = Vec::new();
        if self.config.strict {
            // Hand-written specs: every finding is an error, nothing is degraded.
            let mut strict = Findings::default();
            for f in normalised.sorted() {
                let message = if f.severity == Severity::Error {
                    f.message.clone()
                } else {
                    format!(
                        "{} (strict: a hand-written spec must need no normalisation)",
                        f.message
                    )
                };
                strict.push(Finding {
                    severity: Severity::Error,
                    message,
                    ..f
                });
            }
            findings.extend(located(strict, &spec_name));
        } else {
            let degraded = degrade::apply(&mut doc, normalised);
            omitted = degraded.omitted;
            findings.extend(located(degraded.findings, &spec_name));
        }
        if findings.has_errors() {
            return Err(findings);
        }
        let mut provenance = emit::Provenance {
            spec: spec_name.clone(),
            spec_sha256: loaded.sha256,
            fixes: fixes_provenance,
            applied_fixes,
            command: self.command.clone(),
            omitted,
        };
        progress::say(format!("{}: generating with progenitor", self.name));
        let mut files = match emit::crate_files(&self.config, &doc, &provenance, &findings) {
            Ok(files) => files,
            Err(f) if !self.config.strict && is_progenitor_failure(&f) => {
                // Locate what progenitor fails on, give up only that, and generate again.
                let why = f.sorted().first().map(|f| f.message.clone());
                progress::say(format!(
                    "{}: progenitor failed ({}); bisecting to locate the cause",
                    self.name,
                    why.unwrap_or_default()
                ));
                let mut repaired = Findings::default();
                let more = bisect::repair(&mut doc, self.config.auth, &mut repaired)
                    .map_err(|f| located(f, &spec_name))?;
                provenance.omitted.extend(more);
                findings.extend(located(repaired, &spec_name));
                emit::crate_files(&self.config, &doc, &provenance, &findings)
                    .map_err(|f| located(f, &spec_name))?
            }
            Err(f) => return Err(located(f, &spec_name)),
        };
        let spec_dir = self.spec.parent().unwrap_or(Path::new("."));
        package::package_files(&self.config, &doc, spec_dir, &mut files);
        Ok(Built {
            files,
            findings,
            omitted: provenance.omitted,
            config: self.config.clone(),
            document: doc,
        })
    }
}

/// Whether generation failed inside progenitor (an error or a caught panic).
fn is_progenitor_failure(findings: &Findings) -> bool {
    findings
        .sorted()
        .iter()
        .any(|f| matches!(f.rule, "progenitor" | "progenitor-panic"))
}

/// Prefixes every finding's location with the file it is in.
fn located(findings: Findings, file: &str) -> Findings {
    let mut out = Findings::default();
    for f in findings.sorted() {
        let location = if f.location.starts_with('#') || f.location.is_empty() {
            format!(
                "{file}{}",
                if f.location.is_empty() {
                    "#".to_owned()
                } else {
                    f.location.clone()
                }
            )
        } else if f.location.starts_with(file) {
            f.location.clone()
        } else {
            format!("{file}:{}", f.location)
        };
        out.push(Finding { location, ..f });
    }
    out
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
        let job = Job::registered(root, &name)?;
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
            ..ApiConfig::standalone(crate_name)
        },
        display_root: std::env::current_dir().unwrap_or_default(),
        command: format!(
            "cargo xtask generate --spec {} --out {} --name {crate_name}{}",
            spec.display(),
            out.display(),
            fixes.map_or_else(String::new, |f| format!(" --fixes {}", f.display()))
        ) + if strict { " --strict" } else { "" },
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

impl fmt::Display for Built {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: usize = self.files.values().map(|t| t.lines().count()).sum();
        write!(f, "{} files, {lines} lines", self.files.len())
    }
}
