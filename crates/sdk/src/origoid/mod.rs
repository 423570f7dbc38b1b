//! OrigoID (Mexican and global identity, compliance, fiscal and banking checks): the generated
//! client, a ready-to-use constructor and typed handling of the OrigoID response envelope.
//!
//! # Layout
//!
//! Everything of the generated crate `origoid-api` is re-exported here with
//! `pub use origoid_api::*`, so [`Client`], [`types`], [`builder`], [`Error`],
//! [`ResponseValue`] and [`DEFAULT_BASE_URL`] are reachable as `sdk::origoid::…` without a
//! second dependency. The hand-written additions are:
//!
//! * [`client`], [`client_at`], [`from_env`] and [`from_env_with`]: a [`Client`] whose bearer
//!   token is minted, cached, refreshed and replayed on 401 by [`sdk_auth::Auth`];
//! * [`Envelope`]: implemented by every generated per-operation envelope (and by
//!   [`types::ErrorEnvelope`]); [`Envelope::into_result`] turns an envelope into an
//!   [`Outcome`] or an [`EnvelopeError`];
//! * [`outcome`] (or [`OutcomeExt::outcome`]): the same for the whole result of a generated
//!   `send()`, so transport errors, 401/429 envelopes and errors delivered with HTTP 200 all
//!   end up in one [`crate::Error`].
//!
//! # Errors arrive with HTTP 200
//!
//! OrigoID answers `INVALID_REQUEST`, `SERVICE_UNAVAILABLE` and `INTERNAL_ERROR` with HTTP 200
//! and `status: "ERROR"`, so the generated client returns them as `Ok`. Only the envelope says
//! what happened: [`Envelope::into_result`] classifies by `status` and `type`, never by the HTTP
//! status.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use sdk::origoid::{self, ResultType, types::CurpValidationRequest};
//!
//! // Reads ORIGOID_API_KEY (or ORIGOID_USERNAME + ORIGOID_PASSWORD) and ORIGOID_URL.
//! let client = origoid::from_env()?;
//! let sent = client
//!     .validate_curp()
//!     .body(CurpValidationRequest { curp: "TEST900101HDFRRN09".into(), generate_rfc: None })
//!     .send()
//!     .await;
//! match origoid::outcome(sent) {
//!     Ok(outcome) if outcome.kind == ResultType::Success => println!("{:?}", outcome.data),
//!     Ok(outcome) => println!("verdict {}", outcome.kind), // e.g. CURP_NOT_FOUND, CURP_DECEASED
//!     Err(error) if error.is_retryable() => println!("retry later: {error}"),
//!     Err(error) => return Err(error.into()),
//! }
//! # Ok(()) }
//! ```

mod envelope;
mod result_type;

pub use envelope::{Envelope, EnvelopeError, Outcome, OutcomeExt, outcome};
pub use origoid_api::*;
pub use result_type::{ErrorClass, ResultType};
pub use sdk_auth::{OrigoIdConfig, OrigoIdCredentials};

use sdk_auth::AuthOptions;

ready_client_constructors! {
    config: OrigoIdConfig,
    token_path: "/auth/token",
    env: "`ORIGOID_API_KEY`, or `ORIGOID_USERNAME` + `ORIGOID_PASSWORD`; optionally `ORIGOID_URL` (default [`DEFAULT_BASE_URL`]) and `ORIGOID_EXPIRE_AFTER` (token lifetime in seconds)"
}
