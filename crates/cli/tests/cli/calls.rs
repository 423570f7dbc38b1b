//! One operation of each API end to end (body from flags, from a file, from stdin), the 401
//! replay, and API errors in the SDK's error model.

use sdk_testkit::spec_examples::{Mode, Spec, same_json};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

#[tokio::test]
async fn obi_quote_with_the_body_from_member_flags() {
    let server = MockServer::start().await;
    obi_mint(&server, "obi-token-1", 1).await;
    let request = quote_request();
    let answer = obi_quote(&server, "obi-token-1", &request).await;
    let mut args = vec!["obi".to_owned(), "create-quote".to_owned()];
    args.extend(quote_flags(&request));
    let run = sdk_cli(&strs(&args), &obi_env(&server), None).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.lines().count(),
        1,
        "one line when stdout is a pipe"
    );
    same_json("", &answer, &run.json(), Mode::EmptyIsAbsent).unwrap();
    assert!(run.stderr.is_empty(), "{run:?}");
    server.verify().await;
}

#[tokio::test]
async fn origoid_curp_validation_with_the_body_from_a_file() {
    let spec = Spec::load("origoid");
    let server = MockServer::start().await;
    let mut token = spec.response_example("create_token", "200", "success");
    token["data"]["access_token"] = "origoid-token-1".into();
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .and(header("x-api-key", "origoid-key-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token))
        .expect(1)
        .mount(&server)
        .await;
    let request = json!({"curp": "TEST900101HDFRRN09", "generateRfc": true});
    let answer = spec.response_example("validate_curp", "200", "success");
    Mock::given(method("POST"))
        .and(path("/mex/renapo/v1/curp-validations"))
        .and(header("authorization", "Bearer origoid-token-1"))
        .and(JsonBody(request.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("curp-request.json");
    std::fs::write(&file, request.to_string()).unwrap();
    let env = [
        ("ORIGOID_API_KEY", "origoid-key-1".to_owned()),
        ("ORIGOID_URL", server.uri()),
    ];
    let args = [
        "origoid",
        "validate-curp",
        "--body-file",
        file.to_str().unwrap(),
    ];
    let run = sdk_cli(&args, &env, None).await;
    assert_eq!(run.code, 0, "{run:?}");
    same_json("", &answer, &run.json(), Mode::EmptyIsAbsent).unwrap();
    server.verify().await;
}

#[tokio::test]
async fn bridge_collection_with_the_body_from_stdin_and_a_member_flag_on_top() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/generate-token"))
        .and(body_json(
            json!({"keyId": "collections-key", "secret": "collections-secret"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "bridge-token-1", "expiresAt": null, "environment": "sandbox"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let stdin = json!({
        "amount": 1000, "currency": "TZS", "payerPhone": "+255700000000",
        "fspId": "CLICKPESA", "transactionId": "ORDER_12345"
    });
    let mut sent = stdin.clone();
    sent["amount"] = json!(2500);
    // The documented answer (specs/bridge/openapi.yaml, POST /collection/mobile).
    let answer = json!({
        "id": "LCPCATJHWWYQBY", "orderReference": "MMPFDM3YGNYPLM",
        "gatewayResponse": {"status": "PROCESSING", "channel": "AIRTEL-MONEY",
            "orderReference": "MMPFDM3YGNYPLM", "collectedAmount": "1000.00", "collectedCurrency": "TZS"}
    });
    Mock::given(method("POST"))
        .and(path("/api/collection/mobile"))
        .and(header("authorization", "Bearer bridge-token-1"))
        .and(JsonBody(sent))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;
    let env = [
        ("BRIDGE_COLLECTIONS_KEY_ID", "collections-key".to_owned()),
        ("BRIDGE_COLLECTIONS_SECRET", "collections-secret".to_owned()),
        ("BRIDGE_COLLECTIONS_URL", format!("{}/api", server.uri())),
    ];
    let args = [
        "bridge",
        "trigger-mobile-collection",
        "--body-file",
        "-",
        "--amount",
        "2500",
    ];
    let run = sdk_cli(&args, &env, Some(&stdin.to_string())).await;
    assert_eq!(run.code, 0, "{run:?}");
    // Amounts are decimals in the SDK and printed as JSON numbers, whatever the vendor sent.
    let mut printed = answer.clone();
    printed["gatewayResponse"]["collectedAmount"] = json!(1000);
    same_json("", &printed, &run.json(), Mode::EmptyIsAbsent).unwrap();
    server.verify().await;
}

#[tokio::test]
async fn bridge_query_parameters_come_from_flags() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/generate-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "bridge-token-2"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/collection/status"))
        .and(query_param("transactionId", "ORDER_1"))
        .and(query_param("fspId", "CLICKPESA"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "SUCCESS"})))
        .expect(1)
        .mount(&server)
        .await;
    let env = [
        ("BRIDGE_COLLECTIONS_KEY_ID", "k".to_owned()),
        ("BRIDGE_COLLECTIONS_SECRET", "s".to_owned()),
        ("BRIDGE_COLLECTIONS_URL", format!("{}/api", server.uri())),
    ];
    let args = [
        "bridge",
        "get-collection-status",
        "--transaction-id",
        "ORDER_1",
        "--fsp-id",
        "CLICKPESA",
    ];
    let run = sdk_cli(&args, &env, None).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["status"], "SUCCESS");
    server.verify().await;
}

#[tokio::test]
async fn a_401_is_replayed_once_with_a_fresh_token() {
    let server = MockServer::start().await;
    obi_mint(&server, "obi-token-r", 2).await;
    Mock::given(method("GET"))
        .and(path("/v1/customer/me"))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/customer/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"customerId": "cus_1"})))
        .mount(&server)
        .await;
    let run = sdk_cli(&["obi", "get-customer"], &obi_env(&server), None).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json(), json!({"customerId": "cus_1"}));
    assert_eq!(requests_to(&server, "/v1/customer/me").await.len(), 2);
    server.verify().await;
}

#[tokio::test]
async fn an_api_error_exits_1_with_the_kind_status_and_vendor_code() {
    let server = MockServer::start().await;
    obi_mint(&server, "obi-token-e", 1).await;
    Mock::given(method("POST"))
        .and(path("/v1/quote"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({"result": "account-blocked"})),
        )
        .mount(&server)
        .await;
    let mut args = vec!["obi".to_owned(), "create-quote".to_owned()];
    args.extend(quote_flags(&quote_request()));
    let run = sdk_cli(&strs(&args), &obi_env(&server), None).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.error_line()
            .starts_with("error: rejected (HTTP 403, account-blocked)"),
        "{run:?}"
    );
    assert!(run.stdout.is_empty());
}

#[tokio::test]
async fn an_origoid_error_envelope_on_http_200_is_an_error() {
    let spec = Spec::load("origoid");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(spec.response_example(
                "create_token",
                "200",
                "success",
            )),
        )
        .mount(&server)
        .await;
    let envelope: Value = spec.response_example("validate_curp", "200", "validationError");
    Mock::given(method("POST"))
        .and(path("/mex/renapo/v1/curp-validations"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&envelope))
        .mount(&server)
        .await;
    let env = [
        ("ORIGOID_API_KEY", "k".to_owned()),
        ("ORIGOID_URL", server.uri()),
    ];
    let args = ["origoid", "validate-curp", "--curp", "TEST900101HDFRRN0"];
    let run = sdk_cli(&args, &env, None).await;
    assert_eq!(run.code, 1, "{run:?}");
    let line = run.error_line();
    assert!(
        line.starts_with("error: rejected (HTTP 200, INVALID_REQUEST)"),
        "{line}"
    );
    let transaction = envelope["transactionId"].as_str().unwrap();
    assert!(
        line.contains(transaction),
        "the transaction id to quote: {line}"
    );
}
