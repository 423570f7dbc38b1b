//! [`Auth`]: the inner type of every generated client. Routes each request to the service
//! whose base URL it targets, stamps the bearer, and offers typed access and revocation.

use std::fmt;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{Either, select};
use reqwest::Url;
use reqwest::header::AUTHORIZATION;

use crate::cache::TokenCache;
use crate::config::AuthOptions;
use crate::error::AuthError;
use crate::health::Health;
use crate::http::same_origin;
use crate::minters::{Minter, RevokeScope};
use crate::retry::RetryBudget;
use crate::token::AccessToken;

/// Tells whether an HTTP-200 body is really a transient failure (OrigoID's
/// `SERVICE_UNAVAILABLE` envelope); returns the reason for logs.
pub(crate) type SuccessBodyCheck = fn(&[u8]) -> Option<&'static str>;

/// Bearer-token authentication for one API: mints, caches, refreshes, replays on 401 and
/// revokes. Cheap to clone (one `Arc`); clones share tokens.
///
/// Build one with [`BridgeConfig`](crate::BridgeConfig), [`OrigoIdConfig`](crate::OrigoIdConfig),
/// [`ObiConfig`](crate::ObiConfig) or, for tests and custom APIs, [`Auth::from_minter`].
#[derive(Clone)]
pub struct Auth {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) services: Vec<Service>,
    pub(crate) options: AuthOptions,
    /// Shared by every call of this `Auth` and its clones.
    pub(crate) budget: RetryBudget,
    pub(crate) success_check: Option<SuccessBodyCheck>,
    /// Built once: stamping it is a reference-count bump.
    pub(crate) user_agent: reqwest::header::HeaderValue,
}

/// One credential set with its own token cache.
pub(crate) struct Service {
    /// Requests to this origin get this service's token; `None` matches any request.
    base: Option<Url>,
    pub(crate) cache: Arc<TokenCache>,
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

impl Auth {
    /// An `Auth` around any [`Minter`], used for every request whatever its URL.
    pub fn from_minter(minter: impl Minter, options: AuthOptions) -> Self {
        Self::from_services(vec![(None, Arc::new(minter))], options)
    }

    pub(crate) fn from_services(
        services: Vec<(Option<Url>, Arc<dyn Minter>)>,
        options: AuthOptions,
    ) -> Self {
        let services = services
            .into_iter()
            .map(|(base, minter)| Service {
                base,
                cache: Arc::new(TokenCache::new(minter, options.clone())),
            })
            .collect();
        Self {
            inner: Arc::new(Inner {
                services,
                budget: RetryBudget::new(&options.retry),
                user_agent: options.effective_user_agent(),
                options,
                success_check: None,
            }),
        }
    }

    /// Marks HTTP-200 bodies that `check` recognises as transient failures (retried like a
    /// 503 for idempotent operations).
    pub(crate) fn with_success_check(mut self, check: SuccessBodyCheck) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.success_check = Some(check);
        }
        self
    }

    fn services(&self) -> &[Service] {
        &self.inner.services
    }

    /// The service whose base URL has the same origin as `url`: a token is only ever sent
    /// to the service that issued it.
    pub(crate) fn service_for(&self, url: &Url) -> Option<&Service> {
        self.services().iter().find(|service| {
            service
                .base
                .as_ref()
                .is_none_or(|base| same_origin(base, url))
        })
    }

    /// Sets `Authorization: Bearer <token>` (marked sensitive) on `request`, minting first if
    /// needed. Called by the generated clients' `pre` hook.
    ///
    /// # Errors
    /// Why no token could be had, or [`AuthError::Config`] if the request goes to an origin
    /// no configured service owns.
    pub async fn authorize(&self, request: &mut reqwest::Request) -> Result<(), AuthError> {
        let service = self.service_for(request.url()).ok_or_else(|| {
            AuthError::Config(
                "the request URL does not match any configured service base URL".into(),
            )
        })?;
        service.stamp(request).await.map(drop)
    }

    /// The current token of the first configured service (Bridge: BaaS if configured),
    /// minting if needed. Use it to get auth failures as a typed error before a call.
    pub async fn token(&self) -> Result<AccessToken, AuthError> {
        self.services()[0].cache.token().await
    }

    /// Where the first configured service's token stands (see [`Health`]), without minting.
    pub fn health(&self) -> Health {
        self.services()[0].cache.health()
    }

    /// The token for requests to `url` (Bridge: picks BaaS or collections by origin).
    pub async fn token_for(&self, url: &Url) -> Result<AccessToken, AuthError> {
        let service = self.service_for(url).ok_or_else(|| {
            AuthError::Config("the URL does not match any configured service base URL".into())
        })?;
        service.cache.token().await
    }

    fn revocable(&self) -> Result<impl Iterator<Item = &Service>, AuthError> {
        if !self
            .services()
            .iter()
            .any(|s| s.cache.minter.supports_revocation())
        {
            return Err(AuthError::Unsupported("token revocation"));
        }
        Ok(self
            .services()
            .iter()
            .filter(|s| s.cache.minter.supports_revocation()))
    }

    /// Revokes the current token (Obi: by `jti`) and forgets it; the next call mints.
    /// Does nothing if no usable token is cached. With a shared token store the token is also
    /// retired there, so no process adopts it (the others drop it on their next 401).
    ///
    /// # Errors
    /// [`AuthError::Unsupported`] for OrigoID and Bridge, which have no revocation endpoint.
    pub async fn revoke(&self) -> Result<(), AuthError> {
        self.revoke_current(false).await
    }

    /// [`revoke`](Self::revoke); with `keep_shared`, tokens the fleet shares are left alone.
    async fn revoke_current(&self, keep_shared: bool) -> Result<(), AuthError> {
        for service in self.revocable()? {
            let Some(token) = service.cache.usable() else {
                continue;
            };
            if keep_shared && token.shared_generation().is_some() {
                tracing::info!(
                    api = service.cache.info.api,
                    "token shared with other processes; not revoked at shutdown"
                );
                continue;
            }
            service
                .cache
                .minter
                .revoke(&token, RevokeScope::Token)
                .await?;
            service.cache.invalidate(token.header());
            if let Some(fleet) = &service.cache.fleet {
                fleet.revoked(&token).await;
            }
            tracing::info!(
                api = service.cache.info.api,
                jti = token.jti(),
                "token revoked"
            );
        }
        Ok(())
    }

    /// Revokes every token of the account (Obi `{"all": true}`, the panic button) and
    /// empties the cache. Mints a token first if none is cached, since revoking needs one.
    /// With a shared token store, the store is emptied too, and no token minted before the
    /// revocation is stored afterwards.
    ///
    /// # Errors
    /// [`AuthError::Unsupported`] for OrigoID and Bridge.
    pub async fn revoke_all(&self) -> Result<(), AuthError> {
        for service in self.revocable()? {
            let token = service.cache.token().await?;
            service
                .cache
                .minter
                .revoke(&token, RevokeScope::All)
                .await?;
            service.cache.clear();
            if let Some(fleet) = &service.cache.fleet {
                fleet.revoked_all().await;
            }
            tracing::info!(
                api = service.cache.info.api,
                "all tokens of the account revoked"
            );
        }
        Ok(())
    }

    /// Best-effort cleanup at process exit: revokes the current token (Obi) within
    /// `timeout`. A no-op `Ok` for APIs without revocation. A token shared with other
    /// processes through a token store is left to them (revoking it would make every replica
    /// re-mint at each rolling restart); only a token this process alone holds is revoked.
    ///
    /// # Errors
    /// [`AuthError::Timeout`] if `timeout` passed first, or why revocation failed; callers
    /// may ignore it.
    pub async fn shutdown(&self, timeout: Duration) -> Result<(), AuthError> {
        if self.revocable().is_err() {
            return Ok(());
        }
        let clock = &self.inner.options.clock;
        let revoke = pin!(self.revoke_current(true));
        match select(revoke, clock.timer(timeout)).await {
            Either::Left((result, _)) => result,
            Either::Right(_) => {
                tracing::warn!(?timeout, "token revocation at shutdown timed out");
                Err(AuthError::Timeout)
            }
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Auth ")?;
        let mut list = f.debug_list();
        for service in self.services() {
            list.entry(&format_args!(
                "{}/{} key_id={:?} base={:?}",
                service.cache.info.api,
                service.cache.info.service,
                service.cache.info.key_id_prefix,
                service.base.as_ref().map(Url::as_str),
            ));
        }
        list.finish()
    }
}
