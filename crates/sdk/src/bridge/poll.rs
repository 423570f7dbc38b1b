//! Polling a mobile collection until it is terminal.

use std::sync::Arc;
use std::time::Duration;

use sdk_auth::{Clock, SystemClock};

use super::collections;
use crate::{Error, ErrorKind};

/// Where a collection stands, classified from the raw `status` string.
///
/// Only `PENDING`, `PROCESSING` and `COMPLETED` are documented; failure values are not, so any
/// other value is a terminal failure and is kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CollectionState {
    /// `PENDING`: not yet sent to the payer.
    Pending,
    /// `PROCESSING`: the USSD prompt is with the payer.
    Processing,
    /// `COMPLETED`: the money was collected.
    Completed,
    /// Any other value: a terminal failure, with the raw value.
    Failed(String),
    /// The response carried no `status` at all (treated as not yet terminal).
    Unknown,
}

impl CollectionState {
    /// Classifies a raw status (compared case-insensitively, surrounding spaces ignored).
    pub fn from_status(status: Option<&str>) -> Self {
        let Some(raw) = status else {
            return Self::Unknown;
        };
        match raw.trim().to_ascii_uppercase().as_str() {
            "PENDING" => Self::Pending,
            "PROCESSING" => Self::Processing,
            "COMPLETED" => Self::Completed,
            "" => Self::Unknown,
            _ => Self::Failed(raw.to_owned()),
        }
    }

    /// True for [`Completed`](Self::Completed) and [`Failed`](Self::Failed).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed(_))
    }
}

/// How [`poll_collection_with`] waits: overall timeout, first interval, backoff cap and the
/// clock it sleeps on.
#[derive(Debug, Clone)]
pub struct PollOptions {
    timeout: Duration,
    interval: Duration,
    max_interval: Duration,
    clock: Arc<dyn Clock>,
}

impl PollOptions {
    /// Gives up after `timeout`; waits `interval` after the first poll and doubles the wait
    /// after each further one, up to the larger of `interval` and 30 s. Sleeps on
    /// [`SystemClock`] (Tokio's timer, which reqwest needs anyway).
    pub fn new(timeout: Duration, interval: Duration) -> Self {
        Self {
            timeout,
            interval,
            max_interval: interval.max(Duration::from_secs(30)),
            clock: Arc::new(SystemClock),
        }
    }

    /// Caps the backoff between polls (never below the first interval).
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval.max(self.interval);
        self
    }

    /// The clock to read time from and sleep on: any async runtime, or
    /// [`sdk_auth::ManualClock`] in tests (its sleeps return at once).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    fn delay(&self, polls_done: u32) -> Duration {
        let factor = 1u32
            .checked_shl(polls_done.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.interval
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_interval)
    }
}

/// Why [`poll_collection`] did not return a completed collection. Converts into
/// [`crate::Error`] with `?` ([`Rejected`](ErrorKind::Rejected) for a failed collection,
/// [`Unavailable`](ErrorKind::Unavailable) for a timeout).
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    /// The collection reached a terminal status other than `COMPLETED`; `status` is the raw
    /// value (failure values are undocumented).
    #[error("collection ended with status {status:?}")]
    Failed {
        /// The raw terminal status.
        status: String,
        /// The last status response.
        collection: Box<collections::types::CollectionStatus>,
    },
    /// No terminal status within the caller's timeout.
    #[error("collection not terminal after {waited:?} (last status {last_status:?})")]
    TimedOut {
        /// Time spent polling.
        waited: Duration,
        /// The last status seen, if any response had one.
        last_status: Option<String>,
        /// The last retryable error, if the last poll failed.
        last_error: Option<Error>,
    },
    /// A status request failed with an error that retrying will not fix (e.g. 401 after the
    /// replay, 403, 404, 422).
    #[error(transparent)]
    Api(#[from] Error),
}

impl From<PollError> for Error {
    fn from(error: PollError) -> Self {
        match error {
            PollError::Api(error) => error,
            PollError::Failed { status, .. } => Error::new(
                ErrorKind::Rejected,
                format!("collection ended with status {status:?}"),
            )
            .with_code(status),
            timed_out @ PollError::TimedOut { .. } => {
                Error::new(ErrorKind::Unavailable, timed_out.to_string())
            }
        }
    }
}

/// Polls `GET /collection/status` until the collection is `COMPLETED` (returned), reaches
/// another terminal status ([`PollError::Failed`]) or `timeout` passes
/// ([`PollError::TimedOut`]), waiting `interval` after the first poll and backing off
/// (doubling, capped at 30 s or `interval` if larger) after each further one.
///
/// `transaction_id` is **your** reference from `trigger_mobile_collection`: it is both the
/// poll key and the idempotency key of the collection. Reuse it on retries (a 409 means it is
/// still in flight); never mint a new one for the same payment. Afterwards pass it as
/// `gatewayReference` to `submit_loan_payment` / `submit_wallet_deposit` on the BaaS core.
/// `fsp_id` is normally [`DEFAULT_FSP_ID`](super::DEFAULT_FSP_ID).
///
/// Retryable failures of a poll ([`Error::is_retryable`]) are retried within the
/// timeout; others end the poll with [`PollError::Api`]. The deadline is checked between
/// polls; each request is bounded by the HTTP client's own timeout. Sleeps on
/// [`SystemClock`]; use [`poll_collection_with`] for another clock.
///
/// # Errors
/// See [`PollError`].
pub async fn poll_collection(
    client: &collections::Client,
    transaction_id: &str,
    fsp_id: &str,
    timeout: Duration,
    interval: Duration,
) -> Result<collections::types::CollectionStatus, PollError> {
    poll_collection_with(
        client,
        transaction_id,
        fsp_id,
        &PollOptions::new(timeout, interval),
    )
    .await
}

/// [`poll_collection`] with explicit [`PollOptions`] (backoff cap, clock).
///
/// # Errors
/// See [`PollError`].
pub async fn poll_collection_with(
    client: &collections::Client,
    transaction_id: &str,
    fsp_id: &str,
    options: &PollOptions,
) -> Result<collections::types::CollectionStatus, PollError> {
    let clock = &options.clock;
    let start = clock.now();
    let mut polls = 0u32;
    let mut last_status = None;
    let mut last_error: Option<Error>;
    loop {
        let result = client
            .get_collection_status()
            .transaction_id(transaction_id)
            .fsp_id(fsp_id)
            .send()
            .await;
        polls += 1;
        match result.map(progenitor_client::ResponseValue::into_inner) {
            Ok(collection) => {
                last_error = None;
                let state = CollectionState::from_status(collection.status.as_deref());
                tracing::debug!(transaction_id, ?state, polls, "collection status");
                match state {
                    CollectionState::Completed => return Ok(collection),
                    CollectionState::Failed(status) => {
                        return Err(PollError::Failed {
                            status,
                            collection: Box::new(collection),
                        });
                    }
                    _ => last_status = collection.status,
                }
            }
            Err(error) => {
                let error = Error::from(error);
                if !error.is_retryable() {
                    return Err(PollError::Api(error));
                }
                tracing::debug!(transaction_id, %error, polls, "collection status poll failed; retrying");
                last_error = Some(error);
            }
        }
        let waited = clock.now().saturating_duration_since(start);
        let Some(remaining) = options.timeout.checked_sub(waited).filter(|r| !r.is_zero()) else {
            return Err(PollError::TimedOut {
                waited,
                last_status,
                last_error,
            });
        };
        clock.sleep(options.delay(polls).min(remaining)).await;
    }
}
