//! Holding back when an API asks to (429 with `Retry-After`), across calls and replicas.
//!
//! The pause is kept per operation of a service, so every call of the process to that
//! operation learns it from the first answer, and with a shared token store every process of
//! the fleet does too (the pause goes through the store). A call to a paused operation waits
//! the pause out before sending, when the wait fits what its retry policy would wait for a
//! `Retry-After` (`max_retry_after`) and its deadline; otherwise it is sent and the server
//! answers, as before. Checking is one atomic read while no pause runs.

use std::time::Duration;

use super::classify::Outcome;
use crate::config::AuthOptions;
use crate::config::retry::RetryPolicy;
use crate::pauses;
use crate::token::services::Service;

/// The reason `classify` gives a 429.
const TOO_MANY_REQUESTS: &str = "http_429";

/// Waits until `scope` (the operation id) of `service` is no longer paused, if that wait
/// fits `policy` and the time `remaining` for the call.
pub(crate) async fn wait_out(
    service: &Service,
    scope: &str,
    policy: &RetryPolicy,
    remaining: impl FnOnce() -> Option<Duration>,
    options: &AuthOptions,
) {
    let cache = &service.cache;
    let Some(wait) = cache.pauses.remaining(scope, || options.clock.wall()) else {
        return;
    };
    if wait > policy.max_retry_after || remaining().is_some_and(|left| wait >= left) {
        return;
    }
    tracing::debug!(
        api = cache.info.api,
        service = cache.info.service,
        operation = scope,
        wait_ms = wait.as_millis() as u64,
        "waiting out a pause the API asked for"
    );
    options.clock.sleep(wait).await;
}

/// After an attempt: a 429 with `Retry-After` pauses `scope` for the process and the fleet.
pub(crate) async fn heed(service: &Service, scope: &str, outcome: &Outcome, options: &AuthOptions) {
    let Outcome::Transient(transient) = outcome else {
        return;
    };
    let Some(after) = transient.retry_after else {
        return;
    };
    if transient.reason != TOO_MANY_REQUESTS {
        return;
    }
    let cache = &service.cache;
    let until = pauses::until(options.clock.wall(), after);
    if !cache.pauses.pause(scope, until) {
        return;
    }
    tracing::info!(
        api = cache.info.api,
        service = cache.info.service,
        operation = scope,
        retry_after_ms = after.as_millis() as u64,
        "the API asked to slow down; every call to this operation waits"
    );
    #[cfg(feature = "store")]
    if let Some(fleet) = &cache.fleet {
        fleet.share_pause(scope, until).await;
    }
}
