//! A fare-quoting tool built on `sdk` alone (feature `obi`): every type it names comes from
//! `sdk`, so it needs no second dependency on the SDK's internals.

use std::time::Duration;

use sdk::obi::types::{Coordinates, QuoteRequest, QuoteResponse};
use sdk::obi::{Client, ObiConfig, ResponseValue};
use sdk::{AuthOptions, Authenticated, ErrorKind, RetryPolicy, SecretString};

/// Prices a trip from `pickup` to `destination` (latitude, longitude).
pub async fn price(
    client: &Client,
    pickup: (f64, f64),
    destination: (f64, f64),
) -> Result<QuoteResponse, sdk::Error> {
    let point = |(latitude, longitude)| Coordinates {
        latitude,
        longitude,
    };
    let request = QuoteRequest {
        pickup: point(pickup),
        destination: point(destination),
        distance_km: None,
        duration_minutes: None,
        scheduled_at: None,
    };
    let answer: ResponseValue<QuoteResponse> = sdk::obi::quote(client, request).await?;
    Ok(answer.into_inner())
}

/// A client from explicit configuration, with a shorter retry budget than the default.
fn client(key: &str, secret: &str) -> Result<Client, sdk::AuthError> {
    let options = AuthOptions::default().retry(RetryPolicy::default().max_attempts(2));
    let config = ObiConfig::new(
        SecretString::from(key.to_owned()),
        SecretString::from(secret.to_owned()),
    );
    sdk::obi::client(config.options(options))
}

#[tokio::main]
async fn main() -> Result<(), sdk::Error> {
    let key = std::env::var("OBI_API_KEY").unwrap_or_default();
    let secret = std::env::var("OBI_API_SECRET").unwrap_or_default();
    let fares = client(&key, &secret)?;
    let token = fares.auth().token().await;
    if let Err(e) = &token {
        eprintln!("no token: {e}");
    }
    match price(&fares, (40.758, -73.9855), (40.6413, -73.7781)).await {
        Ok(quote) => println!("{:?}", quote.recommendations),
        Err(e) if e.kind() == ErrorKind::RateLimited => println!("retry in {:?}", e.retry_after()),
        Err(e) => return Err(e),
    }
    sdk::obi::shutdown(&fares, Duration::from_secs(2)).await?;
    Ok(())
}
