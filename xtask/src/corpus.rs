//! `cargo xtask corpus`: the generator measured on real, public OpenAPI documents. Each
//! document is pinned in `xtask/corpus/manifest.toml` (source repository, commit, path,
//! sha256); it is generated with no fixes, written to a crate and `cargo check`ed. Prints, per
//! document: operations generated and left out, the share of operations with a typed
//! success, warnings by rule, and the time taken; fails if a target is missed.
//!
//! The documents themselves are not in this repository (see `xtask/corpus/README.md`); they
//! are read from `--dir`, `$XTASK_CORPUS_DIR`, `xtask/corpus/documents/` or
//! `../shared/corpus/`, plain or gzip-compressed (`<name>.<ext>[.gz]`).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::finding::Severity;
use crate::{ApiConfig, Job, document, progress, tree, walk};

/// Share of all operations that must be generated.
const MIN_GENERATED: f64 = 0.90;

/// Options of `cargo xtask corpus`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// Directory holding the documents [default: $XTASK_CORPUS_DIR, xtask/corpus/documents,
    /// ../shared/corpus, the first that exists].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Only the documents marked `ci = true` in the manifest (the part CI runs).
    #[arg(long)]
    pub ci: bool,
    /// Only these documents (comma-separated names).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub only: Vec<String>,
    /// Generate only; skip `cargo check` of the generated crates.
    #[arg(long)]
    pub no_check: bool,
    /// Where the generated crates are written and checked [default: target/corpus; the checks
    /// build in $CARGO_TARGET_DIR when set, else in `DIR/target`].
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
}

/// `xtask/corpus/manifest.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The pinned documents.
    #[serde(rename = "document")]
    pub documents: Vec<Entry>,
}

/// One pinned document.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Short name; the file is `<name>.<extension of path>` (optionally `.gz`).
    pub name: String,
    /// GitHub repository, `owner/name`.
    pub repo: String,
    /// Commit the document was taken from.
    pub commit: String,
    /// Path of the document in the repository.
    pub path: String,
    /// sha256 of the document's bytes (uncompressed).
    pub sha256: String,
    /// Its `openapi` version.
    pub openapi: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Part of the CI run.
    #[serde(default)]
    pub ci: bool,
}

/// The measurements of one document.
#[derive(Debug, Default)]
pub struct Row {
    /// Document name.
    pub name: String,
    /// Operations in the document.
    pub operations: usize,
    /// Operations left out.
    pub omitted: usize,
    /// Generated operations whose success is a typed value or `()`.
    pub typed: usize,
    /// Warnings by rule.
    pub warnings: BTreeMap<&'static str, usize>,
    /// Findings without a JSON-pointer or line location.
    pub unlocated: usize,
    /// Schemas or operations progenitor failed on (located by bisecting).
    pub progenitor_failures: usize,
    /// Generation time.
    pub generate: Duration,
    /// `cargo check` time, and whether it passed (`None` when skipped).
    pub check: Option<(Duration, bool)>,
    /// Why the document failed, if it did.
    pub error: Option<String>,
}

/// Runs the corpus (or the chosen part) and prints the table.
pub fn run(root: &Path, options: &Options) -> Result<(), String> {
    let manifest_path = root.join("xtask/corpus/manifest.toml");
    let manifest = load_manifest(&manifest_path)?;
    let dir = documents_dir(root, options.dir.as_deref())?;
    let work = options
        .work_dir
        .clone()
        .unwrap_or_else(|| root.join("target/corpus"));
    let chosen: Vec<&Entry> = manifest
        .documents
        .iter()
        .filter(|e| !options.ci || e.ci)
        .filter(|e| options.only.is_empty() || options.only.contains(&e.name))
        .collect();
    if chosen.is_empty() {
        return Err("no corpus document matches the options".to_owned());
    }
    let mut rows = Vec::new();
    for entry in chosen {
        progress::say(format!("corpus: {} ({} bytes)", entry.name, entry.bytes));
        rows.push(measure(root, &dir, &work, entry, !options.no_check));
    }
    println!("{}", table(&rows));
    let failures = failures(&rows);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "corpus targets missed:\n  {}",
            failures.join("\n  ")
        ))
    }
}

/// Reads and checks the manifest.
pub fn load_manifest(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn documents_dir(root: &Path, chosen: Option<&Path>) -> Result<PathBuf, String> {
    let candidates: Vec<PathBuf> = match chosen {
        Some(d) => vec![d.to_owned()],
        None => std::env::var_os("XTASK_CORPUS_DIR")
            .map(PathBuf::from)
            .into_iter()
            .chain([
                root.join("xtask/corpus/documents"),
                root.join("../shared/corpus"),
            ])
            .collect(),
    };
    candidates
        .iter()
        .find(|d| d.is_dir())
        .cloned()
        .ok_or_else(|| {
            format!(
                "no corpus documents found (looked in {}); see xtask/corpus/README.md",
                candidates
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

/// The document's bytes, checked against the pinned sha256.
fn read_document(dir: &Path, entry: &Entry) -> Result<(PathBuf, Vec<u8>), String> {
    let ext = Path::new(&entry.path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("json");
    let plain = dir.join(format!("{}.{ext}", entry.name));
    let gz = dir.join(format!("{}.{ext}.gz", entry.name));
    let bytes = if plain.is_file() {
        std::fs::read(&plain).map_err(|e| format!("{}: {e}", plain.display()))?
    } else {
        let file = std::fs::File::open(&gz).map_err(|e| format!("{}: {e}", gz.display()))?;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut out)
            .map_err(|e| format!("{}: {e}", gz.display()))?;
        out
    };
    let sha = document::sha256_hex(&bytes);
    if sha != entry.sha256 {
        return Err(format!("sha256 {sha} is not the pinned {}", entry.sha256));
    }
    Ok((plain, bytes))
}

fn measure(root: &Path, dir: &Path, work: &Path, entry: &Entry, check: bool) -> Row {
    let mut row = Row {
        name: entry.name.clone(),
        ..Row::default()
    };
    let (spec, bytes) = match read_document(dir, entry) {
        Ok(d) => d,
        Err(e) => {
            row.error = Some(e);
            return row;
        }
    };
    // Generated from a copy, so gzip-compressed documents need no unpacking by hand.
    let copy = work
        .join("documents")
        .join(spec.file_name().unwrap_or_default());
    if let Err(e) = std::fs::create_dir_all(copy.parent().unwrap_or(work))
        .and_then(|()| std::fs::write(&copy, &bytes))
    {
        row.error = Some(format!("{}: {e}", copy.display()));
        return row;
    }
    if let Ok(text) = std::str::from_utf8(&bytes)
        && let Ok(doc) = document::parse(&copy, text)
    {
        row.operations = walk::operations(&doc).len();
    }
    let crate_name = format!("{}-client", entry.name);
    let job = Job {
        name: entry.name.clone(),
        spec: copy.clone(),
        fixes: None,
        config: ApiConfig::standalone(&crate_name),
        display_root: work.join("documents"),
        command: format!("cargo xtask corpus --only {}", entry.name),
    };
    let start = Instant::now();
    let built = job.build();
    row.generate = start.elapsed();
    let built = match built {
        Ok(b) => b,
        Err(findings) => {
            row.error = Some(format!("does not generate:\n{findings}"));
            return row;
        }
    };
    row.omitted = built.omitted.len();
    for f in built.findings.sorted() {
        if f.severity == Severity::Warning {
            *row.warnings.entry(f.rule).or_default() += 1;
        }
        if f.rule == "progenitor-rejected" {
            row.progenitor_failures += 1;
        }
        let located = f.location.contains('#') || f.location.split(':').count() >= 3;
        if !located {
            row.unlocated += 1;
        }
    }
    row.typed = typed_successes(&built.files);
    if check {
        let out = work.join("crates").join(&entry.name);
        row.check = Some(cargo_check(root, work, &out, &built.files));
    }
    row
}

/// Generated operations whose success is typed: neither raw bytes nor untyped JSON.
fn typed_successes(files: &crate::Files) -> usize {
    let typed = |rest: &&str| {
        let success = rest.split(",Error<").next().unwrap_or_default();
        !success.contains("ByteStream") && !success.contains("serde_json::Value")
    };
    files
        .values()
        .map(|text| text.split_whitespace().collect::<String>())
        .map(|text| {
            [
                "pubasyncfnsend(self,)->Result<",
                "pubasyncfnsend(self)->Result<",
            ]
            .iter()
            .map(|signature| text.split(signature).skip(1).filter(typed).count())
            .sum::<usize>()
        })
        .sum()
}

/// Writes the crate (as its own workspace, with this workspace's lock file as a start) and
/// runs `cargo check` on it.
fn cargo_check(root: &Path, work: &Path, out: &Path, files: &crate::Files) -> (Duration, bool) {
    let mut files = files.clone();
    if let Some(manifest) = files.get_mut(Path::new("Cargo.toml")) {
        manifest.push_str("\n[workspace]\n");
    }
    if let Ok(lock) = std::fs::read_to_string(root.join("Cargo.lock")) {
        files.insert("Cargo.lock".into(), lock);
    }
    if tree::replace(out, &files).is_err() {
        return (Duration::ZERO, false);
    }
    progress::say(format!("corpus: cargo check {}", out.display()));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let start = Instant::now();
    let status = Command::new(cargo)
        .args(["check", "--quiet", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .env(
            "CARGO_TARGET_DIR",
            std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| work.join("target"), PathBuf::from),
        )
        .status();
    (start.elapsed(), status.is_ok_and(|s| s.success()))
}

/// The printed table, with a total line.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| document | operations | generated | left out | typed success | progenitor failures | unlocated | generate | cargo check | warnings by rule |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n",
    );
    let (mut ops, mut omitted, mut typed) = (0, 0, 0);
    for r in rows {
        let generated = r.operations.saturating_sub(r.omitted);
        let check = match (&r.error, r.check) {
            (Some(e), _) => format!("FAILED: {}", e.lines().next().unwrap_or_default()),
            (None, Some((t, true))) => format!("ok {:.0} s", t.as_secs_f64()),
            (None, Some((_, false))) => "FAILED".to_owned(),
            (None, None) => "skipped".to_owned(),
        };
        let warnings: Vec<String> = r
            .warnings
            .iter()
            .map(|(rule, n)| format!("{rule} {n}"))
            .collect();
        out.push_str(&format!(
            "| {} | {} | {generated} | {} | {} | {} | {} | {:.1} s | {check} | {} |\n",
            r.name,
            r.operations,
            r.omitted,
            percent(r.typed, generated),
            r.progenitor_failures,
            r.unlocated,
            r.generate.as_secs_f64(),
            warnings.join(", ")
        ));
        ops += r.operations;
        omitted += r.omitted;
        typed += r.typed;
    }
    out.push_str(&format!(
        "| **total** ({} documents) | {ops} | {} ({}) | {omitted} | {} | {} | {} | | | |\n",
        rows.len(),
        ops - omitted,
        percent(ops - omitted, ops),
        percent(typed, ops - omitted),
        rows.iter().map(|r| r.progenitor_failures).sum::<usize>(),
        rows.iter().map(|r| r.unlocated).sum::<usize>(),
    ));
    out
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "-".to_owned()
    } else {
        format!("{:.1} %", 100.0 * part as f64 / whole as f64)
    }
}

/// Every target the corpus run missed.
pub fn failures(rows: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    for r in rows {
        if let Some(e) = &r.error {
            out.push(format!("{}: {e}", r.name));
        }
        if r.check.is_some_and(|(_, ok)| !ok) {
            out.push(format!("{}: the generated crate does not compile", r.name));
        }
        if r.progenitor_failures > 0 {
            out.push(format!(
                "{}: {} progenitor failure(s) were caught, not pre-empted",
                r.name, r.progenitor_failures
            ));
        }
        if r.unlocated > 0 {
            out.push(format!(
                "{}: {} finding(s) without a location",
                r.name, r.unlocated
            ));
        }
    }
    let ops: usize = rows.iter().map(|r| r.operations).sum();
    let omitted: usize = rows.iter().map(|r| r.omitted).sum();
    if ops > 0 && ((ops - omitted) as f64) < MIN_GENERATED * ops as f64 {
        out.push(format!(
            "only {} of {ops} operations generated (target {:.0} %)",
            ops - omitted,
            MIN_GENERATED * 100.0
        ));
    }
    out
}
