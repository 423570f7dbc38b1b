//! `cargo xtask semver-crosscheck`: holds the compile-time verdicts of `cargo xtask diff`
//! against an independent judge, cargo-semver-checks, on the evolution fixtures. Each case's
//! two crates are written out as standalone packages and checked with
//! `cargo semver-checks check-release --baseline-root`; its verdict must be the one the case
//! file records (`expect.semver_checks`), and where it differs from ours the case's rule
//! says why (a builder's required value is checked at `send()`, which no type shows).
//!
//! cargo-semver-checks is not a dependency: install it with
//! `cargo install cargo-semver-checks --locked` (docs/releasing.md says what that costs).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::evolution;
use crate::diff::{self, Level};

/// Options of `cargo xtask semver-crosscheck`.
#[derive(Clone, Debug, clap::Args)]
pub struct Options {
    /// Only the cases whose name contains this.
    #[arg(long, value_name = "TEXT")]
    pub case: Option<String>,
}

/// One case's three verdicts.
struct Row {
    case: String,
    ours: Level,
    tool: String,
    lints: Vec<String>,
    expected: String,
    seconds: f64,
}

/// Runs the cross-check; `Err` if cargo-semver-checks is missing, fails to run, or judges a
/// case otherwise than its file records.
///
/// # Errors
/// As above, with the table of verdicts.
pub fn run(root: &Path, options: &Options) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let version = Command::new(&cargo)
        .args(["semver-checks", "--version"])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !version.status.success() {
        return Err("cargo-semver-checks is not installed: `cargo install cargo-semver-checks --locked` (see docs/releasing.md)".to_owned());
    }
    println!("{}", String::from_utf8_lossy(&version.stdout).trim());
    let fixtures = root.join("xtask/tests/evolution");
    let work = root.join("target/semver-crosscheck");
    let mut rows = Vec::new();
    for case in evolution::cases(&fixtures)? {
        if options
            .case
            .as_ref()
            .is_some_and(|c| !case.name.contains(c.as_str()))
        {
            continue;
        }
        let pair = evolution::build(root, &fixtures, &case)?;
        let (old, new) = pair.sides();
        let ours = diff::compare(&old, &new)
            .map_err(|e| e.to_string())?
            .compile();
        let dir = work.join(&case.name);
        write_package(root, &dir.join("old"), &pair.old.files)?;
        write_package(root, &dir.join("new"), &pair.new.files)?;
        let start = Instant::now();
        let (tool, lints) = judge(&cargo, &dir, &work.join("target"))?;
        rows.push(Row {
            case: case.name.clone(),
            ours,
            tool,
            lints,
            expected: case.expect.semver_checks.clone(),
            seconds: start.elapsed().as_secs_f64(),
        });
        crate::progress::say(format!("semver-crosscheck: {} done", case.name));
    }
    println!(
        "{:<32} {:<9} {:<14} {:<11} {:>7}  lints that failed",
        "case", "ours", "semver-checks", "expected", "seconds"
    );
    let mut wrong = Vec::new();
    for r in &rows {
        let agree = if (r.ours == Level::Breaking) == (r.tool == "breaking") {
            ""
        } else {
            " (differs from ours: the case's rule says why)"
        };
        println!(
            "{:<32} {:<9} {:<14} {:<11} {:>7.1}  {}{agree}",
            r.case,
            r.ours.to_string(),
            r.tool,
            r.expected,
            r.seconds,
            r.lints.join(", ")
        );
        if r.tool != r.expected {
            wrong.push(r.case.clone());
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "cargo-semver-checks judged {} otherwise than the case files record",
            wrong.join(", ")
        ))
    }
}

/// Writes a generated crate as a package of its own: workspace inheritance resolved, the
/// auth layer by absolute path, this workspace's lock file (so nothing new is resolved).
fn write_package(root: &Path, dir: &Path, files: &crate::tree::Files) -> Result<(), String> {
    let mut files = files.clone();
    if let Some(manifest) = files.get_mut(Path::new("Cargo.toml")) {
        let auth = root.join("crates/auth");
        let mut text = String::new();
        for line in manifest.lines() {
            match line {
                "edition.workspace = true" => text.push_str("edition = \"2024\"\n"),
                l if l.ends_with(".workspace = true") => {}
                "sdk-auth = { workspace = true }" => text.push_str(&format!(
                    "sdk-auth = {{ path = {:?} }}\n",
                    auth.display().to_string()
                )),
                l => {
                    text.push_str(l);
                    text.push('\n');
                }
            }
        }
        text.push_str("\n[workspace]\n");
        *manifest = text;
    }
    if let Ok(lock) = std::fs::read_to_string(root.join("Cargo.lock")) {
        files.insert(PathBuf::from("Cargo.lock"), lock);
    }
    crate::tree::replace(dir, &files)
        .map(|_| ())
        .map_err(|e| format!("{}: {e}", dir.display()))
}

/// cargo-semver-checks' verdict on `dir/old` → `dir/new` for a patch release (on 0.x, a
/// patch may add but not break): `breaking` or `compatible`, and the lints that failed.
fn judge(cargo: &str, dir: &Path, target: &Path) -> Result<(String, Vec<String>), String> {
    let out = Command::new(cargo)
        .args([
            "semver-checks",
            "check-release",
            "--release-type",
            "patch",
            "--color",
            "never",
            "--manifest-path",
        ])
        .arg(dir.join("new/Cargo.toml"))
        .arg("--baseline-root")
        .arg(dir.join("old"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(dir.join("semver-checks.log"), &text).map_err(|e| e.to_string())?;
    let lints: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("--- failure "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_owned)
        .collect();
    if out.status.success() {
        return Ok(("compatible".to_owned(), lints));
    }
    if text.contains("semver requires new major version") {
        return Ok(("breaking".to_owned(), lints));
    }
    Err(format!(
        "cargo semver-checks failed on {}:\n{text}",
        dir.display()
    ))
}
