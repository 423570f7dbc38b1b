//! [`Auth`], the top of the crate: the inner type of every generated client. Everything it
//! does is here, in one `impl`: building one from an API's configuration, sending calls
//! (delegated to the call layer), handing out tokens and health (the token layer), and
//! revocation.

use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{Either, select};
use reqwest::{Response, Url};

use crate::call::classify::SuccessBodyCheck;
use crate::call::operation::Operation;
use crate::call::send::Caller;
use crate::config::call::CallOptions;
use crate::config::{AuthOptions, BridgeConfig, ObiConfig, OrigoIdConfig};
use crate::error::AuthError;
use crate::token::access::AccessToken;
use crate::token::health::Health;
use crate::token::minter::{Minter, RevokeScope};
use crate::token::minters::{bridge::BridgeMinter, obi::ObiMinter, origoid};
use crate::token::services::{Service, Services};

/// Bearer-token authentication for one API: mints, caches, refreshes, replays on 401,
/// retries, and revokes. Cheap to clone (one `Arc`); clones share tokens and the retry budget.
///
/// Build one with [`BridgeConfig`], [`OrigoIdConfig`] or [`ObiConfig`] (`build()`), or, for
/// tests and custom APIs, [`Auth::from_minter`].
#[derive(Clone)]
pub struct Auth {
    caller: Arc<Caller>,
}

impl Auth {
    /// An `Auth` around any [`Minter`], used for every request whatever its URL.
    pub fn from_minter(minter: impl Minter, options: AuthOptions) -> Self {
        Self::new(vec![(None, Arc::new(minter))], options, None)
    }

    fn new(
        services: Vec<(Option<Url>, Arc<dyn Minter>)>,
        options: AuthOptions,
        success_check: Option<SuccessBodyCheck>,
    ) -> Self {
        let services = Services::new(services, &options);
        Self {
            caller: Arc::new(Caller::new(services, options, success_check)),
        }
    }

    /// Sends `request` as `operation` with `client`: stamps the bearer (unless the operation
    /// is unauthenticated) and the `User-Agent`, replays once with a fresh token on 401, and
    /// retries transient failures as the [`RetryPolicy`](crate::RetryPolicy) allows, within
    /// the call deadline. The generated clients call this for every request.
    ///
    /// A response, even an error status, is returned as is for the generated client to
    /// decode, except a 401 this layer could not cure. Everything else comes back as a
    /// `reqwest::Error`: the client's own transport error, or one whose source chain holds a
    /// [`CallFailure`](crate::CallFailure) (no token, a 401 after or without a replay, the
    /// deadline, an error status with an empty body), recovered with
    /// [`CallFailure::find`](crate::CallFailure::find).
    ///
    /// # Errors
    /// As above.
    pub fn send(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        operation: &Operation,
    ) -> impl Future<Output = reqwest::Result<Response>> + Send {
        self.caller.send(client, request, operation, None)
    }

    /// [`send`](Self::send) with `options` for this call alone (deadline, retry policy,
    /// extra headers, idempotency key); `None` is the same as [`send`](Self::send).
    ///
    /// # Errors
    /// As [`send`](Self::send); options that cannot be used (an invalid header, a key for an
    /// API without an idempotency-key header) refuse the call before sending.
    pub fn send_with(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        operation: &Operation,
        options: Option<&CallOptions>,
    ) -> impl Future<Output = reqwest::Result<Response>> + Send {
        self.caller.send(client, request, operation, options)
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

    /// The current token of the first configured service (Bridge: BaaS if configured),
    /// minting if needed: a pre-flight check that credentials work.
    ///
    /// # Errors
    /// Why no token could be had; or [`AuthError::RejectedAfterReplay`] while the API keeps
    /// refusing freshly minted tokens ([`Health::Rejected`], until its `replay_in` passes).
    /// Calls themselves keep sending the token meanwhile, since a 401 can be specific to one
    /// endpoint (OrigoID answers 401 for an endpoint the key may not call).
    pub async fn token(&self) -> Result<AccessToken, AuthError> {
        let cache = &self.caller.first().cache;
        if !cache.replay_allowed() {
            return Err(AuthError::RejectedAfterReplay);
        }
        cache.token().await
    }

    /// Where the first configured service's token stands (see [`Health`]), without minting.
    pub fn health(&self) -> Health {
        self.caller.first().cache.health()
    }

    /// The token for requests to `url` (Bridge: picks BaaS or Collections by origin).
    ///
    /// # Errors
    /// [`AuthError::Config`] if no configured service owns `url`'s origin, or why no token
    /// could be had.
    pub async fn token_for(&self, url: &Url) -> Result<AccessToken, AuthError> {
        self.caller.services.for_url(url)?.cache.token().await
    }

    /// The call layer behind this `Auth` (for the benchmarks' stand-in transport).
    #[cfg(feature = "internal-bench")]
    pub(crate) fn caller(&self) -> &Caller {
        &self.caller
    }

    fn revocable(&self) -> Result<impl Iterator<Item = &Service>, AuthError> {
        let services = self.caller.services.all();
        if !services
            .iter()
            .any(|s| s.cache.minter.supports_revocation())
        {
            return Err(AuthError::Unsupported("token revocation"));
        }
        Ok(services
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
            let cache = &service.cache;
            let Some(token) = cache.usable() else {
                continue;
            };
            if keep_shared && token.shared_generation().is_some() {
                tracing::info!(
                    api = cache.info.api,
                    "token shared with other processes; not revoked at shutdown"
                );
                continue;
            }
            cache.minter.revoke(&token, RevokeScope::Token).await?;
            cache.invalidate(token.header());
            #[cfg(feature = "store")]
            if let Some(fleet) = &cache.fleet {
                fleet.revoked(&token).await;
            }
            tracing::info!(api = cache.info.api, jti = token.jti(), "token revoked");
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
            let cache = &service.cache;
            let token = cache.token().await?;
            cache.minter.revoke(&token, RevokeScope::All).await?;
            cache.clear();
            #[cfg(feature = "store")]
            if let Some(fleet) = &cache.fleet {
                fleet.revoked_all(&cache.options).await;
            }
            tracing::info!(api = cache.info.api, "all tokens of the account revoked");
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
        let revoke = pin!(self.revoke_current(true));
        match select(revoke, self.caller.options.clock.timer(timeout)).await {
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
        for service in self.caller.services.all() {
            let info = &service.cache.info;
            list.entry(&format_args!(
                "{}/{} key_id={:?} base={:?}",
                info.api,
                info.service,
                info.key_id_prefix,
                service.base.as_ref().map(Url::as_str),
            ));
        }
        list.finish()
    }
}

impl BridgeConfig {
    /// Validates the configuration and builds the [`Auth`]: one token per configured
    /// service, each sent only to its own base URL.
    ///
    /// # Errors
    /// [`AuthError::Config`] if no service is configured or a key id or base URL is unusable.
    pub fn build(self) -> Result<Auth, AuthError> {
        let services = self
            .services()
            .map(|(service, credentials)| {
                let minter = BridgeMinter::new(service, credentials, self.auth_options())?;
                Ok((
                    Some(minter.base().clone()),
                    Arc::new(minter) as Arc<dyn Minter>,
                ))
            })
            .collect::<Result<Vec<_>, AuthError>>()?;
        if services.is_empty() {
            return Err(AuthError::Config("no Bridge service configured".into()));
        }
        Ok(Auth::new(services, self.auth_options().clone(), None))
    }
}

impl ObiConfig {
    /// Validates the configuration and builds the [`Auth`].
    ///
    /// # Errors
    /// [`AuthError::Config`] if the base URL is unusable.
    pub fn build(self) -> Result<Auth, AuthError> {
        let minter = ObiMinter::new(&self)?;
        let base = minter.base().clone();
        Ok(Auth::new(
            vec![(Some(base), Arc::new(minter))],
            self.auth_options().clone(),
            None,
        ))
    }
}

impl OrigoIdConfig {
    /// Validates the configuration and builds the [`Auth`]; OrigoID's HTTP-200
    /// `SERVICE_UNAVAILABLE` envelopes are retried like a 503 for idempotent operations.
    ///
    /// # Errors
    /// [`AuthError::Config`] if `expireAfter` is out of range or the base URL is unusable.
    pub fn build(self) -> Result<Auth, AuthError> {
        let minter = origoid::OrigoIdMinter::new(&self)?;
        let base = minter.base().clone();
        Ok(Auth::new(
            vec![(Some(base), Arc::new(minter))],
            self.auth_options().clone(),
            Some(origoid::service_unavailable),
        ))
    }
}
