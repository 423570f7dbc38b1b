//! A fare-quoting tool built on `sdk` alone (feature `obi`): every type it names comes from
//! `sdk`, so it needs no second dependency on the SDK's internals. The README shows parts of
//! this file (between `ANCHOR` lines) and its Cargo.toml; a test keeps them equal.

use std::time::Duration;

use sdk::obi::types::{Coordinates, QuoteRequest, QuoteResponse};
use sdk::obi::{Client, ResponseValue};
use sdk::{Authenticated, ErrorKind};

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

// ANCHOR: call-options
/// One call with options of its own: a short deadline, no retries and a header for the
/// caller's tracing; the client's `AuthOptions` stay as they are for every other call.
async fn customer_now(client: &Client) -> Result<sdk::serde_json::Value, sdk::Error> {
    use sdk::{CallOptions, RetryPolicy};

    let options = CallOptions::new()
        .deadline(Some(Duration::from_secs(2)))
        .retry(RetryPolicy::disabled())
        .header("x-request-source", "checkout");
    let me = client.get_customer().with_options(options).send().await?;
    Ok(sdk::serde_json::to_value(me.into_inner()).unwrap_or_default())
}
// ANCHOR_END: call-options

// ANCHOR: config
/// A client configured in code (instead of `from_env()`), with fewer retries than the default.
fn client(key: String, secret: String) -> Result<sdk::obi::Client, sdk::Error> {
    use sdk::obi::ObiConfig;
    use sdk::{AuthOptions, RetryPolicy};
    use std::time::Duration;

    let options = AuthOptions::default()
        .retry(RetryPolicy::default().max_attempts(2))
        .call_deadline(Some(Duration::from_secs(30)));
    let config = ObiConfig::new(key.into(), secret.into()).options(options);
    sdk::obi::client(config) // or sdk::obi::client_at("https://staging.example", config)
}
// ANCHOR_END: config

// ANCHOR: explain
/// What to do about a failed call: `kind()` is the decision, the rest is detail.
fn explain(err: &sdk::Error) -> String {
    use sdk::ErrorKind;

    match err.kind() {
        // Fix the credentials or the account: the token endpoint refused them, or the API
        // refused even a freshly minted token. `auth_error()` says which.
        ErrorKind::Auth => format!("fix credentials: {:?}", err.auth_error()),
        // A missing or invalid setting (all of them named at once): nothing was sent.
        ErrorKind::Config => format!("fix the configuration: {err}"),
        // HTTP 429 or a vendor rate-limit code, from the API or its token endpoint.
        ErrorKind::RateLimited => format!("slow down for {:?}", err.retry_after()),
        // 5xx, 408, connect failure, timeout, deadline, or the token endpoint down:
        // already retried where that was safe.
        ErrorKind::Unavailable => format!("try later: {err}"),
        // The API said no: status, vendor code, message, the vendor's request id.
        ErrorKind::Rejected => format!(
            "{:?} {:?} {} ({:?})",
            err.status(),
            err.code(),
            err.message(),
            err.request_id()
        ),
        // A response arrived but did not decode: status and the start of the body.
        ErrorKind::InvalidResponse => format!("{:?}: {:?}", err.status(), err.excerpt()),
        // Refused before sending (a missing field, Obi's route rule).
        ErrorKind::InvalidRequest => format!("fix the request: {err}"),
        _ => err.to_string(), // ErrorKind is non_exhaustive
    }
}
// ANCHOR_END: explain

#[tokio::main]
async fn main() -> Result<(), sdk::Error> {
    let key = std::env::var("OBI_API_KEY").unwrap_or_default();
    let secret = std::env::var("OBI_API_SECRET").unwrap_or_default();
    let fares = client(key, secret)?;
    if let Err(e) = fares.auth().token().await {
        eprintln!("no token: {}", explain(&e.into()));
    }
    match customer_now(&fares).await {
        Ok(me) => println!("{me}"),
        Err(e) => eprintln!("{}", explain(&e)),
    }
    match price(&fares, (40.758, -73.9855), (40.6413, -73.7781)).await {
        Ok(quote) => println!("{:?}", quote.recommendations),
        Err(e) if e.kind() == ErrorKind::RateLimited => println!("retry in {:?}", e.retry_after()),
        Err(e) => eprintln!("{}", explain(&e)),
    }
    sdk::obi::shutdown(&fares, Duration::from_secs(2)).await?;
    Ok(())
}
