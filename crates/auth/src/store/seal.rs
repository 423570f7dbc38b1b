//! What protects a token at rest in a shared store: AES-256-GCM with a random 96-bit nonce per
//! write and the slot name and generation as associated data (an entry moved to another slot
//! or relabelled does not open), under a key derived with HKDF-SHA256 from the configured
//! store key. The same key also derives the HMAC key that fingerprints credentials for slot
//! names, so a slot name reveals nothing about a secret and differs per store key.

use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload as AeadPayload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use hkdf::Hkdf;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::backend::{Record, StoreError};
use super::fingerprint::Fingerprint;
use crate::error::AuthError;

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// The 32-byte key that seals tokens in a shared store. Every process sharing tokens needs the
/// same key; a process with another key uses other slots and cannot read these tokens.
/// `Debug` never shows it, and it is zeroized on drop.
#[derive(Clone)]
pub struct StoreKey(Zeroizing<[u8; 32]>);

impl StoreKey {
    /// A key from raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// A key from base64 (standard or URL-safe alphabet, padding optional) of exactly 32
    /// bytes, e.g. the output of `openssl rand -base64 32`.
    ///
    /// # Errors
    /// [`AuthError::Config`] if `text` is not base64 of 32 bytes (the message never echoes it).
    pub fn from_base64(text: &str) -> Result<Self, AuthError> {
        let config =
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
        let text = text.trim();
        let decoded = [alphabet::STANDARD, alphabet::URL_SAFE]
            .iter()
            .find_map(|alphabet| {
                GeneralPurpose::new(alphabet, config)
                    .decode(text)
                    .ok()
                    .map(Zeroizing::new)
            })
            .ok_or_else(|| AuthError::Config("the token store key is not valid base64".into()))?;
        let bytes: [u8; 32] = decoded.as_slice().try_into().map_err(|_| {
            AuthError::Config(format!(
                "the token store key must be 32 bytes, got {}",
                decoded.len()
            ))
        })?;
        Ok(Self::from_bytes(bytes))
    }

    /// A random key, for a store only this process uses (e.g. a
    /// [`MemoryStore`](crate::store::MemoryStore)).
    ///
    /// # Errors
    /// [`AuthError::Config`] if the operating system has no randomness to give.
    pub fn random() -> Result<Self, AuthError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut())
            .map_err(|_| AuthError::Config("no randomness for a token store key".into()))?;
        Ok(Self(bytes))
    }
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreKey([REDACTED])")
    }
}

/// The sealing and fingerprint keys derived from one [`StoreKey`].
pub(crate) struct Sealer {
    cipher: Aes256Gcm,
    fingerprint_key: Zeroizing<[u8; 32]>,
}

/// What is sealed: everything another process needs to use the token.
#[derive(Serialize)]
pub(crate) struct Payload<'a> {
    pub(crate) token: &'a str,
    /// When it was issued, Unix milliseconds: replicas order tokens by it.
    pub(crate) issued_at_ms: u64,
    /// Absolute expiry, Unix milliseconds (wall clock: processes share no monotonic clock).
    pub(crate) expires_at_ms: u64,
    /// The lifetime measured at mint time, milliseconds.
    pub(crate) lifetime_ms: u64,
    pub(crate) source: &'a str,
    pub(crate) jti: Option<&'a str>,
    pub(crate) scopes: &'a [String],
}

/// A [`Payload`] read back.
#[derive(Deserialize)]
pub(crate) struct Opened {
    pub(crate) token: SecretString,
    /// Missing in entries of earlier versions: then `expires_at_ms − lifetime_ms`.
    #[serde(default)]
    pub(crate) issued_at_ms: Option<u64>,
    pub(crate) expires_at_ms: u64,
    pub(crate) lifetime_ms: u64,
    pub(crate) source: String,
    pub(crate) jti: Option<String>,
    #[serde(default)]
    pub(crate) scopes: Vec<String>,
}

impl Opened {
    /// When the token was issued, Unix milliseconds.
    pub(crate) fn issued_at_ms(&self) -> u64 {
        self.issued_at_ms
            .unwrap_or_else(|| self.expires_at_ms.saturating_sub(self.lifetime_ms))
    }
}

impl Sealer {
    pub(crate) fn new(key: &StoreKey) -> Self {
        let hkdf = Hkdf::<Sha256>::new(None, key.0.as_ref());
        let mut seal_key = Zeroizing::new([0u8; 32]);
        let mut fingerprint_key = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's limit (8160), so expand cannot fail.
        let _ = hkdf.expand(b"sdk-auth token store v1: seal", seal_key.as_mut());
        let _ = hkdf.expand(
            b"sdk-auth token store v1: fingerprint",
            fingerprint_key.as_mut(),
        );
        Self {
            cipher: Aes256Gcm::new(&(*seal_key).into()),
            fingerprint_key,
        }
    }

    pub(crate) fn fingerprint(&self) -> Fingerprint {
        Fingerprint::new(&self.fingerprint_key)
    }

    /// `payload` sealed for `generation` in `slot`: nonce ‖ ciphertext ‖ tag.
    pub(crate) fn seal(
        &self,
        slot: &str,
        generation: u64,
        payload: &Payload<'_>,
    ) -> Result<Vec<u8>, StoreError> {
        let plain = Zeroizing::new(
            serde_json::to_vec(payload).map_err(|_| StoreError::new("could not encode a token"))?,
        );
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| StoreError::new("no randomness for a nonce"))?;
        let aad = associated_data(slot, generation);
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                AeadPayload {
                    msg: &plain,
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::new("could not seal a token"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The payload of `record` read from `slot`, or `None` if it is a tombstone or does not
    /// open (tampered, moved, foreign, sealed with another key, or not ours at all).
    pub(crate) fn open(&self, slot: &str, record: &Record) -> Option<Opened> {
        if record.sealed.len() < NONCE_LEN + TAG_LEN {
            return None;
        }
        let (nonce, sealed) = record.sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
        let aad = associated_data(slot, record.generation);
        let plain = Zeroizing::new(
            self.cipher
                .decrypt(
                    &Nonce::from(nonce),
                    AeadPayload {
                        msg: sealed,
                        aad: &aad,
                    },
                )
                .ok()?,
        );
        serde_json::from_slice(&plain).ok()
    }
}

fn associated_data(slot: &str, generation: u64) -> Vec<u8> {
    format!("sdk-auth token store v1\0{slot}\0{generation}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn payload() -> Payload<'static> {
        Payload {
            token: "tok-canary-123",
            issued_at_ms: 400,
            expires_at_ms: 1_000,
            lifetime_ms: 3_600_000,
            source: "RelativeTtl",
            jti: Some("j1"),
            scopes: &[],
        }
    }

    #[test]
    fn seals_and_opens_only_where_written() {
        let key = StoreKey::from_bytes([7; 32]);
        let sealer = Sealer::new(&key);
        let sealed = sealer.seal("slot-a", 3, &payload()).unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"canary"), "no plaintext");
        let record = Record {
            generation: 3,
            sealed: sealed.clone(),
        };
        let opened = sealer.open("slot-a", &record).unwrap();
        assert_eq!(opened.token.expose_secret(), "tok-canary-123");
        assert_eq!(
            (opened.expires_at_ms, opened.jti.as_deref()),
            (1_000, Some("j1"))
        );
        assert_eq!(opened.issued_at_ms(), 400);
        // Moved, relabelled, tampered, truncated or foreign: none opens.
        assert!(sealer.open("slot-b", &record).is_none());
        let relabelled = Record {
            generation: 4,
            ..record.clone()
        };
        assert!(sealer.open("slot-a", &relabelled).is_none());
        for i in [0, NONCE_LEN, sealed.len() - 1] {
            let mut tampered = record.clone();
            tampered.sealed[i] ^= 1;
            assert!(sealer.open("slot-a", &tampered).is_none(), "byte {i}");
        }
        let short = Record {
            generation: 3,
            sealed: sealed[..20].to_vec(),
        };
        assert!(sealer.open("slot-a", &short).is_none());
        let other = Sealer::new(&StoreKey::from_bytes([8; 32]));
        assert!(other.open("slot-a", &record).is_none());
        // Fresh nonce per write.
        assert_ne!(sealer.seal("slot-a", 3, &payload()).unwrap(), sealed);
    }

    #[test]
    fn entries_of_earlier_versions_are_issued_at_expiry_minus_lifetime() {
        let sealer = Sealer::new(&StoreKey::from_bytes([7; 32]));
        let plain = br#"{"token":"t","expires_at_ms":5000,"lifetime_ms":3000,"source":"Default","jti":null}"#;
        let mut nonce = [0u8; NONCE_LEN];
        nonce[0] = 1;
        let aad = associated_data("slot", 1);
        let sealed = sealer
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                AeadPayload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .unwrap();
        let record = Record {
            generation: 1,
            sealed: [nonce.as_slice(), &sealed].concat(),
        };
        assert_eq!(sealer.open("slot", &record).unwrap().issued_at_ms(), 2_000);
    }

    #[test]
    fn fingerprints_are_keyed_and_unambiguous() {
        let a = Sealer::new(&StoreKey::from_bytes([1; 32]));
        let b = Sealer::new(&StoreKey::from_bytes([2; 32]));
        let print = |sealer: &Sealer, parts: &[&str]| {
            let mut fp = sealer.fingerprint();
            for part in parts {
                fp.add(part);
            }
            fp.finish()
        };
        assert_eq!(print(&a, &["k", "id"]), print(&a, &["k", "id"]));
        assert_ne!(print(&a, &["k", "id"]), print(&b, &["k", "id"]));
        assert_ne!(print(&a, &["k", "id"]), print(&a, &["ki", "d"]));
        assert_eq!(print(&a, &["secret-api-key"]).len(), 22);
        assert!(!print(&a, &["secret-api-key"]).contains("secret"));
    }

    #[test]
    fn store_key_parsing_never_echoes_the_value() {
        let std = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        assert!(StoreKey::from_base64(std).is_ok());
        assert!(StoreKey::from_base64(std.trim_end_matches('=')).is_ok());
        assert!(StoreKey::from_base64("_-8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0").is_ok());
        for bad in ["not*base64*canary", "Y2FuYXJ5", ""] {
            let error = StoreKey::from_base64(bad).err().unwrap();
            assert!(
                matches!(&error, AuthError::Config(m) if !m.contains("canary")),
                "{error}"
            );
        }
        assert_eq!(
            format!("{:?}", StoreKey::from_bytes([9; 32])),
            "StoreKey([REDACTED])"
        );
    }
}
