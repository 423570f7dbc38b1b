//! The store's own metrics (feature `metrics`): each Redis operation's outcome and latency,
//! and the local mints a store failure causes. The names are [`crate::meter`]'s.

#[cfg(feature = "redis")]
use std::future::Future;

#[cfg(all(feature = "metrics", feature = "redis"))]
use metrics::Label;

#[cfg(feature = "metrics")]
use crate::meter::STORE_FALLBACKS;
#[cfg(all(feature = "metrics", feature = "redis"))]
use crate::meter::STORE_OPERATIONS;
#[cfg(all(feature = "metrics", feature = "redis"))]
use crate::meter::{STORE_DURATION, Stopwatch};

/// Runs one store operation named `what` (`GET`, `acquire lease`, …) whose result is
/// `Ok(answer)` or `Err(timeout)`, the answer itself `Ok` or `Err`; records its outcome (`ok`,
/// `error`, `timeout`) and latency. The operation label is `what` in snake case.
#[cfg(all(feature = "metrics", feature = "redis"))]
pub(crate) async fn operation<T, E, Elapsed>(
    what: &'static str,
    request: impl Future<Output = Result<Result<T, E>, Elapsed>>,
) -> Result<Result<T, E>, Elapsed> {
    let started = Stopwatch::start();
    let result = request.await;
    let outcome = match &result {
        Ok(Ok(_)) => "ok",
        Ok(Err(_)) => "error",
        Err(_) => "timeout",
    };
    let labels = store_labels(what, outcome);
    metrics::counter!(STORE_OPERATIONS, labels.iter()).increment(1);
    metrics::histogram!(STORE_DURATION, labels.iter()).record(started.seconds());
    result
}

/// A store operation named `what` that found no connection to send on (Redis down or not
/// reached yet): counted as an `error`, with no latency to record.
#[cfg(feature = "redis")]
pub(crate) fn unreachable(what: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!(STORE_OPERATIONS, store_labels(what, "error").iter()).increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = what;
}

/// The labels of a store operation: `what` in snake case, and its outcome.
#[cfg(all(feature = "metrics", feature = "redis"))]
fn store_labels(what: &'static str, outcome: &'static str) -> [Label; 2] {
    [
        Label::new("operation", what.to_ascii_lowercase().replace(' ', "_")),
        Label::from_static_parts("outcome", outcome),
    ]
}

/// Without the feature, the operation itself.
#[cfg(all(not(feature = "metrics"), feature = "redis"))]
pub(crate) fn operation<F: Future>(_what: &'static str, request: F) -> F {
    request
}

/// `api`/`service` minted locally because the shared store could not provide a token:
/// `reason` is `store_error` (an operation failed or timed out) or `wait_timeout` (another
/// process held the lease past the wait limit).
pub(crate) fn fallback(api: &'static str, service: &'static str, reason: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!(STORE_FALLBACKS, "api" => api, "service" => service, "reason" => reason)
        .increment(1);
    #[cfg(not(feature = "metrics"))]
    let _ = (api, service, reason);
}
