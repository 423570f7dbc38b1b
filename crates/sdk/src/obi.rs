//! Obi FARE.AI (ride-fare pricing): the generated client, a ready-to-use constructor, a quote
//! call that enforces the route-metadata rule before sending, and token revocation.
//!
//! # Layout
//!
//! Everything of the generated crate `obi-api` is re-exported here with
//! `pub use obi_api::*`, so [`Client`], [`types`], [`builder`], [`Error`], [`ResponseValue`]
//! and [`DEFAULT_BASE_URL`] are reachable as `sdk::obi::…` without a second dependency. The
//! hand-written additions are:
//!
//! * [`client`], [`client_at`], [`from_env`] and [`from_env_with`]: a [`Client`] whose bearer
//!   token is minted (`X-API-KEY` + `X-API-SECRET`), cached, refreshed and replayed on 401 by
//!   [`sdk_auth::Auth`];
//! * [`check_route_metadata`] and [`quote`]: `distanceKm` and `durationMinutes` must be sent
//!   both or neither; a request with only one is refused (an
//!   [`InvalidRequest`](crate::ErrorKind::InvalidRequest) error with a [`RouteMetadataError`]
//!   body) before anything, not even a token request, goes on the wire;
//! * [`revoke`], [`revoke_all`] and [`shutdown`]: revocation through the client's
//!   [`Auth`](crate::Auth), which also forgets the revoked token. Prefer them to the
//!   generated `revoke_token` operation, which leaves the revoked token in the cache.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sdk::Error> {
//! use sdk::obi::{self, types::{Coordinates, QuoteRequest}};
//!
//! // Reads OBI_API_KEY, OBI_API_SECRET and optionally OBI_URL.
//! let client = obi::from_env()?;
//! let request = QuoteRequest {
//!     pickup: Coordinates { latitude: 40.758, longitude: -73.9855 },
//!     destination: Coordinates { latitude: 40.6413, longitude: -73.7781 },
//!     distance_km: Some(24.1),
//!     duration_minutes: Some(45.0),
//!     scheduled_at: None,
//! };
//! let quote = obi::quote(&client, request).await?.into_inner();
//! println!("{:?}", quote.recommendations);
//! obi::shutdown(&client, std::time::Duration::from_secs(2)).await?; // revokes the token
//! # Ok(()) }
//! ```

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

pub use obi_api::*;
use sdk_auth::AuthOptions;
pub use sdk_auth::ObiConfig;

use crate::error::ErrorBody;

// ---------------------------------------------------------------------------------------------
// Ready clients
// ---------------------------------------------------------------------------------------------

ready_client_constructors! {
    config: ObiConfig,
    token_path: "/v1/auth/token",
    env: "`OBI_API_KEY`, `OBI_API_SECRET` and optionally `OBI_URL` (default [`DEFAULT_BASE_URL`])"
}

// ---------------------------------------------------------------------------------------------
// Revocation
// ---------------------------------------------------------------------------------------------

/// Revokes the client's current token (by its `jti`) and forgets it; the next call mints a
/// new one. Does nothing if no token is cached.
///
/// # Errors
/// Why the revocation request failed.
pub async fn revoke(client: &Client) -> Result<(), crate::Error> {
    Ok(auth(client).revoke().await?)
}

/// Revokes every token of the account (`{"all": true}`, the emergency switch when a secret
/// leaks) and empties the cache. Mints a token first if none is cached, since revoking needs
/// one. Other processes' tokens stop working within about 60 seconds.
///
/// # Errors
/// Why no token could be had or the revocation request failed.
pub async fn revoke_all(client: &Client) -> Result<(), crate::Error> {
    Ok(auth(client).revoke_all().await?)
}

/// Best-effort cleanup at process exit: revokes the current token within `timeout`.
///
/// # Errors
/// Kind [`Unavailable`](crate::ErrorKind::Unavailable) (with [`AuthError::Timeout`](crate::AuthError::Timeout)) if
/// `timeout` passed first, or why revocation failed; callers may ignore it.
pub async fn shutdown(client: &Client, timeout: Duration) -> Result<(), crate::Error> {
    Ok(auth(client).shutdown(timeout).await?)
}

// ---------------------------------------------------------------------------------------------
// Quotes: the both-or-neither rule
// ---------------------------------------------------------------------------------------------

/// A route-metadata field of [`types::QuoteRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteField {
    /// `distanceKm`.
    DistanceKm,
    /// `durationMinutes`.
    DurationMinutes,
}

impl RouteField {
    /// The JSON member name (`distanceKm` or `durationMinutes`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DistanceKm => "distanceKm",
            Self::DurationMinutes => "durationMinutes",
        }
    }
}

impl fmt::Display for RouteField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A [`types::QuoteRequest`] whose route metadata Obi would reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RouteMetadataError {
    /// Exactly one of `distanceKm` / `durationMinutes` is set; Obi answers
    /// 400 `route-metadata-incomplete`. Set both, or neither to let the gateway resolve the
    /// route.
    #[error("{present} is set but {missing} is not: send both or neither")]
    Incomplete {
        /// The field that is set.
        present: RouteField,
        /// The field that is missing.
        missing: RouteField,
    },
    /// The field is NaN or infinite, which JSON cannot carry (it would be sent as `null`).
    #[error("{0} must be a finite number")]
    NotFinite(RouteField),
}

/// Checks the both-or-neither rule of `distanceKm` / `durationMinutes` (and that a set value
/// is a finite number).
///
/// # Errors
/// [`RouteMetadataError`] naming the offending field.
pub fn check_route_metadata(request: &types::QuoteRequest) -> Result<(), RouteMetadataError> {
    let fields = [
        (RouteField::DistanceKm, request.distance_km),
        (RouteField::DurationMinutes, request.duration_minutes),
    ];
    for (field, value) in fields {
        if value.is_some_and(|v| !v.is_finite()) {
            return Err(RouteMetadataError::NotFinite(field));
        }
    }
    match fields {
        [(present, Some(_)), (missing, None)] | [(missing, None), (present, Some(_))] => {
            Err(RouteMetadataError::Incomplete { present, missing })
        }
        _ => Ok(()),
    }
}

crate::error::sealed::json_error_body!(types::ErrorResponse);

/// The error body of 400 and 403: a kebab-case `result` code, nothing else documented.
impl ErrorBody for types::ErrorResponse {
    fn code(&self) -> Option<&str> {
        self.result.as_deref()
    }
    fn message(&self) -> Option<Cow<'_, str>> {
        None
    }
}

/// Prices a trip: checks [`check_route_metadata`], then sends `POST /v1/quote`.
///
/// # Errors
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) with a
/// [`RouteMetadataError`] body, without any network traffic; else why the call failed
/// (400/403 carry a `result` code such as `account-blocked` in [`crate::Error::code`]).
pub async fn quote(
    client: &Client,
    request: types::QuoteRequest,
) -> Result<ResponseValue<types::QuoteResponse>, crate::Error> {
    check_route_metadata(&request).map_err(crate::Error::invalid_request)?;
    Ok(client.create_quote().body(request).send().await?)
}
