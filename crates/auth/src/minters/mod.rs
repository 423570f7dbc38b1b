//! The [`Minter`] trait (one implementation per API) and what the implementations share.

pub(crate) mod bridge;
pub(crate) mod obi;
pub(crate) mod origoid;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use secrecy::SecretString;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::AuthError;
use crate::http::RawResponse;
use crate::lifetime::parse_rfc3339;
use crate::store::Fingerprint;
use crate::token::{AccessToken, MintedToken};

/// A boxed, `Send` future, as returned by [`Minter`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

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

/// At most the first four characters of a non-secret key id, for logs.
pub(crate) fn key_prefix(key_id: &str) -> String {
    key_id.chars().take(4).collect()
}

/// Builds a [`MintedToken`] from the fields the token responses share.
pub(crate) fn minted(
    token: SecretString,
    fallback_lifetime: Duration,
    ttl_seconds: Option<u64>,
    expires_at: Option<&str>,
    response: &RawResponse,
) -> MintedToken {
    let mut minted = MintedToken::new(token, fallback_lifetime);
    if let Some(seconds) = ttl_seconds {
        minted = minted.with_ttl(Duration::from_secs(seconds));
    }
    match expires_at.map(|text| (text, parse_rfc3339(text))) {
        Some((_, Some(at))) => minted = minted.with_expires_at(at),
        Some((_, None)) => tracing::warn!("ignoring an expiresAt that is not RFC 3339"),
        None => {}
    }
    if let Some(date) = response.server_date() {
        minted = minted.with_server_date(date);
    }
    minted
}

/// Token answers are read leniently: a field of an unexpected shape is ignored (the next
/// lifetime source, or no scopes, is used), never a failed mint.
pub(crate) mod lenient {
    use super::*;

    /// Seconds from any JSON number or numeric string; zero, negative or non-numeric → `None`.
    pub(crate) fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        let value = Option::<Value>::deserialize(d)?;
        let seconds = value.and_then(|value| match value {
            Value::Number(number) => number.as_f64(),
            Value::String(text) => text.trim().parse::<f64>().ok(),
            _ => None,
        });
        if let Some(odd) = seconds.filter(|s| !(s.is_finite() && *s >= 1.0)) {
            tracing::warn!(
                value = odd,
                "ignoring a token lifetime that is not a positive number"
            );
        }
        Ok(seconds
            .filter(|s| s.is_finite() && *s >= 1.0)
            .map(|s| s.min(u64::MAX as f64) as u64))
    }

    /// A string, or `None` for anything else (`null`, a number, an object).
    pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            Some(Value::String(text)) => Some(text),
            Some(Value::Number(number)) => Some(number.to_string()),
            _ => None,
        })
    }

    /// The strings of an array (or one space-separated string); anything else is empty.
    pub(crate) fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            Some(Value::Array(items)) => items
                .into_iter()
                .filter_map(|item| match item {
                    Value::String(text) => Some(text),
                    _ => None,
                })
                .collect(),
            Some(Value::String(text)) => text.split_whitespace().map(str::to_owned).collect(),
            _ => Vec::new(),
        })
    }
}
