//! The fleet's mint lock: a lease on a slot (`SET NX PX` with a random fencing value), renewed
//! while its holder works and released by compare-and-delete, so a holder that dies only
//! blocks the others for one lease period and a late holder never releases a newer one.

use std::future::Future;
use std::pin::pin;
use std::time::Duration;

use futures_util::future::{Either, select};

use super::backend::{StoreError, StoreResult, TokenStore};

/// A lease this process holds on one slot.
pub(crate) struct Lease<'a> {
    store: &'a dyn TokenStore,
    slot: &'a str,
    fence: String,
    ttl: Duration,
}

impl<'a> Lease<'a> {
    /// Takes the lease on `slot` for `ttl` if it is free.
    pub(crate) async fn acquire(
        store: &'a dyn TokenStore,
        slot: &'a str,
        ttl: Duration,
    ) -> StoreResult<Option<Lease<'a>>> {
        let fence = fence()?;
        Ok(store.acquire(slot, &fence, ttl).await?.then_some(Self {
            store,
            slot,
            fence,
            ttl,
        }))
    }

    /// Runs `work`, renewing the lease every third of its period until `work` is done. A lost
    /// lease (or an unreachable store) does not stop `work`: saving its result is fenced by
    /// generation, so the worst case is one extra token, never a stale one.
    pub(crate) async fn hold_while<F: Future>(&self, work: F) -> F::Output {
        let renew = async {
            loop {
                // Tokio's timer, not the `Auth` clock: the lease lives in real time.
                tokio::time::sleep(self.ttl / 3).await;
                match self.store.renew(self.slot, &self.fence, self.ttl).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!("mint lease lost before the mint finished");
                        return;
                    }
                    Err(error) => tracing::debug!(%error, "could not renew the mint lease"),
                }
            }
        };
        match select(pin!(work), pin!(renew)).await {
            Either::Left((output, _)) => output,
            Either::Right(((), work)) => work.await,
        }
    }

    /// Gives the lease back if it is still ours.
    pub(crate) async fn release(self) {
        if let Err(error) = self.store.release(self.slot, &self.fence).await {
            tracing::debug!(%error, "could not release the mint lease; it expires by itself");
        }
    }
}

/// 128 random bits, hex: the value that proves a lease is ours.
fn fence() -> StoreResult<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| StoreError::new("no randomness for a lease fence"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
