//! Releasing the crates, on top of the generator and [`crate::diff`]: each API compared with
//! its last release ([`report`], reading earlier revisions with [`git`]), the version that
//! calls for ([`version`]), `--bump` ([`bump`], [`changelog`]), the guard of
//! `cargo xtask check` ([`guard`]), the commands ([`cli`]), and the evolution fixtures
//! ([`evolution`]) with their cross-check against cargo-semver-checks ([`semver_checks`]).

pub mod bump;
pub mod changelog;
pub mod cli;
pub mod evolution;
pub mod git;
pub mod guard;
pub mod report;
pub mod semver_checks;
pub mod version;

pub use crate::package::CHANGELOG;
