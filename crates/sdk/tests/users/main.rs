//! What a user of `sdk` sees, tested the way they would: only `sdk::…` paths, loopback servers.
//!
//! - `mocks`: each API mocked with `sdk::mock` (typed operation mocks, spec examples).
//! - `headers`: every request, API calls and token mints alike, carries `User-Agent:
//!   sdk/<version>` and no `api-version` header.
//! - `money`: Bridge amounts are `Decimal`s both ways.
//! - `readme`: every Rust and TOML block of the README is code CI compiles.
//! - `links`: every relative link of the project's Markdown pages leads somewhere.

#[cfg(all(feature = "bridge", feature = "obi", feature = "origoid"))]
mod headers;
mod links;
#[cfg(all(
    feature = "mock",
    feature = "bridge",
    feature = "obi",
    feature = "origoid"
))]
mod mocks;
#[cfg(all(feature = "mock", feature = "bridge"))]
mod money;
mod readme;
