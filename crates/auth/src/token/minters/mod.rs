//! The three APIs' minters and what they share: a dedicated HTTP client (`http`), the token
//! answer's common fields (`minted`) and lenient field readers (`lenient`).

pub(crate) mod bridge;
pub(crate) mod http;
pub(crate) mod obi;
pub(crate) mod origoid;

use std::time::Duration;

use secrecy::SecretString;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::access::MintedToken;
use super::lifetime::parse_rfc3339;
use http::RawResponse;

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
