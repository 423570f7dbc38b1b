//! The commands: `cargo xtask diff [--base REV] [--json] [--why] [--bump]`, and the summary
//! `regen` prints for each API whose spec changed since its last release.

use std::path::Path;
use std::process::Command;

use super::git::Git;
use super::report::{self, Report};
use crate::diff::render;
use crate::job::Built;
use crate::workspace::build_all;

/// Options of `cargo xtask diff`.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct DiffOptions {
    /// Compare with this git revision instead of each API's last release (the commit that
    /// last set the version in its `specs/<api>/codegen.toml`).
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// Only this API (repeatable) [default: every API under specs/].
    #[arg(long = "api", value_name = "API")]
    pub apis: Vec<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print the reasons and the Rust items below each change.
    #[arg(long)]
    pub why: bool,
    /// Write the suggested versions (`codegen.toml`, `Cargo.toml`s) and changelog entries,
    /// then regenerate and update `Cargo.lock`.
    #[arg(long)]
    pub bump: bool,
    /// Date of the changelog entries [default: today, UTC].
    #[arg(long, value_name = "YYYY-MM-DD", requires = "bump")]
    pub date: Option<String>,
}

/// Runs `cargo xtask diff`; `Err` (exit 1) when anything breaks and `--bump` was not given.
///
/// # Errors
/// When a spec does not build, git fails, or something breaks.
pub fn diff(root: &Path, options: &DiffOptions) -> Result<(), String> {
    let mut built = build_all(root).map_err(|e| e.to_string())?;
    if !options.apis.is_empty() {
        for api in &options.apis {
            if !built.iter().any(|(name, _)| name == api) {
                return Err(format!("no API `{api}` under specs/"));
            }
        }
        built.retain(|(name, _)| options.apis.contains(name));
    }
    let report = report::compare_all(root, &built, options.base.as_deref())?;
    if options.json {
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", human(&report, options.why));
    }
    if options.bump {
        let date = options
            .date
            .clone()
            .unwrap_or_else(|| chrono::Utc::now().date_naive().to_string());
        let written = super::bump::apply(root, &report, &date)?;
        if written.is_empty() {
            println!("--bump: every version is already what the changes call for");
            return Ok(());
        }
        for file in &written {
            println!("--bump: wrote {file}");
        }
        for (name, b) in crate::workspace::regen(root).map_err(|e| e.to_string())? {
            println!("generated/{name}: {b}");
        }
        update_lockfile(root)?;
        return Ok(());
    }
    if report.breaks() {
        let names: Vec<&str> = report
            .apis
            .iter()
            .filter(|a| a.diff.breaks())
            .map(|a| a.crate_name.as_str())
            .collect();
        return Err(format!("breaking changes in {}", names.join(", ")));
    }
    Ok(())
}

/// The whole report for people.
pub fn human(report: &Report, why: bool) -> String {
    let mut out = String::new();
    for api in &report.apis {
        let spec = match &api.diff.spec_version {
            (Some(o), Some(n)) if o != n => format!("spec `{o}` → `{n}`"),
            (_, Some(n)) => format!("spec `{n}`"),
            _ => "spec".to_owned(),
        };
        out.push_str(&format!(
            "{} ({}): {spec}, compared with {}\n  {}\n  version: {}\n",
            api.api,
            api.crate_name,
            api.base,
            render::summary(&api.diff),
            api.version
        ));
        out.push_str(&render::changes(&api.diff, why));
        out.push('\n');
    }
    let dependents: Vec<String> = report.dependents.iter().map(ToString::to_string).collect();
    out.push_str(&format!("dependents: {}\n", dependents.join("; ")));
    out
}

/// After `regen`: one summary per API whose spec changed since its last release. Problems
/// (no git history) are said, never fatal: regeneration itself succeeded.
pub fn regen_summary(root: &Path, built: &[(String, Built)]) -> String {
    let git = match Git::open(root) {
        Ok(g) => g,
        Err(e) => return format!("(no release summary: {e})\n"),
    };
    let mut out = String::new();
    for (api, b) in built {
        let spec = format!("specs/{api}");
        let since = report::base_commit(&git, None, &format!("{spec}/codegen.toml")).and_then(
            |(commit, _)| {
                git.changed_since(
                    &commit,
                    &[
                        spec.clone(),
                        format!(":(exclude){spec}/{}", super::CHANGELOG),
                    ],
                )
            },
        );
        match since {
            Ok(false) => continue,
            Err(e) => out.push_str(&format!("{api}: no release summary: {e}\n")),
            Ok(true) => match report::compare_api(&git, api, b, None) {
                Ok(r) if r.diff.changes.is_empty() => {}
                Ok(r) => out.push_str(&format!(
                    "{api}: since {}: {}\n  version: {}\n  details: cargo xtask diff --api {api} --why\n",
                    r.base,
                    render::summary(&r.diff),
                    r.version
                )),
                Err(e) => out.push_str(&format!("{api}: no release summary: {e}\n")),
            },
        }
    }
    out
}

/// `cargo update --workspace --offline`: the lockfile records the workspace's versions.
fn update_lockfile(root: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["update", "--workspace", "--offline", "--quiet"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        println!("--bump: Cargo.lock updated");
        Ok(())
    } else {
        Err("`cargo update --workspace --offline` failed; run it yourself".to_owned())
    }
}
