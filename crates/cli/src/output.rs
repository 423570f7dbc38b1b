//! Turning a generated call's result into what the command prints: the JSON body on stdout,
//! or a [`Failure`] in the SDK's error model.

use std::io::{IsTerminal as _, Write as _};

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
