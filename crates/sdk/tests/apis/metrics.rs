//! Metrics (feature `metrics`) of the generated clients' calls on loopback, read from an
//! in-memory recorder: every API's operations are labelled with the generator's operation
//! ids, and no label holds a credential, token, identifier from a path, host or port.

use sdk::ManualClock;
use sdk_testkit::recorder;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Apis, BRIDGE_PATH, OBI_PATH, WALLET_ID, manual, mount_tokens, success};

#[tokio::test]
async fn every_api_is_measured_with_labels_that_are_names() {
    let capture = recorder::capture();
    let server = MockServer::start().await;
    mount_tokens(&server).await;
    // Obi fails once with 503 (a retry), Bridge refuses its first token once (a replay).
    for (route, status) in [(OBI_PATH, 503), (BRIDGE_PATH, 401)] {
        Mock::given(path(route))
            .respond_with(ResponseTemplate::new(status))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    for api in ["obi", "bridge", "origoid"] {
        let (route, body) = success(api);
        Mock::given(path(route))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .with_priority(2)
            .mount(&server)
            .await;
    }
    let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
    for api in ["obi", "bridge", "origoid"] {
        apis.call(api)
            .await
            .unwrap_or_else(|e| panic!("{api}: {e}"));
    }

    let metrics = capture.take();
    for (api, service, operation) in [
        ("obi", "default", "get_customer"),
        ("bridge", "baas", "get_wallet"),
        ("origoid", "default", "validate_curp"),
    ] {
        let call = [
            ("api", api),
            ("operation", operation),
            ("status_class", "2xx"),
        ];
        let durations = metrics.histogram("sdk_call_duration_seconds", &call);
        assert_eq!(durations.len(), 1, "{api}: {metrics:#?}");
        let tokens = [("api", api), ("service", service)];
        assert!(!metrics.histogram("sdk_token_age_ratio", &tokens).is_empty());
        let minted = [("api", api), ("source", "local"), ("outcome", "ok")];
        assert!(
            metrics.counter("sdk_token_mints_total", &minted) >= 1,
            "{api}"
        );
    }
    let decided = |api, decision, reason| {
        let labels = [("api", api), ("decision", decision), ("reason", reason)];
        metrics.counter("sdk_call_decisions_total", &labels)
    };
    assert_eq!(decided("obi", "retry", "http_503"), 1);
    assert_eq!(decided("bridge", "replay", "unauthorized"), 1);

    let address = server.address();
    let (host, port) = (address.to_string(), address.port().to_string());
    // The clients' credentials (see `Apis::new`), the tokens (`tok-<n>`), ids in paths.
    let secrets = [
        "pgw_key", "secret", "key-id", "tok-", WALLET_ID, "a1b2c3d4", "wallets", &host, &port,
    ];
    metrics.assert_labels_are_names(&secrets);
}
