//! One crate, in memory: read the spec, apply the fixes, normalise, degrade (or, strict,
//! refuse), generate, and bisect what progenitor still fails on. Nothing is written here.

use std::path::{Path, PathBuf};

use crate::config::ApiConfig;
use crate::emit::{self, Files};
use crate::finding::{Finding, Findings, Severity};
use crate::rewrite::Summary;
use crate::{
    bisect, degrade, document, fixes, names, normalise, package, pagination, progress, timings,
};

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
    /// Notes and warnings (no errors), `pagination-suggested` included.
    pub findings: Findings,
    /// The settings it was built with.
    pub config: ApiConfig,
    /// The normalised document it was generated from (the command line reads it again).
    pub document: serde_json::Value,
    /// Operations left out of the client.
    pub omitted: Vec<degrade::Omitted>,
    /// What the rewrite stage changed in progenitor's output.
    pub rewrites: Summary,
}

impl Job {
    /// The registered API `name` of the workspace at `root` (`specs/<name>/codegen.toml`).
    pub fn registered(root: &Path, name: &str) -> Result<Job, String> {
        let dir = root.join("specs").join(name);
        let config = ApiConfig::load(&dir.join("codegen.toml"))?;
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
        let loaded = timings::phase("read", || document::load(&self.spec))
            .map_err(|f| located(f, &spec_name))?;
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
        if let Some(at) = document::too_deep(&doc) {
            let mut deep = Findings::default();
            deep.add(
                Severity::Error,
                "too-deep",
                &at,
                format!(
                    "the document nests deeper than {} levels here (after fixes); no API description needs that",
                    document::MAX_DEPTH
                ),
            );
            findings.extend(located(deep, &spec_name));
            return Err(findings);
        }
        let reserved = if self.config.auth {
            names::AUTH_CLIENT_METHODS
        } else {
            &[]
        };
        let normalised = timings::phase("normalise", || {
            normalise::normalise_with(&mut doc, reserved, self.config.responses)
        });
        let mut omitted = Vec::new();
        if self.config.strict {
            // Hand-written specs: every finding is an error, nothing is degraded; findings
            // that only describe the spec (`normalise::DESCRIPTIONS`) stay as reported.
            let mut strict = Findings::default();
            for f in normalised.sorted() {
                if normalise::DESCRIPTIONS.contains(&f.rule) {
                    strict.push(f);
                    continue;
                }
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
            let degraded = timings::phase("degrade", || degrade::apply(&mut doc, normalised));
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
        let mut generated = match emit::crate_files(&self.config, &doc, &provenance, &findings) {
            Ok(generated) => generated,
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
        // After the crate's files: a suggestion is no change to them (nor to NORMALISATION.md).
        let suggestions = pagination::suggest(&doc, &self.config.paginate, &self.config.omit);
        findings.extend(located(suggestions, &spec_name));
        let spec_dir = self.spec.parent().unwrap_or(Path::new("."));
        timings::phase("package", || {
            package::package_files(&self.config, &doc, spec_dir, &mut generated.files)
        });
        Ok(Built {
            files: generated.files,
            rewrites: generated.rewrites,
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

impl std::fmt::Display for Built {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lines: usize = self.files.values().map(|t| t.lines().count()).sum();
        write!(f, "{} files, {lines} lines", self.files.len())
    }
}
