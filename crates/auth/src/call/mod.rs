//! The call layer: sending one business call through the token layer.
//!
//! From the bottom: `operation` (what the generator says about an operation), `budget` (the
//! retry budget's counter), `failure` (typed failures carried through progenitor's hook),
//! `classify` (an attempt's result, read once into an `Outcome`), `decide` (the one pure
//! function choosing return / replay / retry / give up), `telemetry` (the call's span),
//! `backoff` (pauses an API asked for, shared by every call and replica) and `send` (the loop
//! that runs attempts as `decide` says).

pub(crate) mod backoff;
pub(crate) mod budget;
pub(crate) mod classify;
pub(crate) mod decide;
pub(crate) mod failure;
pub(crate) mod operation;
pub(crate) mod send;
pub(crate) mod telemetry;
