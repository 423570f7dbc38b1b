//! One tracing span per business call, with OpenTelemetry's HTTP client field names (so a
//! `tracing-opentelemetry` layer exports it as is), and one event per retry inside it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use sdk::ManualClock;
use support::{Apis, manual, mount_tokens, success};

#[path = "apis/support.rs"]
#[allow(dead_code)]
mod support;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Fields of every `sdk.call` span, and the retry events inside them.
#[derive(Clone, Default)]
struct Calls {
    spans: Arc<Mutex<BTreeMap<u64, BTreeMap<String, String>>>>,
    retries: Arc<Mutex<Vec<BTreeMap<String, String>>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(
            field.name().to_owned(),
            format!("{value:?}").trim_matches('"').to_owned(),
        );
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Calls {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        if attrs.metadata().name() == "sdk.call" {
            let mut fields = BTreeMap::new();
            attrs.record(&mut Fields(&mut fields));
            self.spans.lock().unwrap().insert(id.into_u64(), fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some(fields) = self.spans.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Fields(fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let in_call = ctx
            .event_span(event)
            .is_some_and(|span| span.name() == "sdk.call");
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        if in_call && fields.get("message").is_some_and(|m| m == "retrying") {
            self.retries.lock().unwrap().push(fields);
        }
    }
}

#[tokio::test]
async fn a_retried_call_is_one_span_with_otel_http_fields() {
    let calls = Calls::default();
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(calls.clone()));

    let server = MockServer::start().await;
    mount_tokens(&server).await;
    let (call_path, body) = success("bridge");
    Mock::given(path(call_path))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(call_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let apis = Apis::new(&server.uri(), manual(&ManualClock::new()));
    apis.call("bridge").await.unwrap();

    let spans = calls.spans.lock().unwrap().clone();
    assert_eq!(spans.len(), 1, "one span per call: {spans:?}");
    let span = spans.values().next().unwrap();
    for (field, value) in [
        ("otel.kind", "client"),
        ("otel.name", "GET /v1/wms/wallets/{walletId}"),
        ("api", "bridge"),
        ("operation", "get_wallet"),
        ("http.request.method", "GET"),
        ("url.template", "/v1/wms/wallets/{walletId}"),
        ("server.address", "127.0.0.1"),
        ("http.response.status_code", "200"),
        ("http.request.resend_count", "1"),
    ] {
        assert_eq!(
            span.get(field).map(String::as_str),
            Some(value),
            "{field} in {span:?}"
        );
    }
    assert!(!span.contains_key("error.type"), "{span:?}");
    let retries = calls.retries.lock().unwrap().clone();
    assert_eq!(retries.len(), 1, "{retries:?}");
    assert_eq!(retries[0].get("attempt").map(String::as_str), Some("2"));
    assert_eq!(
        retries[0].get("reason").map(String::as_str),
        Some("http_503")
    );
}
