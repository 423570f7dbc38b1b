//! Turning a generated call's result into what the command prints: the JSON body on stdout
//! (with `--all`, every item of every page as JSON lines), or a [`Failure`] in the SDK's error
//! model.

use std::io::{IsTerminal as _, Write as _};

use futures_util::StreamExt as _;
use progenitor_client::{Error, ResponseValue};
use serde::Serialize;
use serde_json::Value;

use crate::failure::Failure;

/// A call whose success carries a JSON body: the body, after the API's own check for errors
/// delivered as successes ([`crate::apis::check_response`]).
///
/// # Errors
/// The call's failure as an [`sdk::Error`], or the error the body states.
pub fn json<T: Serialize, E: sdk::ErrorBody>(
    api: &str,
    result: Result<ResponseValue<T>, Error<E>>,
) -> Result<Option<Value>, Failure> {
    let body = result.map_err(sdk::Error::from)?.into_inner();
    let body = serde_json::to_value(&body).map_err(|e| Failure::Output(e.to_string()))?;
    crate::apis::check_response(api, &body)?;
    Ok(Some(body))
}

/// A call whose success has no body: nothing to print.
///
/// # Errors
/// The call's failure as an [`sdk::Error`].
pub fn empty<E: sdk::ErrorBody>(
    _api: &str,
    result: Result<ResponseValue<()>, Error<E>>,
) -> Result<Option<Value>, Failure> {
    result.map_err(sdk::Error::from)?;
    Ok(None)
}

/// Every item of every page of a paginated operation, one JSON line each on stdout, written
/// (and flushed) as each page arrives. A failed page ends the list: the items before it are
/// already printed, and the failure is returned.
///
/// # Errors
/// The failed page's [`sdk::Error`], or an item that cannot be written.
pub async fn all<P>(request: P) -> Result<Option<Value>, Failure>
where
    P: sdk::Paginate,
    P::Item: Serialize,
{
    let mut items = std::pin::pin!(request.items());
    while let Some(item) = items.next().await {
        let line = serde_json::to_string(&item?).map_err(|e| Failure::Output(e.to_string()))?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .map_err(|e| Failure::Output(format!("cannot write the items: {e}")))?;
    }
    Ok(None)
}

/// Writes `body` to stdout: indented when stdout is a terminal, one line otherwise (for
/// pipes and scripts).
///
/// # Errors
/// If stdout cannot be written (a closed pipe).
pub fn print(body: &Value) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let text = if stdout.is_terminal() {
        serde_json::to_string_pretty(body)
    } else {
        serde_json::to_string(body)
    }
    .map_err(std::io::Error::other)?;
    let mut out = stdout.lock();
    writeln!(out, "{text}")?;
    out.flush()
}
