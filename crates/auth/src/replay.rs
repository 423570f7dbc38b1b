//! A 401: replay once with a fresh token, unless the body cannot be sent twice or a fresh
//! token was rejected moments ago.

use reqwest::header::HeaderValue;

use crate::auth::Service;

/// Response extension of a 401 that a fresh token did not cure (replayed, or a fresh token
/// was rejected moments ago); read by [`AuthError::from_response`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReplayRejected;

/// What to do after a 401.
pub(crate) enum Replay {
    /// Send this copy again with a fresh token.
    Send(Box<reqwest::Request>),
    /// Return the 401: a fresh token was rejected too.
    Rejected,
    /// Return the 401: the body is a stream and cannot be sent twice.
    Impossible,
}

pub(crate) fn replay(
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
