//! Sending with one replay on 401: [`Auth::execute`], called by the generated clients'
//! `exec` hook.

use reqwest::StatusCode;
use reqwest::header::AUTHORIZATION;

use crate::auth::Auth;

/// Response extension marking a 401 received after a refresh and replay; read it back with
/// [`AuthError::from_response`](crate::AuthError::from_response).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReplayRejected;

impl Auth {
    /// Sends `request` with `client`; on 401, refreshes the token and replays it once.
    ///
    /// Only the token the request carried is invalidated, so any number of concurrent 401s
    /// cause a single mint. The request is cloned before sending; a streaming body cannot be
    /// cloned, so such a request is not replayed (a `tracing` warning says so). If the re-mint
    /// fails, the original 401 is returned; a second 401 is returned as is and marked for
    /// [`AuthError::from_response`](crate::AuthError::from_response). A 403 is not a reason to
    /// refresh.
    pub async fn execute(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let sent = request.headers().get(AUTHORIZATION).cloned();
        let service = self.service_for(request.url());
        let replay = request.try_clone();
        let response = client.execute(request).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        // Not a bearer this `Auth` stamped: nothing to refresh.
        let (Some(service), Some(sent)) = (service, sent) else {
            return Ok(response);
        };
        let info = &service.cache.info;
        let Some(mut replay) = replay else {
            tracing::warn!(
                api = info.api,
                service = info.service,
                "401 received; not replaying because the request body is a stream and cannot be cloned"
            );
            return Ok(response);
        };
        service.cache.invalidate(&sent);
        let token = match service.cache.token().await {
            Ok(token) if *token.header() != sent => token,
            Ok(_) => return Ok(response),
            Err(error) => {
                tracing::warn!(api = info.api, service = info.service, error = %error,
                    "401 received; re-mint failed, returning the original response");
                return Ok(response);
            }
        };
        tracing::info!(
            api = info.api,
            service = info.service,
            generation = token.generation(),
            "401 received; replaying once with a fresh token"
        );
        drop(response);
        replay
            .headers_mut()
            .insert(AUTHORIZATION, token.header().clone());
        let mut second = client.execute(replay).await?;
        if second.status() == StatusCode::UNAUTHORIZED {
            tracing::warn!(
                api = info.api,
                service = info.service,
                "401 again after replay; giving up"
            );
            second.extensions_mut().insert(ReplayRejected);
        }
        Ok(second)
    }
}
