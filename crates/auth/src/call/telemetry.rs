//! One `tracing` span per call, `sdk.call`, with OpenTelemetry's HTTP client field names,
//! and what the attempts tell it (attempts sent, last status, error type). Tokens and secrets
//! never appear: only the method, the URL template and the server's host and port.

use std::sync::atomic::{AtomicU32, Ordering};

use super::operation::Operation;

/// Counters the attempt loop updates and the span records at the end.
#[derive(Default)]
pub(crate) struct Tally {
    sent: AtomicU32,
    status: AtomicU32,
}

impl Tally {
    /// An attempt is about to be sent.
    pub(crate) fn sent(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    /// An attempt got a response with `status`.
    pub(crate) fn status(&self, status: u16) {
        self.status.store(status.into(), Ordering::Relaxed);
    }

    /// Attempts sent so far.
    pub(crate) fn attempts(&self) -> u32 {
        self.sent.load(Ordering::Relaxed)
    }
}

/// The span of one call to `api`.
pub(crate) fn span(
    api: &'static str,
    request: &reqwest::Request,
    operation: &Operation,
) -> tracing::Span {
    let span = tracing::info_span!(
        "sdk.call",
        otel.name = tracing::field::Empty,
        otel.kind = "client",
        api,
        operation = operation.id,
        http.request.method = %request.method(),
        url.template = operation.url_template,
        server.address = request.url().host_str().unwrap_or_default(),
        server.port = request.url().port_or_known_default().unwrap_or_default(),
        http.response.status_code = tracing::field::Empty,
        http.request.resend_count = tracing::field::Empty,
        error.type = tracing::field::Empty,
    );
    if !span.is_disabled() {
        span.record(
            "otel.name",
            format!("{} {}", request.method(), operation.url_template).trim_end(),
        );
    }
    span
}

/// Records the attempts and the result on `span`: `error` is the `error.type`, if the call
/// failed (an error status counts).
pub(crate) fn finish(span: &tracing::Span, tally: &Tally, error: Option<&str>) {
    if span.is_disabled() {
        return;
    }
    let sent = tally.attempts();
    if sent > 1 {
        span.record("http.request.resend_count", sent - 1);
    }
    match tally.status.load(Ordering::Relaxed) {
        0 => {}
        status => {
            span.record("http.response.status_code", status);
        }
    }
    if let Some(error) = error {
        span.record("error.type", error);
    }
}
