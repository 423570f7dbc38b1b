//! The retry budget of one [`Auth`](crate::Auth), shared by its clones and services.
//!
//! It follows gRPC's retry throttling: a counter of at most `max_tokens` loses one token per
//! failed attempt and regains `token_ratio` per success; retries are allowed only while it is
//! above half. At a steady failure rate the extra load stays near `token_ratio` (10 % by
//! default), and under a total outage it stops after a handful of retries.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::config::retry::RetryPolicy;

/// Fixed-point scale of the budget counter (thousandths of a token).
const MILLI: u64 = 1000;

/// The counter.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    milli_tokens: AtomicU64,
    max: u64,
    refund: u64,
}

impl RetryBudget {
    pub(crate) fn new(policy: &RetryPolicy) -> Self {
        let max = u64::from(policy.max_tokens) * MILLI;
        Self {
            milli_tokens: AtomicU64::new(max),
            max,
            refund: (policy.token_ratio * MILLI as f64) as u64,
        }
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
    }

    /// An attempt that failed in a retryable way.
    pub(crate) fn on_failure(&self) {
        let _ = self
            .milli_tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |tokens| {
                Some(tokens.saturating_sub(MILLI))
            });
    }

    /// Whether a retry may be sent now.
    pub(crate) fn allows_retry(&self) -> bool {
        self.milli_tokens.load(Ordering::Relaxed) > self.max / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_throttles_under_total_failure_and_recovers() {
        let budget = RetryBudget::new(&RetryPolicy::default());
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
