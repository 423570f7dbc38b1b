//! Fleet single flight: one process of the fleet mints a credential's token while the others
//! wait for it in the shared store.
//!
//! Whenever a process needs a token (cold start, refresh ahead, expiry, 401) its in-process
//! single flight runs [`Fleet::obtain`] once:
//! 1. **look**: a stored token that opens, is not the one this process is replacing, was not
//!    refused nor issued before a token this process saw refused (see `marks`), and is not
//!    expired by this process's margins is adopted as is;
//! 2. **lease**: otherwise take the slot's lease, look once more (someone may have just
//!    stored one), take the next generation, mint (renewing the lease), save the token fenced
//!    by generation (an older one never overwrites a newer one), release;
//! 3. **wait**: if another process holds the lease, wait until the holder's save is announced
//!    (a notice through the store, `store::notices`) or the next poll (5 ms doubling to 100 ms,
//!    jittered: the fallback when no notice comes), and go back to 1; a dead holder's lease
//!    lapses and a waiter takes over.
//!
//! A 429 from the token endpoint pauses minting for the whole fleet: the pause goes through
//! the store, and no process mints (or waits for a mint) until it ends.
//!
//! Any store error, and a wait past the limit, means: mint locally, warn (once per cause per
//! interval, see `store::warnings`), and try the store again next time. A call never fails
//! because of the store.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::access::{AccessToken, MintedToken, Shared};
use super::marks::{Marks, Verdict};
use super::minter::{Minter, MinterInfo};
use super::stored;
use crate::config::{AuthOptions, Jitter};
use crate::error::AuthError;
use crate::pauses::{self, MINT, Pauses};
use crate::store::SharedStore;
use crate::store::backend::{Record, StoreResult};
use crate::store::lease::Lease;
use crate::store::notices::SlotNews;
use secrecy::ExposeSecret as _;

const FIRST_POLL: Duration = Duration::from_millis(5);
const MAX_POLL: Duration = Duration::from_millis(100);
/// How long a tombstone blocks saves of older generations: far longer than any mint runs.
const TOMBSTONE_TTL: Duration = Duration::from_secs(600);

/// One service's slot in a [`SharedStore`], and what this process knows about it.
pub(crate) struct Fleet {
    store: SharedStore,
    slot: String,
    api: &'static str,
    service: &'static str,
    marks: Mutex<Marks>,
    /// What this process hears about the slot from the others.
    news: Arc<SlotNews>,
    /// Whether the store's record of pauses was read (once, at the first need).
    pauses_read: std::sync::atomic::AtomicBool,
}

impl Fleet {
    /// The fleet slot of `minter`'s credential, if `options` has a shared store and the minter
    /// identifies its credential.
    pub(crate) fn new(
        options: &AuthOptions,
        minter: &dyn Minter,
        info: &MinterInfo,
    ) -> Option<Self> {
        let store = options.store.clone()?;
        let mut fingerprint = store.sealer.fingerprint();
        fingerprint.add(info.api).add(info.service);
        if !minter.identify(&mut fingerprint) {
            tracing::warn!(
                api = info.api,
                service = info.service,
                "a token store is configured, but this minter does not identify its credential; its tokens are not shared"
            );
            return None;
        }
        let slot = format!(
            "sdk-auth:v1:{{{}:{}:{}}}",
            info.api,
            info.service,
            fingerprint.finish()
        );
        Some(Self {
            news: store.hub.slot(&slot),
            store,
            slot,
            api: info.api,
            service: info.service,
            marks: Mutex::default(),
            pauses_read: Default::default(),
        })
    }

    /// The slot's pauses: this process's and the fleet's.
    pub(crate) fn pauses(&self) -> Arc<Pauses> {
        Arc::clone(&self.news.pauses)
    }

    /// Tells the fleet that the API asked to hold back `scope` until `until_ms` (the caller
    /// has paused it here already).
    pub(crate) async fn share_pause(&self, scope: &str, until_ms: u64) {
        let shared = self.store.backend.pause(&self.slot, scope, until_ms);
        if let Err(error) = shared.await
            && let Some(held_back) = self.store.warnings.admit("pause not shared", &error)
        {
            tracing::warn!(api = self.api, service = self.service, error = %error, held_back,
                "could not tell the fleet to slow down; other processes find out by themselves");
        }
    }

    /// How long minting is still paused for the fleet, if it is.
    fn mint_paused(&self, options: &AuthOptions) -> Option<AuthError> {
        let wait = self.news.pauses.remaining(MINT, || options.clock.wall())?;
        Some(AuthError::RateLimited {
            retry_after: Some(wait),
        })
    }

    /// A token for this process: adopted from the store, minted under the fleet's lease, or
    /// (store down, slow, or another minter too slow) minted locally.
    pub(crate) async fn obtain(
        &self,
        minter: &dyn Minter,
        options: &AuthOptions,
    ) -> Result<MintedToken, AuthError> {
        if let Some(paused) = self.mint_paused(options) {
            return Err(paused);
        }
        let result = match self.coordinate(minter, options).await {
            Ok(result) => result,
            Err(error) => {
                let warnings = &self.store.warnings;
                if let Some(held_back) = warnings.admit("unavailable", &error) {
                    tracing::warn!(api = self.api, service = self.service, error = %error,
                        held_back, "token store unavailable; minting locally");
                }
                crate::store::meter::fallback(self.api, self.service, "store_error");
                minter.mint().await
            }
        };
        if let Ok(minted) = &result {
            self.marks().hold(minted.secret());
        }
        self.heed_mint(&result, options).await;
        result
    }

    /// A 429 from the token endpoint pauses minting here and for the fleet.
    async fn heed_mint(&self, result: &Result<MintedToken, AuthError>, options: &AuthOptions) {
        if let Err(AuthError::RateLimited {
            retry_after: Some(after),
        }) = result
        {
            let until = pauses::until(options.clock.wall(), *after);
            if self.news.pauses.pause(MINT, until) {
                self.share_pause(MINT, until).await;
            }
        }
    }

    /// Takes in the pauses the store holds for the slot (announced, perhaps, before this
    /// process listened).
    async fn read_pauses(&self) -> StoreResult<()> {
        for (scope, until) in self.store.backend.pauses(&self.slot).await? {
            self.news.pauses.pause(&scope, until);
        }
        Ok(())
    }

    async fn coordinate(
        &self,
        minter: &dyn Minter,
        options: &AuthOptions,
    ) -> StoreResult<Result<MintedToken, AuthError>> {
        // By default half the caller's token wait, so a process that gives up waiting still has
        // time to mint itself; never less than a lease, so a crashed minter is noticed first.
        let limit = self.store.wait_limit.unwrap_or_else(|| {
            (options.request_timeout + self.store.lease)
                .min(options.token_wait / 2)
                .max(self.store.lease + Duration::from_millis(500))
        });
        // Waiting on other processes runs on Tokio's timer, whatever the `Auth` clock: leases
        // expire in real time too.
        let deadline = Instant::now() + limit;
        let mut pause = FIRST_POLL;
        if !self
            .pauses_read
            .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            self.read_pauses().await?;
        }
        let mut changes = self.news.changes.subscribe();
        loop {
            changes.borrow_and_update();
            if let Some(paused) = self.mint_paused(options) {
                return Ok(Err(paused));
            }
            if let Some(token) = self.adopt(options).await? {
                return Ok(Ok(token));
            }
            let backend = &*self.store.backend;
            if let Some(lease) = Lease::acquire(backend, &self.slot, self.store.lease).await? {
                return Ok(self.mint_holding(lease, minter, options).await);
            }
            if Instant::now() >= deadline {
                if let Some(held_back) = self.store.warnings.admit("no token in time", "") {
                    tracing::warn!(api = self.api, service = self.service, waited = ?limit,
                        held_back, "no token from the fleet in time; minting locally");
                }
                crate::store::meter::fallback(self.api, self.service, "wait_timeout");
                return Ok(minter.mint().await);
            }
            // Woken when the holder's token is announced, else at the next poll.
            let poll = tokio::time::sleep(pause.mul_f64(1.0 - Jitter::Random.sample()));
            tokio::select! {
                () = poll => {}
                _ = changes.changed() => {}
            }
            pause = (pause * 2).min(MAX_POLL);
        }
    }

    /// The stored token if this process may use it: it opens, it is neither the one this
    /// process holds nor one it saw refused or older (that one is retired, if still stored),
    /// and it is not expired by this process's margins.
    async fn adopt(&self, options: &AuthOptions) -> StoreResult<Option<MintedToken>> {
        let Some(record) = self.store.backend.load(&self.slot).await? else {
            return Ok(None);
        };
        if record.is_tombstone() {
            return Ok(None);
        }
        let Some(opened) = self.store.sealer.open(&self.slot, &record) else {
            if let Some(held_back) = self.store.warnings.admit("does not open", &self.slot) {
                tracing::warn!(
                    api = self.api,
                    service = self.service,
                    generation = record.generation,
                    held_back,
                    "ignoring a stored token that does not open (tampered, foreign or sealed with another key)"
                );
            }
            return Ok(None);
        };
        let verdict = self
            .marks()
            .judge(opened.token.expose_secret(), opened.issued_at_ms());
        match verdict {
            Verdict::Adopt => Ok(stored::adopted(opened, record.generation, options)),
            Verdict::Held => Ok(None),
            Verdict::Refused => {
                let retire =
                    self.store
                        .backend
                        .retire(&self.slot, Some(record.generation), TOMBSTONE_TTL);
                retire.await?;
                Ok(None)
            }
        }
    }

    /// Mints while holding the lease and shares the result.
    async fn mint_holding(
        &self,
        lease: Lease<'_>,
        minter: &dyn Minter,
        options: &AuthOptions,
    ) -> Result<MintedToken, AuthError> {
        if let Ok(Some(token)) = self.adopt(options).await {
            lease.release().await;
            return Ok(token);
        }
        // The previous holder may have been told to slow down just before it let go.
        if self.read_pauses().await.is_ok()
            && let Some(paused) = self.mint_paused(options)
        {
            lease.release().await;
            return Err(paused);
        }
        let generation = self.store.backend.next_generation(&self.slot).await;
        let minted = lease.hold_while(minter.mint()).await;
        let result = match (minted, generation) {
            (Ok(minted), Ok(generation)) => Ok(self.share(minted, generation, options).await),
            (Ok(minted), Err(error)) => {
                if let Some(held_back) = self.store.warnings.admit("no generation", &error) {
                    tracing::warn!(api = self.api, service = self.service, error = %error,
                        held_back, "token minted but not shared: no generation from the store");
                }
                Ok(minted)
            }
            (Err(error), _) => Err(error),
        };
        // Before letting go: the next holder must see the pause, if any.
        self.heed_mint(&result, options).await;
        lease.release().await;
        result
    }

    /// Seals and saves a freshly minted token; marks it shared if it was saved.
    async fn share(
        &self,
        mut minted: MintedToken,
        generation: u64,
        options: &AuthOptions,
    ) -> MintedToken {
        let wall = options.clock.wall();
        let (lifetime, source) = minted.lifetime(wall);
        if lifetime.is_zero() {
            return minted;
        }
        minted.issued_at = Some(wall);
        let source = format!("{source:?}");
        let payload = stored::payload(&minted, &source, wall, lifetime);
        let saved = match self.store.sealer.seal(&self.slot, generation, &payload) {
            Ok(sealed) => {
                let record = Record { generation, sealed };
                self.store.backend.save(&self.slot, record, lifetime).await
            }
            Err(error) => Err(error),
        };
        match saved {
            Ok(true) => {
                minted.shared = Some(Shared {
                    generation,
                    adopted: None,
                });
            }
            Ok(false) => tracing::info!(
                generation,
                "the store holds a newer token (or a revocation); this one serves only this process"
            ),
            Err(error) => {
                if let Some(held_back) = self.store.warnings.admit("not stored", &error) {
                    tracing::warn!(api = self.api, service = self.service, error = %error,
                        held_back, "token minted but not shared: could not store it");
                }
            }
        }
        minted
    }

    /// An API rejected `token`: the next [`obtain`](Self::obtain) retires it in the store if
    /// it is still there, and any stored token issued before it, instead of adopting it.
    pub(crate) fn rejected(&self, token: &AccessToken) {
        let issued = pauses::unix_ms(token.issued_at());
        self.marks().refuse(token.expose_secret(), issued);
    }

    /// `token` was revoked: retire it in the store now, so no process adopts it.
    pub(crate) async fn revoked(&self, token: &AccessToken) {
        if let Some(generation) = token.shared_generation() {
            self.rejected(token);
            self.retire(Some(generation)).await;
        }
    }

    /// Every token of the account was revoked: tombstone the slot so no process adopts a
    /// token minted before.
    pub(crate) async fn revoked_all(&self, options: &AuthOptions) {
        self.marks()
            .refuse_through(pauses::unix_ms(options.clock.wall()));
        self.retire(None).await;
    }

    async fn retire(&self, generation: Option<u64>) {
        let retired = self
            .store
            .backend
            .retire(&self.slot, generation, TOMBSTONE_TTL);
        if let Err(error) = retired.await
            && let Some(held_back) = self.store.warnings.admit("not retired", &error)
        {
            tracing::warn!(api = self.api, service = self.service, error = %error, held_back,
                "could not mark the revoked token in the token store; other processes drop it on their first 401");
        }
    }

    fn marks(&self) -> std::sync::MutexGuard<'_, Marks> {
        self.marks.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
