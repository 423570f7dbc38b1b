//! A mock of Bridge, both services on one server: the token endpoint answers each service's
//! key pair with its own token; typed operation mocks per service module.

pub use bridge_api::baas::mock as baas;
pub use bridge_api::collections::mock as collections;
/// Typed mocks of the undocumented loan operations.
#[cfg(feature = "bridge-undocumented")]
pub use bridge_api::undocumented::mock as undocumented;

use super::{Mock, MockApi, deref_to_mock_api, ready};
use crate::AuthOptions;
use crate::bridge::{BridgeCredentials, BridgeService, Clients};

/// The key id and secret the mock's BaaS client sends.
pub const BAAS_KEY: (&str, &str) = ("mock-baas-key", "mock-baas-secret");
/// The key id and secret the mock's Collections client sends.
pub const COLLECTIONS_KEY: (&str, &str) = ("mock-collections-key", "mock-collections-secret");
/// The bearer token of the BaaS service.
pub const BAAS_TOKEN: &str = "mock-baas-token";
/// The bearer token of the Collections service.
pub const COLLECTIONS_TOKEN: &str = "mock-collections-token";

/// A loopback Bridge serving both services: `POST /generate-token` answers [`BAAS_TOKEN`] to
/// [`BAAS_KEY`] and [`COLLECTIONS_TOKEN`] to [`COLLECTIONS_KEY`] (1 h each). Mock operations
/// with [`baas::MockServerExt`] and [`collections::MockServerExt`].
#[derive(Debug)]
pub struct BridgeMock(MockApi);

deref_to_mock_api!(BridgeMock);

impl BridgeMock {
    /// Starts the server.
    pub async fn start() -> Self {
        Self(
            MockApi::start(|server| {
                [(BAAS_KEY, BAAS_TOKEN), (COLLECTIONS_KEY, COLLECTIONS_TOKEN)]
                    .into_iter()
                    .map(|((key_id, secret), token)| {
                        server.mock(|when, then| {
                            when.method("POST")
                                .path("/generate-token")
                                .json_body(serde_json::json!({"keyId": key_id, "secret": secret}));
                            then.status(200).json_body(serde_json::json!({
                                "token": token, "expiresAt": null, "expiresIn": 3600
                            }));
                        })
                    })
                    .collect()
            })
            .await,
        )
    }

    /// Clients of both services on this server, with default [`AuthOptions`]: they retry like
    /// production clients (see [the module docs](super#mock-clients-retry-like-real-ones)).
    pub fn clients(&self) -> Clients {
        self.clients_with(AuthOptions::default())
    }

    /// Clients of both services on this server with `options`; for error tests that count
    /// calls, retries off: `AuthOptions::default().retry(RetryPolicy::disabled())`.
    pub fn clients_with(&self, options: AuthOptions) -> Clients {
        let [baas, collections] = [BAAS_KEY, COLLECTIONS_KEY].map(|(key_id, secret)| {
            BridgeCredentials::new(key_id, secret.to_owned().into()).base_url(self.url())
        });
        ready(Clients::builder(baas, collections).options(options).build())
    }

    /// A BaaS client alone.
    pub fn baas_client(&self) -> crate::bridge::baas::Client {
        self.clients().baas
    }

    /// A Collections client alone.
    pub fn collections_client(&self) -> crate::bridge::collections::Client {
        self.clients().collections
    }

    /// The token endpoint mock of `service` (`calls()` = its mints).
    pub fn token_endpoint(&self, service: BridgeService) -> Mock<'_> {
        self.auth_endpoint(match service {
            BridgeService::Baas => 0,
            BridgeService::Collections => 1,
        })
    }
}
