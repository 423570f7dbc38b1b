//! Sending one business call: the attempt loop behind `Auth::send`, which the generated
//! clients call for every request.
//!
//! Each attempt stamps the bearer, goes out, and its result is read once into an
//! [`Outcome`](super::classify::Outcome); [`decide`](super::decide::decide) then says whether
//! to return it, replay it with a fresh token (401), retry it after a pause, or give up. One
//! deadline bounds token, attempts and backoff together; one span describes the call.

use std::future::Future;
use std::pin::pin;
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Response, StatusCode};
use tracing::Instrument as _;

use super::backoff;
use super::budget::RetryBudget;
use super::classify::{self, Outcome, SuccessBodyCheck};
use super::decide::{Decision, Facts, decide};
use super::failure::CallFailure;
use super::operation::Operation;
use super::telemetry::{self, Tally};
use crate::clock;
use crate::config::AuthOptions;
use crate::config::call::CallOptions;
use crate::error::AuthError;
use crate::meter;
use crate::token::access::AccessToken;
use crate::token::services::{Service, Services};
use crate::wire;

/// Where attempts go: the HTTP client in production, a stand-in in the benchmarks (which
/// time this loop with the network cut out).
pub(crate) trait Transport: Sync {
    /// Sends one attempt.
    fn execute(
        &self,
        request: reqwest::Request,
    ) -> impl Future<Output = reqwest::Result<Response>> + Send;
}

impl Transport for reqwest::Client {
    fn execute(
        &self,
        request: reqwest::Request,
    ) -> impl Future<Output = reqwest::Result<Response>> + Send {
        reqwest::Client::execute(self, request)
    }
}

/// What one `Auth` sends calls with: its services' tokens, its options and retry budget.
pub(crate) struct Caller {
    pub(crate) services: Services,
    pub(crate) options: AuthOptions,
    /// Shared by every call of the `Auth` and its clones.
    budget: RetryBudget,
    /// Its calls' durations (feature `metrics`).
    durations: meter::CallDurations,
    success_check: Option<SuccessBodyCheck>,
    /// Built once: stamping it is a reference-count bump.
    user_agent: HeaderValue,
}

/// How a call ended without a response for the caller.
enum Exit {
    /// The HTTP client's own error (connection, timeout), after any retries.
    Transport(reqwest::Error),
    /// A typed reason, delivered through [`CallFailure::into_reqwest`].
    Failure(Box<CallFailure>),
}

impl From<CallFailure> for Exit {
    fn from(failure: CallFailure) -> Self {
        Self::Failure(Box::new(failure))
    }
}

impl Caller {
    pub(crate) fn new(
        services: Services,
        options: AuthOptions,
        success_check: Option<SuccessBodyCheck>,
    ) -> Self {
        meter::describe();
        let api = services.first().cache.info.api;
        Self {
            budget: RetryBudget::new(&options.retry, api),
            durations: meter::CallDurations::new(api),
            services,
            user_agent: options.effective_user_agent(),
            success_check,
            options,
        }
    }

    /// Sends `request` as `operation`, with `call`'s options for this call alone. A response,
    /// even an error status, is returned as is for the generated client to decode, except a
    /// 401 this layer could not cure; every other failure is a `reqwest::Error` whose source
    /// chain holds a [`CallFailure`] (see `crate::call::failure`).
    ///
    /// Not an `async fn`: the loop's state (the request, its spare copy, the attempt in
    /// flight) is boxed before the returned future exists, so what the generated client holds
    /// across its `.await` is a pointer and the span, not the request.
    pub(crate) fn send(
        &self,
        client: &impl Transport,
        request: reqwest::Request,
        operation: &Operation,
        call: Option<&CallOptions>,
    ) -> impl Future<Output = reqwest::Result<Response>> + Send {
        let span = telemetry::span(self.api(), &request, operation);
        let run = Box::pin(self.run(client, request, operation, call, span.clone()));
        async move {
            match run.instrument(span).await {
                Ok(response) => Ok(response),
                Err(Exit::Transport(error)) => Err(error),
                // Rare, so boxed too: building the carrier error takes a response's worth of
                // state.
                Err(Exit::Failure(failure)) => Err(Box::pin(failure.into_reqwest()).await),
            }
        }
    }

    /// The attempts within the call deadline, recorded on `span`.
    async fn run(
        &self,
        client: &impl Transport,
        request: reqwest::Request,
        operation: &Operation,
        call: Option<&CallOptions>,
        span: tracing::Span,
    ) -> Result<Response, Exit> {
        let clock = &*self.options.clock;
        let begun = clock.now();
        let tally = Tally::default();
        let deadline = call.map_or(self.options.call_deadline, |c| c.deadline_or(&self.options));
        let attempts = self.attempts(client, request, operation, call, &tally, (begun, deadline));
        let exit = match deadline {
            None => attempts.await,
            Some(limit) => match clock::within(clock, limit, pin!(attempts)).await {
                Some(exit) => exit,
                None => {
                    let attempts = tally.attempts();
                    tracing::warn!(deadline = ?limit, attempts, "call deadline passed");
                    Err(CallFailure::DeadlineExceeded {
                        deadline: limit,
                        attempts,
                    }
                    .into())
                }
            },
        };
        let error = match &exit {
            Ok(response)
                if response.status().is_client_error() || response.status().is_server_error() =>
            {
                Some(response.status().as_str().to_owned())
            }
            Ok(_) => None,
            Err(Exit::Transport(error)) => Some(classify::transport_kind(error).to_owned()),
            Err(Exit::Failure(failure)) => Some(failure.kind().to_owned()),
        };
        telemetry::finish(&span, &tally, error.as_deref());
        let seconds = || clock.now().saturating_duration_since(begun).as_secs_f64();
        self.durations
            .record(operation.id, seconds, || status_class(&exit));
        exit
    }

    async fn attempts(
        &self,
        client: &impl Transport,
        mut request: reqwest::Request,
        operation: &Operation,
        call: Option<&CallOptions>,
        tally: &Tally,
        (begun, deadline): (Instant, Option<Duration>),
    ) -> Result<Response, Exit> {
        let options = &self.options;
        let policy = call.map_or(&options.retry, |c| c.retry_or(options));
        let idempotent = self.prepare(&mut request, operation, call)?;
        let service = match operation.authenticated {
            true => Some(
                self.services
                    .for_url(request.url())
                    .map_err(CallFailure::Auth)?,
            ),
            false => None,
        };
        let started = deadline.map(|deadline| (begun, deadline));
        let (mut retries, mut replays) = (0, 0);
        let remaining = || {
            started.map(|(at, deadline)| {
                (at + deadline).saturating_duration_since(options.clock.now())
            })
        };
        loop {
            if let Some(service) = service {
                backoff::wait_out(service, operation.id, policy, remaining, options).await;
            }
            // `None` for a streaming body: then there is no replay and no retry.
            let spare = request.try_clone();
            let bearer = match service {
                Some(service) => {
                    let token = service.stamp(&mut request).await;
                    let token = token.map_err(CallFailure::Auth)?;
                    // Measured at the call's start: no clock read per attempt.
                    service.age.used(|| token.age_ratio(begun));
                    Some(token)
                }
                None => None,
            };
            tally.sent();
            wire::request(&request);
            let (attempt, mut outcome) = match client.execute(request).await {
                Ok(response) => {
                    let status = response.status();
                    tally.status(status.as_u16());
                    wire::response(status);
                    let outcome =
                        classify::response(status, response.headers(), || options.clock.wall());
                    (Ok(response), outcome)
                }
                Err(error) => {
                    let outcome = classify::transport(&error);
                    (Err(error), outcome)
                }
            };
            let mut attempt = attempt;
            if let Some(service) = service {
                backoff::heed(service, operation.id, &outcome, options).await;
            }
            if let (Some(service), Ok(response)) = (service, &attempt) {
                if outcome != Outcome::Unauthorized {
                    service.cache.note_accepted();
                }
                let sniff = outcome == Outcome::Final && response.status() == StatusCode::OK;
                if let Some(check) = self.success_check.filter(|_| {
                    sniff && idempotent && spare.is_some() && retries + 1 < policy.max_attempts
                }) {
                    let response = attempt.map_err(Exit::Transport)?;
                    let (response, read) = classify::body_check(response, check)
                        .await
                        .map_err(Exit::Transport)?;
                    (attempt, outcome) = (Ok(response), read);
                }
            }
            match outcome {
                // The common case, decided without gathering the facts: `decide` returns it.
                Outcome::Final => {
                    self.budget.on_success();
                    return deliver(attempt, operation).await;
                }
                Outcome::Transient(_) => self.budget.on_failure(),
                Outcome::Unauthorized => {}
            }
            let facts = Facts {
                idempotent,
                resendable: spare.is_some(),
                bearer: bearer.is_some(),
                adopted: bearer.as_ref().is_some_and(|token| token.adopted()),
                replays,
                replay_allowed: service.is_none_or(|service| service.cache.replay_allowed()),
                retries,
                budget_allows: self.budget.allows_retry(),
                remaining: remaining(),
                backoff: policy.backoff_before(retries + 1),
            };
            let decision = decide(&outcome, &facts, policy);
            meter::decision(self.api(), operation.id, || decision.labels(&outcome));
            match (decision, spare) {
                (Decision::Replay, Some(next)) => {
                    if let (Some(service), Some(bearer)) = (service, &bearer) {
                        service.cache.invalidate(bearer.header());
                        tracing::info!(
                            api = service.cache.info.api,
                            service = service.cache.info.service,
                            "401 received; replaying once with a fresh token"
                        );
                    }
                    replays += 1;
                    request = next;
                }
                (Decision::Retry { after }, Some(next)) => {
                    retries += 1;
                    if let Outcome::Transient(transient) = &outcome {
                        tracing::info!(
                            attempt = retries + 1,
                            reason = transient.reason,
                            delay_ms = after.as_millis() as u64,
                            "retrying"
                        );
                    }
                    options.clock.sleep(after).await;
                    request = next;
                }
                (Decision::Unauthorized(error), _) => {
                    let refused = service.zip(bearer.as_ref());
                    return Err(self.unauthorized(refused, attempt, error).await);
                }
                (Decision::GiveUp(stop), _) => {
                    tracing::debug!(reason = stop.as_str(), "not retrying");
                    return deliver(attempt, operation).await;
                }
                _ => return deliver(attempt, operation).await,
            }
        }
    }

    /// Stamps the `User-Agent` and this call's options on `request`; returns whether the
    /// call is safe to repeat (its operation is, or it carries an idempotency key).
    fn prepare(
        &self,
        request: &mut reqwest::Request,
        operation: &Operation,
        call: Option<&CallOptions>,
    ) -> Result<bool, Exit> {
        if !request.headers().contains_key(USER_AGENT) {
            request
                .headers_mut()
                .insert(USER_AGENT, self.user_agent.clone());
        }
        let Some(call) = call else {
            return Ok(operation.idempotent);
        };
        if let Some(problem) = call.problem() {
            return Err(CallFailure::InvalidRequest(problem).into());
        }
        for (name, value) in call.headers() {
            if name != AUTHORIZATION {
                request.headers_mut().append(name, value.clone());
            }
        }
        let Some(key) = call.key() else {
            return Ok(operation.idempotent);
        };
        let header = operation
            .idempotency_header
            .and_then(|header| HeaderName::from_bytes(header.as_bytes()).ok())
            .ok_or_else(|| {
                CallFailure::InvalidRequest(format!(
                    "an idempotency key was given, but the API documents no idempotency-key header for `{}`",
                    operation.id
                ))
            })?;
        request.headers_mut().insert(header, key.clone());
        Ok(true)
    }

    /// A 401 that ends the call, labelled by `error`; a refused replay also pauses re-mints.
    async fn unauthorized(
        &self,
        refused: Option<(&Service, &AccessToken)>,
        attempt: reqwest::Result<Response>,
        error: AuthError,
    ) -> Exit {
        if let Some((service, token)) = refused {
            if error == AuthError::RejectedAfterReplay {
                service.cache.note_rejected(token);
            } else {
                tracing::warn!(api = service.cache.info.api, service = service.cache.info.service,
                    error = %error, "401 received");
            }
        }
        let response = match attempt {
            Ok(response) => response,
            Err(error) => return Exit::Transport(error),
        };
        let headers = response.headers().clone();
        match response.bytes().await {
            Ok(body) => CallFailure::Unauthorized {
                error,
                headers,
                body,
            }
            .into(),
            Err(error) => Exit::Transport(error),
        }
    }

    /// The API this caller calls (the first service's; they all have the same).
    fn api(&self) -> &'static str {
        self.services.first().cache.info.api
    }

    /// The first service's token (see `Auth::token`).
    pub(crate) fn first(&self) -> &Service {
        self.services.first()
    }
}

/// What an attempt produced, as the caller gets it.
async fn deliver(
    attempt: reqwest::Result<Response>,
    operation: &Operation,
) -> Result<Response, Exit> {
    let response = attempt.map_err(Exit::Transport)?;
    match classify::finish(response, operation.error_body).await {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(failure)) => Err(failure.into()),
        Err(error) => Err(Exit::Transport(error)),
    }
}

/// The `status_class` metric label of a finished call: its response's class, or the name of
/// why it has none.
fn status_class(exit: &Result<Response, Exit>) -> &'static str {
    match exit {
        Ok(response) => meter::status_class(response.status().as_u16()),
        Err(Exit::Transport(_)) => "transport",
        Err(Exit::Failure(failure)) => failure.status_class(),
    }
}
