//! The hand-written per-API half: clients from the SDK's environment variables, and the
//! facade's checks that the generated clients do not make themselves (Obi's route rule
//! before sending, OrigoID's errors delivered with HTTP 200).
//!
//! The generated commands call `crate::apis::<api>::client()` (or `::<service>()` for APIs
//! split into services), [`check_request`] and [`check_response`].

use std::any::Any;

use sdk::Authenticated as _;
use serde_json::Value;

use crate::failure::Failure;

/// Obi FARE.AI: `OBI_API_KEY`, `OBI_API_SECRET`, optionally `OBI_URL`.
pub mod obi {
    use super::Failure;

    /// The client, configured from the environment (nothing is sent yet).
    ///
    /// # Errors
    /// An auth failure naming a missing or invalid variable.
    pub fn client() -> Result<sdk::obi::Client, Failure> {
        Ok(sdk::obi::from_env()?)
    }
}

/// OrigoID: `ORIGOID_API_KEY` (or `ORIGOID_USERNAME` + `ORIGOID_PASSWORD`), optionally
/// `ORIGOID_URL`.
pub mod origoid {
    use super::Failure;

    /// The client, configured from the environment (nothing is sent yet).
    ///
    /// # Errors
    /// An auth failure naming a missing or invalid variable.
    pub fn client() -> Result<sdk::origoid::Client, Failure> {
        Ok(sdk::origoid::from_env()?)
    }
}

/// Bridge: `BRIDGE_BAAS_*` for the BaaS core, `BRIDGE_COLLECTIONS_*` for the Collections
/// gateway; each command needs only its own service's variables.
pub mod bridge {
    use super::Failure;

    /// The BaaS core client.
    ///
    /// # Errors
    /// An auth failure naming a missing or invalid variable.
    pub fn baas() -> Result<sdk::bridge::baas::Client, Failure> {
        Ok(sdk::bridge::baas_from_env()?)
    }

    /// The Collections gateway client.
    ///
    /// # Errors
    /// An auth failure naming a missing or invalid variable.
    pub fn collections() -> Result<sdk::bridge::collections::Client, Failure> {
        Ok(sdk::bridge::collections_from_env()?)
    }

    /// The undocumented loan operations: the BaaS core, with the BaaS token.
    ///
    /// # Errors
    /// As [`baas`].
    #[cfg(feature = "bridge-undocumented")]
    pub fn undocumented() -> Result<sdk::bridge::undocumented::Client, Failure> {
        use progenitor_client::ClientInfo as _;
        use sdk::Authenticated as _;

        let baas = baas()?;
        Ok(sdk::bridge::undocumented::Client::new(
            baas.baseurl(),
            baas.auth().clone(),
        ))
    }
}

/// The [`sdk::Auth`] of `api` (and `service`, for Bridge), for `token` and `revoke`.
///
/// # Errors
/// An auth failure naming a missing variable; a usage failure for an unknown service.
pub fn auth(api: &str, service: Option<&str>) -> Result<sdk::Auth, Failure> {
    Ok(match (api, service) {
        ("obi", None) => obi::client()?.auth().clone(),
        ("origoid", None) => origoid::client()?.auth().clone(),
        ("bridge", None | Some("baas")) => bridge::baas()?.auth().clone(),
        ("bridge", Some("collections")) => bridge::collections()?.auth().clone(),
        _ => {
            return Err(Failure::usage(format!(
                "`{api}` has no service `{}`",
                service.unwrap_or_default()
            )));
        }
    })
}

/// The services of `api` with their own credentials (`token --service`); empty when the
/// API has one.
pub fn token_services(api: &str) -> &'static [&'static str] {
    match api {
        "bridge" => &["baas", "collections"],
        _ => &[],
    }
}

/// Whether `api` can revoke tokens (`revoke`).
pub fn revocable(api: &str) -> bool {
    api == "obi"
}

/// The facade's checks of a request body, made before anything is sent: Obi's
/// both-or-neither rule of `distanceKm` and `durationMinutes`.
///
/// # Errors
/// An `invalid request` [`sdk::Error`] with the facade's reason.
pub fn check_request<T: Any>(body: &T) -> Result<(), Failure> {
    let body: &dyn Any = body;
    if let Some(quote) = body.downcast_ref::<sdk::obi::types::QuoteRequest>() {
        sdk::obi::check_route_metadata(quote).map_err(sdk::Error::invalid_request)?;
    }
    Ok(())
}

/// Errors an API delivers as successes: an OrigoID envelope with `status: ERROR` (HTTP 200
/// for `INVALID_REQUEST`, `SERVICE_UNAVAILABLE`, `INTERNAL_ERROR`), classified by the facade.
///
/// # Errors
/// The [`sdk::Error`] the envelope stands for.
pub fn check_response(api: &str, body: &Value) -> Result<(), Failure> {
    use sdk::origoid::Envelope as _;

    if api != "origoid" || body.get("status").and_then(Value::as_str) != Some("ERROR") {
        return Ok(());
    }
    let envelope: sdk::origoid::types::ErrorEnvelope = serde_json::from_value(body.clone())
        .map_err(|e| {
            Failure::Output(format!(
                "an OrigoID error envelope that does not decode: {e}"
            ))
        })?;
    match envelope.into_result() {
        Ok(_) => Ok(()),
        Err(error) => Err(sdk::Error::from(error).into()),
    }
}
