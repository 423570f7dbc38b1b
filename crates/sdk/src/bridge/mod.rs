//! Bridge (x-bridge) Banking-as-a-Service: the generated typed clients plus the glue that
//! the vendor's quirks call for.
//!
//! Bridge is two independent services with one bearer model and **separate key pairs**:
//!
//! - the **BaaS core** (KYC, lending, wallets): [`baas::Client`];
//! - the **Collections gateway** (mobile USSD collections, `/collection/*`):
//!   [`collections::Client`].
//!
//! [`Clients`] builds both in one call, each with its own base URL and its own [`Auth`](crate::Auth)
//! (own key pair, own token cache), so a BaaS token is never sent to the gateway nor the other
//! way round, and a Collections operation cannot be called on the BaaS client: they are
//! different types. Need only one service? [`baas_from_env`] and [`collections_from_env`]
//! build it alone. Tokens are minted on first use, refreshed ahead of expiry and, on a 401,
//! re-minted and the request replayed once.
//!
//! ```no_run
//! # async fn demo() -> Result<(), sdk::Error> {
//! use std::time::Duration;
//! use sdk::bridge::{self, Clients, Decimal, collections::types::MobileCollectionRequest};
//!
//! // BRIDGE_BAAS_KEY_ID / _SECRET / _URL and BRIDGE_COLLECTIONS_KEY_ID / _SECRET / _URL.
//! let clients = Clients::from_env()?;
//!
//! // Typed success; any failure converts into `sdk::Error` with `?`.
//! let products = clients.baas.list_loan_products().send().await?;
//! println!("{} loan products", products.len());
//!
//! // `transaction_id` is *your* reference: the idempotency key and the poll key.
//! let request = MobileCollectionRequest {
//!     amount: Decimal::from(1000), // or "1000.00".parse()?
//!     currency: "TZS".into(),
//!     fsp_id: bridge::DEFAULT_FSP_ID.into(),
//!     payer_phone: "+255700000000".into(),
//!     transaction_id: "ORDER_12345".into(),
//! };
//! clients.collections.trigger_mobile_collection().body(request).send().await?;
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
//! # Money
//!
//! Every amount, in requests and responses, is a [`Decimal`] (`rust_decimal`, re-exported
//! here): read from a JSON number (`1000`, `33333.33`) or a decimal string (`"1000.00"`), as
//! Bridge answers both, and sent as a JSON number, as Bridge expects. An amount with more
//! significant digits than a JSON number carries exactly fails to encode instead of being
//! rounded. Units are on each field: MAJOR currency units unless the name says `minor`.
//!
//! Vendor quirks handled here (see each item): lenient error bodies ([`ApiErrorExt`], read
//! by [`crate::Error`]), the customer id arriving as `customerId` or `id` ([`CustomerIdExt`]),
//! the phone lookup answering `200 null` instead of 404 ([`find_customer_by_phone`]), and
//! undocumented terminal collection states ([`CollectionState`], [`poll_collection`]).

mod clients;
mod customers;
mod errors;
mod poll;

/// The generated `bridge-api` crate, re-exported whole.
pub use bridge_api as api;
/// The generated Bridge modules and server list.
pub use bridge_api::{SERVERS, Server, baas, collections};
/// The decimal type of every Bridge amount, and its crate (for `prelude::ToPrimitive` and the
/// like) so that no second dependency is needed.
pub use rust_decimal::{self, Decimal};
/// Bridge credential and configuration types of the auth core.
pub use sdk_auth::{BridgeConfig, BridgeCredentials, BridgeService};

/// The loan operations the vendor does not document (undo-disbursement, undo-approval,
/// withdraw); enabled by the `bridge-undocumented` cargo feature.
#[cfg(feature = "bridge-undocumented")]
pub use bridge_api::undocumented;

pub use clients::{
    Clients, ClientsBuilder, baas_client, baas_from_env, baas_from_env_with, collections_client,
    collections_from_env, collections_from_env_with,
};
pub use customers::{CustomerIdExt, find_customer_by_phone};
pub use errors::ApiErrorExt;
pub use poll::{CollectionState, PollError, PollOptions, poll_collection, poll_collection_with};

/// The only payment service provider the Collections gateway supports today (covers Airtel
/// Money, Mixx by Yas and Halotel); pass it as `fspId`.
pub const DEFAULT_FSP_ID: &str = "CLICKPESA";
