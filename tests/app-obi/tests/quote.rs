//! Testing with `sdk::mock` (feature `mock`, in dev-dependencies): no network, no credentials.

use sdk::mock::obi::{MockServerExt, ObiMock};
use sdk::obi::types::{Coordinates, ErrorResponse, QuoteRequest};
use sdk::{AuthOptions, ErrorKind, RetryPolicy};

fn trip() -> QuoteRequest {
    QuoteRequest {
        pickup: Coordinates {
            latitude: 40.758,
            longitude: -73.9855,
        },
        destination: Coordinates {
            latitude: 40.6413,
            longitude: -73.7781,
        },
        distance_km: None,
        duration_minutes: None,
        scheduled_at: None,
    }
}

#[tokio::test]
async fn prices_a_trip() -> Result<(), sdk::Error> {
    let api = ObiMock::start().await; // 127.0.0.1, token endpoint already answering
    let quote = api.create_quote(|when, then| {
        when.body(&trip());
        then.example(); // the spec's own example answer
    });
    let answer = sdk::obi::quote(&api.client(), trip()).await?;
    quote.assert(); // called once, with exactly that body
    assert_eq!(answer.currency.as_deref(), Some("USD"));
    assert_eq!(api.token_endpoint().calls(), 1); // one token minted
    Ok(())
}

#[tokio::test]
async fn a_refusal_carries_obis_code() {
    let api = ObiMock::start().await;
    api.create_quote(|_, then| {
        // A documented error status: a typed method taking the generated error type.
        then.forbidden(&ErrorResponse {
            result: Some("account-blocked".into()),
        });
    });
    let err = sdk::obi::quote(&api.client(), trip()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Rejected);
    assert_eq!(err.code(), Some("account-blocked"));
    let body = err.body::<ErrorResponse>().expect("the typed error body");
    assert_eq!(body.result.as_deref(), Some("account-blocked"));
}

#[tokio::test]
async fn an_outage_is_retried_then_reported() {
    let api = ObiMock::start().await;
    let outage = api.create_quote(|_, then| {
        // Any status, documented or not, with any JSON body and headers.
        then.status(503)
            .header("x-request-id", "req-42")
            .json(&ErrorResponse {
                result: Some("maintenance".into()),
            });
    });

    // Mock clients retry like real ones: a 503 to this idempotent call is sent 3 times.
    let err = sdk::obi::quote(&api.client(), trip()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable);
    assert_eq!(err.request_id(), Some("req-42"));
    outage.assert_calls(3);

    // For an error test that counts calls, switch retries off: one call, one answer.
    let no_retries = api.client_with(AuthOptions::default().retry(RetryPolicy::disabled()));
    let err = sdk::obi::quote(&no_retries, trip()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    outage.assert_calls(4);
}
