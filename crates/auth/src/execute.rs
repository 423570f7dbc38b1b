//! Sending a business call: [`Auth::send`], called by the generated clients' `exec` hook.
//!
//! One place for every API: a bearer on every attempt, one replay on 401 with a fresh token,
//! retries of transient failures within the retry budget, one deadline over token, attempts
//! and backoff, and one tracing span per call with OpenTelemetry's HTTP client field names.

use std::pin::pin;
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::header::USER_AGENT;
use reqwest::{Response, StatusCode};
use tracing::Instrument as _;

use crate::auth::{Auth, Service};
use crate::clock;
use crate::error::AuthError;
use crate::failure::CallFailure;
use crate::operation::Operation;
use crate::outcome::{Exit, Failed, failure_kind, finish, transport_kind, transport_transient};
use crate::replay::{Replay, ReplayRejected, replay};

/// Counters shared between the attempt loop and the deadline.
#[derive(Default)]
struct Tally {
    sent: AtomicU32,
    status: AtomicU32,
}

impl Auth {
    /// Sends `request` as `operation` with `client`: stamps the bearer (unless the operation
    /// is unauthenticated) and the `User-Agent`, replays once with a fresh token on 401, and
    /// retries transient failures as the [`RetryPolicy`](crate::RetryPolicy) allows, within
    /// the call deadline.
    ///
    /// A response, even an error status, is returned as is for the generated client to
    /// decode. Everything else comes back as a `reqwest::Error`: the client's own transport
    /// error, or one whose source chain holds a [`CallFailure`] (no token, deadline passed,
    /// an error status with an empty body), recovered with [`CallFailure::find`].
    ///
    /// # Errors
    /// As above.
    pub async fn send(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        operation: &Operation,
    ) -> reqwest::Result<Response> {
        let span = self.call_span(&request, operation);
        let tally = Tally::default();
        let exit = self
            .within_deadline(client, request, operation, &tally)
            .instrument(span.clone())
            .await;
        let sent = tally.sent.load(Ordering::Relaxed);
        if sent > 1 {
            span.record("http.request.resend_count", sent - 1);
        }
        match tally.status.load(Ordering::Relaxed) {
            0 => {}
            status => {
                span.record("http.response.status_code", status);
            }
        }
        match exit {
            Ok(response) => {
                if response.status().is_client_error() || response.status().is_server_error() {
                    span.record("error.type", response.status().as_str());
                }
                Ok(response)
            }
            Err(Exit::Transport(error)) => {
                span.record("error.type", transport_kind(&error));
                Err(error)
            }
            Err(Exit::Failure(failure)) => {
                span.record("error.type", failure_kind(&failure));
                Err((*failure).into_reqwest().await)
            }
        }
    }

    /// [`send`](Self::send) for a request made by hand: retried only if its method is
    /// idempotent. A bearer it already carries is replaced by the current one.
    ///
    /// # Errors
    /// As [`send`](Self::send).
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<Response> {
        let operation = Operation::unnamed(request.method().as_str());
        self.send(client, request, &operation).await
    }

    fn call_span(&self, request: &reqwest::Request, operation: &Operation) -> tracing::Span {
        let api = self.inner.services[0].cache.info.api;
        let span = tracing::info_span!(
            "sdk.call",
            otel.name = tracing::field::Empty,
            otel.kind = "client",
            api,
            operation = operation.id,
            http.request.method = %request.method(),
            url.template = operation.url_template,
            server.address = request.url().host_str().unwrap_or_default(),
            server.port = request.url().port_or_known_default().unwrap_or_default(),
            http.response.status_code = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            error.type = tracing::field::Empty,
        );
        if !span.is_disabled() {
            span.record(
                "otel.name",
                format!("{} {}", request.method(), operation.url_template).trim_end(),
            );
        }
        span
    }

    async fn within_deadline(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        operation: &Operation,
        tally: &Tally,
    ) -> Result<Response, Exit> {
        let attempts = self.attempts(client, request, operation, tally);
        let Some(deadline) = self.inner.options.call_deadline else {
            return attempts.await;
        };
        match clock::within(&*self.inner.options.clock, deadline, pin!(attempts)).await {
            Some(outcome) => outcome,
            None => {
                let attempts = tally.sent.load(Ordering::Relaxed);
                tracing::warn!(?deadline, attempts, "call deadline passed");
                Err(CallFailure::DeadlineExceeded { deadline, attempts }.into())
            }
        }
    }

    async fn attempts(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        operation: &Operation,
        tally: &Tally,
    ) -> Result<Response, Exit> {
        let options = &self.inner.options;
        let policy = &options.retry;
        let service = self.target(&mut request, operation)?;
        let started = options.clock.now();
        let mut retries = 0;
        let mut replayed = false;
        loop {
            // `None` for a streaming body: then there is no replay and no retry.
            let spare = request.try_clone();
            let bearer = match service {
                Some(service) => Some(
                    service
                        .stamp(&mut request)
                        .await
                        .map_err(|error| Exit::from(CallFailure::Auth(error)))?,
                ),
                None => None,
            };
            tally.sent.fetch_add(1, Ordering::Relaxed);
            crate::wire::request(&request);
            let (failed, transient) = match client.execute(request).await {
                Ok(response) => {
                    crate::wire::response(response.status());
                    tally
                        .status
                        .store(response.status().as_u16().into(), Ordering::Relaxed);
                    if let (Some(service), Some(bearer)) = (service, &bearer) {
                        if response.status() == StatusCode::UNAUTHORIZED {
                            let mut response = response;
                            match replay(service, bearer.header(), replayed, spare) {
                                Replay::Send(next) => {
                                    replayed = true;
                                    request = *next;
                                    continue;
                                }
                                Replay::Rejected => {
                                    response.extensions_mut().insert(ReplayRejected);
                                    return finish(response, operation).await;
                                }
                                Replay::Impossible => return finish(response, operation).await,
                            }
                        }
                        service.cache.note_accepted();
                    }
                    let retry_possible = spare.is_some() && retries + 1 < policy.max_attempts;
                    let (response, transient) =
                        self.inspect(response, operation, retry_possible).await?;
                    match transient {
                        None => {
                            self.inner.budget.on_success();
                            return finish(response, operation).await;
                        }
                        Some(transient) => (Failed::Response(response), transient),
                    }
                }
                Err(error) => match transport_transient(&error) {
                    Some(transient) => (Failed::Transport(error), transient),
                    None => return Err(Exit::Transport(error)),
                },
            };
            self.inner.budget.on_failure();
            let repeatable = operation.idempotent || !transient.maybe_processed;
            let delay = policy
                .backoff_before(retries + 1)
                .max(transient.retry_after.unwrap_or_default());
            let within_deadline = options
                .call_deadline
                .is_none_or(|deadline| options.clock.now() + delay <= started + deadline);
            let next = spare.filter(|_| {
                repeatable
                    && retries + 1 < policy.max_attempts
                    && transient
                        .retry_after
                        .is_none_or(|after| after <= policy.max_retry_after)
                    && within_deadline
                    && self.inner.budget.allows_retry()
            });
            let Some(next) = next else {
                return match failed {
                    Failed::Response(response) => finish(response, operation).await,
                    Failed::Transport(error) => Err(Exit::Transport(error)),
                };
            };
            retries += 1;
            tracing::info!(
                attempt = retries + 1,
                reason = transient.reason,
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            options.clock.sleep(delay).await;
            request = next;
        }
    }

    /// The service whose token the request carries (`None` for an unauthenticated
    /// operation), and the `User-Agent` stamped.
    pub(crate) fn target(
        &self,
        request: &mut reqwest::Request,
        operation: &Operation,
    ) -> Result<Option<&Service>, Exit> {
        if !request.headers().contains_key(USER_AGENT) {
            request
                .headers_mut()
                .insert(USER_AGENT, self.inner.user_agent.clone());
        }
        if !operation.authenticated {
            return Ok(None);
        }
        let service = self.service_for(request.url()).ok_or_else(|| {
            CallFailure::Auth(AuthError::Config(
                "the request URL does not match any configured service base URL".into(),
            ))
        })?;
        Ok(Some(service))
    }
}
