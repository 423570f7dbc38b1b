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
//! * [`outcome`]: the same for the whole result of a generated `send()`, so transport errors,
//!   401/429 envelopes and errors delivered with HTTP 200 end up in one [`CallError`].
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
//!     Err(error) if error.is_transient() => println!("retry later: {error}"),
//!     Err(error) => return Err(error.into()),
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

pub use origoid_api::*;
use sdk_auth::{AuthError, AuthOptions, OrigoIdConfig};

// ---------------------------------------------------------------------------------------------
// Ready clients
// ---------------------------------------------------------------------------------------------

ready_client_constructors! {
    config: OrigoIdConfig,
    token_path: "/auth/token",
    env: "`ORIGOID_API_KEY`, or `ORIGOID_USERNAME` + `ORIGOID_PASSWORD`; optionally `ORIGOID_URL` (default [`DEFAULT_BASE_URL`]) and `ORIGOID_EXPIRE_AFTER` (token lifetime in seconds)"
}

// ---------------------------------------------------------------------------------------------
// Result type codes
// ---------------------------------------------------------------------------------------------

/// Defines [`ResultType`] from one table of `Variant => "CODE"` rows.
macro_rules! result_types {
    ($($(#[$doc:meta])* $variant:ident => $code:literal,)+) => {
        /// The envelope's `type` code: an open set. Every code the OrigoID spec documents is a
        /// variant; any other code decodes as [`Other`](Self::Other), so new codes never break
        /// decoding.
        ///
        /// Variants may be added in minor releases (a code previously seen as `Other` then gets
        /// its own variant), hence `#[non_exhaustive]`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ResultType {
            $($(#[$doc])* $variant,)+
            /// A code this SDK does not know, kept verbatim.
            Other(String),
        }

        impl ResultType {
            /// Every known code, in declaration order (excludes [`Other`](Self::Other)).
            pub const KNOWN: &'static [ResultType] = &[$(ResultType::$variant,)+];

            /// The code as OrigoID spells it, e.g. `"SERVICE_UNAVAILABLE"`.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $code,)+
                    Self::Other(code) => code,
                }
            }

            /// Parses a code; unknown codes become [`Other`](Self::Other) (never fails).
            pub fn parse(code: &str) -> Self {
                match code {
                    $($code => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }
    };
}

result_types! {
    // Generic codes (every operation).
    /// `SUCCESS`: processed with a positive result (`status: OK`).
    Success => "SUCCESS",
    /// `INVALID_REQUEST`: input rejected, details in `errors` (HTTP 200, `status: ERROR`).
    InvalidRequest => "INVALID_REQUEST",
    /// `UNAUTHORIZED`: credentials missing or rejected, IP or endpoint not allowed (HTTP 401).
    Unauthorized => "UNAUTHORIZED",
    /// `RATE_LIMIT_EXCEEDED`: per-endpoint limit hit; see `Retry-After` (HTTP 429).
    RateLimitExceeded => "RATE_LIMIT_EXCEEDED",
    /// `SERVICE_UNAVAILABLE`: an upstream registry is down; retry with backoff (HTTP 200).
    ServiceUnavailable => "SERVICE_UNAVAILABLE",
    /// `INTERNAL_ERROR`: OrigoID failed; report the `transactionId` (HTTP 200).
    InternalError => "INTERNAL_ERROR",
    // RENAPO.
    /// `CURP_NOT_FOUND`: no such CURP (`status: OK`, but `ERROR` on `extract_curp_document`).
    CurpNotFound => "CURP_NOT_FOUND",
    /// `CURP_DECEASED`: the holder is reported deceased.
    CurpDeceased => "CURP_DECEASED",
    /// `CURP_HOMONYMY`: the CURP is shared by homonyms.
    CurpHomonymy => "CURP_HOMONYMY",
    /// `CURP_APOCRYPHAL`: the CURP is apocryphal.
    CurpApocryphal => "CURP_APOCRYPHAL",
    /// `CURP_JUDICIAL_SUSPENSION`: the CURP is suspended by judicial order.
    CurpJudicialSuspension => "CURP_JUDICIAL_SUSPENSION",
    /// `CURP_INACTIVE`: the CURP is inactive.
    CurpInactive => "CURP_INACTIVE",
    // IMSS / ISSSTE.
    /// `PERSON_WITHOUT_NSS`: the person has no IMSS social security number.
    PersonWithoutNss => "PERSON_WITHOUT_NSS",
    /// `IMSS_INCONSISTENT_DATA`: IMSS holds inconsistent data for the person.
    ImssInconsistentData => "IMSS_INCONSISTENT_DATA",
    /// `IMSS_OPERATION_LIMIT`: IMSS's daily quota is exhausted (`status: ERROR`).
    ImssOperationLimit => "IMSS_OPERATION_LIMIT",
    /// `INACTIVE_EMPLOYMENT`: no active employment is registered.
    InactiveEmployment => "INACTIVE_EMPLOYMENT",
    /// `MISMATCH_CURP_NSS`: the CURP and the NSS belong to different people.
    MismatchCurpNss => "MISMATCH_CURP_NSS",
    /// `INACTIVE`: the ISSSTE worker is inactive.
    Inactive => "INACTIVE",
    /// `DECEASED`: the ISSSTE worker is deceased.
    Deceased => "DECEASED",
    /// `PENSIONER`: the ISSSTE record is a pensioner's.
    Pensioner => "PENSIONER",
    /// `SCHOLAR`: the ISSSTE record is a scholarship holder's.
    Scholar => "SCHOLAR",
    // INE.
    /// `VALID_VOTER`: the voter credential is valid.
    ValidVoter => "VALID_VOTER",
    /// `VALID_FOREIGN_VOTER`: valid credential of a voter residing abroad.
    ValidForeignVoter => "VALID_FOREIGN_VOTER",
    /// `VALID_AS_ID_ONLY`: valid as identification only (not for voting).
    ValidAsIdOnly => "VALID_AS_ID_ONLY",
    /// `INE_NOT_FOUND`: no such voter credential.
    IneNotFound => "INE_NOT_FOUND",
    /// `INE_NOT_VALID`: the voter credential is not valid.
    IneNotValid => "INE_NOT_VALID",
    /// `REPORTED_AS_STOLEN_OR_LOST`: the credential is reported stolen or lost.
    ReportedAsStolenOrLost => "REPORTED_AS_STOLEN_OR_LOST",
    /// `SUSPENDED_BY_JUDICIAL_ORDER`: the credential is suspended by judicial order.
    SuspendedByJudicialOrder => "SUSPENDED_BY_JUDICIAL_ORDER",
    /// `MISMATCHED_OCR`: the OCR number does not match the credential.
    MismatchedOcr => "MISMATCHED_OCR",
    // Documents and images.
    /// `IMAGE_UNREADABLE`: the image could not be read.
    ImageUnreadable => "IMAGE_UNREADABLE",
    /// `DOCUMENT_NOT_SUPPORTED`: the document type is not supported.
    DocumentNotSupported => "DOCUMENT_NOT_SUPPORTED",
    /// `DOCUMENT_NOT_IDENTIFIED`: the document type could not be identified.
    DocumentNotIdentified => "DOCUMENT_NOT_IDENTIFIED",
    /// `DOCUMENT_NOT_TRUSTED`: the document failed authenticity checks.
    DocumentNotTrusted => "DOCUMENT_NOT_TRUSTED",
    // Biometrics.
    /// `FACE_MISMATCH`: the faces do not match.
    FaceMismatch => "FACE_MISMATCH",
    /// `DOCUMENT_MISMATCH`: the document is not of the expected type.
    DocumentMismatch => "DOCUMENT_MISMATCH",
    /// `NO_DOCUMENT_DETECTED`: no ID document in the image.
    NoDocumentDetected => "NO_DOCUMENT_DETECTED",
    /// `NO_FACE_DETECTED`: no face in the image.
    NoFaceDetected => "NO_FACE_DETECTED",
    /// `MULTIPLE_FACES_DETECTED`: more than one face in the image.
    MultipleFacesDetected => "MULTIPLE_FACES_DETECTED",
    // Fiscal.
    /// `RFC_NOT_FOUND`: no such RFC.
    RfcNotFound => "RFC_NOT_FOUND",
    /// `RFC_NOT_INVOICEABLE`: the RFC cannot receive invoices.
    RfcNotInvoiceable => "RFC_NOT_INVOICEABLE",
    /// `TAX_PROFILE_NOT_FOUND`: no tax-status certificate found.
    TaxProfileNotFound => "TAX_PROFILE_NOT_FOUND",
    /// `CFDI_NOT_FOUND`: no such e-invoice.
    CfdiNotFound => "CFDI_NOT_FOUND",
    /// `CFDI_CANCELED`: the e-invoice was cancelled.
    CfdiCanceled => "CFDI_CANCELED",
    // Banking (CEP).
    /// `PAYMENT_FOUND`: the transfer exists.
    PaymentFound => "PAYMENT_FOUND",
    /// `CEP_NOT_FOUND`: no such transfer.
    CepNotFound => "CEP_NOT_FOUND",
    /// `SETTLED_NO_CEP`: settled, but no CEP is available yet.
    SettledNoCep => "SETTLED_NO_CEP",
    /// `TRANSFER_RETURNED`: the transfer was returned.
    TransferReturned => "TRANSFER_RETURNED",
    /// `TRANSFER_CANCELLED`: the transfer was cancelled.
    TransferCancelled => "TRANSFER_CANCELLED",
}

impl ResultType {
    /// How an error with this code should be handled (meaningful for `status: ERROR`).
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::ServiceUnavailable => ErrorClass::Transient,
            Self::RateLimitExceeded | Self::ImssOperationLimit => ErrorClass::RateLimited,
            Self::InvalidRequest | Self::Unauthorized => ErrorClass::Client,
            Self::InternalError => ErrorClass::Server,
            _ => ErrorClass::Business,
        }
    }
}

impl fmt::Display for ResultType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ResultType {
    type Err = std::convert::Infallible;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Ok(Self::parse(code))
    }
}

impl From<&str> for ResultType {
    fn from(code: &str) -> Self {
        Self::parse(code)
    }
}

impl serde::Serialize for ResultType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ResultType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Self::parse(&code))
    }
}

/// What to do about an [`EnvelopeError`]; see [`ResultType::class`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// `SERVICE_UNAVAILABLE`: an upstream source is temporarily down; retry with backoff.
    Transient,
    /// `RATE_LIMIT_EXCEEDED` (retry after `Retry-After`) or `IMSS_OPERATION_LIMIT` (IMSS's
    /// daily quota): retry later.
    RateLimited,
    /// `INVALID_REQUEST` or `UNAUTHORIZED`: fix the request or the credentials; retrying the
    /// same call cannot succeed.
    Client,
    /// `INTERNAL_ERROR`: OrigoID failed; keep the `transactionId` for support.
    Server,
    /// Any other code sent with `status: ERROR`, e.g. `CURP_NOT_FOUND` from
    /// `extract_curp_document`, or a code this SDK does not know: an endpoint-specific
    /// negative result, not worth retrying.
    Business,
}

// ---------------------------------------------------------------------------------------------
// Envelope → Result
// ---------------------------------------------------------------------------------------------

/// A processed call (`status: OK`). The business verdict is in [`kind`](Self::kind): a
/// negative result such as `CURP_NOT_FOUND` or `FACE_MISMATCH` is still an `Outcome`, often
/// without [`data`](Self::data).
#[derive(Debug, Clone)]
pub struct Outcome<D> {
    /// The envelope's `type`: [`ResultType::Success`] or an endpoint-specific verdict.
    pub kind: ResultType,
    /// Human-readable summary (English; display only, its wording is not stable).
    pub message: String,
    /// The payload; `None` for not-found-type verdicts.
    pub data: Option<D>,
    /// The gateway's `transactionId`; quote it to OrigoID support.
    pub transaction_id: String,
    /// Whether the call was charged to the plan.
    pub billable: bool,
}

impl<D> Outcome<D> {
    /// True when [`kind`](Self::kind) is `SUCCESS`.
    pub fn is_success(&self) -> bool {
        self.kind == ResultType::Success
    }
}

/// An envelope with `status: ERROR`, whatever its HTTP status (200 for `INVALID_REQUEST`,
/// `SERVICE_UNAVAILABLE` and `INTERNAL_ERROR`; 401 and 429 otherwise).
///
/// Not to be confused with [`types::EnvelopeError`], the generated type of one item of
/// [`errors`](Self::errors).
#[derive(Debug, Clone, thiserror::Error)]
#[error("OrigoID answered {kind}: {message}{} (transactionId {transaction_id})", details(.errors))]
pub struct EnvelopeError {
    /// The envelope's `type` (`INVALID_REQUEST`, `SERVICE_UNAVAILABLE`, …).
    pub kind: ResultType,
    /// Human-readable summary (English; display only).
    pub message: String,
    /// Input problems (`field`, `code`, `message`); empty unless `INVALID_REQUEST`.
    pub errors: Vec<types::EnvelopeError>,
    /// The gateway's `transactionId`; quote it to OrigoID support.
    pub transaction_id: String,
    /// Whether the call was charged to the plan (normally `false` for errors).
    pub billable: bool,
    /// The server's `Retry-After`, when the error came from a response that had one
    /// (set by [`outcome`] for HTTP 429; `None` from [`Envelope::into_result`]).
    pub retry_after: Option<Duration>,
}

fn details(errors: &[types::EnvelopeError]) -> String {
    let pairs: Vec<String> = errors
        .iter()
        .map(|e| format!("{} {}", e.field, e.code))
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!(" [{}]", pairs.join(", "))
    }
}

impl EnvelopeError {
    /// How to handle this error; see [`ErrorClass`].
    pub fn class(&self) -> ErrorClass {
        self.kind.class()
    }

    /// True for errors worth retrying later: [`ErrorClass::Transient`]
    /// (`SERVICE_UNAVAILABLE`) and [`ErrorClass::RateLimited`].
    pub fn is_transient(&self) -> bool {
        matches!(
            self.class(),
            ErrorClass::Transient | ErrorClass::RateLimited
        )
    }

    /// True for [`ErrorClass::Client`]: `INVALID_REQUEST` or `UNAUTHORIZED`.
    pub fn is_client_error(&self) -> bool {
        self.class() == ErrorClass::Client
    }
}

mod sealed {
    pub trait Sealed {}
}

/// An OrigoID response envelope: every generated `*Envelope` type, one per operation, and
/// [`types::ErrorEnvelope`] (the body of 401 and 429). Sealed: implemented here only.
pub trait Envelope: sealed::Sealed + Sized {
    /// The type of the envelope's `data`.
    type Data;

    /// The envelope's `type` code, without consuming it.
    fn result_type(&self) -> ResultType;

    /// `Ok` for `status: OK` (whatever the business verdict), `Err` for `status: ERROR`.
    ///
    /// # Errors
    /// An [`EnvelopeError`] carrying `type`, `message`, `errors[]` and `transactionId`.
    fn into_result(self) -> Result<Outcome<Self::Data>, EnvelopeError>;
}

/// The one classification rule, shared by every [`Envelope`] implementation.
fn classify<D>(
    status: types::EnvelopeStatus,
    kind: &str,
    message: String,
    data: Option<D>,
    errors: Option<Vec<types::EnvelopeError>>,
    transaction_id: String,
    billable: bool,
) -> Result<Outcome<D>, EnvelopeError> {
    let kind = ResultType::parse(kind);
    match status {
        types::EnvelopeStatus::Ok => Ok(Outcome {
            kind,
            message,
            data,
            transaction_id,
            billable,
        }),
        types::EnvelopeStatus::Error => Err(EnvelopeError {
            kind,
            message,
            errors: errors.unwrap_or_default(),
            transaction_id,
            billable,
            retry_after: None,
        }),
    }
}

/// Implements [`Envelope`] for generated envelope types (`Envelope => data type`).
macro_rules! envelopes {
    ($($envelope:ident => $data:ty,)+) => {$(
        impl sealed::Sealed for types::$envelope {}

        impl Envelope for types::$envelope {
            type Data = $data;

            fn result_type(&self) -> ResultType {
                ResultType::parse(&self.type_)
            }

            fn into_result(self) -> Result<Outcome<$data>, EnvelopeError> {
                classify(
                    self.status,
                    &self.type_,
                    self.message,
                    self.data,
                    self.errors,
                    self.transaction_id.to_string(),
                    self.billable,
                )
            }
        }
    )+};
}

envelopes! {
    ErrorEnvelope => serde_json::Map<String, serde_json::Value>,
    TokenEnvelope => types::TokenData,
    CurpValidationEnvelope => types::RenapoRecord,
    CurpLookupEnvelope => types::RenapoRecord,
    CurpDocumentEnvelope => types::CurpDocumentData,
    ImssNssLookupEnvelope => types::ImssNssLookupData,
    ImssEmploymentStatusEnvelope => types::ImssEmploymentStatusData,
    IssteRecordEnvelope => types::IssteRecordData,
    VoterListValidationEnvelope => types::VoterListValidationData,
    VoterIdExtractionEnvelope => types::VoterIdExtractionData,
    QrExtractionEnvelope => types::QrExtractionData,
    FaceMatchEnvelope => types::FaceMatchData,
    LivenessCheckEnvelope => types::LivenessCheckData,
    Sat69SearchEnvelope => types::Sat69SearchData,
    Sat69bSearchEnvelope => types::Sat69bSearchData,
    OfacSearchEnvelope => types::OfacSearchData,
    PepSearchEnvelope => types::PepSearchData,
    EmailValidationEnvelope => types::EmailValidationData,
    ProofOfAddressEnvelope => types::ProofOfAddressData,
    RfcValidationEnvelope => types::RfcValidationData,
    CsfExtractionEnvelope => types::CsfExtractionData,
    CfdiValidationEnvelope => types::CfdiValidationData,
    CepValidationEnvelope => types::CepValidationData,
}

/// Why a call made with a generated builder did not produce an [`Outcome`].
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// OrigoID answered with `status: ERROR`: HTTP 200 (`INVALID_REQUEST`,
    /// `SERVICE_UNAVAILABLE`, `INTERNAL_ERROR`, …), 401 or 429.
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    /// No envelope could be had: no token (the auth error is in the message), connection
    /// failure, an undocumented HTTP status (404, 405, 5xx) or an undecodable body.
    #[error(transparent)]
    Http(Box<Error<types::ErrorEnvelope>>),
}

impl CallError {
    /// True for failures worth retrying later: a transient or rate-limited envelope
    /// ([`EnvelopeError::is_transient`]), a connection failure, or an undocumented
    /// 408/429/502/503/504 response.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Envelope(error) => error.is_transient(),
            Self::Http(error) => match &**error {
                Error::CommunicationError(_) => true,
                other => other
                    .status()
                    .is_some_and(|status| matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)),
            },
        }
    }

    /// The envelope error, if OrigoID sent one.
    pub fn envelope(&self) -> Option<&EnvelopeError> {
        match self {
            Self::Envelope(error) => Some(error),
            Self::Http(_) => None,
        }
    }
}

/// Turns the result of a generated `send()` into an [`Outcome`] or a [`CallError`], so that
/// errors delivered with HTTP 200 and the 401/429 envelopes are handled alike.
///
/// # Errors
/// [`CallError::Envelope`] for `status: ERROR` (with `retry_after` from a 429's
/// `Retry-After`), [`CallError::Http`] for everything without an envelope.
pub fn outcome<E: Envelope>(
    sent: Result<ResponseValue<E>, Error<types::ErrorEnvelope>>,
) -> Result<Outcome<E::Data>, CallError> {
    match sent {
        Ok(response) => Ok(response.into_inner().into_result()?),
        Err(Error::ErrorResponse(response)) => {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse().ok())
                .map(Duration::from_secs);
            match response.into_inner().into_result() {
                // A documented error status with `status: OK` would be a server bug; report
                // it as an error of its `type` rather than as a success.
                Ok(processed) => Err(EnvelopeError {
                    kind: processed.kind,
                    message: processed.message,
                    errors: Vec::new(),
                    transaction_id: processed.transaction_id,
                    billable: processed.billable,
                    retry_after,
                }
                .into()),
                Err(error) => Err(EnvelopeError {
                    retry_after,
                    ..error
                }
                .into()),
            }
        }
        Err(error) => Err(CallError::Http(Box::new(error))),
    }
}
