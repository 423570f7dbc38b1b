//! The OrigoID envelope: [`Envelope::into_result`] classifies by `status` and `type` (never by
//! the HTTP status, since errors arrive with 200), and [`outcome`] does the same for a whole
//! generated call, converting every failure into [`crate::Error`].

use std::borrow::Cow;
use std::time::Duration;

use super::{Error, ErrorClass, ResponseValue, ResultType, types};
use crate::ErrorKind;
use crate::error::{ErrorBody, sealed::Sealed as ErrorBodySealed};

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

/// Turns the result of a generated `send()` into an [`Outcome`] or a [`crate::Error`], so
/// that errors delivered with HTTP 200 and the 401/429 envelopes are handled alike.
///
/// # Errors
/// A [`crate::Error`] whose kind follows the envelope's `type` ([`ResultType::error_kind`]),
/// with the envelope as its [`body`](crate::Error::body) ([`EnvelopeError`] for `status:
/// ERROR` on HTTP 200, [`types::ErrorEnvelope`] for 401/429), or the failure that left no
/// envelope (no token, connection, undecodable body).
pub fn outcome<E: Envelope>(
    sent: Result<ResponseValue<E>, Error<types::ErrorEnvelope>>,
) -> Result<Outcome<E::Data>, crate::Error> {
    Ok(sent?.into_inner().into_result()?)
}

/// [`outcome`] as a method: `client.validate_curp().body(b).send().await.outcome()?`.
pub trait OutcomeExt<D> {
    /// See [`outcome`].
    ///
    /// # Errors
    /// See [`outcome`].
    fn outcome(self) -> Result<Outcome<D>, crate::Error>;
}

impl<E: Envelope> OutcomeExt<E::Data> for Result<ResponseValue<E>, Error<types::ErrorEnvelope>> {
    fn outcome(self) -> Result<Outcome<E::Data>, crate::Error> {
        outcome(self)
    }
}

impl ErrorBodySealed for EnvelopeError {
    /// Never a body of its own: made from an HTTP-200 envelope by [`outcome`].
    fn decode(_: &[u8]) -> Option<Self> {
        None
    }
}

/// An error envelope that came with HTTP 200.
impl ErrorBody for EnvelopeError {
    fn code(&self) -> Option<&str> {
        Some(self.kind.as_str())
    }
    fn message(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(&self.message))
    }
    fn request_id(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(&self.transaction_id))
    }
    fn details(&self) -> Option<serde_json::Value> {
        (!self.errors.is_empty())
            .then(|| serde_json::to_value(&self.errors).ok())
            .flatten()
    }
    fn kind(&self) -> Option<ErrorKind> {
        Some(self.kind.error_kind())
    }
}

impl From<EnvelopeError> for crate::Error {
    fn from(error: EnvelopeError) -> Self {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(after) = error.retry_after
            && let Ok(value) = after.as_secs().to_string().parse()
        {
            headers.insert(reqwest::header::RETRY_AFTER, value);
        }
        crate::Error::from_response(reqwest::StatusCode::OK, &headers, Some(error))
    }
}

crate::error::sealed::json_error_body!(types::ErrorEnvelope);

/// The body of 401 and 429.
impl ErrorBody for types::ErrorEnvelope {
    fn code(&self) -> Option<&str> {
        Some(&self.type_)
    }
    fn message(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(&self.message))
    }
    fn request_id(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Owned(self.transaction_id.to_string()))
    }
    fn details(&self) -> Option<serde_json::Value> {
        self.errors
            .as_ref()
            .filter(|errors| !errors.is_empty())
            .and_then(|errors| serde_json::to_value(errors).ok())
    }
    fn kind(&self) -> Option<ErrorKind> {
        Some(ResultType::parse(&self.type_).error_kind())
    }
}
