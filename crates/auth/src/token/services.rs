//! The token caches of one `Auth`, one per service (credential set), and which one a request
//! gets: a token is only ever sent to the origin of the service that minted it.

use std::sync::Arc;

use reqwest::Url;
use reqwest::header::AUTHORIZATION;

use super::access::AccessToken;
use super::cache::TokenCache;
use super::minter::Minter;
use crate::config::AuthOptions;
use crate::error::AuthError;
use crate::meter::TokenAge;
use crate::url::same_origin;

/// One credential set with its own token cache.
pub(crate) struct Service {
    /// Requests to this origin get this service's token; `None` matches any request.
    pub(crate) base: Option<Url>,
    pub(crate) cache: Arc<TokenCache>,
    /// The age of its tokens when calls use them (feature `metrics`).
    pub(crate) age: TokenAge,
}

impl Service {
    /// Sets this service's current token on `request` (minting first if needed) and returns
    /// it, so that a 401 invalidates exactly the token it answered.
    pub(crate) async fn stamp(
        &self,
        request: &mut reqwest::Request,
    ) -> Result<AccessToken, AuthError> {
        let token = self.cache.token().await?;
        request
            .headers_mut()
            .insert(AUTHORIZATION, token.header().clone());
        Ok(token)
    }
}

/// The services of one API, in configuration order (Bridge: BaaS first).
pub(crate) struct Services(Vec<Service>);

impl Services {
    /// One cache per `(base URL, minter)`, all with `options`.
    pub(crate) fn new(
        services: Vec<(Option<Url>, Arc<dyn Minter>)>,
        options: &AuthOptions,
    ) -> Self {
        Self(
            services
                .into_iter()
                .map(|(base, minter)| {
                    let cache = Arc::new(TokenCache::new(minter, options.clone()));
                    let age = TokenAge::new(cache.info.api, cache.info.service);
                    Service { base, cache, age }
                })
                .collect(),
        )
    }

    /// Every service.
    pub(crate) fn all(&self) -> &[Service] {
        &self.0
    }

    /// The first service (the one `Auth::token` and `Auth::health` describe).
    pub(crate) fn first(&self) -> &Service {
        &self.0[0]
    }

    /// The service whose base URL has the same origin as `url`.
    ///
    /// # Errors
    /// [`AuthError::Config`] when no configured service owns that origin.
    pub(crate) fn for_url(&self, url: &Url) -> Result<&Service, AuthError> {
        self.0
            .iter()
            .find(|service| {
                service
                    .base
                    .as_ref()
                    .is_none_or(|base| same_origin(base, url))
            })
            .ok_or_else(|| {
                AuthError::Config(
                    "the request URL does not match any configured service base URL".into(),
                )
            })
    }
}
