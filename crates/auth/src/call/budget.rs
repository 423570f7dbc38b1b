//! The retry budget of one [`Auth`](crate::Auth), shared by its clones and services.
//!
//! It follows gRPC's retry throttling: a counter of at most `max_tokens` loses one token per
//! failed attempt and regains `token_ratio` per success; retries are allowed only while it is
//! above half. At a steady failure rate the extra load stays near `token_ratio` (10 % by
//! default), and under a total outage it stops after a handful of retries.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::retry::RetryPolicy;
use crate::meter;

/// Fixed-point scale of the budget counter (thousandths of a token).
const MILLI: u64 = 1000;

/// The counter.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    milli_tokens: AtomicU64,
    max: u64,
    refund: u64,
    /// The API whose calls spend it (the label of its gauge).
    api: &'static str,
}

impl RetryBudget {
    pub(crate) fn new(policy: &RetryPolicy, api: &'static str) -> Self {
        let max = u64::from(policy.max_tokens) * MILLI;
        let budget = Self {
            milli_tokens: AtomicU64::new(max),
            max,
            refund: (policy.token_ratio * MILLI as f64) as u64,
            api,
        };
        budget.measure();
        budget
    }

    /// A call or attempt that needed no retry. A full budget is only read, never written, so
    /// the warm path costs one atomic load.
    pub(crate) fn on_success(&self) {
        if self.milli_tokens.load(Ordering::Relaxed) >= self.max {
            return;
        }
        let _ = self
            .milli_tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |tokens| {
                Some((tokens + self.refund).min(self.max))
            });
        self.measure();
    }

    /// An attempt that failed in a retryable way.
    pub(crate) fn on_failure(&self) {
        let _ = self
            .milli_tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |tokens| {
                Some(tokens.saturating_sub(MILLI))
            });
        self.measure();
    }

    /// Whether a retry may be sent now.
    pub(crate) fn allows_retry(&self) -> bool {
        self.milli_tokens.load(Ordering::Relaxed) > self.max / 2
    }

    /// The level, 0 to 1 (retries are allowed above 0.5).
    fn level(&self) -> f64 {
        match self.max {
            0 => 0.0,
            max => self.milli_tokens.load(Ordering::Relaxed) as f64 / max as f64,
        }
    }

    /// Reports the level to the `sdk_retry_budget_ratio` gauge (feature `metrics`); the
    /// warm path, a full budget only read, never gets here.
    fn measure(&self) {
        meter::retry_budget(self.api, || self.level());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_throttles_under_total_failure_and_recovers() {
        let budget = RetryBudget::new(&RetryPolicy::default(), "test");
        let mut retries = 0;
        for _ in 0..300 {
            budget.on_failure();
            if budget.allows_retry() {
                retries += 1;
                budget.on_failure();
            }
        }
        assert!(retries <= 5, "{retries} retries under a total outage");
        for _ in 0..60 {
            budget.on_success();
        }
        assert!(budget.allows_retry(), "60 successes refill past half");
    }
}
