//! `cargo xtask diff`: what a spec change does to the people who use a generated crate.
//!
//! Two comparisons of the old and new side of one API, joined into one list of changes:
//! - [`spec`]: the normalised documents, operation by operation and schema by schema; each
//!   change is located by its JSON pointer and judged **on the wire** (would requests that
//!   binaries already deployed send be rejected, would responses they receive fail to decode);
//! - [`rust`]: the generated crates' public API read with `syn` (client methods, builder
//!   setters, types, fields, variants, trait impls); each change is judged **for code that
//!   compiles against the crate** by Rust's semver rules.
//!
//! [`link`] locates every Rust item in the spec, so each spec change carries the compile
//! verdict of the Rust changes it causes; Rust changes no spec change explains (a generator
//! upgrade) are listed on their own.

pub mod compat;
pub mod join;
pub mod link;
pub mod operation;
pub mod parameters;
pub mod render;
#[cfg(test)]
mod rules;
pub mod rust;
pub mod schema;
pub mod spec;
pub mod usage;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::tree::Files;

/// How much a change affects one audience. Ordered: the worst of several is their `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Nothing the audience can notice.
    None,
    /// Something new; what worked before still works.
    Additive,
    /// What worked before can fail: code stops compiling (or `send()` starts failing), or a
    /// deployed binary's requests are rejected or its responses stop decoding.
    Breaking,
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Level::None => "none",
            Level::Additive => "additive",
            Level::Breaking => "breaking",
        })
    }
}

/// A level and the reason for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// How much.
    pub level: Level,
    /// Why, in one sentence.
    pub why: String,
}

impl Verdict {
    /// A verdict of `level` because `why`.
    pub fn new(level: Level, why: impl Into<String>) -> Self {
        Verdict {
            level,
            why: why.into(),
        }
    }

    /// Nothing to notice, because `why`.
    pub fn none(why: impl Into<String>) -> Self {
        Self::new(Level::None, why)
    }
}

/// Where in the document a change is, for grouping the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// Operations added, removed, renamed or moved.
    Operations,
    /// Path, query, header and cookie parameters.
    Parameters,
    /// Request bodies (and the schemas only requests use).
    Requests,
    /// Responses (and the schemas only responses use).
    Responses,
    /// Component schemas.
    Schemas,
    /// Servers.
    Servers,
    /// Security requirements and schemes.
    Security,
    /// Descriptions, summaries, examples: docs only.
    Documentation,
    /// Changes of the generated Rust API that no spec change explains (e.g. a generator
    /// upgrade).
    Generated,
}

impl Area {
    /// The heading of the group in the human report.
    pub fn heading(self) -> &'static str {
        match self {
            Area::Operations => "operations",
            Area::Parameters => "parameters",
            Area::Requests => "request bodies",
            Area::Responses => "responses",
            Area::Schemas => "schemas",
            Area::Servers => "servers",
            Area::Security => "security",
            Area::Documentation => "documentation",
            Area::Generated => "generated code without a spec change",
        }
    }
}

/// For the changelog: what kind of entry a change is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// Something new.
    Added,
    /// Something different.
    Changed,
    /// Something gone.
    Removed,
}

/// One change, judged twice.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// Group.
    pub area: Area,
    /// Changelog section.
    pub effect: Effect,
    /// One line saying what changed.
    pub what: String,
    /// JSON pointer into the (normalised) spec, `#/...`; the old document's for removals.
    pub pointer: String,
    /// The pointer of the same place in the old document, where it differs (a renamed path
    /// template moves everything under it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was: Option<String>,
    /// The public Rust items it changes (`types::QuoteRequest::tip`).
    pub rust: Vec<String>,
    /// For code compiled against the crate.
    pub compile: Verdict,
    /// For binaries already deployed.
    pub wire: Verdict,
}

impl Change {
    /// A change found in the spec at `pointer` (a JSON pointer without `#`), judged on the
    /// wire; its compile verdict comes from the Rust changes [`join::join`] finds for it.
    pub fn from_spec(
        area: Area,
        effect: Effect,
        what: String,
        pointer: &str,
        wire: Verdict,
    ) -> Change {
        Change {
            area,
            effect,
            what,
            pointer: format!("#{pointer}"),
            was: None,
            rust: Vec::new(),
            compile: Verdict::none("no change to the generated Rust API"),
            wire,
        }
    }

    /// The same change, whose place in the old document is `old` (a pointer without `#`).
    pub fn was(mut self, old: &str) -> Change {
        let old = format!("#{old}");
        if old != self.pointer {
            self.was = Some(old);
        }
        self
    }

    /// The worse of its two levels.
    pub fn worst(&self) -> Level {
        self.compile.level.max(self.wire.level)
    }
}

/// One side of a comparison: what one revision of an API generated.
#[derive(Clone, Debug)]
pub struct Side {
    /// The normalised document, with the operations `codegen.toml` omits left out (what the
    /// client was generated from).
    pub document: Value,
    /// The generated crate's files.
    pub files: Files,
}

/// The comparison of one API.
#[derive(Clone, Debug, Serialize)]
pub struct ApiDiff {
    /// Every change, in report order (area, then document order).
    pub changes: Vec<Change>,
    /// `info.version` of the old and new documents.
    pub spec_version: (Option<String>, Option<String>),
    /// `info.title` of the new document.
    pub spec_title: Option<String>,
}

impl ApiDiff {
    /// The worst compile-time level of any change.
    pub fn compile(&self) -> Level {
        self.changes
            .iter()
            .map(|c| c.compile.level)
            .max()
            .unwrap_or(Level::None)
    }

    /// The worst wire level of any change.
    pub fn wire(&self) -> Level {
        self.changes
            .iter()
            .map(|c| c.wire.level)
            .max()
            .unwrap_or(Level::None)
    }

    /// Whether anything breaks, for either audience.
    pub fn breaks(&self) -> bool {
        self.compile() == Level::Breaking || self.wire() == Level::Breaking
    }
}

/// Why a side could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {message}")]
pub struct ReadError {
    /// The file or item.
    pub what: String,
    /// What is wrong with it.
    pub message: String,
}

/// Compares two sides of one API.
///
/// # Errors
/// A generated file that does not parse as Rust, named with the parser's message.
pub fn compare(old: &Side, new: &Side) -> Result<ApiDiff, ReadError> {
    let spec_changes = spec::compare(&old.document, &new.document);
    let old_api = rust::Api::read(&old.files)?;
    let new_api = rust::Api::read(&new.files)?;
    let old_links = link::locate(&old_api, &old.document);
    let new_links = link::locate(&new_api, &new.document);
    let rust_changes = rust::compare(&old_api, &new_api, &old_links, &new_links);
    let info = |doc: &Value, key: &str| {
        doc.pointer(&format!("/info/{key}"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    Ok(ApiDiff {
        changes: join::join(spec_changes, rust_changes),
        spec_version: (
            info(&old.document, "version"),
            info(&new.document, "version"),
        ),
        spec_title: info(&new.document, "title"),
    })
}
