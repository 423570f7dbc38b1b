//! The one decision of the call loop: after an attempt, return what it produced, replay it
//! with a fresh token, retry it after a pause, or give up, and why. A pure function of the
//! attempt's [`Outcome`], the call's [`Facts`] and the [`RetryPolicy`]: no I/O, no clock, no
//! shared state, so every rule is tested by a table below.

use std::time::Duration;

use super::classify::Outcome;
use crate::config::retry::RetryPolicy;
use crate::error::{AuthError, NoReplay};

/// What the call loop knows when it decides, as plain values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts {
    /// Safe to repeat: an idempotent method, an operation marked so, or a call with an
    /// idempotency key.
    pub(crate) idempotent: bool,
    /// A copy of the request exists (`false` for a streaming body).
    pub(crate) resendable: bool,
    /// The request carried a bearer this layer stamped.
    pub(crate) bearer: bool,
    /// That bearer was minted by another process of the fleet (adopted from the shared
    /// store), not by this one.
    pub(crate) adopted: bool,
    /// Replays with a fresh token already sent for this call.
    pub(crate) replays: u32,
    /// The service accepts a re-mint on 401 now (not inside its rejected-token backoff).
    pub(crate) replay_allowed: bool,
    /// Retries sent so far (replays do not count).
    pub(crate) retries: u32,
    /// The retry budget allows one more retry.
    pub(crate) budget_allows: bool,
    /// Time left before the call deadline (`None`: no deadline).
    pub(crate) remaining: Option<Duration>,
    /// The policy's pause before the next retry (already jittered).
    pub(crate) backoff: Duration,
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Hand the response (or transport error) to the caller.
    Return,
    /// Re-mint and send the copy again at once (a 401 replay is not a retry).
    Replay,
    /// Send the copy again after `after`.
    Retry {
        /// The pause: the backoff, at least the server's `Retry-After`.
        after: Duration,
    },
    /// End the call with this auth failure (a 401 the layer cannot cure).
    Unauthorized(AuthError),
    /// A transient failure that is not retried: hand it back, for this reason.
    GiveUp(Stop),
}

/// Why a transient failure is not retried (the `reason` of logs and metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Not idempotent, and its bytes may have reached the server.
    NotIdempotent,
    /// The body is a stream: there is no copy to send.
    NotResendable,
    /// The policy's attempts are used up.
    AttemptsExhausted,
    /// The server asked to wait longer than the policy's `max_retry_after`.
    RetryAfterTooLong,
    /// The pause would end past the call deadline.
    PastDeadline,
    /// The retry budget is spent (the upstream is failing broadly).
    BudgetExhausted,
}

impl Stop {
    /// Short stable name for logs and metrics.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::NotIdempotent => "not_idempotent",
            Self::NotResendable => "not_resendable",
            Self::AttemptsExhausted => "attempts_exhausted",
            Self::RetryAfterTooLong => "retry_after_too_long",
            Self::PastDeadline => "past_deadline",
            Self::BudgetExhausted => "budget_exhausted",
        }
    }
}

impl Decision {
    /// The decision and its reason as metric labels, after an attempt read as `outcome`:
    /// `retry` / the transient reason (`http_503`, `connect`, …), `give_up` / the [`Stop`],
    /// `replay` / `unauthorized`, `unauthorized` / why the 401 ends the call. `None` for
    /// [`Decision::Return`], the common case, which the call's own metric counts.
    pub(crate) fn labels(&self, outcome: &Outcome) -> Option<(&'static str, &'static str)> {
        Some(match self {
            Self::Return => return None,
            Self::Replay => ("replay", "unauthorized"),
            Self::Retry { .. } => match outcome {
                Outcome::Transient(transient) => ("retry", transient.reason),
                _ => ("retry", "unknown"),
            },
            Self::Unauthorized(error) => match error {
                AuthError::NotReplayed { reason } => ("unauthorized", reason.as_str()),
                other => ("unauthorized", other.kind()),
            },
            Self::GiveUp(stop) => ("give_up", stop.as_str()),
        })
    }
}

/// The decision after an attempt whose result was read as `outcome`.
pub(crate) fn decide(outcome: &Outcome, facts: &Facts, policy: &RetryPolicy) -> Decision {
    match outcome {
        Outcome::Final => Decision::Return,
        Outcome::Unauthorized => unauthorized(facts),
        Outcome::Transient(transient) => {
            let stop = if transient.maybe_processed && !facts.idempotent {
                Some(Stop::NotIdempotent)
            } else if !facts.resendable {
                Some(Stop::NotResendable)
            } else if facts.retries + 1 >= policy.max_attempts {
                Some(Stop::AttemptsExhausted)
            } else if transient
                .retry_after
                .is_some_and(|after| after > policy.max_retry_after)
            {
                Some(Stop::RetryAfterTooLong)
            } else {
                None
            };
            let after = facts.backoff.max(transient.retry_after.unwrap_or_default());
            match stop {
                Some(stop) => Decision::GiveUp(stop),
                None if facts.remaining.is_some_and(|left| after >= left) => {
                    Decision::GiveUp(Stop::PastDeadline)
                }
                None if !facts.budget_allows => Decision::GiveUp(Stop::BudgetExhausted),
                None => Decision::Retry { after },
            }
        }
    }
}

/// A 401: one replay with a fresh token when possible, else the auth failure, labelled.
///
/// A refused replay whose token another replica minted is not the API refusing fresh tokens:
/// the shared store held a stale one. It gets one more replay, with a token minted after it.
fn unauthorized(facts: &Facts) -> Decision {
    let not_replayed = |reason| Decision::Unauthorized(AuthError::NotReplayed { reason });
    let second_look = facts.replays == 1 && facts.adopted;
    if !facts.bearer {
        not_replayed(NoReplay::NoBearer)
    } else if facts.replays > 0 && !second_look {
        Decision::Unauthorized(AuthError::RejectedAfterReplay)
    } else if !facts.resendable {
        not_replayed(NoReplay::StreamingBody)
    } else if !facts.replay_allowed {
        not_replayed(NoReplay::RecentlyRejected)
    } else {
        Decision::Replay
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::classify::Transient;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    /// A first attempt of an idempotent, resendable, authenticated call with room left.
    fn first() -> Facts {
        Facts {
            idempotent: true,
            resendable: true,
            bearer: true,
            adopted: false,
            replays: 0,
            replay_allowed: true,
            retries: 0,
            budget_allows: true,
            remaining: Some(Duration::from_secs(60)),
            backoff: MS(150),
        }
    }

    fn transient(maybe_processed: bool, retry_after: Option<Duration>) -> Outcome {
        Outcome::Transient(Transient {
            reason: "test",
            maybe_processed,
            retry_after,
        })
    }

    /// Every row of the README's retry table, and every way a 401 ends.
    #[test]
    fn the_retry_table() {
        let policy = RetryPolicy::default();
        let sent = transient(true, None);
        let unsent = transient(false, None);
        let rows: Vec<(&str, Outcome, Facts, Decision)> = vec![
            (
                "a success is returned",
                Outcome::Final,
                first(),
                Decision::Return,
            ),
            (
                "idempotent 5xx/408/429/reset is retried after the backoff",
                sent.clone(),
                first(),
                Decision::Retry { after: MS(150) },
            ),
            (
                "a POST whose bytes may have arrived is never repeated",
                sent.clone(),
                Facts {
                    idempotent: false,
                    ..first()
                },
                Decision::GiveUp(Stop::NotIdempotent),
            ),
            (
                "any operation is retried when nothing was sent (connect failed)",
                unsent.clone(),
                Facts {
                    idempotent: false,
                    ..first()
                },
                Decision::Retry { after: MS(150) },
            ),
            (
                "a streaming body cannot be repeated",
                sent.clone(),
                Facts {
                    resendable: false,
                    ..first()
                },
                Decision::GiveUp(Stop::NotResendable),
            ),
            (
                "at most 3 attempts",
                sent.clone(),
                Facts {
                    retries: 2,
                    ..first()
                },
                Decision::GiveUp(Stop::AttemptsExhausted),
            ),
            (
                "the second retry is still allowed",
                sent.clone(),
                Facts {
                    retries: 1,
                    ..first()
                },
                Decision::Retry { after: MS(150) },
            ),
            (
                "at least the server's Retry-After",
                transient(true, Some(MS(2_000))),
                first(),
                Decision::Retry { after: MS(2_000) },
            ),
            (
                "no retry when Retry-After exceeds 20 s",
                transient(true, Some(Duration::from_secs(21))),
                first(),
                Decision::GiveUp(Stop::RetryAfterTooLong),
            ),
            (
                "Retry-After of exactly 20 s is honoured",
                transient(true, Some(Duration::from_secs(20))),
                first(),
                Decision::Retry {
                    after: Duration::from_secs(20),
                },
            ),
            (
                "no pause that ends past the deadline",
                sent.clone(),
                Facts {
                    remaining: Some(MS(100)),
                    ..first()
                },
                Decision::GiveUp(Stop::PastDeadline),
            ),
            (
                "no deadline, no limit",
                transient(true, Some(Duration::from_secs(19))),
                Facts {
                    remaining: None,
                    ..first()
                },
                Decision::Retry {
                    after: Duration::from_secs(19),
                },
            ),
            (
                "the budget stops retries",
                sent.clone(),
                Facts {
                    budget_allows: false,
                    ..first()
                },
                Decision::GiveUp(Stop::BudgetExhausted),
            ),
            (
                "a 401 is replayed once with a fresh token",
                Outcome::Unauthorized,
                first(),
                Decision::Replay,
            ),
            (
                "a replay is not a retry: allowed with attempts used up",
                Outcome::Unauthorized,
                Facts {
                    retries: 2,
                    budget_allows: false,
                    ..first()
                },
                Decision::Replay,
            ),
            (
                "a 401 after the replay is the API refusing fresh tokens",
                Outcome::Unauthorized,
                Facts {
                    replays: 1,
                    ..first()
                },
                Decision::Unauthorized(AuthError::RejectedAfterReplay),
            ),
            (
                "a replay refused with a token another replica minted gets one more",
                Outcome::Unauthorized,
                Facts {
                    replays: 1,
                    adopted: true,
                    ..first()
                },
                Decision::Replay,
            ),
            (
                "but only one more",
                Outcome::Unauthorized,
                Facts {
                    replays: 2,
                    adopted: true,
                    ..first()
                },
                Decision::Unauthorized(AuthError::RejectedAfterReplay),
            ),
            (
                "an adopted token refused at the first attempt is replayed as usual",
                Outcome::Unauthorized,
                Facts {
                    adopted: true,
                    ..first()
                },
                Decision::Replay,
            ),
            (
                "a streaming body is not replayed",
                Outcome::Unauthorized,
                Facts {
                    resendable: false,
                    ..first()
                },
                Decision::Unauthorized(AuthError::NotReplayed {
                    reason: NoReplay::StreamingBody,
                }),
            ),
            (
                "while fresh tokens are refused, no re-mint per 401",
                Outcome::Unauthorized,
                Facts {
                    replay_allowed: false,
                    ..first()
                },
                Decision::Unauthorized(AuthError::NotReplayed {
                    reason: NoReplay::RecentlyRejected,
                }),
            ),
            (
                "an operation without a bearer is not replayed",
                Outcome::Unauthorized,
                Facts {
                    bearer: false,
                    ..first()
                },
                Decision::Unauthorized(AuthError::NotReplayed {
                    reason: NoReplay::NoBearer,
                }),
            ),
        ];
        for (rule, outcome, facts, expected) in rows {
            assert_eq!(decide(&outcome, &facts, &policy), expected, "{rule}");
        }
    }

    #[test]
    fn a_disabled_policy_sends_once_but_still_replays() {
        let policy = RetryPolicy::disabled();
        let decision = decide(&transient(false, None), &first(), &policy);
        assert_eq!(decision, Decision::GiveUp(Stop::AttemptsExhausted));
        assert_eq!(
            decide(&Outcome::Unauthorized, &first(), &policy),
            Decision::Replay
        );
    }
}
