//! Metrics recorded in memory, for the tests of the `metrics` feature: an in-memory recorder
//! (`metrics-util`'s `DebuggingRecorder`) installed for the current thread only, so tests of
//! one binary running in parallel do not see each other's metrics (run them on a
//! current-thread runtime, `#[tokio::test]`'s default), and the check that no label could
//! carry a secret.

use std::collections::BTreeMap;
use std::fmt;

use metrics::LocalRecorderGuard;
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};

/// Every label key the SDK may use: names chosen by the SDK, never text from a request.
pub const LABEL_KEYS: [&str; 8] = [
    "api",
    "service",
    "operation",
    "status_class",
    "decision",
    "reason",
    "outcome",
    "source",
];

/// Records the metrics of this thread until dropped.
pub struct Capture {
    snapshotter: Snapshotter,
    _guard: LocalRecorderGuard<'static>,
}

/// Starts recording this thread's metrics.
pub fn capture() -> Capture {
    // Leaked so that the guard can borrow it for as long as the test runs (a few bytes).
    let recorder: &'static DebuggingRecorder = Box::leak(Box::new(DebuggingRecorder::new()));
    Capture {
        snapshotter: recorder.snapshotter(),
        _guard: metrics::set_default_local_recorder(recorder),
    }
}

impl Capture {
    /// What was recorded since the last call (counters count from zero again afterwards).
    pub fn take(&self) -> Metrics {
        let samples = self
            .snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .map(|(key, _, _, value)| {
                let (_, key) = key.into_parts();
                Sample {
                    name: key.name().to_owned(),
                    labels: key
                        .labels()
                        .map(|label| (label.key().to_owned(), label.value().to_owned()))
                        .collect(),
                    value: match value {
                        DebugValue::Counter(count) => Value::Counter(count),
                        DebugValue::Gauge(level) => Value::Gauge(level.into_inner()),
                        DebugValue::Histogram(values) => {
                            Value::Histogram(values.into_iter().map(|v| v.into_inner()).collect())
                        }
                    },
                }
            })
            .collect();
        Metrics(samples)
    }
}

/// One metric series: name, labels and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: Value,
}

/// A series' value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Counter(u64),
    Gauge(f64),
    Histogram(Vec<f64>),
}

/// Series recorded over some time.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics(pub Vec<Sample>);

impl Metrics {
    /// Series named `name` whose labels include every pair of `labels`.
    pub fn matching<'a>(
        &'a self,
        name: &'a str,
        labels: &'a [(&str, &str)],
    ) -> impl Iterator<Item = &'a Sample> {
        self.0.iter().filter(move |sample| {
            sample.name == name
                && labels
                    .iter()
                    .all(|(k, v)| sample.labels.get(*k).is_some_and(|value| value == v))
        })
    }

    /// The sum of the counters `name` with `labels`.
    pub fn counter(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        self.matching(name, labels)
            .map(|sample| match sample.value {
                Value::Counter(count) => count,
                _ => 0,
            })
            .sum()
    }

    /// Every value recorded into the histograms `name` with `labels`.
    pub fn histogram(&self, name: &str, labels: &[(&str, &str)]) -> Vec<f64> {
        self.matching(name, labels)
            .flat_map(|sample| match &sample.value {
                Value::Histogram(values) => values.clone(),
                _ => Vec::new(),
            })
            .collect()
    }

    /// The last level of the gauge `name` with `labels`, if it was set.
    pub fn gauge(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.matching(name, labels)
            .filter_map(|sample| match sample.value {
                Value::Gauge(level) => Some(level),
                _ => None,
            })
            .last()
    }

    /// Panics unless every series is named `sdk_…`, every label key is one of [`LABEL_KEYS`],
    /// every label value is a short snake-case name (`[a-z0-9_]`, up to 64 characters: no
    /// room for a URL, a header or a token), and no value contains any of `secrets`.
    pub fn assert_labels_are_names(&self, secrets: &[&str]) {
        assert!(!self.0.is_empty(), "no metrics were recorded");
        for sample in &self.0 {
            assert!(sample.name.starts_with("sdk_"), "{sample}");
            for (key, value) in &sample.labels {
                assert!(LABEL_KEYS.contains(&key.as_str()), "label {key}: {sample}");
                let name = value
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                assert!(
                    name && !value.is_empty() && value.len() <= 64,
                    "label {key}={value:?} is not a name: {sample}"
                );
                for secret in secrets {
                    assert!(!value.contains(secret), "{secret:?} in {sample}");
                }
            }
        }
    }
}

impl fmt::Display for Sample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:?} = {:?}", self.name, self.labels, self.value)
    }
}
