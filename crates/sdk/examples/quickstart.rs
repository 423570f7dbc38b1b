//! Calling all three APIs with credentials from the environment.
//!
//! Run it with `cargo run -p sdk --example quickstart`. So that it runs anywhere without real
//! keys, it first starts a local stand-in server on 127.0.0.1 that plays the token endpoints
//! and one operation of each API, and hands the SDK an environment pointing there. Against the
//! real services you would export the same variables and call `from_env()` instead of
//! `from_env_with(..)`.

use std::collections::HashMap;

use sdk::AuthOptions;
use sdk::bridge::{Clients, CustomerIdExt};
use sdk::obi::types::{Coordinates, QuoteRequest};
use sdk::origoid::types::CurpValidationRequest;
use sdk::{obi, origoid};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = stand_in_server().await;
    let url = server.uri();
    // What `env` would print on a configured machine (see each module's docs for the names).
    let env: HashMap<&str, String> = HashMap::from([
        ("BRIDGE_BAAS_URL", format!("{url}/baas/api")),
        ("BRIDGE_BAAS_KEY_ID", "baas-key".into()),
        ("BRIDGE_BAAS_SECRET", "baas-secret".into()),
        ("BRIDGE_COLLECTIONS_URL", format!("{url}/gateway/api")),
        ("BRIDGE_COLLECTIONS_KEY_ID", "gateway-key".into()),
        ("BRIDGE_COLLECTIONS_SECRET", "gateway-secret".into()),
        ("ORIGOID_URL", format!("{url}/origoid")),
        ("ORIGOID_API_KEY", "origoid-key".into()),
        ("OBI_URL", format!("{url}/obi")),
        ("OBI_API_KEY", "obi-key".into()),
        ("OBI_API_SECRET", "obi-secret".into()),
    ]);
    let env = |name: &str| env.get(name).cloned();

    // Bridge: two services, two key pairs, two tokens; the types keep them apart.
    let bridge = Clients::from_env_with(env, AuthOptions::default())?;
    let customer = sdk::bridge::find_customer_by_phone(&bridge.baas, "+255700000000").await?;
    let id = customer.as_ref().and_then(|c| c.customer_id_any());
    println!("bridge: customer by phone -> {id:?}");

    // OrigoID: errors can arrive with HTTP 200; `outcome` reads the envelope.
    let origoid = origoid::from_env_with(env, AuthOptions::default())?;
    let sent = origoid
        .validate_curp()
        .body(CurpValidationRequest {
            curp: "TEST900101HDFRRN09".into(),
            generate_rfc: None,
        })
        .send()
        .await;
    let outcome = origoid::outcome(sent)?;
    println!(
        "origoid: validate_curp -> {} (billable: {:?})",
        outcome.kind, outcome.billable
    );

    // Obi: the both-or-neither rule is checked before anything is sent; shutdown revokes.
    let obi = obi::from_env_with(env, AuthOptions::default())?;
    let request = QuoteRequest {
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
    };
    let quote = obi::quote(&obi, request).await?.into_inner();
    println!(
        "obi: quote -> {} recommendation(s)",
        quote.recommendations.len()
    );
    obi::shutdown(&obi, std::time::Duration::from_secs(2)).await?;
    println!("obi: token revoked at shutdown");
    Ok(())
}

/// A loopback server answering like the three APIs, just enough for this walk-through.
async fn stand_in_server() -> MockServer {
    let server = MockServer::start().await;
    let token = |body: serde_json::Value| ResponseTemplate::new(200).set_body_json(body);
    let routes = [
        (
            "POST",
            "/baas/api/generate-token",
            token(json!({"token": "baas-token", "expiresAt": null})),
        ),
        (
            "POST",
            "/gateway/api/generate-token",
            token(json!({"token": "gateway-token", "expiresAt": null})),
        ),
        (
            "GET",
            "/baas/api/v1/kyc/customers/phone/+255700000000",
            token(json!({"customerId": "c-1", "profile": {"legalName": "Jane Doe"}})),
        ),
        (
            "POST",
            "/origoid/auth/token",
            token(
                json!({"status": "OK", "type": "SUCCESS", "message": "Token generated",
                "data": {"access_token": "origoid-token", "token_type": "Bearer", "expires_in": 3600},
                "transactionId": "7d1f5c52-3f0a-4c5e-9a3e-0d1c2b3a4f5e", "processedAt": "2026-11-25T12:00:00Z", "billable": false}),
            ),
        ),
        (
            "POST",
            "/origoid/mex/renapo/v1/curp-validations",
            token(
                json!({"status": "OK", "type": "CURP_NOT_FOUND", "message": "No record for this CURP",
                "data": null, "transactionId": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                "processedAt": "2026-11-25T12:00:01Z", "billable": true}),
            ),
        ),
        (
            "POST",
            "/obi/v1/auth/token",
            token(
                json!({"token": "obi-token", "jti": "jti-1", "expiresAt": "2026-11-26T12:00:00Z", "ttlSeconds": 86400}),
            ),
        ),
        (
            "POST",
            "/obi/v1/quote",
            token(json!({"recommendations": {}, "marketPrices": {}})),
        ),
        ("POST", "/obi/v1/auth/revoke", ResponseTemplate::new(200)),
    ];
    for (verb, route, response) in routes {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(response)
            .mount(&server)
            .await;
    }
    server
}
