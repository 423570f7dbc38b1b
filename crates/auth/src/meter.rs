//! Metrics for operators (feature `metrics`), recorded through the [`metrics`] facade: the
//! application installs the recorder it wants (Prometheus, OTLP through a bridge, …). The two
//! metrics of every call ([`CallDurations`], [`TokenAge`]) keep the handles they register at
//! their first use, so the recorder must be installed before a client's first call; the
//! others look the recorder up each time. Without the feature every function here is empty
//! and its arguments are never computed.
//!
//! This module is the one place that names the metrics and their labels. It is a leaf: callers
//! pass plain values. Label values are only ever `&'static str` from this crate's own
//! vocabulary (API and service names of the minters, operation ids of the generated clients,
//! status classes and reason names), never a token, secret, key id, URL or other text from a
//! request or response, so no label can leak a credential or grow without bound.
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `sdk_call_duration_seconds` | histogram | `api`, `operation`, `status_class` |
//! | `sdk_call_decisions_total` | counter | `api`, `operation`, `decision`, `reason` |
//! | `sdk_retry_budget_ratio` | gauge | `api` |
//! | `sdk_token_age_ratio` | histogram | `api`, `service` |
//! | `sdk_token_mints_total` | counter | `api`, `service`, `source`, `outcome` |
//! | `sdk_token_mint_duration_seconds` | histogram | `api`, `service`, `source`, `outcome` |
//! | `sdk_store_operations_total` | counter | `operation`, `outcome` |
//! | `sdk_store_operation_duration_seconds` | histogram | `operation`, `outcome` |
//! | `sdk_store_fallbacks_total` | counter | `api`, `service`, `reason` |

// Without the feature, the names below are only documentation.
#![cfg_attr(not(feature = "metrics"), allow(dead_code))]

#[cfg(feature = "metrics")]
use std::collections::HashMap;
#[cfg(feature = "metrics")]
use std::hash::BuildHasherDefault;
#[cfg(feature = "metrics")]
use std::sync::{OnceLock, PoisonError, RwLock};
#[cfg(feature = "metrics")]
use std::time::Instant;

#[cfg(feature = "metrics")]
use metrics::{Histogram, Label, Unit};

/// Whole calls, from the first attempt to the answer handed back, retries and waits included.
pub(crate) const CALL_DURATION: &str = "sdk_call_duration_seconds";
/// What the call loop decided after an attempt that did not simply succeed.
pub(crate) const CALL_DECISIONS: &str = "sdk_call_decisions_total";
/// The retry budget's level, 0 to 1; retries are allowed above 0.5.
pub(crate) const RETRY_BUDGET: &str = "sdk_retry_budget_ratio";
/// How far into its lifetime a token is when a call uses it (as of the call's start), 0 to 1.
pub(crate) const TOKEN_AGE: &str = "sdk_token_age_ratio";
/// Tokens obtained (or not) by one single-flight mint.
pub(crate) const MINTS: &str = "sdk_token_mints_total";
/// How long those mints took, in-mint retries included.
pub(crate) const MINT_DURATION: &str = "sdk_token_mint_duration_seconds";
/// Operations on the shared token store (Redis).
pub(crate) const STORE_OPERATIONS: &str = "sdk_store_operations_total";
/// Their latency.
pub(crate) const STORE_DURATION: &str = "sdk_store_operation_duration_seconds";
/// Tokens minted locally because the shared store could not provide one.
pub(crate) const STORE_FALLBACKS: &str = "sdk_store_fallbacks_total";

/// Units and descriptions (Prometheus `# HELP`, OTLP descriptions). Called for every `Auth`
/// built, so a recorder installed before the first client gets them.
pub(crate) fn describe() {
    #[cfg(feature = "metrics")]
    {
        use metrics::{describe_counter, describe_gauge, describe_histogram};
        describe_histogram!(
            CALL_DURATION,
            Unit::Seconds,
            "Calls through the SDK, retries and waits included"
        );
        describe_counter!(
            CALL_DECISIONS,
            "Retries, give-ups, 401 replays and uncured 401s, by reason"
        );
        describe_gauge!(
            RETRY_BUDGET,
            "Retry budget level (retries allowed above 0.5)"
        );
        describe_histogram!(
            TOKEN_AGE,
            "Fraction of its lifetime a token had used when a call used it"
        );
        describe_counter!(MINTS, "Tokens obtained by source, or mint failures");
        describe_histogram!(MINT_DURATION, Unit::Seconds, "Mint latency");
        describe_counter!(STORE_OPERATIONS, "Shared token store operations");
        describe_histogram!(STORE_DURATION, Unit::Seconds, "Shared token store latency");
        describe_counter!(
            STORE_FALLBACKS,
            "Tokens minted locally because the shared store could not provide one"
        );
    }
}

/// When something started; nothing at all without the feature.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stopwatch {
    #[cfg(feature = "metrics")]
    started: Instant,
}

impl Stopwatch {
    pub(crate) fn start() -> Self {
        Self {
            #[cfg(feature = "metrics")]
            started: Instant::now(),
        }
    }

    #[cfg(feature = "metrics")]
    pub(crate) fn seconds(self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

/// The call-duration histograms of one `Auth`, one per operation and status class, each
/// registered with the recorder at its first call and kept: a warm call then costs a read
/// lock, a lookup by two pointers and the recorder's own update, with no allocation and no
/// hashing of label text. (So the recorder must be installed before a client's first call.)
#[derive(Debug)]
pub(crate) struct CallDurations {
    #[cfg(feature = "metrics")]
    api: &'static str,
    /// By the operation id's and status class's addresses and lengths: the same static
    /// strings every time, and a duplicate entry for equal text at another address would only
    /// be a second handle to the same series.
    #[cfg(feature = "metrics")]
    handles: RwLock<HashMap<Address, Histogram, BuildHasherDefault<AddressHasher>>>,
}

/// The addresses and lengths of an operation id and a status class.
#[cfg(feature = "metrics")]
type Address = (usize, usize, usize, usize);

/// FxHash's mixing step for the four words of an [`Address`]: a few instructions where the
/// default SipHash costs a few hundred (measured), and the keys are our own.
#[cfg(feature = "metrics")]
#[derive(Default)]
struct AddressHasher(u64);

#[cfg(feature = "metrics")]
impl std::hash::Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(u64::from(*byte));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl CallDurations {
    pub(crate) fn new(api: &'static str) -> Self {
        #[cfg(not(feature = "metrics"))]
        let _ = api;
        Self {
            #[cfg(feature = "metrics")]
            api,
            #[cfg(feature = "metrics")]
            handles: RwLock::default(),
        }
    }

    /// A call of `operation` took `seconds`; they and `status_class` (see [`status_class`])
    /// are only asked for with the feature.
    pub(crate) fn record(
        &self,
        operation: &'static str,
        seconds: impl FnOnce() -> f64,
        status_class: impl FnOnce() -> &'static str,
    ) {
        #[cfg(feature = "metrics")]
        {
            let class = status_class();
            let id = (
                operation.as_ptr() as usize,
                operation.len(),
                class.as_ptr() as usize,
                class.len(),
            );
            let seconds = seconds();
            let handles = self.handles.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(histogram) = handles.get(&id) {
                return histogram.record(seconds);
            }
            drop(handles);
            let histogram = metrics::histogram!(CALL_DURATION, "api" => self.api,
                "operation" => operation, "status_class" => class);
            histogram.record(seconds);
            let mut handles = self.handles.write().unwrap_or_else(PoisonError::into_inner);
            handles.insert(id, histogram);
        }
        #[cfg(not(feature = "metrics"))]
        let _ = (operation, seconds, status_class);
    }
}

/// The `status_class` of an HTTP status: `2xx`, `4xx`, … (calls that got no response use the
/// name of why: `transport`, `auth`, `no_token`, `deadline`, `invalid_request`).
pub(crate) fn status_class(status: u16) -> &'static str {
    match status / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}

/// The call loop decided `decision` (`retry`, `give_up`, `replay`, `unauthorized`) for
/// `reason`, after an attempt that did not simply succeed; `labels` is only asked for with the
/// feature, and `None` records nothing.
pub(crate) fn decision(
    api: &'static str,
    operation: &'static str,
    labels: impl FnOnce() -> Option<(&'static str, &'static str)>,
) {
    #[cfg(feature = "metrics")]
    if let Some((decision, reason)) = labels() {
        metrics::counter!(CALL_DECISIONS, "api" => api, "operation" => operation,
            "decision" => decision, "reason" => reason)
        .increment(1);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (api, operation, labels);
}

/// The retry budget of an `Auth` of `api` is now at `level` (0 to 1).
pub(crate) fn retry_budget(api: &'static str, level: impl FnOnce() -> f64) {
    #[cfg(feature = "metrics")]
    metrics::gauge!(RETRY_BUDGET, "api" => api).set(level());
    #[cfg(not(feature = "metrics"))]
    let _ = (api, level);
}

/// The token-age histogram of one service, registered with the recorder at its first use
/// and kept (like [`CallDurations`]).
#[derive(Debug)]
pub(crate) struct TokenAge {
    #[cfg(feature = "metrics")]
    labels: [&'static str; 2],
    #[cfg(feature = "metrics")]
    handle: OnceLock<Histogram>,
}

impl TokenAge {
    pub(crate) fn new(api: &'static str, service: &'static str) -> Self {
        #[cfg(not(feature = "metrics"))]
        let _ = (api, service);
        Self {
            #[cfg(feature = "metrics")]
            labels: [api, service],
            #[cfg(feature = "metrics")]
            handle: OnceLock::new(),
        }
    }

    /// A call uses a token that has used `ratio` of its lifetime.
    pub(crate) fn used(&self, ratio: impl FnOnce() -> f64) {
        #[cfg(feature = "metrics")]
        self.handle
            .get_or_init(|| {
                let [api, service] = self.labels;
                metrics::histogram!(TOKEN_AGE, "api" => api, "service" => service)
            })
            .record(ratio());
        #[cfg(not(feature = "metrics"))]
        let _ = ratio;
    }
}

/// A single-flight mint of `api`/`service` ended: `source` is where the token came from
/// (`local`, `fleet`, `adopted`), `outcome` is `ok` or the error's kind.
pub(crate) fn mint(
    api: &'static str,
    service: &'static str,
    source: &'static str,
    outcome: &'static str,
    started: Stopwatch,
) {
    #[cfg(feature = "metrics")]
    {
        let labels = [
            Label::from_static_parts("api", api),
            Label::from_static_parts("service", service),
            Label::from_static_parts("source", source),
            Label::from_static_parts("outcome", outcome),
        ];
        metrics::counter!(MINTS, labels.iter()).increment(1);
        metrics::histogram!(MINT_DURATION, labels.iter()).record(started.seconds());
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (api, service, source, outcome, started);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kept handles: one series per operation and status class, whatever the address of
    /// equal text, and each update lands in its series.
    #[cfg(feature = "metrics")]
    #[test]
    fn call_durations_keep_one_handle_per_operation_and_class() {
        let capture = sdk_testkit::recorder::capture();
        let durations = CallDurations::new("obi");
        let elsewhere: &'static str = String::from("get_customer").leak();
        for (operation, class, seconds) in [
            ("get_customer", "2xx", 0.25),
            (elsewhere, "2xx", 0.5),
            ("get_customer", "5xx", 1.0),
            ("create_quote", "2xx", 2.0),
        ] {
            durations.record(operation, || seconds, || class);
        }
        let metrics = capture.take();
        let series = |operation, class| {
            let labels = [
                ("api", "obi"),
                ("operation", operation),
                ("status_class", class),
            ];
            metrics.histogram(CALL_DURATION, &labels)
        };
        assert_eq!(series("get_customer", "2xx"), [0.25, 0.5]);
        assert_eq!(series("get_customer", "5xx"), [1.0]);
        assert_eq!(series("create_quote", "2xx"), [2.0]);
        assert_eq!(metrics.0.len(), 3, "{metrics:#?}");
    }

    #[test]
    fn status_classes() {
        let classes: Vec<_> = [101, 200, 204, 302, 404, 429, 500, 503, 599]
            .into_iter()
            .map(status_class)
            .collect();
        assert_eq!(
            classes,
            [
                "1xx", "2xx", "2xx", "3xx", "4xx", "4xx", "5xx", "5xx", "5xx"
            ]
        );
    }
}
