//! What the auth layer knows about an API operation: its name and URL template (for tracing)
//! and whether repeating it is safe (for retries). The generator emits one per operation.

/// Static description of one API operation.
///
/// Generated clients pass one to [`Auth::send`](crate::Auth::send) for every call; build
/// your own with [`Operation::new`] for hand-made requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// The operation id as the generated client names it, e.g. `create_quote`.
    pub id: &'static str,
    /// The path template of the spec, e.g. `/v1/customers/{customerId}` (OpenTelemetry's
    /// `url.template`: low-cardinality, no identifiers).
    pub url_template: &'static str,
    /// Safe to repeat: the HTTP method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS,
    /// TRACE) or the API documents an idempotency key the request always carries. Only
    /// idempotent operations are retried after their bytes may have reached the server.
    pub idempotent: bool,
    /// Sent with a bearer token (`false` for operations whose security needs none).
    pub authenticated: bool,
    /// The client decodes this operation's error responses as a typed body. An error status
    /// whose body is not JSON would then fail to decode and lose its status, so
    /// [`Auth::send`](crate::Auth::send) reports it as
    /// [`CallFailure::ErrorStatus`](crate::CallFailure::ErrorStatus) instead.
    pub error_body: bool,
    /// The request header in which this API takes an idempotency key (`Idempotency-Key`,
    /// say), if it documents one; a call given a key through
    /// [`CallOptions::idempotency_key`](crate::CallOptions::idempotency_key) sends it there
    /// and becomes safe to retry.
    pub idempotency_header: Option<&'static str>,
}

impl Operation {
    /// An authenticated operation, idempotent if `method` (e.g. `"GET"`) is.
    pub const fn new(id: &'static str, method: &str, url_template: &'static str) -> Self {
        Self {
            id,
            url_template,
            idempotent: is_idempotent(method),
            authenticated: true,
            error_body: false,
            idempotency_header: None,
        }
    }

    /// Marks the operation safe to repeat (e.g. a POST keyed by an idempotency key).
    pub const fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Whether requests carry a bearer token (default `true`).
    pub const fn authenticated(mut self, authenticated: bool) -> Self {
        self.authenticated = authenticated;
        self
    }

    /// Whether error responses are decoded as a typed body (default `false`).
    pub const fn error_body(mut self, error_body: bool) -> Self {
        self.error_body = error_body;
        self
    }

    /// The header in which the API takes an idempotency key (default none).
    pub const fn idempotency_header(mut self, header: &'static str) -> Self {
        self.idempotency_header = Some(header);
        self
    }

    /// An unnamed authenticated operation for `method`, used by [`Auth::execute`](crate::Auth::execute).
    pub(crate) const fn unnamed(method: &str) -> Self {
        Self::new("unnamed", method, "")
    }
}

/// RFC 9110 §9.2.2: methods whose repetition has the same effect as one request.
const fn is_idempotent(method: &str) -> bool {
    matches!(
        method.as_bytes(),
        b"GET" | b"HEAD" | b"PUT" | b"DELETE" | b"OPTIONS" | b"TRACE"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_follows_the_method_unless_marked() {
        assert!(Operation::new("a", "GET", "/a").idempotent);
        assert!(Operation::new("a", "DELETE", "/a").idempotent);
        assert!(!Operation::new("a", "POST", "/a").idempotent);
        assert!(!Operation::new("a", "PATCH", "/a").idempotent);
        assert!(
            Operation::new("a", "POST", "/a")
                .idempotent(true)
                .idempotent
        );
    }
}
