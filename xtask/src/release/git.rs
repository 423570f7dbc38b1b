//! Reading an earlier revision with git, without touching the working tree: `git archive`
//! of a few paths into a temporary directory, and the commit that last changed a version.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A git repository at a workspace root.
pub struct Git {
    root: PathBuf,
}

impl Git {
    /// The repository of `root`.
    ///
    /// # Errors
    /// Says why when `root` is not inside a git work tree or git cannot run.
    pub fn open(root: &Path) -> Result<Git, String> {
        let git = Git {
            root: root.to_owned(),
        };
        git.run(&["rev-parse", "--is-inside-work-tree"])
            .map_err(|e| {
                format!(
                    "{} is not a git checkout ({e}): releases are compared with the revision that set each version",
                    root.display()
                )
            })?;
        Ok(git)
    }

    fn run(&self, args: &[&str]) -> Result<Vec<u8>, String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(format!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }

    fn text(&self, args: &[&str]) -> Result<String, String> {
        Ok(String::from_utf8_lossy(&self.run(args)?).trim().to_owned())
    }

    /// The full hash of `rev`.
    ///
    /// # Errors
    /// When `rev` names no commit.
    pub fn commit(&self, rev: &str) -> Result<String, String> {
        self.text(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])
        .map_err(|_| format!("`{rev}` names no commit of this repository"))
    }

    /// `abc1234 (subject)` for reports.
    pub fn describe(&self, commit: &str) -> String {
        let short: String = commit.chars().take(7).collect();
        match self.text(&["log", "-1", "--format=%s", commit]) {
            Ok(subject) if subject.chars().count() > 50 => {
                format!(
                    "{short} ({}…)",
                    subject.chars().take(50).collect::<String>()
                )
            }
            Ok(subject) => format!("{short} ({subject})"),
            Err(_) => short,
        }
    }

    /// The last commit whose diff of `file` adds or removes a line starting with `version`:
    /// where the version in it was last set. `None` if no commit did (or the history is
    /// shallow and does not reach it; [`Git::is_shallow`] tells).
    ///
    /// # Errors
    /// When git fails.
    pub fn last_version_change(&self, file: &str) -> Result<Option<String>, String> {
        let hash = self.text(&["log", "-1", "--format=%H", "-G^version *=", "--", file])?;
        Ok((!hash.is_empty()).then_some(hash))
    }

    /// Whether the clone is shallow (older history missing).
    pub fn is_shallow(&self) -> bool {
        self.text(&["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|s| s == "true")
    }

    /// Whether the working tree's `paths` differ from `commit`'s (untracked files aside).
    ///
    /// # Errors
    /// When git fails.
    pub fn changed_since(&self, commit: &str, paths: &[String]) -> Result<bool, String> {
        let mut args = vec!["diff", "--quiet", commit, "--"];
        args.extend(paths.iter().map(String::as_str));
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.root)
            .args(&args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        match out.status.code() {
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            _ => Err(format!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            )),
        }
    }

    /// The file `path` at `commit`, if it exists there.
    pub fn show(&self, commit: &str, path: &str) -> Option<String> {
        self.run(&["show", &format!("{commit}:{path}")])
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    /// Extracts `paths` (those that exist at `commit`) into a new temporary directory, laid
    /// out as in the repository.
    ///
    /// # Errors
    /// When git or the extraction fails.
    pub fn extract(&self, commit: &str, paths: &[String]) -> Result<tempfile::TempDir, String> {
        let dir = tempfile::Builder::new()
            .prefix("xtask-base-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
        let present: Vec<&str> = paths
            .iter()
            .map(String::as_str)
            .filter(|p| {
                self.run(&["cat-file", "-e", &format!("{commit}:{p}")])
                    .is_ok()
            })
            .collect();
        if present.is_empty() {
            return Ok(dir);
        }
        let mut args = vec!["archive", "--format=tar", commit, "--"];
        args.extend(present);
        let bytes = self.run(&args)?;
        tar::Archive::new(bytes.as_slice())
            .unpack(dir.path())
            .map_err(|e| format!("cannot extract `git archive {commit}`: {e}"))?;
        Ok(dir)
    }
}
