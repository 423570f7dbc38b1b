//! A mock of OrigoID: token endpoint answering, typed operation mocks.

pub use origoid_api::mock::{MockServerExt, mount_examples, operations};

use super::{Mock, MockApi, deref_to_mock_api, ready};
use crate::AuthOptions;
use crate::origoid::{Client, OrigoIdConfig};

/// The API key the mock's clients send (`x-api-key`).
pub const API_KEY: &str = "mock-origoid-key";
/// The bearer token the mock's token endpoint hands out.
pub const TOKEN: &str = "mock-origoid-token";

/// A loopback OrigoID: `POST /auth/token` answers [`TOKEN`] (1 h) in a success envelope to
/// [`API_KEY`].
#[derive(Debug)]
pub struct OrigoIdMock(MockApi);

deref_to_mock_api!(OrigoIdMock);

impl OrigoIdMock {
    /// Starts the server.
    pub async fn start() -> Self {
        Self(
            MockApi::start(|server| {
                vec![server.mock(|when, then| {
                    when.method("POST")
                        .path("/auth/token")
                        .header("x-api-key", API_KEY);
                    then.status(200).json_body(serde_json::json!({
                        "status": "OK", "type": "SUCCESS", "message": "Token generated",
                        "data": {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600},
                        "transactionId": "00000000-0000-4000-8000-000000000000",
                        "processedAt": "2024-01-01T00:00:00Z", "billable": false
                    }));
                })]
            })
            .await,
        )
    }

    /// A client of this server, with default [`AuthOptions`]: it retries like a production
    /// client (see [the module docs](super#mock-clients-retry-like-real-ones)).
    pub fn client(&self) -> Client {
        self.client_with(AuthOptions::default())
    }

    /// A client of this server with `options`; for error tests that count calls, retries
    /// off: `AuthOptions::default().retry(RetryPolicy::disabled())`.
    pub fn client_with(&self, options: AuthOptions) -> Client {
        let config = OrigoIdConfig::api_key(API_KEY.to_owned().into());
        ready(crate::origoid::client_at(
            &self.url(),
            config.options(options),
        ))
    }

    /// The token endpoint mock (`calls()` = mints).
    pub fn token_endpoint(&self) -> Mock<'_> {
        self.auth_endpoint(0)
    }
}
