//! Metrics for operators, exported in Prometheus's format.
//!
//! Run it with `cargo run -p sdk --features metrics --example metrics`. So that it runs
//! anywhere without real keys, it first starts a local stand-in server on 127.0.0.1 playing
//! Obi's token endpoint and one operation (which fails once with 503, so a retry shows), makes
//! two calls, and prints what a Prometheus scrape of `/metrics` would get.

use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
use sdk::obi::{self, ObiConfig};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: wiring
    // At start-up, before building clients: install one recorder for the whole process (the
    // SDK records through the `metrics` facade into whatever is installed).
    let prometheus = PrometheusBuilder::new()
        // Real histograms (with buckets) instead of the default summaries.
        .set_buckets_for_metric(
            Matcher::Suffix("_seconds".into()),
            &[0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0],
        )?
        .set_buckets_for_metric(
            Matcher::Full("sdk_token_age_ratio".into()),
            &[0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0],
        )?
        .install_recorder()?;
    // The recorder needs its upkeep run now and then (it drains histogram samples).
    let upkeep = prometheus.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            upkeep.run_upkeep();
        }
    });
    // Then serve `prometheus.render()` as the body of GET /metrics in your HTTP server (or
    // let the exporter serve it: its `http-listener` feature, `.with_http_listener(addr)`).
    // ANCHOR_END: wiring

    let server = stand_in_server().await;
    let fares = obi::client_at(
        &server.uri(),
        ObiConfig::new("pgw_demo".into(), "demo-secret".into()),
    )?;
    for _ in 0..2 {
        fares.get_customer().send().await?;
    }
    print!("{}", prometheus.render());
    Ok(())
}

/// Obi's token endpoint, and `get_customer` failing once with 503, then answering.
async fn stand_in_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/token"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"token": "demo-token", "jti": "demo-jti", "ttlSeconds": 3600}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(path("/v1/customer/me"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/v1/customer/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"accountId": "a-1"})))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}
