//! `--verbose`: the SDK's own events as lines on stderr. Request and response lines come
//! from `sdk-auth`'s `sdk_auth::wire` events (credentials already redacted there; token and
//! revoke requests without headers), the rest (mints, replays, retries) from its INFO events.
//!
//! ```text
//! > POST http://127.0.0.1:4000/v1/auth/token
//! >   (credentials not shown)
//! < 200 OK
//! * token minted (generation=1 lifetime_s=86400 source=RelativeTtl)
//! > POST http://127.0.0.1:4000/v1/quote
//! >   authorization: Bearer [redacted]
//! < 200 OK
//! ```

use std::fmt::{self, Write as _};
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::util::SubscriberInitExt as _;

/// Prints the SDK's events to stderr for the rest of the process.
pub fn install() {
    let filter = Targets::new()
        .with_target("sdk_auth::wire", Level::DEBUG)
        .with_target("sdk_auth", Level::INFO)
        .with_target("sdk", Level::INFO);
    // Fails only if a subscriber is already set; then that one keeps working.
    let _ = tracing_subscriber::registry()
        .with(Lines.with_filter(filter))
        .try_init();
}

/// Formats each event as one or more stderr lines.
struct Lines;

impl<S: Subscriber> Layer<S> for Lines {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let text = if event.metadata().target() == "sdk_auth::wire" {
            fields.wire()
        } else {
            fields.note()
        };
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }
}

/// An event's message and other fields, in order.
#[derive(Default)]
struct Fields {
    message: String,
    others: Vec<(&'static str, String)>,
}

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.others
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// `> METHOD URL` with `>   header` lines, or `< STATUS REASON`.
    fn wire(&self) -> String {
        if self.message == "response" {
            return format!("< {} {}", self.get("status"), self.get("reason"));
        }
        let mut out = format!("> {} {}", self.get("method"), self.get("url"));
        for header in self.get("headers").lines() {
            let _ = write!(out, "\n>   {header}");
        }
        out
    }

    /// `* message (field=value …)`.
    fn note(&self) -> String {
        let mut out = format!("* {}", self.message);
        if !self.others.is_empty() {
            let fields: Vec<String> = self
                .others
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            let _ = write!(out, " ({})", fields.join(" "));
        }
        out
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.record(field, value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.record(field, format!("{value:?}"));
    }
}

impl Fields {
    fn record(&mut self, field: &Field, value: String) {
        if field.name() == "message" {
            self.message = value;
        } else {
            self.others.push((field.name(), value));
        }
    }
}
