//! Not part of the API (feature `internal-bench`): [`Auth::send`]'s own loop with the network
//! cut out, so `benches/send.rs` times what the SDK adds to a call on the path production
//! takes. The stand-in transport answers every attempt with a response the benchmark makes.

use std::future::Future;

use reqwest::Response;

use crate::auth::Auth;
use crate::call::operation::Operation;
use crate::call::send::Transport;
use crate::config::call::CallOptions;

/// Answers each attempt with `answer()`, without any I/O.
pub struct Canned<F>(pub F);

impl<F: Fn() -> Response + Sync> Transport for Canned<F> {
    fn execute(
        &self,
        request: reqwest::Request,
    ) -> impl Future<Output = reqwest::Result<Response>> + Send {
        drop(request);
        std::future::ready(Ok((self.0)()))
    }
}

impl Auth {
    /// [`Auth::send_with`] through `transport` instead of a `reqwest::Client`.
    pub async fn send_via<F: Fn() -> Response + Sync>(
        &self,
        transport: &Canned<F>,
        request: reqwest::Request,
        operation: &Operation,
        options: Option<&CallOptions>,
    ) -> reqwest::Result<Response> {
        self.caller()
            .send(transport, request, operation, options)
            .await
    }
}
