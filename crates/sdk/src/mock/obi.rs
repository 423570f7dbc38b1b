//! A mock of Obi FARE.AI: token and revocation endpoints answering, typed operation mocks.

pub use obi_api::mock::{MockServerExt, mount_examples, operations};

use super::{Mock, MockApi, deref_to_mock_api, ready};
use crate::AuthOptions;
use crate::obi::{Client, ObiConfig};

/// The API key the mock's clients send (`X-API-KEY`).
pub const API_KEY: &str = "mock-obi-key";
/// The API secret the mock's clients send (`X-API-SECRET`).
pub const API_SECRET: &str = "mock-obi-secret";
/// The bearer token the mock's token endpoint hands out.
pub const TOKEN: &str = "mock-obi-token";

/// A loopback Obi: `POST /v1/auth/token` answers [`TOKEN`] (24 h) to [`API_KEY`] +
/// [`API_SECRET`], `POST /v1/auth/revoke` answers 200.
#[derive(Debug)]
pub struct ObiMock(MockApi);

deref_to_mock_api!(ObiMock);

impl ObiMock {
    /// Starts the server.
    pub async fn start() -> Self {
        Self(
            MockApi::start(|server| {
                vec![
                    server.mock(|when, then| {
                        when.method("POST")
                            .path("/v1/auth/token")
                            .header("x-api-key", API_KEY)
                            .header("x-api-secret", API_SECRET);
                        then.status(200).json_body(serde_json::json!({
                            "token": TOKEN, "jti": "mock-jti", "ttlSeconds": 86_400
                        }));
                    }),
                    server.mock(|when, then| {
                        when.method("POST").path("/v1/auth/revoke");
                        then.status(200);
                    }),
                ]
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
        let config = ObiConfig::new(API_KEY.to_owned().into(), API_SECRET.to_owned().into());
        ready(crate::obi::client_at(&self.url(), config.options(options)))
    }

    /// The token endpoint mock (`calls()` = mints).
    pub fn token_endpoint(&self) -> Mock<'_> {
        self.auth_endpoint(0)
    }

    /// The revocation endpoint mock (`calls()` = revocations).
    pub fn revoke_endpoint(&self) -> Mock<'_> {
        self.auth_endpoint(1)
    }
}
