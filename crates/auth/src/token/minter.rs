//! The [`Minter`] trait: what trades an API's long-lived credential for a token. One
//! implementation per API (`crate::token::minters`); tests and custom APIs bring their own.

use std::fmt;

use futures_util::future::BoxFuture;

use super::access::{AccessToken, MintedToken};
use crate::error::AuthError;
#[cfg(feature = "store")]
use crate::store::Fingerprint;

/// Labels a minter for logs and `Debug`; never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinterInfo {
    /// API name: `bridge`, `origoid`, `obi`, or anything for custom minters.
    pub api: &'static str,
    /// Service within the API: `baas`, `collections`, or `default`.
    pub service: &'static str,
    /// At most the first four characters of a non-secret key id, or empty.
    pub key_id_prefix: String,
}

/// Which tokens to revoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeScope {
    /// Only the given token (Obi: by its `jti`).
    Token,
    /// Every token of the account (Obi `{"all": true}`).
    All,
}

/// Trades long-lived credentials for a token. One implementation per API; tests inject
/// their own (e.g. one that counts calls and waits on a gate).
///
/// A minter is called by [`Auth`](crate::Auth) only, at most once at a time per service,
/// and is not expected to retry: `Auth` does retries, backoff and negative caching.
pub trait Minter: Send + Sync + fmt::Debug + 'static {
    /// Labels for logs.
    fn info(&self) -> MinterInfo;

    /// Obtains a new token.
    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>>;

    #[cfg(feature = "store")]
    #[cfg_attr(docsrs, doc(cfg(feature = "store")))]
    /// Feeds what identifies this minter's credential (base URL, key id; never needed: the
    /// secret) into `fingerprint`, which names its slot in a shared token store, and returns
    /// `true`. Two minters that feed the same parts share tokens. The default returns `false`:
    /// the minter's tokens are never shared.
    fn identify(&self, fingerprint: &mut Fingerprint) -> bool {
        let _ = fingerprint;
        false
    }

    /// Whether [`revoke`](Self::revoke) is implemented (defaults to `false`).
    fn supports_revocation(&self) -> bool {
        false
    }

    /// Revokes `bearer` or, with [`RevokeScope::All`], every token of the account,
    /// authenticating with `bearer`. Defaults to [`AuthError::Unsupported`].
    fn revoke<'a>(
        &'a self,
        bearer: &'a AccessToken,
        scope: RevokeScope,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        let _ = (bearer, scope);
        Box::pin(async { Err(AuthError::Unsupported("token revocation")) })
    }
}
