//! `cargo xtask corpus`: the generator measured on real, public OpenAPI documents. Each
//! document is pinned in `xtask/corpus/manifest.toml` (GitHub repository and commit, or npm
//! package; path; sha256); it is generated with no fixes, written to a crate and `cargo check`ed. Prints, per
//! document: operations generated and left out, the share of operations with a typed
//! success, warnings by rule, and the time taken; fails if a target is missed.
//!
//! The documents themselves are not in this repository (see `xtask/corpus/README.md`); they
//! are read from `--dir`, `$XTASK_CORPUS_DIR`, `xtask/corpus/documents/` or
//! `../shared/corpus/`, plain or gzip-compressed (`<name>.<ext>[.gz]`). The npm-hosted ones
//! are put there by `cargo xtask corpus-fetch` ([`fetch`]).

pub mod fetch;
pub mod manifest;
mod phases;
mod report;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use self::manifest::{Entry, SourceKind};
use crate::config::ApiConfig;
use crate::finding::Severity;
use crate::job::Job;
use crate::{document, progress, timings, tree, walk};

/// Options of `cargo xtask corpus`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// Directory holding the documents; may be repeated, each document is looked for in
    /// every one in turn [default: $XTASK_CORPUS_DIR, xtask/corpus/documents,
    /// ../shared/corpus].
    #[arg(long, value_name = "DIR")]
    pub dir: Vec<PathBuf>,
    /// Only the documents marked `ci = true` in the manifest (the part CI runs).
    #[arg(long)]
    pub ci: bool,
    /// Only the documents from this kind of source.
    #[arg(long, value_enum)]
    pub source: Option<SourceKind>,
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
    /// Also print where each document's generation time went, phase by phase.
    #[arg(long)]
    pub timings: bool,
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
    /// Generated operations whose success is a typed value, `()` or a file (bytes).
    pub typed: usize,
    /// Operations with a success the document leaves untyped (rule `untyped-success`).
    pub untyped_by_document: usize,
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
    /// Generation time by phase (see [`crate::timings`]).
    pub phases: Vec<crate::timings::Phase>,
}

/// Runs the corpus (or the chosen part) and prints the table.
pub fn run(root: &Path, options: &Options) -> Result<(), String> {
    let manifest = manifest::load(&manifest_path(root))?;
    let dirs = documents_dirs(root, &options.dir)?;
    let work = options
        .work_dir
        .clone()
        .unwrap_or_else(|| root.join("target/corpus"));
    let chosen: Vec<&Entry> = manifest
        .documents
        .iter()
        .filter(|e| !options.ci || e.ci)
        .filter(|e| options.source.is_none_or(|k| e.source.kind() == k))
        .filter(|e| options.only.is_empty() || options.only.contains(&e.name))
        .collect();
    if chosen.is_empty() {
        return Err("no corpus document matches the options".to_owned());
    }
    let mut rows = Vec::new();
    for entry in chosen {
        progress::say(format!("corpus: {} ({} bytes)", entry.name, entry.bytes));
        rows.push(measure(root, &dirs, &work, entry, !options.no_check));
    }
    println!("{}", report::table(&rows));
    if options.timings {
        println!("{}", phases::table(&rows));
    }
    let failures = report::failures(&rows);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "corpus targets missed:\n  {}",
            failures.join("\n  ")
        ))
    }
}

/// `xtask/corpus/manifest.toml`.
pub fn manifest_path(root: &Path) -> PathBuf {
    root.join("xtask/corpus/manifest.toml")
}

/// The directories that exist among those chosen (or the defaults); at least one.
fn documents_dirs(root: &Path, chosen: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let candidates: Vec<PathBuf> = match chosen {
        [_, ..] => chosen.to_vec(),
        [] => std::env::var_os("XTASK_CORPUS_DIR")
            .map(PathBuf::from)
            .into_iter()
            .chain([
                root.join("xtask/corpus/documents"),
                root.join("../shared/corpus"),
            ])
            .collect(),
    };
    let found: Vec<PathBuf> = candidates.iter().filter(|d| d.is_dir()).cloned().collect();
    if found.is_empty() {
        return Err(format!(
            "no corpus documents found (looked in {}); see xtask/corpus/README.md",
            candidates
                .iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(found)
}

/// The document's bytes from the first directory that has it, checked against the pinned
/// sha256.
fn read_document(dirs: &[PathBuf], entry: &Entry) -> Result<(PathBuf, Vec<u8>), String> {
    let file = format!("{}.{}", entry.name, entry.extension());
    let dir = dirs
        .iter()
        .find(|d| d.join(&file).is_file() || d.join(format!("{file}.gz")).is_file())
        .ok_or_else(|| {
            let hint = match entry.source.kind() {
                SourceKind::Npm => "run `cargo xtask corpus-fetch`",
                SourceKind::Github => "see xtask/corpus/README.md",
            };
            format!("{file}[.gz] is in none of the document directories; {hint}")
        })?;
    let plain = dir.join(&file);
    let gz = dir.join(format!("{file}.gz"));
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

fn measure(root: &Path, dirs: &[PathBuf], work: &Path, entry: &Entry, check: bool) -> Row {
    let mut row = Row {
        name: entry.name.clone(),
        ..Row::default()
    };
    let (spec, bytes) = match read_document(dirs, entry) {
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
    let _ = timings::take();
    let start = Instant::now();
    let built = job.build();
    row.generate = start.elapsed();
    row.phases = timings::take();
    let built = match built {
        Ok(b) => b,
        Err(findings) => {
            row.error = Some(format!("does not generate:\n{findings}"));
            return row;
        }
    };
    row.omitted = built.omitted.len();
    // Operations (their pointers) with an untyped success, and with a file for a success.
    let (mut untyped, mut files) = (BTreeSet::new(), BTreeSet::new());
    for f in built.findings.sorted() {
        let set = match f.rule {
            crate::normalise::UNTYPED_SUCCESS => Some(&mut untyped),
            crate::normalise::FILE_SUCCESS => Some(&mut files),
            _ => None,
        };
        if let (Some(set), Some((_, at))) = (set, f.location.split_once('#')) {
            set.insert(at.split("/responses").next().unwrap_or(at).to_owned());
        }
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
    row.untyped_by_document = untyped.len();
    // A file is typed as bytes: what the document says, not a gap.
    row.typed = (typed_successes(&built.files) + files.len())
        .min(row.operations.saturating_sub(row.omitted));
    if check {
        let out = work.join("crates").join(&entry.name);
        row.check = Some(cargo_check(root, work, &out, &built.files));
    }
    row
}

/// Generated operations whose success is typed: neither raw bytes nor untyped JSON.
fn typed_successes(files: &tree::Files) -> usize {
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
fn cargo_check(root: &Path, work: &Path, out: &Path, files: &tree::Files) -> (Duration, bool) {
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
