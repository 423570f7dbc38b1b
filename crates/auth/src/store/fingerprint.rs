//! [`Fingerprint`]: the keyed hash that names a credential's slot in a shared store.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Bytes of the HMAC kept in a slot name (128 bits).
const FINGERPRINT_LEN: usize = 16;

/// Builds the keyed fingerprint (HMAC-SHA256 under a key derived from the store key) of a
/// credential's identity, which names its slot in a shared store.
///
/// [`Minter::identify`](crate::Minter::identify) feeds it the public parts (base URL, key id).
/// A credential whose only identity is its secret (an OrigoID API key) may feed that too:
/// only 128 bits of the keyed hash are kept, and they differ per store key.
pub struct Fingerprint(Hmac<Sha256>);

impl Fingerprint {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        Self(<Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length"))
    }

    /// Adds one part (length-prefixed, so parts cannot run into each other).
    pub fn add(&mut self, part: impl AsRef<[u8]>) -> &mut Self {
        let part = part.as_ref();
        self.0.update(&(part.len() as u64).to_be_bytes());
        self.0.update(part);
        self
    }

    /// The first 128 bits of the HMAC, base64url (22 characters).
    pub(crate) fn finish(self) -> String {
        URL_SAFE_NO_PAD.encode(&self.0.finalize().into_bytes()[..FINGERPRINT_LEN])
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Fingerprint(..)")
    }
}
