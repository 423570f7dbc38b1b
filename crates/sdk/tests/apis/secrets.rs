//! Secrets never leak through the facade: flows against loopback servers run with a TRACE
//! subscriber, then every captured log line and the Debug/Display of clients and errors are
//! searched for canary secrets and tokens.

use sdk::bridge::Clients;
use sdk::obi::types::{Coordinates, QuoteRequest};
use sdk::{AuthOptions, obi, origoid};
use sdk_testkit::logs::Capture;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CANARIES: [&str; 6] = [
    "CANARY-bridge-baas-secret",
    "CANARY-bridge-gateway-secret",
    "CANARY-origoid-key",
    "CANARY-obi-secret",
    "CANARY-TOKEN-obi",
    "CANARY-TOKEN-bridge",
];

fn assert_no_canary(what: &str, text: &str) {
    for canary in CANARIES {
        assert!(!text.contains(canary), "{what} leaks {canary}:\n{text}");
    }
}

#[tokio::test]
async fn no_secret_or_token_in_logs_debug_or_errors() {
    let capture = Capture::start();

    let server = MockServer::start().await;
    let token = |body: serde_json::Value| ResponseTemplate::new(200).set_body_json(body);
    // Two mints: the first token is refused (401), so the flow also re-mints and replays.
    for n in [1, 2] {
        Mock::given(method("POST"))
            .and(path("/obi/v1/auth/token"))
            .respond_with(token(json!({"token": format!("CANARY-TOKEN-obi-{n}"), "jti": format!("j{n}"), "ttlSeconds": 3600})))
            .up_to_n_times(1)
            .with_priority(n)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/obi/v1/quote"))
        .and(header("authorization", "Bearer CANARY-TOKEN-obi-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/obi/v1/quote"))
        .and(header("authorization", "Bearer CANARY-TOKEN-obi-2"))
        .respond_with(token(json!({"recommendations": {}, "marketPrices": {}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/obi/v1/auth/revoke"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/bridge/api/generate-token"))
        .respond_with(token(
            json!({"token": "CANARY-TOKEN-bridge", "expiresAt": null}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/bridge/api/v1/kyc/customers/phone/%2B255700000000"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"statusCode": 500, "message": "boom"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/origoid/auth/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"status": "ERROR", "type": "UNAUTHORIZED"})),
        )
        .mount(&server)
        .await;

    let url = server.uri();
    let env = |name: &str| {
        Some(match name {
            "OBI_URL" => format!("{url}/obi"),
            "OBI_API_KEY" => "obi-key".into(),
            "OBI_API_SECRET" => "CANARY-obi-secret".into(),
            "BRIDGE_BAAS_URL" => format!("{url}/bridge/api"),
            "BRIDGE_BAAS_KEY_ID" => "baas-key".into(),
            "BRIDGE_BAAS_SECRET" => "CANARY-bridge-baas-secret".into(),
            "BRIDGE_GATEWAY_KEY_ID" => "gateway-key".into(),
            "BRIDGE_GATEWAY_SECRET" => "CANARY-bridge-gateway-secret".into(),
            "ORIGOID_URL" => format!("{url}/origoid"),
            "ORIGOID_API_KEY" => "CANARY-origoid-key".into(),
            _ => return None,
        })
    };
    let mut shown = Vec::new();

    let fares = obi::from_env_with(env, AuthOptions::default()).unwrap();
    let request = QuoteRequest {
        pickup: Coordinates {
            latitude: 1.0,
            longitude: 2.0,
        },
        destination: Coordinates {
            latitude: 3.0,
            longitude: 4.0,
        },
        distance_km: None,
        duration_minutes: None,
        scheduled_at: None,
    };
    obi::quote(&fares, request)
        .await
        .expect("replayed once after the 401");
    shown.push(format!("{fares:?}"));
    obi::shutdown(&fares, std::time::Duration::from_secs(2))
        .await
        .unwrap();

    let bridge = Clients::from_env_with(env, AuthOptions::default()).unwrap();
    let error = sdk::bridge::find_customer_by_phone(&bridge.baas, "+255700000000")
        .await
        .unwrap_err();
    shown.push(format!("{bridge:?} {error} {error:?}"));

    let ids = origoid::from_env_with(env, AuthOptions::default()).unwrap();
    let token_error = sdk::origoid::ClientInfo::inner(&ids)
        .token()
        .await
        .unwrap_err();
    shown.push(format!("{ids:?} {token_error} {token_error:?}"));
    // The same auth failure through a generated call: the raw error and the SDK's one.
    let request = || sdk::origoid::types::CurpValidationRequest {
        curp: "TEST900101HDFRRN09".into(),
        generate_rfc: None,
    };
    let raw = ids
        .validate_curp()
        .body(request())
        .send()
        .await
        .unwrap_err();
    shown.push(format!("{raw} {raw:?}"));
    let call_error = sdk::Error::from(
        ids.validate_curp()
            .body(request())
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(call_error.kind(), sdk::ErrorKind::Auth);
    shown.push(format!("{call_error} {call_error:?}"));

    let missing = obi::from_env_with(
        |name| (name == "OBI_API_KEY").then(|| "CANARY-obi-secret".to_owned()),
        AuthOptions::default(),
    )
    .unwrap_err();
    shown.push(format!("{missing} {missing:?}"));

    let logs = capture.text();
    assert!(
        logs.contains("replaying once") && logs.contains("token minted"),
        "the flows ran and were logged:\n{logs}"
    );
    assert_no_canary("logs", &logs);
    for text in &shown {
        assert_no_canary("Debug/Display", text);
    }
}
