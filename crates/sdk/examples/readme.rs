//! The README's program: one call to each API, credentials from the environment.
//! Run it with real credentials: `cargo run -p sdk --example readme`.

use std::time::Duration;

use sdk::bridge::{Decimal, collections::types::MobileCollectionRequest};
use sdk::obi::types::{Coordinates, QuoteRequest};
use sdk::origoid::types::CurpValidationRequest;
use sdk::{bridge, obi, origoid};

#[tokio::main]
async fn main() -> Result<(), sdk::Error> {
    // Obi FARE.AI: OBI_API_KEY + OBI_API_SECRET. Price a trip, then revoke the token.
    let fares = obi::from_env()?;
    let trip = QuoteRequest {
        pickup: Coordinates {
            latitude: 40.758,
            longitude: -73.9855,
        },
        destination: Coordinates {
            latitude: 40.6413,
            longitude: -73.7781,
        },
        distance_km: None, // both or neither: the SDK checks before sending
        duration_minutes: None,
        scheduled_at: None,
    };
    let quote = obi::quote(&fares, trip).await?;
    println!("fares: {:?}", quote.recommendations);
    obi::shutdown(&fares, Duration::from_secs(2)).await?;

    // OrigoID: ORIGOID_API_KEY. Verdicts (and some errors) arrive with HTTP 200.
    let ids = origoid::from_env()?;
    let curp = CurpValidationRequest {
        curp: "TEST900101HDFRRN09".into(),
        generate_rfc: None,
    };
    let verdict = origoid::outcome(ids.validate_curp().body(curp).send().await)?;
    println!("CURP: {} (billable: {})", verdict.kind, verdict.billable);

    // Bridge Collections: BRIDGE_COLLECTIONS_KEY_ID + BRIDGE_COLLECTIONS_SECRET.
    // Amounts are decimals; `transaction_id` is your idempotency and polling key.
    let collections = bridge::collections_from_env()?;
    let payment = MobileCollectionRequest {
        amount: Decimal::from(1000),
        currency: "TZS".into(),
        fsp_id: bridge::DEFAULT_FSP_ID.into(),
        payer_phone: "+255700000000".into(),
        transaction_id: "ORDER_12345".into(),
    };
    collections
        .trigger_mobile_collection()
        .body(payment)
        .send()
        .await?;
    let done = bridge::poll_collection(
        &collections,
        "ORDER_12345",
        bridge::DEFAULT_FSP_ID,
        Duration::from_secs(180), // give up after
        Duration::from_secs(3),   // poll every
    )
    .await?;
    println!("collected: {:?}", done.collected_amount);
    Ok(())
}
