//! Not part of the API (feature `internal-bench`): the warm path of [`Auth::send`] with the
//! network cut out, so `benches/authorize.rs` can time what the SDK adds to a call. It runs
//! the same steps, in the same order, as one successful attempt of `send`.

use crate::auth::Auth;
use crate::operation::Operation;
use crate::outcome::finish;

/// One successful attempt of `send` on a warm cache, `response` standing in for the server's
/// answer: target and `User-Agent`, bearer, then the success bookkeeping (rejection state,
/// retry classification, budget, error-body check). `None` if a step failed.
pub async fn warm_attempt(
    auth: &Auth,
    request: &mut reqwest::Request,
    operation: &Operation,
    response: reqwest::Response,
) -> Option<reqwest::Response> {
    let service = auth.target(request, operation).ok()?;
    if let Some(service) = service {
        service.stamp(request).await.ok()?;
        service.cache.note_accepted();
    }
    let (response, transient) = auth.inspect(response, operation, true).await.ok()?;
    if transient.is_none() {
        auth.inner.budget.on_success();
    }
    finish(response, operation).await.ok()
}
