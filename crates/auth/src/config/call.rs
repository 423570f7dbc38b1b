//! [`CallOptions`]: options for one call alone, on top of the client's [`AuthOptions`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::AuthOptions;
use super::retry::RetryPolicy;

/// Options for one call alone: its deadline, its retry policy, extra headers and an
/// idempotency key. Whatever is not set comes from the client's [`AuthOptions`].
///
/// Generated clients take them on any operation's builder with `.with_options(…)`:
///
/// ```
/// use std::time::Duration;
/// use sdk_auth::{CallOptions, RetryPolicy};
///
/// let options = CallOptions::new()
///     .deadline(Some(Duration::from_secs(5)))
///     .retry(RetryPolicy::disabled())
///     .header("x-trace-tag", "checkout")
///     .idempotency_key("order-42");
/// // client.create_payment().body(payment).with_options(options).send().await?;
/// # drop(options);
/// ```
///
/// - The **idempotency key** is sent in the header the API documents for it (named per API
///   in the generator's `codegen.toml`), the same value on every retry of the call, and it
///   makes the call safe to retry even when its method is not (a `POST`). For an API that
///   documents no such header the call is refused before sending
///   (`ErrorKind::InvalidRequest`): a key the server ignores would make retries unsafe.
/// - **Headers** are added to the request; an invalid name or value refuses the call before
///   sending. `Authorization` is always the SDK's bearer and cannot be replaced.
///
/// Cheap to clone (one reference count), so one value can serve many calls. `Debug` shows
/// header names, never their values.
#[derive(Clone, Default)]
pub struct CallOptions(Arc<Inner>);

#[derive(Clone, Default)]
struct Inner {
    deadline: Option<Option<Duration>>,
    retry: Option<RetryPolicy>,
    headers: HeaderMap,
    idempotency_key: Option<HeaderValue>,
    problems: Vec<String>,
}

impl CallOptions {
    /// No options: the call behaves as the client's [`AuthOptions`] say.
    pub fn new() -> Self {
        Self::default()
    }

    fn edit(mut self, change: impl FnOnce(&mut Inner)) -> Self {
        change(Arc::make_mut(&mut self.0));
        self
    }

    /// This call's deadline over token, attempts and backoff (`None`: no deadline beyond
    /// the HTTP client's timeouts), instead of [`AuthOptions::call_deadline`].
    pub fn deadline(self, deadline: Option<Duration>) -> Self {
        self.edit(|inner| inner.deadline = Some(deadline))
    }

    /// How this call is retried, instead of [`AuthOptions::retry`] ([`RetryPolicy::disabled`]
    /// to send it once). The client's retry budget still applies.
    pub fn retry(self, policy: RetryPolicy) -> Self {
        self.edit(|inner| inner.retry = Some(policy))
    }

    /// Adds a header to the request (a second value for the same name is appended).
    pub fn header(self, name: &str, value: &str) -> Self {
        self.edit(
            |inner| match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
                (Ok(name), Ok(value)) => {
                    inner.headers.append(name, value);
                }
                (Err(_), _) => inner
                    .problems
                    .push(format!("`{name}` is not a valid header name")),
                (_, Err(_)) => inner.problems.push(format!(
                    "the value of header `{name}` has characters not allowed in a header"
                )),
            },
        )
    }

    /// The key that makes this call safe to retry: the same value is sent on every attempt,
    /// so the server executes the call at most once.
    pub fn idempotency_key(self, key: &str) -> Self {
        self.edit(|inner| match HeaderValue::try_from(key) {
            Ok(value) if !key.is_empty() => inner.idempotency_key = Some(value),
            _ => inner.problems.push(
                "the idempotency key is empty or has characters not allowed in a header".into(),
            ),
        })
    }

    /// The deadline this call runs under, given the client's options.
    pub(crate) fn deadline_or(&self, options: &AuthOptions) -> Option<Duration> {
        self.0.deadline.unwrap_or(options.call_deadline)
    }

    /// The retry policy this call runs under.
    pub(crate) fn retry_or<'a>(&'a self, options: &'a AuthOptions) -> &'a RetryPolicy {
        self.0.retry.as_ref().unwrap_or(&options.retry)
    }

    pub(crate) fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    pub(crate) fn key(&self) -> Option<&HeaderValue> {
        self.0.idempotency_key.as_ref()
    }

    /// Why these options cannot be used, if they cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        (!self.0.problems.is_empty()).then(|| self.0.problems.join("; "))
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.0;
        let names: Vec<&str> = inner.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("CallOptions")
            .field("deadline", &inner.deadline)
            .field("retry", &inner.retry)
            .field("headers", &names)
            .field("idempotency_key", &inner.idempotency_key)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_options_fall_back_to_the_client_and_debug_hides_values() {
        let client = AuthOptions::default().call_deadline(Some(Duration::from_secs(9)));
        let none = CallOptions::new();
        assert_eq!(none.deadline_or(&client), Some(Duration::from_secs(9)));
        let own = none.clone().deadline(None).retry(RetryPolicy::disabled());
        assert_eq!(own.deadline_or(&client), None);
        assert_eq!(own.retry_or(&client).max_attempts, 1);
        assert_eq!(
            none.deadline_or(&client),
            Some(Duration::from_secs(9)),
            "clones are independent"
        );
        let with_header = CallOptions::new().header("x-tag", "secret-canary");
        let debug = format!("{with_header:?}");
        assert!(
            debug.contains("x-tag") && !debug.contains("canary"),
            "{debug}"
        );
    }

    #[test]
    fn bad_headers_and_keys_are_reported_not_dropped() {
        let bad = CallOptions::new()
            .header("bad name", "v")
            .header("x-ok", "line\nbreak")
            .idempotency_key("");
        let problem = bad.problem().unwrap();
        assert!(
            problem.contains("`bad name`")
                && problem.contains("x-ok")
                && problem.contains("idempotency key"),
            "{problem}"
        );
        assert!(
            CallOptions::new()
                .idempotency_key("k-1")
                .problem()
                .is_none()
        );
    }
}
