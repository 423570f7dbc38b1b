//! The app's own test, against `sdk::mock` (a dev-dependency feature).

use sdk::mock::obi::{MockServerExt, ObiMock};

#[tokio::test]
async fn quotes_come_from_the_mocked_api() {
    let api = ObiMock::start().await;
    let quote = api.create_quote(|_, then| {
        then.example();
    });
    let client = api.client();
    let request = sdk::obi::types::QuoteRequest {
        pickup: sdk::obi::types::Coordinates {
            latitude: 1.0,
            longitude: 2.0,
        },
        destination: sdk::obi::types::Coordinates {
            latitude: 3.0,
            longitude: 4.0,
        },
        distance_km: None,
        duration_minutes: None,
        scheduled_at: None,
    };
    let answer = sdk::obi::quote(&client, request)
        .await
        .unwrap()
        .into_inner();
    quote.assert();
    assert_eq!(answer.currency.as_deref(), Some("USD"));
}
