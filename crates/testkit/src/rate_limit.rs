//! An endpoint that asks clients to slow down: while armed, it answers 429 with `Retry-After`
//! (the whole seconds left of its window) and counts the requests it receives in the window,
//! by the value of a header naming who sent them (a replica, say); otherwise it lets requests
//! through.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use wiremock::{Request, Respond, ResponseTemplate};

/// A rate-limit window and the requests met inside it.
#[derive(Debug, Default)]
pub struct RateLimit {
    until: Mutex<Option<Instant>>,
    seen: Mutex<BTreeMap<String, usize>>,
}

/// The header whose value names the sender of a request (`-` when absent).
pub const SENDER: &str = "x-sender";

impl RateLimit {
    /// A limit, not armed yet.
    pub fn new() -> Arc<Self> {
        Arc::default()
    }

    /// Starts a window of `window` from now.
    pub fn arm(&self, window: Duration) {
        *lock(&self.until) = Some(Instant::now() + window);
    }

    /// The end of the window, once armed.
    pub fn ends(&self) -> Option<Instant> {
        *lock(&self.until)
    }

    /// Requests received inside the window, by sender.
    pub fn in_window(&self) -> BTreeMap<String, usize> {
        lock(&self.seen).clone()
    }

    /// A 429 for `request` if it arrives inside the window (and it is counted), else `None`.
    pub fn check(&self, request: &Request) -> Option<ResponseTemplate> {
        let left = (*lock(&self.until))?.checked_duration_since(Instant::now())?;
        let sender = request
            .headers
            .get(SENDER)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("-")
            .to_owned();
        *lock(&self.seen).entry(sender).or_default() += 1;
        let seconds = left.as_millis().div_ceil(1000).max(1);
        Some(ResponseTemplate::new(429).insert_header("retry-after", seconds.to_string()))
    }
}

/// Answers 429 inside the limit's window, else 200 with an empty JSON object.
pub struct Limited(pub Arc<RateLimit>);

impl Respond for Limited {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0
            .check(request)
            .unwrap_or_else(|| ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
