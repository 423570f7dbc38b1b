//! [`SharedStore`]: what [`AuthOptions::token_store`](crate::AuthOptions::token_store) takes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::backend::{StoreError, TokenStore};
use super::notices::Hub;
use super::seal::{Sealer, StoreKey};
use super::warnings::Warnings;

/// Default lease on a slot while one process mints; renewed every third of it while the mint
/// runs, so a process that dies blocks the others for at most this long.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(3);

/// A token store shared by many processes, with the key that seals tokens in it.
///
/// With one configured, every [`Auth`](crate::Auth) service keeps its in-process cache in
/// front (a warm call never touches the store) and, whenever it needs a token, first looks in
/// the store; if none is usable, one process of the fleet mints under a lease while the others
/// wait for its token. If the store is down or slow, tokens are minted locally with a warning
/// and the store is tried again next time. Cheap to clone.
#[derive(Clone)]
pub struct SharedStore {
    pub(crate) backend: Arc<dyn TokenStore>,
    pub(crate) sealer: Arc<Sealer>,
    pub(crate) lease: Duration,
    pub(crate) wait_limit: Option<Duration>,
    /// This store's warnings, rate-limited across every service that uses it.
    pub(crate) warnings: Arc<Warnings>,
    /// What this process hears from the others through the store.
    pub(crate) hub: Arc<Hub>,
}

impl SharedStore {
    /// Tokens in `backend`, sealed with `key` (every process of the fleet needs the same key).
    pub fn new(backend: impl TokenStore, key: StoreKey) -> Self {
        let hub = Arc::new(Hub::default());
        let heard = Arc::downgrade(&hub);
        backend.listen(Arc::new(move |notice| {
            if let Some(hub) = heard.upgrade() {
                hub.hear(notice);
            }
        }));
        Self {
            hub,
            backend: Arc::new(backend),
            sealer: Arc::new(Sealer::new(&key)),
            lease: DEFAULT_LEASE,
            wait_limit: None,
            warnings: Arc::default(),
        }
    }

    /// Tokens in Redis at `url` (`redis://[user:password@]host[:port][/db]`, or `rediss://`
    /// for TLS), sealed with `key`. For a cluster, Sentinels, a CA or other bounds, build the
    /// backend with `RedisStore::new(RedisConfig::…)` and use [`new`](Self::new).
    ///
    /// # Errors
    /// [`AuthError::Config`](crate::AuthError::Config) if `url` is unusable.
    #[cfg(feature = "redis")]
    pub fn redis(url: &str, key: StoreKey) -> Result<Self, crate::AuthError> {
        Ok(Self::new(super::redis::RedisStore::open(url)?, key))
    }

    /// How long the minting process holds a slot's lease between renewals (default 3 s, at
    /// least 30 ms): the longest a crashed minter delays the others.
    pub fn lease(mut self, ttl: Duration) -> Self {
        self.lease = ttl.max(Duration::from_millis(30));
        self
    }

    /// How long a process waits for another's mint before minting itself (default: half of
    /// [`AuthOptions::token_wait`](crate::AuthOptions::token_wait), so that a local mint still
    /// fits in it, but at least the lease plus 500 ms, so a crashed minter is noticed first,
    /// and at most the token request timeout plus the lease).
    pub fn wait_limit(mut self, limit: Duration) -> Self {
        self.wait_limit = Some(limit);
        self
    }

    /// Checks that the store answers (one read), e.g. for a readiness probe or to wait for
    /// it after an outage.
    ///
    /// # Errors
    /// Why it did not.
    pub async fn check(&self) -> Result<(), StoreError> {
        self.backend.load("sdk-auth:v1:{probe}").await.map(drop)
    }
}

impl fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedStore")
            .field("backend", &self.backend)
            .field("key", &"[REDACTED]")
            .field("lease", &self.lease)
            .field("wait_limit", &self.wait_limit)
            .finish()
    }
}
