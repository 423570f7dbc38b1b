//! progenitor ignores `servers`; each client module gets the URL of its server as a constant
//! to pass to `Client::new`.

use serde_json::Value;

use super::{Input, Pass};
use crate::finding::Findings;
use crate::services;

pub const PASS: Pass = Pass {
    name: "base-url",
    what: "`DEFAULT_BASE_URL`, the service's server with every variable at its default, is added",
    why: "progenitor ignores `servers`, so users would have to copy the URL out of the spec",
    run,
};

fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    let servers = input
        .whole
        .get("servers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let server = servers
        .get(input.service.server.unwrap_or(0))
        .map(services::default_url)
        .unwrap_or_default();
    file.items.push(syn::parse_quote! {
        /// Base URL of this client's server with every variable at its default (progenitor
        /// ignores `servers`; pass this, or your own URL, to `Client::new`).
        pub const DEFAULT_BASE_URL: &str = #server;
    });
    Ok(1)
}
