//! Writing generated crates to disk without half-written results, and comparing them with
//! what is there (`cargo xtask check`).

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A crate's files, by path relative to the crate directory.
pub type Files = BTreeMap<PathBuf, String>;

/// One way a directory differs from what would be generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drift {
    /// A file would be created.
    Missing(PathBuf),
    /// A file's content differs; with the first lines of a unified diff.
    Changed(PathBuf, String),
    /// A file would be deleted.
    Extra(PathBuf),
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(p) => write!(f, "missing: {}", p.display()),
            Drift::Changed(p, diff) => write!(f, "stale:   {}\n{diff}", p.display()),
            Drift::Extra(p) => write!(f, "extra:   {}", p.display()),
        }
    }
}

/// Every file under `dir`, relative to it, sorted; empty if `dir` does not exist.
pub fn list(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if dir.is_dir() {
        walk(dir, Path::new(""), &mut out)?;
    }
    out.sort();
    Ok(out)
}

fn walk(base: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(base.join(rel))? {
        let entry = entry?;
        let rel = rel.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            walk(base, &rel, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

/// How `dir` differs from `files` (paths in the result are `dir`-joined).
pub fn diff(dir: &Path, files: &Files) -> io::Result<Vec<Drift>> {
    let mut drift = Vec::new();
    for (rel, want) in files {
        let path = dir.join(rel);
        match fs::read(&path) {
            Ok(have) if have == want.as_bytes() => {}
            Ok(have) => drift.push(Drift::Changed(
                path,
                short_diff(&String::from_utf8_lossy(&have), want),
            )),
            Err(e) if e.kind() == io::ErrorKind::NotFound => drift.push(Drift::Missing(path)),
            Err(e) => return Err(e),
        }
    }
    for rel in list(dir)? {
        if !files.contains_key(&rel) {
            drift.push(Drift::Extra(dir.join(rel)));
        }
    }
    Ok(drift)
}

/// The first 30 lines of a unified diff, indented.
fn short_diff(have: &str, want: &str) -> String {
    let diff = similar::TextDiff::from_lines(have, want);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header("on disk", "generated")
        .to_string();
    let mut lines: Vec<String> = text.lines().take(30).map(|l| format!("    {l}")).collect();
    if text.lines().count() > 30 {
        lines.push("    ...".to_owned());
    }
    lines.join("\n")
}

/// Makes `dir` hold exactly `files`, writing only files whose bytes differ (unchanged files
/// keep their mtime, so cargo does not rebuild the crate) and removing files not in `files`.
/// Each file is written to a temporary sibling and renamed over the old one, so no file is
/// ever half-written. Returns how many files were written or removed.
pub fn replace(dir: &Path, files: &Files) -> io::Result<usize> {
    let mut touched = 0;
    for (rel, text) in files {
        let path = dir.join(rel);
        if fs::read(&path).is_ok_and(|have| have == text.as_bytes()) {
            continue;
        }
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        let temporary = path.with_file_name(format!(".{name}.xtask-new"));
        fs::write(&temporary, text)?;
        fs::rename(&temporary, &path)?;
        touched += 1;
    }
    for rel in list(dir)? {
        if !files.contains_key(&rel) {
            fs::remove_file(dir.join(&rel))?;
            touched += 1;
            let mut parent = dir.join(&rel);
            while parent.pop() && parent != dir && fs::remove_dir(&parent).is_ok() {}
        }
    }
    Ok(touched)
}
