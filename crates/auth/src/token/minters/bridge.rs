//! Bridge: `POST {base}/generate-token` with `{keyId, secret}`, one key pair per service.

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::http::MintHttp;
use super::{lenient, minted};
use crate::config::{AuthOptions, BridgeCredentials, BridgeService, key_prefix};
use crate::error::AuthError;
#[cfg(feature = "store")]
use crate::store::Fingerprint;
use crate::token::access::MintedToken;
use crate::token::minter::{Minter, MinterInfo};
use crate::url;

/// Lifetime assumed when `expiresAt` is `null` and nothing else tells (documented ~1 h).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Mints Bridge tokens for one service.
pub struct BridgeMinter {
    service: BridgeService,
    base: Url,
    key_id: String,
    secret: SecretString,
    http: MintHttp,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenRequest<'a> {
    key_id: &'a str,
    secret: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenResponse {
    token: SecretString,
    #[serde(default, deserialize_with = "lenient::string")]
    expires_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::seconds")]
    expires_in: Option<u64>,
    #[serde(default, deserialize_with = "lenient::strings")]
    scopes: Vec<String>,
}

impl BridgeMinter {
    /// A minter for `service`; checks the base URL (https, or http to loopback only).
    ///
    /// # Errors
    /// [`AuthError::Config`] for an empty key id or an unusable base URL.
    pub fn new(
        service: BridgeService,
        credentials: &BridgeCredentials,
        options: &AuthOptions,
    ) -> Result<Self, AuthError> {
        let [url_var, key_var, _] = service.env_names();
        if credentials.key_id().trim().is_empty() {
            return Err(AuthError::Config(format!("{key_var} is empty")));
        }
        Ok(Self {
            service,
            base: url::base_url(credentials.effective_base_url(service), url_var)?,
            key_id: credentials.key_id().to_owned(),
            secret: credentials.secret().clone(),
            http: MintHttp::new(options)?,
        })
    }
}

impl BridgeMinter {
    /// The base URL it mints at, whose origin gets its tokens.
    pub(crate) fn base(&self) -> &Url {
        &self.base
    }
}

impl Minter for BridgeMinter {
    fn info(&self) -> MinterInfo {
        MinterInfo {
            api: "bridge",
            service: self.service.name(),
            key_id_prefix: key_prefix(&self.key_id),
        }
    }

    #[cfg(feature = "store")]
    fn identify(&self, fingerprint: &mut Fingerprint) -> bool {
        fingerprint.add(self.base.as_str()).add(&self.key_id);
        true
    }

    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        Box::pin(async move {
            let body = TokenRequest {
                key_id: &self.key_id,
                secret: self.secret.expose_secret(),
            };
            let request = self
                .http
                .post(url::endpoint(&self.base, "/generate-token"))
                .json(&body);
            let response = self.http.send(request).await?;
            response.check_status()?;
            let parsed: TokenResponse = response.json()?;
            Ok(minted(
                parsed.token,
                DEFAULT_LIFETIME,
                parsed.expires_in,
                parsed.expires_at.as_deref(),
                &response,
            )
            .with_scopes(parsed.scopes))
        })
    }
}

impl fmt::Debug for BridgeMinter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BridgeMinter")
            .field("service", &self.service)
            .field("base", &self.base.as_str())
            .field("key_id", &key_prefix(&self.key_id))
            .finish_non_exhaustive()
    }
}
