//! Loopback mocks of the three APIs for your own tests (cargo feature `mock`).
//!
//! Each API has a mock server type ([`obi::ObiMock`], [`origoid::OrigoIdMock`],
//! [`bridge::BridgeMock`]) that starts an [`httpmock`] server on 127.0.0.1 with the API's
//! token endpoint already answering (and Obi's revocation endpoint), and hands out ready
//! clients pointed at it. Operations are mocked with the typed builders generated from each
//! spec: `MockServerExt` adds one method per operation, whose `when` and `then` take the
//! generated types, and `then.example()` answers with the spec's own example.
//!
//! ```
//! # #[tokio::main]
//! # async fn main() -> Result<(), sdk::Error> {
//! use sdk::mock::obi::{MockServerExt, ObiMock};
//! use sdk::obi::types::{Coordinates, QuoteRequest};
//!
//! let trip = QuoteRequest {
//!     pickup: Coordinates { latitude: 40.758, longitude: -73.9855 },
//!     destination: Coordinates { latitude: 40.6413, longitude: -73.7781 },
//!     distance_km: None,
//!     duration_minutes: None,
//!     scheduled_at: None,
//! };
//! let api = ObiMock::start().await;
//! let quote = api.create_quote(|when, then| {
//!     when.body(&trip);
//!     then.example(); // the spec's example answer
//! });
//! let answer = sdk::obi::quote(&api.client(), trip).await?;
//! quote.assert(); // called once, with exactly that body
//! assert_eq!(answer.currency.as_deref(), Some("USD"));
//! assert_eq!(api.token_endpoint().calls(), 1); // one token minted
//! # Ok(()) }
//! ```
//!
//! # Answers
//!
//! Each operation's `then` has a typed method per status its spec documents, taking the
//! generated type (`then.ok(&QuoteResponse {..})`, `then.forbidden(&ErrorResponse {..})`),
//! and `example()`. Any other answer, documented or not, is `then.status(code)` followed by
//! `.json(&value)` (any `Serialize` value: the generated error type, or `serde_json::json!`),
//! `.body(text)` and `.header(name, value)`. httpmock's own `Then` is `then.into_inner()`.
//!
//! # Mock clients retry like real ones
//!
//! The clients of a mock carry the same retry policy as production clients, so an idempotent
//! call answered 503 is sent 3 times before it fails, and `mock.assert()` (exactly one call)
//! fails with "expected 1 but was 3". For error tests, take a client without retries from
//! `client_with` (Bridge: `clients_with`):
//!
//! ```
//! # #[tokio::main]
//! # async fn main() {
//! use sdk::mock::obi::{MockServerExt, ObiMock};
//! use sdk::obi::types::{Coordinates, ErrorResponse, QuoteRequest};
//! use sdk::{AuthOptions, ErrorKind, RetryPolicy};
//! # let point = |latitude, longitude| Coordinates { latitude, longitude };
//! # let trip = QuoteRequest { pickup: point(1.0, 2.0), destination: point(3.0, 4.0),
//! #     distance_km: None, duration_minutes: None, scheduled_at: None };
//!
//! let api = ObiMock::start().await;
//! let outage = api.create_quote(|_, then| {
//!     // 503 is not in Obi's spec: any status, any body.
//!     then.status(503)
//!         .header("retry-after", "1")
//!         .json(&ErrorResponse { result: Some("maintenance".into()) });
//! });
//! let client = api.client_with(AuthOptions::default().retry(RetryPolicy::disabled()));
//! let err = sdk::obi::quote(&client, trip).await.unwrap_err();
//! outage.assert(); // one call: no retries
//! assert_eq!(err.kind(), ErrorKind::Unavailable);
//! assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(1)));
//! # }
//! ```
//!
//! Mocks are matched oldest first, so the token endpoints mounted at start win over a later
//! mock of the same route; delete one (`api.token_endpoint().delete()`) to mock it yourself.
//! Enable the feature in `dev-dependencies` only, and repeat `default-features = false` and
//! your API features there (`features = ["obi", "mock"]`): a dev-dependency without them
//! turns every API back on in your test builds.

use std::ops::Deref;

pub use httpmock::{self, Method, Mock, MockServer, Then, When};

#[cfg(feature = "bridge")]
pub mod bridge;
#[cfg(feature = "obi")]
pub mod obi;
#[cfg(feature = "origoid")]
pub mod origoid;

/// A started mock server of one API with its auth endpoints answering. The per-API types
/// dereference to it, and it dereferences to the [`MockServer`], so every `MockServerExt`
/// method and every `MockServer` method works on them.
pub struct MockApi {
    server: MockServer,
    auth: Vec<usize>,
}

impl MockApi {
    /// Starts a server on 127.0.0.1 and mounts the auth endpoints `mount` creates.
    async fn start(mount: impl for<'a> FnOnce(&'a MockServer) -> Vec<Mock<'a>>) -> Self {
        let server = MockServer::start_async().await;
        let auth = mount(&server).iter().map(Mock::id).collect();
        Self { server, auth }
    }

    /// The mock server (also reachable through `Deref`).
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// The auth endpoint mocks mounted at start, in the order each API documents
    /// (`calls()` counts mints and revocations; `delete()` to mock one yourself).
    pub fn auth_endpoints(&self) -> Vec<Mock<'_>> {
        self.auth
            .iter()
            .map(|id| Mock::new(*id, &self.server))
            .collect()
    }

    /// The `index`th auth endpoint mock.
    fn auth_endpoint(&self, index: usize) -> Mock<'_> {
        Mock::new(self.auth[index], &self.server)
    }

    /// The server's base URL, `http://127.0.0.1:<port>`.
    fn url(&self) -> String {
        self.server.base_url()
    }
}

impl std::fmt::Debug for MockApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockApi")
            .field("url", &self.server.base_url())
            .field("auth_endpoints", &self.auth.len())
            .finish()
    }
}

impl Deref for MockApi {
    type Target = MockServer;

    fn deref(&self) -> &MockServer {
        &self.server
    }
}

/// `Deref` of a per-API mock type to its [`MockApi`].
macro_rules! deref_to_mock_api {
    ($api:ty) => {
        impl std::ops::Deref for $api {
            type Target = $crate::mock::MockApi;

            fn deref(&self) -> &$crate::mock::MockApi {
                &self.0
            }
        }
    };
}
use deref_to_mock_api;

/// A ready client against a loopback mock: its configuration is ours and always valid.
fn ready<T, E: std::fmt::Display>(client: Result<T, E>) -> T {
    client.unwrap_or_else(|e| unreachable!("a client for a loopback mock is always valid: {e}"))
}
