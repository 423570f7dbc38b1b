//! Obi FARE.AI: `POST {base}/v1/auth/token` with `X-API-KEY` + `X-API-SECRET` headers and no
//! body; revocation by `jti` or `all` at `POST {base}/v1/auth/revoke` with the bearer.

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::Url;
use reqwest::header::AUTHORIZATION;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::http::{self, MintHttp};
use super::{lenient, minted};
use crate::config::{ObiConfig, key_prefix};
use crate::error::AuthError;
#[cfg(feature = "store")]
use crate::store::Fingerprint;
use crate::token::access::{AccessToken, MintedToken};
use crate::token::minter::{Minter, MinterInfo, RevokeScope};
use crate::url;

/// Documented default account TTL (24 h).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// Mints and revokes Obi tokens.
pub struct ObiMinter {
    base: Url,
    api_key: SecretString,
    api_secret: SecretString,
    http: MintHttp,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenResponse {
    token: SecretString,
    #[serde(default, deserialize_with = "lenient::string")]
    jti: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    expires_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::seconds")]
    ttl_seconds: Option<u64>,
}

impl ObiMinter {
    /// A minter from `config`; checks the base URL (https, or http to loopback only).
    ///
    /// # Errors
    /// [`AuthError::Config`] for an unusable base URL.
    pub fn new(config: &ObiConfig) -> Result<Self, AuthError> {
        Ok(Self {
            base: url::base_url(config.effective_base_url(), "OBI_URL")?,
            api_key: config.api_key().clone(),
            api_secret: config.api_secret().clone(),
            http: MintHttp::new(config.auth_options())?,
        })
    }
}

impl ObiMinter {
    /// The base URL it mints at, whose origin gets its tokens.
    pub(crate) fn base(&self) -> &Url {
        &self.base
    }
}

impl Minter for ObiMinter {
    fn info(&self) -> MinterInfo {
        MinterInfo {
            api: "obi",
            service: "default",
            // The key is documented as non-secret; its prefix is just `pgw_`.
            key_id_prefix: key_prefix(self.api_key.expose_secret()),
        }
    }

    #[cfg(feature = "store")]
    fn identify(&self, fingerprint: &mut Fingerprint) -> bool {
        // The key is the public half; the secret stays out.
        fingerprint
            .add(self.base.as_str())
            .add(self.api_key.expose_secret());
        true
    }

    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        Box::pin(async move {
            let request = self
                .http
                .post(url::endpoint(&self.base, "/v1/auth/token"))
                .header(
                    "X-API-KEY",
                    http::secret_header(self.api_key.expose_secret())?,
                )
                .header(
                    "X-API-SECRET",
                    http::secret_header(self.api_secret.expose_secret())?,
                );
            let response = self.http.send(request).await?;
            response.check_status()?;
            let parsed: TokenResponse = response.json()?;
            let token = minted(
                parsed.token,
                DEFAULT_LIFETIME,
                parsed.ttl_seconds,
                parsed.expires_at.as_deref(),
                &response,
            );
            Ok(match parsed.jti {
                Some(jti) => token.with_jti(jti),
                None => token,
            })
        })
    }

    fn supports_revocation(&self) -> bool {
        true
    }

    fn revoke<'a>(
        &'a self,
        bearer: &'a AccessToken,
        scope: RevokeScope,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            let body = match scope {
                RevokeScope::All => serde_json::json!({ "all": true }),
                RevokeScope::Token => {
                    let jti = bearer.jti().ok_or_else(|| {
                        AuthError::Protocol(
                            "the token has no jti, so it cannot be revoked alone".into(),
                        )
                    })?;
                    serde_json::json!({ "jti": jti })
                }
            };
            let request = self
                .http
                .post(url::endpoint(&self.base, "/v1/auth/revoke"))
                .header(AUTHORIZATION, bearer.header().clone())
                .json(&body);
            self.http.send(request).await?.check_status()
        })
    }
}

impl fmt::Debug for ObiMinter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObiMinter")
            .field("base", &self.base.as_str())
            .field("api_key", &key_prefix(self.api_key.expose_secret()))
            .finish_non_exhaustive()
    }
}
