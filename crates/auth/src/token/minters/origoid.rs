//! OrigoID: `POST {base}/auth/token` with `x-api-key` or HTTP Basic, optional `expireAfter`.
//! Answers come in the OrigoID envelope, and errors may arrive as HTTP 200 with
//! `status: "ERROR"`, so they are classified by the envelope `type`.

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::http::{self, MintHttp, RawResponse};
use super::{lenient, minted};
use crate::config::origoid::EXPIRE_AFTER_RANGE;
use crate::config::{OrigoIdConfig, OrigoIdCredentials, key_prefix};
use crate::error::AuthError;
#[cfg(feature = "store")]
use crate::store::Fingerprint;
use crate::token::access::MintedToken;
use crate::token::minter::{Minter, MinterInfo};
use crate::url;

/// Gateway default lifetime when `expireAfter` is omitted.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);

/// Mints OrigoID tokens.
pub struct OrigoIdMinter {
    base: Url,
    credentials: OrigoIdCredentials,
    expire_after: Option<u32>,
    http: MintHttp,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    expire_after: Option<u32>,
}

/// The OrigoID envelope (only the fields minting needs). Classified by `status` and `type`
/// whatever the shape of `data` and `errors`: `data` is decoded only for `status: OK`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    #[serde(default, deserialize_with = "lenient::string")]
    status: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "lenient::string")]
    kind: Option<String>,
    #[serde(default)]
    data: Option<serde_json::Value>,
    #[serde(default)]
    errors: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "lenient::string")]
    transaction_id: Option<String>,
}

#[derive(Deserialize)]
struct TokenData {
    access_token: SecretString,
    #[serde(default, deserialize_with = "lenient::seconds")]
    expires_in: Option<u64>,
    #[serde(default, deserialize_with = "lenient::strings")]
    scope: Vec<String>,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default, deserialize_with = "lenient::string")]
    field: Option<String>,
    #[serde(default, deserialize_with = "lenient::string")]
    code: Option<String>,
}

/// OrigoID's `SERVICE_UNAVAILABLE` envelope, which comes with HTTP 200: an upstream
/// registry is down and nothing was processed (`billable: false`), so an idempotent call
/// may be repeated like after a 503.
pub(crate) fn service_unavailable(body: &[u8]) -> Option<&'static str> {
    let envelope: Envelope = serde_json::from_slice(body).ok()?;
    (envelope.status.as_deref() == Some("ERROR")
        && envelope.kind.as_deref() == Some("SERVICE_UNAVAILABLE"))
    .then_some("origoid_service_unavailable")
}

impl OrigoIdMinter {
    /// A minter from `config`; rejects an `expireAfter` outside 1..=3600 and a non-https base URL.
    ///
    /// # Errors
    /// [`AuthError::Config`] for an `expireAfter` out of range or an unusable base URL.
    pub fn new(config: &OrigoIdConfig) -> Result<Self, AuthError> {
        let expire_after = config.requested_lifetime();
        if expire_after.is_some_and(|seconds| !EXPIRE_AFTER_RANGE.contains(&seconds)) {
            return Err(AuthError::Config(
                "expireAfter must be from 1 to 3600 seconds".into(),
            ));
        }
        Ok(Self {
            base: url::base_url(config.effective_base_url(), "ORIGOID_URL")?,
            credentials: config.credentials().clone(),
            expire_after,
            http: MintHttp::new(config.auth_options())?,
        })
    }

    /// Turns an envelope into a token, or into the error its `type` stands for.
    fn token(&self, envelope: Envelope, response: &RawResponse) -> Result<MintedToken, AuthError> {
        let transaction = envelope.transaction_id.as_deref().unwrap_or("none");
        let kind = envelope.kind.as_deref().unwrap_or("none");
        if envelope.status.as_deref() != Some("OK") {
            return Err(match kind {
                "UNAUTHORIZED" => AuthError::InvalidCredentials,
                "RATE_LIMIT_EXCEEDED" => AuthError::RateLimited {
                    retry_after: response.retry_after(),
                },
                "SERVICE_UNAVAILABLE" | "INTERNAL_ERROR" => AuthError::Transient(format!(
                    "OrigoID answered {kind} (transactionId {transaction})"
                )),
                "INVALID_REQUEST" => {
                    let details: Vec<String> = envelope
                        .errors
                        .and_then(|errors| serde_json::from_value::<Vec<ErrorDetail>>(errors).ok())
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| {
                            format!(
                                "{} {}",
                                e.field.unwrap_or_default(),
                                e.code.unwrap_or_default()
                            )
                        })
                        .collect();
                    AuthError::Config(format!(
                        "OrigoID rejected the token request: {} (transactionId {transaction})",
                        details.join(", ")
                    ))
                }
                other => AuthError::Protocol(format!(
                    "OrigoID answered status {} type {other} (transactionId {transaction})",
                    envelope.status.as_deref().unwrap_or("none")
                )),
            });
        }
        let data = envelope
            .data
            .and_then(|data| serde_json::from_value::<TokenData>(data).ok())
            .ok_or_else(|| {
                AuthError::Protocol(format!(
                    "OrigoID token answer without a usable accessToken (transactionId {transaction})"
                ))
            })?;
        let fallback = self
            .expire_after
            .map_or(DEFAULT_LIFETIME, |s| Duration::from_secs(s.into()));
        Ok(
            minted(data.access_token, fallback, data.expires_in, None, response)
                .with_scopes(data.scope),
        )
    }
}

impl OrigoIdMinter {
    /// The base URL it mints at, whose origin gets its tokens.
    pub(crate) fn base(&self) -> &Url {
        &self.base
    }
}

impl Minter for OrigoIdMinter {
    fn info(&self) -> MinterInfo {
        let key_id_prefix = match &self.credentials {
            // The API key is the secret itself: log none of it.
            OrigoIdCredentials::ApiKey(_) => String::new(),
            OrigoIdCredentials::Basic { username, .. } => key_prefix(username),
        };
        MinterInfo {
            api: "origoid",
            service: "default",
            key_id_prefix,
        }
    }

    #[cfg(feature = "store")]
    fn identify(&self, fingerprint: &mut Fingerprint) -> bool {
        fingerprint.add(self.base.as_str());
        match &self.credentials {
            // The key is the only identity: the store keeps just its keyed hash.
            OrigoIdCredentials::ApiKey(key) => fingerprint.add("api-key").add(key.expose_secret()),
            OrigoIdCredentials::Basic { username, .. } => fingerprint.add("basic").add(username),
        };
        true
    }

    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        Box::pin(async move {
            let mut request = self
                .http
                .post(url::endpoint(&self.base, "/auth/token"))
                .json(&TokenRequest {
                    expire_after: self.expire_after,
                });
            request = match &self.credentials {
                OrigoIdCredentials::ApiKey(key) => {
                    request.header("x-api-key", http::secret_header(key.expose_secret())?)
                }
                // reqwest marks the Basic header sensitive.
                OrigoIdCredentials::Basic { username, password } => {
                    request.basic_auth(username, Some(password.expose_secret()))
                }
            };
            let response = self.http.send(request).await?;
            response.check_status()?;
            let envelope: Envelope = response.json()?;
            self.token(envelope, &response)
        })
    }
}

impl fmt::Debug for OrigoIdMinter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrigoIdMinter")
            .field("base", &self.base.as_str())
            .field("credentials", &self.credentials)
            .field("expire_after", &self.expire_after)
            .finish_non_exhaustive()
    }
}
