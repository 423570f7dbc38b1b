//! Sending a business call: [`Auth::send`], called by the generated clients' `exec` hook.
//!
//! One place for every API: a bearer on every attempt, one replay on 401 with a fresh token,
//! retries of transient failures within the retry budget, one deadline over token, attempts
//! and backoff, and one tracing span per call with OpenTelemetry's HTTP client field names.

use std::pin::pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use reqwest::{Response, ResponseBuilderExt as _, StatusCode};
use tracing::Instrument as _;

use crate::auth::{Auth, Service};
use crate::clock;
use crate::error::AuthError;
use crate::failure::CallFailure;
use crate::operation::Operation;
use crate::retry;

/// How a call ended without a response for the caller.
enum Exit {
    /// The HTTP client's own error (connection, timeout), after any retries.
    Transport(reqwest::Error),
    /// A typed reason, delivered through [`CallFailure::into_reqwest`].
    Failure(CallFailure),
}

impl From<CallFailure> for Exit {
    fn from(failure: CallFailure) -> Self {
        Self::Failure(failure)
    }
}

/// Why an attempt may be worth repeating.
struct Transient {
    /// Short name for logs and `error.type`.
    reason: &'static str,
    /// Whether the request's bytes may have reached the server (then only idempotent
    /// operations are repeated).
    maybe_processed: bool,
    /// The server's `Retry-After`, uncapped.
    retry_after: Option<Duration>,
}

/// What happened to an attempt that did not end the call.
enum Failed {
    Response(Response),
    Transport(reqwest::Error),
}

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
                Err(failure.into_reqwest().await)
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
        let service = match operation.authenticated {
            true => Some(self.service_for(request.url()).ok_or_else(|| {
                CallFailure::Auth(AuthError::Config(
                    "the request URL does not match any configured service base URL".into(),
                ))
            })?),
            false => None,
        };
        if !request.headers().contains_key(USER_AGENT) {
            request
                .headers_mut()
                .insert(USER_AGENT, self.inner.user_agent.clone());
        }
        let started = options.clock.now();
        let mut retries = 0;
        let mut replayed = false;
        loop {
            // `None` for a streaming body: then there is no replay and no retry.
            let spare = request.try_clone();
            let bearer = match service {
                Some(service) => Some(stamp(service, &mut request).await?),
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
                            match replay(service, bearer, replayed, spare) {
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

    /// Whether a response is a transient failure worth a retry. For an API with a
    /// success-body check (OrigoID), a 200 of an idempotent operation is read to see whether
    /// it is really a `SERVICE_UNAVAILABLE`; the response is rebuilt from the bytes read.
    async fn inspect(
        &self,
        response: Response,
        operation: &Operation,
        retry_possible: bool,
    ) -> Result<(Response, Option<Transient>), Exit> {
        let status = response.status();
        let transient = |reason| Transient {
            reason,
            maybe_processed: true,
            retry_after: retry::retry_after(
                response.headers(),
                self.inner.options.clock.wall(),
                Duration::MAX,
            ),
        };
        let found = match status.as_u16() {
            408 => Some(transient("http_408")),
            429 => Some(transient("http_429")),
            500 => Some(transient("http_500")),
            502 => Some(transient("http_502")),
            503 => Some(transient("http_503")),
            504 => Some(transient("http_504")),
            _ => None,
        };
        let check = self
            .inner
            .success_check
            .filter(|_| status == StatusCode::OK && operation.idempotent && retry_possible);
        let Some(check) = check else {
            return Ok((response, found));
        };
        let (response, body) = buffer(response).await?;
        let reason = check(&body);
        Ok((
            response,
            reason.map(|reason| Transient {
                reason,
                maybe_processed: true,
                retry_after: None,
            }),
        ))
    }
}

/// Stamps the service's current token on `request`; the token header is returned so a 401
/// invalidates exactly the token it answered.
async fn stamp(service: &Service, request: &mut reqwest::Request) -> Result<HeaderValue, Exit> {
    let token = service
        .cache
        .token()
        .await
        .map_err(|error| Exit::Failure(CallFailure::Auth(error)))?;
    let header = token.header().clone();
    request.headers_mut().insert(AUTHORIZATION, header.clone());
    Ok(header)
}

/// Response extension of a 401 that a fresh token did not cure (replayed, or a fresh token
/// was rejected moments ago); read by [`AuthError::from_response`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReplayRejected;

/// What to do after a 401.
enum Replay {
    /// Send this copy again with a fresh token.
    Send(Box<reqwest::Request>),
    /// Return the 401: a fresh token was rejected too.
    Rejected,
    /// Return the 401: the body is a stream and cannot be sent twice.
    Impossible,
}

fn replay(
    service: &Service,
    bearer: &HeaderValue,
    replayed: bool,
    spare: Option<reqwest::Request>,
) -> Replay {
    let info = &service.cache.info;
    if replayed {
        service.cache.note_rejected();
        return Replay::Rejected;
    }
    let Some(spare) = spare else {
        tracing::warn!(
            api = info.api,
            service = info.service,
            "401 received; not replaying because the request body is a stream and cannot be cloned"
        );
        return Replay::Impossible;
    };
    if !service.cache.replay_allowed() {
        tracing::debug!(
            api = info.api,
            service = info.service,
            "401 received; a fresh token was rejected recently, so no re-mint yet"
        );
        return Replay::Rejected;
    }
    service.cache.invalidate(bearer);
    tracing::info!(
        api = info.api,
        service = info.service,
        "401 received; replaying once with a fresh token"
    );
    Replay::Send(Box::new(spare))
}

/// The response for the caller. For an operation with a typed error body, an error status
/// with an empty body becomes a [`CallFailure::EmptyErrorBody`], which keeps the status that
/// decoding would lose.
async fn finish(response: Response, operation: &Operation) -> Result<Response, Exit> {
    let status = response.status();
    if !operation.error_body || !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    let headers = response.headers().clone();
    let (response, body) = buffer(response).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(CallFailure::EmptyErrorBody { status, headers }.into());
    }
    Ok(response)
}

/// Reads the whole body and rebuilds an equivalent response around it.
async fn buffer(response: Response) -> Result<(Response, bytes::Bytes), Exit> {
    let (status, version) = (response.status(), response.version());
    let (url, headers) = (response.url().clone(), response.headers().clone());
    let body = response.bytes().await.map_err(Exit::Transport)?;
    // The builder only carries the URL (its setter is the one public way to set it).
    let (parts, ()) = http::Response::builder()
        .url(url)
        .body(())
        .unwrap_or_default()
        .into_parts();
    let mut rebuilt = http::Response::from_parts(parts, body.clone());
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok((Response::from(rebuilt), body))
}

/// Transport errors worth a retry, and whether the request may have been processed.
fn transport_transient(error: &reqwest::Error) -> Option<Transient> {
    let (reason, maybe_processed) = if error.is_connect() {
        ("connect", false)
    } else if error.is_timeout() {
        ("timeout", true)
    } else if error.is_request() || error.is_body() {
        ("connection", true)
    } else {
        return None;
    };
    Some(Transient {
        reason,
        maybe_processed,
        retry_after: None,
    })
}

fn transport_kind(error: &reqwest::Error) -> &'static str {
    transport_transient(error).map_or("transport", |t| t.reason)
}

fn failure_kind(failure: &CallFailure) -> &'static str {
    match failure {
        CallFailure::Auth(error) => error.kind(),
        CallFailure::DeadlineExceeded { .. } => "deadline_exceeded",
        CallFailure::EmptyErrorBody { .. } => "empty_error_body",
    }
}
