//! One SDK for three token-authenticated APIs: Bridge (banking as a service), OrigoID
//! (Mexican identity verification) and Obi FARE.AI (ride-fare pricing).
//!
//! Each API's typed client is generated from its OpenAPI document (`generated/<api>/`) and
//! re-exported here with hand-written glue. Tokens are never the caller's problem: every client
//! carries an [`Auth`] that mints, caches, refreshes ahead of expiry and replays once on 401.

#![deny(missing_docs)]

pub mod bridge;
pub mod obi;
pub mod origoid;

pub use sdk_auth::{AccessToken, Auth, AuthError, AuthOptions};
