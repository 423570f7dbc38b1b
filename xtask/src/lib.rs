//! `cargo xtask`: turns OpenAPI specs (3.0 and 3.1) into committed, compiling, typed client
//! crates with progenitor.
//!
//! Pipeline, per API: read the spec → apply the named fixes → normalise to the OpenAPI 3.0.3
//! subset progenitor handles → generate (builder interface) → rewrite progenitor's output
//! (one ordered list of passes) → format with prettyplease → write a crate. Every problem is
//! a [`Finding`] with a rule name and a location; all of an API's problems are reported at
//! once, and nothing is written unless every API succeeds.
//!
//! # Layers
//!
//! Every module imports only modules of lower layers (or of its own layer, listed before it);
//! no two modules import each other. From the bottom:
//!
//! 1. Leaves, importing nothing of this crate: [`finding`], [`mod@pointer`], [`names`],
//!    `syntax`, [`config`], [`progress`], [`timings`], [`tree`].
//! 2. Reading documents: [`document`], [`walk`], [`fixes`], [`examples`].
//! 3. Facts and rules on documents: [`services`], [`operations`], [`normalise`],
//!    [`degrade`], [`pagination`] (lists no `[[paginate]]` declares).
//! 4. The guarded progenitor call: [`progenitor`].
//! 5. Around progenitor: [`bisect`] (locating what it fails on), [`rewrite`] (editing its
//!    output), [`mock`] (its httpmock output).
//! 6. Assembling a crate's files: [`package`] (its publishing metadata, README and
//!    changelog), [`emit`]; comparing two versions of a crate: [`diff`].
//! 7. One crate from one spec, in memory: [`job`].
//! 8. The command line's modules, read from built crates: [`cli`].
//! 9. Tasks: [`workspace`] (`regen`, `check`, `generate`), [`release`] (versions and
//!    changelogs from the diff), [`corpus`], [`mutate`].
//! 10. [`mod@bench`] (times `workspace`).
//!
//! This file only declares the modules and re-exports what callers name.

pub mod bench;
pub mod bisect;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod degrade;
pub mod diff;
pub mod document;
pub mod emit;
pub mod examples;
pub mod finding;
pub mod fixes;
pub mod job;
pub mod mock;
pub mod mutate;
pub mod names;
pub mod normalise;
pub mod operations;
pub mod package;
pub mod pagination;
pub mod pointer;
pub mod progenitor;
pub mod progress;
pub mod release;
pub mod rewrite;
pub mod services;
mod syntax;
pub mod timings;
pub mod tree;
pub mod walk;
pub mod workspace;

pub use config::{ApiConfig, Responses};
pub use finding::{Finding, Findings, Severity};
pub use job::{Built, Job};
pub use tree::{Drift, Files};
pub use workspace::{
    Error, build_all, check, drift, generate, regen, registered_apis, workspace_root,
};
