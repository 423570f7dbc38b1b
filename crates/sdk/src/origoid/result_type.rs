//! [`ResultType`]: the envelope's `type` code, an open set, and how to handle each.

use std::fmt;
use std::str::FromStr;

use crate::ErrorKind;

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
    /// The [`ErrorKind`] of an envelope with `status: ERROR` and this code.
    pub fn error_kind(&self) -> ErrorKind {
        match self.class() {
            ErrorClass::Transient | ErrorClass::Server => ErrorKind::Unavailable,
            ErrorClass::RateLimited => ErrorKind::RateLimited,
            ErrorClass::Client if *self == Self::Unauthorized => ErrorKind::Auth,
            ErrorClass::Client | ErrorClass::Business => ErrorKind::Rejected,
        }
    }

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

/// What to do about an [`EnvelopeError`](super::EnvelopeError); see [`ResultType::class`].
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
