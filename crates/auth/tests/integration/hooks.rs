//! The contract with the generated clients: the hook impl the generator emits, verbatim,
//! on a stand-in `Client`, driven through progenitor's `ClientHooks` against loopback.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::AUTHORIZATION;
use sdk_auth::{Auth, ManualClock};
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{GatedMinter, HOUR, options};

/// What progenitor generates (`Clone + Debug`, inner type `sdk_auth::Auth`).
#[derive(Clone, Debug)]
struct Client {
    baseurl: String,
    client: reqwest::Client,
    inner: Auth,
}

impl ClientInfo<Auth> for Client {
    fn api_version() -> &'static str {
        "1"
    }
    fn baseurl(&self) -> &str {
        &self.baseurl
    }
    fn client(&self) -> &reqwest::Client {
        &self.client
    }
    fn inner(&self) -> &Auth {
        &self.inner
    }
}

const UNAUTHENTICATED_OPERATIONS: &[&str] = &["generate_token"];

impl progenitor_client::ClientHooks<sdk_auth::Auth> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        if UNAUTHENTICATED_OPERATIONS.contains(&info.operation_id) {
            return Ok(());
        }
        self.inner()
            .authorize(request)
            .await
            .map_err(|e| progenitor_client::Error::Custom(e.to_string()))
    }
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        if UNAUTHENTICATED_OPERATIONS.contains(&info.operation_id) {
            return self.client().execute(request).await;
        }
        self.inner().execute(self.client(), request).await
    }
}

fn assert_auth_bounds<T: Clone + std::fmt::Debug + Send + Sync + 'static>() {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_hooks_compile_and_run() {
    assert_auth_bounds::<Auth>();
    let server = MockServer::start().await;
    Mock::given(path("/v1/me"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/generate-token"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let minter = GatedMinter::new(HOUR, true);
    let client = Client {
        baseurl: server.uri(),
        client: reqwest::Client::new(),
        inner: Auth::from_minter(minter.clone(), options(&ManualClock::new())),
    };
    // Spawning proves the hook futures are `Send`.
    let task = tokio::spawn(async move {
        let mut statuses = Vec::new();
        for operation_id in ["get_me", "generate_token"] {
            let info = OperationInfo { operation_id };
            let path = if operation_id == "get_me" {
                "/v1/me"
            } else {
                "/generate-token"
            };
            let mut request = client
                .client()
                .get(format!("{}{path}", client.baseurl()))
                .build()
                .unwrap();
            client.pre::<()>(&mut request, &info).await.unwrap();
            assert_eq!(
                request.headers().contains_key(AUTHORIZATION),
                operation_id == "get_me"
            );
            statuses.push(client.exec(request, &info).await.unwrap().status().as_u16());
        }
        statuses
    });
    assert_eq!(task.await.unwrap(), [200, 200]);
    assert_eq!(minter.calls(), 1);
}

/// A failed mint surfaces through `pre` as `Error::Custom` with the typed error's message.
#[tokio::test]
async fn pre_maps_auth_errors_to_custom() {
    let minter = GatedMinter::new(HOUR, true);
    minter.set_failure(Some(sdk_auth::AuthError::InvalidCredentials));
    let client = Client {
        baseurl: "http://127.0.0.1:9".into(),
        client: reqwest::Client::new(),
        inner: Auth::from_minter(minter, options(&ManualClock::new())),
    };
    let mut request = client
        .client()
        .get("http://127.0.0.1:9/v1/me")
        .build()
        .unwrap();
    let error = client
        .pre::<()>(
            &mut request,
            &OperationInfo {
                operation_id: "get_me",
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, progenitor_client::Error::Custom(ref m) if m.contains("rejected the credentials")),
        "{error:?}"
    );
}
