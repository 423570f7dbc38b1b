//! The seam between the token cache and a store shared by many processes: a few atomic
//! operations on one credential's *slot*. The store only ever sees sealed bytes and a
//! generation number, never a token.

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;

use super::notices::Listener;

/// One stored entry of a slot: the generation it was written with and the sealed token.
///
/// An empty `sealed` is a *tombstone*: the token of that generation was rejected or revoked,
/// and no write of an equal or older generation may replace it.
#[derive(Clone, PartialEq, Eq)]
pub struct Record {
    /// Fleet-wide generation; strictly increasing per slot (see [`TokenStore::next_generation`]).
    pub generation: u64,
    /// The token sealed with AES-256-GCM, or empty for a tombstone.
    pub sealed: Vec<u8>,
}

impl Record {
    /// A tombstone for `generation`.
    pub fn tombstone(generation: u64) -> Self {
        Self {
            generation,
            sealed: Vec::new(),
        }
    }

    /// Whether this record holds no token.
    pub fn is_tombstone(&self) -> bool {
        self.sealed.is_empty()
    }
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("generation", &self.generation)
            .field("sealed_len", &self.sealed.len())
            .finish()
    }
}

/// Why a store operation failed. It is logged and the token is minted locally: a failing
/// store never fails a call. Messages never contain secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("token store: {0}")]
pub struct StoreError(String);

impl StoreError {
    /// An error with `message`, which must not contain a secret.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// A store many processes share: tokens by slot, a generation counter per slot and a lease
/// per slot. `RedisStore` (feature `redis`) and
/// [`MemoryStore`](crate::store::MemoryStore) implement it.
///
/// Every operation must be atomic and bounded by a short timeout: on any error the caller
/// mints locally, so a slow store must fail fast rather than stall a request.
pub trait TokenStore: Send + Sync + fmt::Debug + 'static {
    /// The record in `slot`, if any. An entry that is not a record (foreign data) is returned
    /// as one that will not open, never as an error.
    fn load<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<Option<Record>>>;

    /// Writes `record` for `ttl` unless the slot holds a generation at least as new.
    /// Returns whether it was written.
    fn save<'a>(
        &'a self,
        slot: &'a str,
        record: Record,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>>;

    /// Replaces the entry with a tombstone living `ttl`: with `Some(generation)` only if the
    /// slot still holds that generation (so a fresher token is never evicted); with `None`
    /// unconditionally, at the highest generation ever handed out (so no mint that started
    /// earlier can be saved). Returns whether a tombstone was written.
    fn retire<'a>(
        &'a self,
        slot: &'a str,
        generation: Option<u64>,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>>;

    /// A generation greater than any handed out for `slot` and than the one stored there.
    fn next_generation<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<u64>>;

    /// Takes the slot's lease for `ttl` if nobody holds it (`SET NX PX`); `fence` is the
    /// holder's random value. Returns whether it was taken.
    fn acquire<'a>(
        &'a self,
        slot: &'a str,
        fence: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>>;

    /// Extends the lease to `ttl` from now if `fence` still holds it.
    fn renew<'a>(
        &'a self,
        slot: &'a str,
        fence: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>>;

    /// Drops the lease if `fence` still holds it (compare-and-delete).
    fn release<'a>(&'a self, slot: &'a str, fence: &'a str) -> BoxFuture<'a, StoreResult<bool>>;

    /// Records for every process that the API asked the callers of `slot` to hold back
    /// `scope` until `until_ms` (Unix milliseconds; never shortened), and tells the processes
    /// listening (see [`listen`](Self::listen)). The default records nothing: pauses then
    /// stay within each process.
    fn pause<'a>(
        &'a self,
        slot: &'a str,
        scope: &'a str,
        until_ms: u64,
    ) -> BoxFuture<'a, StoreResult<()>> {
        let _ = (slot, scope, until_ms);
        Box::pin(std::future::ready(Ok(())))
    }

    /// The pauses recorded for `slot`, as `(scope, until_ms)`, ended ones possibly included.
    fn pauses<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<Vec<(String, u64)>>> {
        let _ = slot;
        Box::pin(std::future::ready(Ok(Vec::new())))
    }

    /// From now on, calls `listener` with every [`Notice`](super::Notice) the store hears: a
    /// token stored or retired in a slot, a pause, by any process (this one included). The
    /// default never calls it: waiting processes then find a stored token at their next poll
    /// rather than at once.
    fn listen(&self, listener: Listener) {
        let _ = listener;
    }
}
