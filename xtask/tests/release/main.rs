//! `cargo xtask diff` and the release flow, in one test binary: the evolution fixtures judged
//! as their rules say ([`evolution`]), and versions, changelogs, the guard and the commands on
//! scratch repositories and on this workspace ([`flow`]).

mod evolution;
mod flow;
