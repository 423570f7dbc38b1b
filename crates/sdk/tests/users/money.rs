//! Bridge amounts: `Decimal` in requests and responses, JSON numbers on the wire, numbers or
//! decimal strings accepted, nothing rounded silently.

use std::str::FromStr;

use sdk::bridge::Decimal;
use sdk::bridge::collections::types::MobileCollectionRequest;
use sdk::mock::bridge::{BridgeMock, collections::MockServerExt};
use serde_json::json;

fn collection(amount: &str) -> MobileCollectionRequest {
    MobileCollectionRequest {
        amount: Decimal::from_str(amount).unwrap(),
        currency: "TZS".into(),
        fsp_id: "CLICKPESA".into(),
        payer_phone: "+255700000000".into(),
        transaction_id: "ORDER_1".into(),
    }
}

#[tokio::test]
async fn request_amounts_are_sent_as_json_numbers() {
    let api = BridgeMock::start().await;
    let client = api.collections_client();
    for (amount, wire) in [
        ("1000", json!(1000)),
        ("1000.00", json!(1000)),
        ("1500.50", json!(1500.5)),
    ] {
        let mut trigger = api.trigger_mobile_collection(|when, then| {
            when.into_inner().json_body(json!({
                "amount": wire, "currency": "TZS", "fspId": "CLICKPESA",
                "payerPhone": "+255700000000", "transactionId": "ORDER_1"
            }));
            then.example();
        });
        client
            .trigger_mobile_collection()
            .body(collection(amount))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{amount}: {e}"));
        trigger.assert();
        trigger.delete();
    }
}

#[tokio::test]
async fn an_amount_a_json_number_cannot_carry_is_refused_before_sending() {
    let api = BridgeMock::start().await;
    let trigger = api.trigger_mobile_collection(|_, then| {
        then.example();
    });
    let sent = api
        .collections_client()
        .trigger_mobile_collection()
        .body(collection("1000.1234567890123456789"))
        .send()
        .await;
    let error = sdk::Error::from(sent.unwrap_err());
    assert_eq!(error.kind(), sdk::ErrorKind::InvalidRequest, "{error}");
    assert!(error.to_string().contains("significant digits"), "{error}");
    trigger.assert_calls(0);
}

#[tokio::test]
async fn response_amounts_read_numbers_and_decimal_strings() {
    let api = BridgeMock::start().await;
    let client = api.collections_client();
    let mut status = api.get_collection_status(|_, then| {
        then.into_inner().status(200).json_body(json!({
            "amount": 33333.33, "collectedAmount": "1000.10", "fspFee": 0, "status": "COMPLETED"
        }));
    });
    let read = client
        .get_collection_status()
        .transaction_id("ORDER_1")
        .fsp_id("CLICKPESA")
        .send()
        .await
        .unwrap()
        .into_inner();
    status.delete();
    assert_eq!(read.amount, Some(Decimal::from_str("33333.33").unwrap()));
    assert_eq!(
        read.collected_amount,
        Some(Decimal::from_str("1000.10").unwrap())
    );
    assert_eq!(read.fsp_fee, Some(Decimal::ZERO));
}
