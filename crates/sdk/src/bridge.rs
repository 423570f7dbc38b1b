//! Bridge (x-bridge) Banking-as-a-Service: the generated typed clients plus the glue that
//! the vendor's quirks call for.
//!
//! Bridge is two independent services with one bearer model and **separate key pairs**:
//!
//! - the **BaaS core** (KYC, lending, wallets): [`baas::Client`];
//! - the **Collections gateway** (mobile USSD collections, `/collection/*`):
//!   [`collections::Client`].
//!
//! [`Clients`] builds both in one call, each with its own base URL and its own [`Auth`]
//! (own key pair, own token cache), so a BaaS token is never sent to the gateway nor the other
//! way round, and a Collections operation cannot be called on the BaaS client: they are
//! different types. Tokens are minted on first use, refreshed ahead of expiry and, on a 401,
//! re-minted and the request replayed once.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use sdk::bridge::{self, BridgeError, Clients, collections::types::MobileCollectionRequest};
//!
//! // BRIDGE_BAAS_KEY_ID / _SECRET / _URL and BRIDGE_GATEWAY_KEY_ID / _SECRET / _URL.
//! let clients = Clients::from_env()?;
//!
//! // Typed success, friendly typed error.
//! let products = clients.baas.list_loan_products().send().await.map_err(BridgeError::from)?;
//! println!("{} loan products", products.len());
//!
//! // `transaction_id` is *your* reference: the idempotency key and the poll key.
//! let request = MobileCollectionRequest {
//!     amount: 1000.0,
//!     currency: "TZS".into(),
//!     fsp_id: bridge::DEFAULT_FSP_ID.into(),
//!     payer_phone: "+255700000000".into(),
//!     transaction_id: "ORDER_12345".into(),
//! };
//! clients.collections.trigger_mobile_collection().body(request).send().await
//!     .map_err(BridgeError::from)?;
//! let done = bridge::poll_collection(
//!     &clients.collections,
//!     "ORDER_12345",
//!     bridge::DEFAULT_FSP_ID,
//!     Duration::from_secs(180),
//!     Duration::from_secs(3),
//! )
//! .await?;
//! println!("collected {:?}", done.collected_amount);
//! # Ok(()) }
//! ```
//!
//! Vendor quirks handled here (see each item): lenient error bodies ([`BridgeError`],
//! [`ApiErrorExt`]), the customer id arriving as `customerId` or `id` ([`CustomerIdExt`]), the
//! phone lookup answering `200 null` instead of 404 ([`find_customer_by_phone`]), and
//! undocumented terminal collection states ([`CollectionState`], [`poll_collection`]).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use sdk_auth::{Auth, AuthError, AuthOptions, Clock, SystemClock};
use serde_json::Value;

/// The generated `bridge-api` crate, re-exported whole.
pub use bridge_api as api;
/// The generated Bridge modules and server list.
pub use bridge_api::{SERVERS, Server, baas, collections};
/// Bridge credential and configuration types of the auth core.
pub use sdk_auth::{BridgeConfig, BridgeCredentials, BridgeService};

/// The loan operations the vendor does not document (undo-disbursement, undo-approval,
/// withdraw); enabled by the `bridge-undocumented` cargo feature.
#[cfg(feature = "bridge-undocumented")]
pub use bridge_api::undocumented;

/// The only payment service provider the Collections gateway supports today (covers Airtel
/// Money, Mixx by Yas and Halotel); pass it as `fspId`.
pub const DEFAULT_FSP_ID: &str = "CLICKPESA";

// ---------------------------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------------------------

/// Ready-to-use clients for both Bridge services, each with its own base URL and [`Auth`].
///
/// The two `Auth`s never share a token: the BaaS one mints with the BaaS key pair at
/// `{baas_url}/generate-token`, the gateway one with the gateway key pair at
/// `{gateway_url}/generate-token`, and each only stamps requests to its own origin.
#[derive(Debug, Clone)]
pub struct Clients {
    /// BaaS core client (KYC, lending, wallets), with the BaaS token.
    pub baas: baas::Client,
    /// Collections gateway client (`/collection/*`), with the gateway token.
    pub collections: collections::Client,
    /// Client for the undocumented loan operations; it talks to the BaaS core and shares the
    /// BaaS [`Auth`] (same key pair, same token).
    #[cfg(feature = "bridge-undocumented")]
    pub undocumented: undocumented::Client,
}

impl Clients {
    /// Starts a builder from the two key pairs (BaaS core, Collections gateway). Each service
    /// talks to the base URL set on its credentials, else to [`baas::DEFAULT_BASE_URL`] and
    /// [`collections::DEFAULT_BASE_URL`].
    pub fn builder(baas: BridgeCredentials, gateway: BridgeCredentials) -> ClientsBuilder {
        ClientsBuilder {
            baas,
            gateway,
            options: AuthOptions::default(),
        }
    }

    /// Clients configured from the process environment: `BRIDGE_BAAS_KEY_ID`,
    /// `BRIDGE_BAAS_SECRET`, `BRIDGE_GATEWAY_KEY_ID` and `BRIDGE_GATEWAY_SECRET` are required;
    /// `BRIDGE_BAAS_URL` and `BRIDGE_GATEWAY_URL` are optional (include the `/api` suffix).
    /// Empty values count as unset.
    ///
    /// # Errors
    /// [`AuthError::Config`] naming the first missing variable (never a value), or an invalid
    /// base URL (https only; plain http only to loopback).
    pub fn from_env() -> Result<Self, AuthError> {
        Self::from_env_with(|name| std::env::var(name).ok(), AuthOptions::default())
    }

    /// [`from_env`](Self::from_env) reading variables from `env` instead of the process
    /// environment (tests never touch the real one), with explicit [`AuthOptions`]. A shared
    /// token store set in `env` (`SDK_TOKEN_STORE_URL`, see
    /// [`SharedStore::from_env`](crate::SharedStore::from_env)) is added to `options`.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_env_with(
        env: impl Fn(&str) -> Option<String>,
        options: AuthOptions,
    ) -> Result<Self, AuthError> {
        let baas = BridgeCredentials::from_env(BridgeService::Baas, &env)?;
        let gateway = BridgeCredentials::from_env(BridgeService::Gateway, &env)?;
        let options = crate::with_env_store(options, &env)?;
        Self::builder(baas, gateway).options(options).build()
    }

    /// Assembles clients from `Auth`s you built yourself (custom minters, shared options).
    ///
    /// Give each service its own `Auth`; one `Auth` for both would hand the BaaS token to the
    /// gateway if both base URLs had the same origin.
    pub fn from_auth(
        baas_url: &str,
        baas_auth: Auth,
        gateway_url: &str,
        gateway_auth: Auth,
    ) -> Self {
        let baas_url = baas_url.trim_end_matches('/');
        Self {
            #[cfg(feature = "bridge-undocumented")]
            undocumented: undocumented::Client::new(baas_url, baas_auth.clone()),
            baas: baas::Client::new(baas_url, baas_auth),
            collections: collections::Client::new(gateway_url.trim_end_matches('/'), gateway_auth),
        }
    }
}

/// Builder of [`Clients`]: base URLs and auth options on top of the two key pairs.
#[derive(Debug, Clone)]
pub struct ClientsBuilder {
    baas: BridgeCredentials,
    gateway: BridgeCredentials,
    options: AuthOptions,
}

impl ClientsBuilder {
    /// BaaS core base URL, including the `/api` suffix (default [`baas::DEFAULT_BASE_URL`]).
    /// Tokens are minted at `{url}/generate-token` and calls go to `{url}/...`: always the same
    /// host. Replaces a base URL set on the credentials.
    pub fn baas_url(mut self, url: impl Into<String>) -> Self {
        self.baas = self.baas.base_url(url);
        self
    }

    /// Collections gateway base URL, including the `/api` suffix (default
    /// [`collections::DEFAULT_BASE_URL`]). Same rules as [`baas_url`](Self::baas_url).
    pub fn gateway_url(mut self, url: impl Into<String>) -> Self {
        self.gateway = self.gateway.base_url(url);
        self
    }

    /// Token options (clock, refresh policy, mint timeouts) for both services.
    pub fn options(mut self, options: AuthOptions) -> Self {
        self.options = options;
        self
    }

    /// Builds one [`Auth`] per service and the clients around them.
    ///
    /// # Errors
    /// [`AuthError::Config`] for an empty key id or an invalid base URL (https only; plain
    /// http only to loopback). Nothing is sent: the first token is minted on first use.
    pub fn build(self) -> Result<Clients, AuthError> {
        let auth = |service: BridgeService, credentials: BridgeCredentials| {
            let url = credentials
                .effective_base_url(service)
                .trim_end_matches('/')
                .to_owned();
            let credentials = credentials.base_url(url.clone());
            let config = match service {
                BridgeService::Baas => BridgeConfig::new().baas(credentials),
                BridgeService::Gateway => BridgeConfig::new().gateway(credentials),
            };
            Ok::<_, AuthError>((url, config.options(self.options.clone()).build()?))
        };
        let (baas_url, baas_auth) = auth(BridgeService::Baas, self.baas)?;
        let (gateway_url, gateway_auth) = auth(BridgeService::Gateway, self.gateway)?;
        Ok(Clients::from_auth(
            &baas_url,
            baas_auth,
            &gateway_url,
            gateway_auth,
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// What kind of failure a [`BridgeError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BridgeErrorKind {
    /// The API answered with a documented error status (400, 401, 403, 404, 409, 422, 5xx);
    /// `code`, `message` and `details` come from its body.
    Api,
    /// No token could be had (bad credentials, token endpoint down, bad configuration); the
    /// request was not sent.
    Auth,
    /// The request could not be sent or the response not read (connection, timeout).
    Transport,
    /// A response body could not be decoded (e.g. an HTML error page, or an empty success
    /// body where JSON was expected); `message` holds the raw text.
    InvalidResponse,
    /// The request was incomplete or invalid before it was sent (e.g. a missing required
    /// builder field).
    InvalidRequest,
    /// A status the API description does not list (e.g. 405, 429); see `status`.
    UnexpectedStatus,
}

/// A Bridge failure in one friendly shape, whatever body the vendor sent.
///
/// Built from any generated operation's error with `From` (so `?` and
/// `.map_err(BridgeError::from)` work): the documented body
/// `{"error": {"code", "message", "details"}}` and the observed NestJS-style bodies
/// `{"statusCode", "code", "error", "message"}` and `{"message", "error"}` all fill `code` /
/// `message` / `details` (see [`ApiErrorExt`] for the precedence).
#[derive(Debug, Clone, PartialEq)]
pub struct BridgeError {
    /// What kind of failure this is.
    pub kind: BridgeErrorKind,
    /// HTTP status, when a response was received and its status is known.
    pub status: Option<u16>,
    /// Machine-readable code: `BAD_REQUEST`, `UNAUTHORIZED`, `NOT_FOUND`, … in documented
    /// bodies; observed bodies may carry a leaked database code such as `22P02`.
    pub code: Option<String>,
    /// Human-readable message (never empty; falls back to a description of the failure).
    pub message: String,
    /// Extra details, e.g. why a payment verification failed; shape undocumented.
    pub details: Option<Value>,
}

impl BridgeError {
    /// True if retrying later may succeed: connection failures, 409 (the same idempotency
    /// reference is still in flight: retry with the **same** reference), 429 and 5xx.
    ///
    /// Loan creation, wallet opening, approve and disburse carry no idempotency key: do not
    /// blindly retry them after a timeout.
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            BridgeErrorKind::Transport => true,
            _ => matches!(self.status, Some(409 | 429 | 500..=599)),
        }
    }

    /// True for a 404 (not found *in this environment*: sandbox and production ids differ).
    pub fn is_not_found(&self) -> bool {
        self.status == Some(404)
    }

    fn new(kind: BridgeErrorKind, status: Option<u16>, message: impl Into<String>) -> Self {
        Self {
            kind,
            status,
            code: None,
            message: message.into(),
            details: None,
        }
    }
}

impl fmt::Display for BridgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bridge")?;
        if let Some(status) = self.status {
            write!(f, " HTTP {status}")?;
        }
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for BridgeError {}

impl<E: ApiErrorExt> From<progenitor_client::Error<E>> for BridgeError {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error;
        match error {
            Error::ErrorResponse(response) => {
                let status = response.status().as_u16();
                let body = response.into_inner();
                Self {
                    kind: BridgeErrorKind::Api,
                    status: Some(status),
                    code: body.code().map(str::to_owned),
                    message: body.message().map_or_else(
                        || {
                            http_reason(status)
                                .map_or_else(|| format!("HTTP {status}"), str::to_owned)
                        },
                        Cow::into_owned,
                    ),
                    details: body.details().cloned(),
                }
            }
            Error::Custom(message) => Self::new(BridgeErrorKind::Auth, None, message),
            Error::InvalidRequest(message) => {
                Self::new(BridgeErrorKind::InvalidRequest, None, message)
            }
            Error::CommunicationError(e)
            | Error::ResponseBodyError(e)
            | Error::InvalidUpgrade(e) => Self::new(
                BridgeErrorKind::Transport,
                e.status().map(|s| s.as_u16()),
                e.to_string(),
            ),
            Error::InvalidResponsePayload(bytes, e) => {
                let text = String::from_utf8_lossy(&bytes);
                let message = if text.trim().is_empty() {
                    format!("empty response body ({e})")
                } else {
                    format!("undecodable response body ({e}): {}", truncate(&text, 500))
                };
                Self::new(BridgeErrorKind::InvalidResponse, None, message)
            }
            Error::UnexpectedResponse(response) => {
                let status = response.status().as_u16();
                Self::new(
                    BridgeErrorKind::UnexpectedStatus,
                    Some(status),
                    format!("unexpected HTTP status {}", response.status()),
                )
            }
        }
    }
}

fn http_reason(status: u16) -> Option<&'static str> {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
}

fn truncate(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

mod sealed {
    use serde_json::Value;

    /// The fields of a generated `ApiError`, independent of which module generated it.
    pub struct ErrorView<'a> {
        pub nested_code: Option<&'a str>,
        pub nested_message: Option<&'a str>,
        pub nested_details: Option<&'a Value>,
        pub error_text: Option<&'a str>,
        pub code: Option<&'a str>,
        pub message: Option<Vec<&'a str>>,
        pub details: Option<&'a Value>,
        pub status_code: Option<i64>,
    }

    pub trait Sealed {
        fn view(&self) -> ErrorView<'_>;
    }
}

/// Accessors that pick the right field of a lenient generated `ApiError`
/// (`baas::types::ApiError`, `collections::types::ApiError`, and
/// `undocumented::types::ApiError` with the feature).
///
/// The nested documented object wins over the top-level NestJS-style fields:
///
/// | Body | `code()` | `message()` |
/// |---|---|---|
/// | `{"error":{"code":"NOT_FOUND","message":"Resource not found"}}` | `NOT_FOUND` | `Resource not found` |
/// | `{"statusCode":500,"code":"22P02","error":"Internal Server Error","message":"invalid input…"}` | `22P02` | `invalid input…` |
/// | `{"message":"Failed to create loan","error":"[object Object]"}` | `None` | `Failed to create loan` |
/// | `{"error":"Bad Gateway"}` | `None` | `Bad Gateway` |
pub trait ApiErrorExt: sealed::Sealed {
    /// `error.code`, else the top-level `code`.
    fn code(&self) -> Option<&str> {
        let view = self.view();
        view.nested_code.or(view.code)
    }

    /// `error.message`, else the top-level `message` (a list of messages is joined with
    /// `"; "`), else a string `error` that is not a stringified object.
    fn message(&self) -> Option<Cow<'_, str>> {
        let view = self.view();
        view.nested_message
            .map(Cow::Borrowed)
            .or_else(|| match view.message.as_deref() {
                Some([]) | None => None,
                Some([one]) => Some(Cow::Borrowed(*one)),
                Some(many) => Some(Cow::Owned(many.join("; "))),
            })
            .or_else(|| {
                view.error_text
                    .filter(|text| !text.starts_with("[object"))
                    .map(Cow::Borrowed)
            })
    }

    /// `error.details`, else the top-level `details`.
    fn details(&self) -> Option<&Value> {
        let view = self.view();
        view.nested_details.or(view.details)
    }

    /// The HTTP status repeated in NestJS-style bodies (`statusCode`).
    fn status_code(&self) -> Option<i64> {
        self.view().status_code
    }

    /// The `error` member when it is a plain string (NestJS reason phrase such as
    /// `"Internal Server Error"`, or the useless `"[object Object]"`).
    fn error_text(&self) -> Option<&str> {
        self.view().error_text
    }
}

/// Implements the sealed view for the `ApiError` of each generated module (the modules
/// generate structurally identical but distinct types).
macro_rules! api_error_view {
    ($($module:ident),+) => {$(
        impl sealed::Sealed for $module::types::ApiError {
            fn view(&self) -> sealed::ErrorView<'_> {
                use $module::types::{ApiErrorInfo, ApiErrorMessage};
                let (nested, error_text) = match &self.error {
                    Some(ApiErrorInfo::ApiErrorDetail(detail)) => (Some(detail), None),
                    Some(ApiErrorInfo::String(text)) => (None, Some(text.as_str())),
                    None => (None, None),
                };
                sealed::ErrorView {
                    nested_code: nested.and_then(|d| d.code.as_deref()),
                    nested_message: nested.and_then(|d| d.message.as_deref()),
                    nested_details: nested.and_then(|d| d.details.as_ref()),
                    error_text,
                    code: self.code.as_deref(),
                    message: self.message.as_ref().map(|message| match message {
                        ApiErrorMessage::String(one) => vec![one.as_str()],
                        ApiErrorMessage::Array(many) => many.iter().map(String::as_str).collect(),
                    }),
                    details: self.details.as_ref(),
                    status_code: self.status_code,
                }
            }
        }
        impl ApiErrorExt for $module::types::ApiError {}
    )+};
}

api_error_view!(baas, collections);
#[cfg(feature = "bridge-undocumented")]
api_error_view!(undocumented);

// ---------------------------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------------------------

/// The customer id of a response that carries it as `customerId` or as `id` ("both appear in
/// the wild"): `customerId` wins, `id` is the fallback.
pub trait CustomerIdExt {
    /// The customer id, if the response carries one under either key.
    fn customer_id_any(&self) -> Option<&str>;
}

fn pick_customer_id<'a>(customer_id: Option<&'a str>, id: Option<&'a str>) -> Option<&'a str> {
    customer_id
        .filter(|v| !v.is_empty())
        .or(id.filter(|v| !v.is_empty()))
}

/// Implements [`CustomerIdExt`] for generated types with `customer_id` and `id` fields.
macro_rules! customer_id_ext {
    ($($ty:ty),+) => {$(
        impl CustomerIdExt for $ty {
            fn customer_id_any(&self) -> Option<&str> {
                pick_customer_id(self.customer_id.as_deref(), self.id.as_deref())
            }
        }
    )+};
}

customer_id_ext!(
    baas::types::Customer,
    baas::types::UpsertCustomerResponse,
    baas::types::ActivateCustomerResponse
);

/// For untyped responses (e.g. `list_customers` items): reads `customerId`, then `id`, when
/// they are strings.
impl CustomerIdExt for Value {
    fn customer_id_any(&self) -> Option<&str> {
        pick_customer_id(
            self.get("customerId").and_then(Value::as_str),
            self.get("id").and_then(Value::as_str),
        )
    }
}

/// Looks a customer up by phone (E.164, e.g. `+255700000000`): `Ok(None)` when nobody has
/// that number.
///
/// The live API answers `200` with a `null` body when nothing matches, while the spec
/// documents a 404; both mean "no such customer" here. Dedupe by this lookup before
/// `upsert_customer`.
///
/// # Errors
/// Any other failure, as a [`BridgeError`].
pub async fn find_customer_by_phone(
    client: &baas::Client,
    mobile: &str,
) -> Result<Option<baas::types::Customer>, BridgeError> {
    match client.get_customer_by_phone().mobile(mobile).send().await {
        Ok(found) => Ok(found.into_inner()),
        Err(error) => {
            let error = BridgeError::from(error);
            if error.is_not_found() && error.kind == BridgeErrorKind::Api {
                Ok(None)
            } else {
                Err(error)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Collections polling
// ---------------------------------------------------------------------------------------------

/// Where a collection stands, classified from the raw `status` string.
///
/// Only `PENDING`, `PROCESSING` and `COMPLETED` are documented; failure values are not, so any
/// other value is a terminal failure and is kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CollectionState {
    /// `PENDING`: not yet sent to the payer.
    Pending,
    /// `PROCESSING`: the USSD prompt is with the payer.
    Processing,
    /// `COMPLETED`: the money was collected.
    Completed,
    /// Any other value: a terminal failure, with the raw value.
    Failed(String),
    /// The response carried no `status` at all (treated as not yet terminal).
    Unknown,
}

impl CollectionState {
    /// Classifies a raw status (compared case-insensitively, surrounding spaces ignored).
    pub fn from_status(status: Option<&str>) -> Self {
        let Some(raw) = status else {
            return Self::Unknown;
        };
        match raw.trim().to_ascii_uppercase().as_str() {
            "PENDING" => Self::Pending,
            "PROCESSING" => Self::Processing,
            "COMPLETED" => Self::Completed,
            "" => Self::Unknown,
            _ => Self::Failed(raw.to_owned()),
        }
    }

    /// True for [`Completed`](Self::Completed) and [`Failed`](Self::Failed).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed(_))
    }
}

/// How [`poll_collection_with`] waits: overall timeout, first interval, backoff cap and the
/// clock it sleeps on.
#[derive(Debug, Clone)]
pub struct PollOptions {
    timeout: Duration,
    interval: Duration,
    max_interval: Duration,
    clock: Arc<dyn Clock>,
}

impl PollOptions {
    /// Gives up after `timeout`; waits `interval` after the first poll and doubles the wait
    /// after each further one, up to the larger of `interval` and 30 s. Sleeps on
    /// [`SystemClock`] (Tokio's timer, which reqwest needs anyway).
    pub fn new(timeout: Duration, interval: Duration) -> Self {
        Self {
            timeout,
            interval,
            max_interval: interval.max(Duration::from_secs(30)),
            clock: Arc::new(SystemClock),
        }
    }

    /// Caps the backoff between polls (never below the first interval).
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval.max(self.interval);
        self
    }

    /// The clock to read time from and sleep on: any async runtime, or
    /// [`sdk_auth::ManualClock`] in tests (its sleeps return at once).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    fn delay(&self, polls_done: u32) -> Duration {
        let factor = 1u32
            .checked_shl(polls_done.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.interval
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_interval)
    }
}

/// Why [`poll_collection`] did not return a completed collection.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PollError {
    /// The collection reached a terminal status other than `COMPLETED`; `status` is the raw
    /// value (failure values are undocumented).
    #[error("collection ended with status {status:?}")]
    Failed {
        /// The raw terminal status.
        status: String,
        /// The last status response.
        collection: Box<collections::types::CollectionStatus>,
    },
    /// No terminal status within the caller's timeout.
    #[error("collection not terminal after {waited:?} (last status {last_status:?})")]
    TimedOut {
        /// Time spent polling.
        waited: Duration,
        /// The last status seen, if any response had one.
        last_status: Option<String>,
        /// The last retryable error, if the last poll failed.
        last_error: Option<BridgeError>,
    },
    /// A status request failed with an error that retrying will not fix (e.g. 401 after the
    /// replay, 403, 404, 422).
    #[error(transparent)]
    Api(#[from] BridgeError),
}

/// Polls `GET /collection/status` until the collection is `COMPLETED` (returned), reaches
/// another terminal status ([`PollError::Failed`]) or `timeout` passes
/// ([`PollError::TimedOut`]), waiting `interval` after the first poll and backing off
/// (doubling, capped at 30 s or `interval` if larger) after each further one.
///
/// `transaction_id` is **your** reference from `trigger_mobile_collection`: it is both the
/// poll key and the idempotency key of the collection. Reuse it on retries (a 409 means it is
/// still in flight); never mint a new one for the same payment. Afterwards pass it as
/// `gatewayReference` to `submit_loan_payment` / `submit_wallet_deposit` on the BaaS core.
/// `fsp_id` is normally [`DEFAULT_FSP_ID`].
///
/// Retryable failures of a poll ([`BridgeError::is_retryable`]) are retried within the
/// timeout; others end the poll with [`PollError::Api`]. The deadline is checked between
/// polls; each request is bounded by the HTTP client's own timeout. Sleeps on
/// [`SystemClock`]; use [`poll_collection_with`] for another clock.
///
/// # Errors
/// See [`PollError`].
pub async fn poll_collection(
    client: &collections::Client,
    transaction_id: &str,
    fsp_id: &str,
    timeout: Duration,
    interval: Duration,
) -> Result<collections::types::CollectionStatus, PollError> {
    poll_collection_with(
        client,
        transaction_id,
        fsp_id,
        &PollOptions::new(timeout, interval),
    )
    .await
}

/// [`poll_collection`] with explicit [`PollOptions`] (backoff cap, clock).
///
/// # Errors
/// See [`PollError`].
pub async fn poll_collection_with(
    client: &collections::Client,
    transaction_id: &str,
    fsp_id: &str,
    options: &PollOptions,
) -> Result<collections::types::CollectionStatus, PollError> {
    let clock = &options.clock;
    let start = clock.now();
    let mut polls = 0u32;
    let mut last_status = None;
    let mut last_error: Option<BridgeError>;
    loop {
        let result = client
            .get_collection_status()
            .transaction_id(transaction_id)
            .fsp_id(fsp_id)
            .send()
            .await;
        polls += 1;
        match result.map(progenitor_client::ResponseValue::into_inner) {
            Ok(collection) => {
                last_error = None;
                let state = CollectionState::from_status(collection.status.as_deref());
                tracing::debug!(transaction_id, ?state, polls, "collection status");
                match state {
                    CollectionState::Completed => return Ok(collection),
                    CollectionState::Failed(status) => {
                        return Err(PollError::Failed {
                            status,
                            collection: Box::new(collection),
                        });
                    }
                    _ => last_status = collection.status,
                }
            }
            Err(error) => {
                let error = BridgeError::from(error);
                if !error.is_retryable() {
                    return Err(PollError::Api(error));
                }
                tracing::debug!(transaction_id, %error, polls, "collection status poll failed; retrying");
                last_error = Some(error);
            }
        }
        let waited = clock.now().saturating_duration_since(start);
        let Some(remaining) = options.timeout.checked_sub(waited).filter(|r| !r.is_zero()) else {
            return Err(PollError::TimedOut {
                waited,
                last_status,
                last_error,
            });
        };
        clock.sleep(options.delay(polls).min(remaining)).await;
    }
}
