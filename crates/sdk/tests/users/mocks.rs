//! One user-style test per API with `sdk::mock`, plus every spec example decoding.

use std::time::Duration;

use sdk::obi::types::{Coordinates, ErrorResponse, QuoteRequest};

fn quote_request() -> QuoteRequest {
    QuoteRequest {
        pickup: Coordinates {
            latitude: 40.758,
            longitude: -73.9855,
        },
        destination: Coordinates {
            latitude: 40.6413,
            longitude: -73.7781,
        },
        distance_km: Some(24.1),
        duration_minutes: Some(45.0),
        scheduled_at: None,
    }
}

#[tokio::test]
async fn obi_quote_mocked_in_five_lines() -> Result<(), sdk::Error> {
    use sdk::mock::obi::{MockServerExt, ObiMock};

    let api = ObiMock::start().await;
    let quote = api.create_quote(|when, then| {
        when.body(&quote_request());
        then.example();
    });
    let answer = sdk::obi::quote(&api.client(), quote_request()).await?;
    quote.assert();

    // The answer is the spec's example; one mint served the call.
    assert_eq!(answer.currency.as_deref(), Some("USD"));
    assert_eq!(answer.recommendations["Standard"][0].price, Some(92.75));
    api.token_endpoint().assert_calls(1);
    Ok(())
}

#[tokio::test]
async fn obi_errors_and_revocation_through_the_mock() {
    use sdk::mock::obi::{MockServerExt, ObiMock, TOKEN};

    let api = ObiMock::start().await;
    let refused = api.create_quote(|when, then| {
        when.into_inner()
            .header("authorization", format!("Bearer {TOKEN}"));
        then.forbidden(&ErrorResponse {
            result: Some("account-blocked".into()),
        });
    });
    let client = api.client();
    let error = sdk::obi::quote(&client, quote_request()).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.code(), Some("account-blocked"));
    refused.assert();

    sdk::obi::shutdown(&client, Duration::from_secs(2))
        .await
        .unwrap();
    api.revoke_endpoint().assert_calls(1);
}

#[tokio::test]
async fn origoid_curp_validation_mocked() -> Result<(), sdk::Error> {
    use sdk::mock::origoid::{MockServerExt, OrigoIdMock};
    use sdk::origoid::{ResultType, types::CurpValidationRequest};

    let api = OrigoIdMock::start().await;
    let request = CurpValidationRequest {
        curp: "TEST900101HDFRRN09".into(),
        generate_rfc: None,
    };
    let validated = api.validate_curp(|when, then| {
        when.body(&request);
        then.example();
    });
    let outcome = sdk::origoid::outcome(api.client().validate_curp().body(request).send().await)?;
    validated.assert();
    assert_eq!(outcome.kind, ResultType::Success);
    assert!(
        outcome.data.is_some(),
        "the spec's example carries a record"
    );
    Ok(())
}

#[tokio::test]
async fn bridge_collection_mocked_on_both_services() -> Result<(), Box<dyn std::error::Error>> {
    use sdk::bridge::{BridgeService, DEFAULT_FSP_ID, Decimal, poll_collection};
    use sdk::mock::bridge::{BridgeMock, COLLECTIONS_TOKEN, collections::MockServerExt};

    let api = BridgeMock::start().await;
    let status = api.get_collection_status(|when, then| {
        when.transaction_id("ORDER_12345")
            .fsp_id(DEFAULT_FSP_ID)
            .into_inner()
            .header("authorization", format!("Bearer {COLLECTIONS_TOKEN}"));
        then.example();
    });
    let client = api.collections_client();
    let done = poll_collection(
        &client,
        "ORDER_12345",
        DEFAULT_FSP_ID,
        Duration::from_secs(5),
        Duration::from_millis(10),
    )
    .await?;
    status.assert();
    // The spec's example: amount "1000.00", collectedAmount "1000" (decimal strings).
    assert_eq!(done.amount, Some(Decimal::from(1000)));
    assert_eq!(done.collected_amount, Some(Decimal::from(1000)));
    api.token_endpoint(BridgeService::Collections)
        .assert_calls(1);
    api.token_endpoint(BridgeService::Baas).assert_calls(0);
    Ok(())
}

/// Every operation's `then.example()` of every API mounts, which decodes each spec example
/// into its operation's generated type (a mismatch panics, naming the operation).
#[tokio::test]
async fn every_spec_example_is_a_valid_answer() {
    let obi = sdk::mock::obi::ObiMock::start().await;
    assert_eq!(sdk::mock::obi::mount_examples(&obi).len(), 3);
    let origoid = sdk::mock::origoid::OrigoIdMock::start().await;
    assert_eq!(sdk::mock::origoid::mount_examples(&origoid).len(), 21);
    let bridge = sdk::mock::bridge::BridgeMock::start().await;
    let baas = sdk::mock::bridge::baas::mount_examples(&bridge).len();
    let collections = sdk::mock::bridge::collections::mount_examples(&bridge).len();
    assert_eq!((baas, collections), (30, 3));
    #[cfg(feature = "bridge-undocumented")]
    assert_eq!(
        sdk::mock::bridge::undocumented::mount_examples(&bridge).len(),
        3
    );

    // And a mounted example answers a real call.
    let products = bridge
        .baas_client()
        .list_loan_products()
        .send()
        .await
        .unwrap();
    assert!(!products.is_empty(), "the spec's example lists a product");
}

/// Every generated `Then` answers any status, documented or not, with any body and headers;
/// clients without retries see that first answer as it is.
#[tokio::test]
async fn any_status_with_any_body_on_every_api() {
    use sdk::bridge::DEFAULT_FSP_ID;
    use sdk::mock::bridge::{BridgeMock, collections::MockServerExt as _};
    use sdk::mock::origoid::{MockServerExt as _, OrigoIdMock};
    use sdk::origoid::types::CurpValidationRequest;
    use sdk::{AuthOptions, ErrorKind, RetryPolicy};

    let no_retries = || AuthOptions::default().retry(RetryPolicy::disabled());

    let bridge = BridgeMock::start().await;
    let limited = bridge.get_collection_status(|_, then| {
        then.status(429)
            .header("retry-after", "2")
            .json(&serde_json::json!({"error": {"code": "RATE_LIMITED"}}));
    });
    let client = bridge.clients_with(no_retries()).collections;
    let err = client
        .get_collection_status()
        .transaction_id("ORDER_1")
        .fsp_id(DEFAULT_FSP_ID)
        .send()
        .await
        .map_err(sdk::Error::from)
        .unwrap_err();
    limited.assert();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));

    let origoid = OrigoIdMock::start().await;
    let gateway = origoid.validate_curp(|_, then| {
        then.status(502)
            .header("content-type", "text/html")
            .body("<html>Bad Gateway</html>");
    });
    let request = CurpValidationRequest {
        curp: "TEST900101HDFRRN09".into(),
        generate_rfc: None,
    };
    let client = origoid.client_with(no_retries());
    let err = sdk::origoid::outcome(client.validate_curp().body(request).send().await).unwrap_err();
    gateway.assert();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(err.kind(), ErrorKind::Unavailable);
}
