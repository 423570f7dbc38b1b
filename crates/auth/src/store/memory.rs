//! [`MemoryStore`]: the [`TokenStore`] seam in one process's memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::backend::{Record, StoreResult, TokenStore};
use super::notices::{Listener, Notice};
use crate::clock::{Clock, SystemClock};
use futures_util::future::BoxFuture;

/// A [`TokenStore`] in this process's memory, with the same semantics as the Redis one
/// (generations, tombstones, leases with expiry, pauses, notices to its listeners).
///
/// It lets several [`Auth`](crate::Auth)s built for the same credential in one process share
/// one token, and it is the reference implementation the fleet protocol is tested against.
/// Cheap to clone; clones share the data.
#[derive(Debug, Clone)]
pub struct MemoryStore {
    clock: Arc<dyn Clock>,
    slots: Arc<Mutex<HashMap<String, Slot>>>,
    listeners: Arc<Mutex<Listeners>>,
}

#[derive(Debug, Default)]
struct Slot {
    entry: Option<Expiring<Record>>,
    counter: u64,
    lease: Option<Expiring<String>>,
    pauses: HashMap<String, u64>,
}

#[derive(Default)]
struct Listeners(Vec<Listener>);

impl std::fmt::Debug for Listeners {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} listener(s)", self.0.len())
    }
}

#[derive(Debug)]
struct Expiring<T> {
    value: T,
    until: Instant,
}

impl MemoryStore {
    /// An empty store whose entries and leases expire by the system clock.
    pub fn new() -> Self {
        Self::with_clock(SystemClock)
    }

    /// An empty store whose entries and leases expire by `clock`.
    pub fn with_clock(clock: impl Clock) -> Self {
        Self {
            clock: Arc::new(clock),
            slots: Arc::default(),
            listeners: Arc::default(),
        }
    }

    /// Tells every listener.
    fn announce(&self, notice: Notice) {
        let listeners = self
            .listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .clone();
        for listener in listeners {
            listener(notice.clone());
        }
    }

    /// `changed` if it is true, after telling the listeners that `slot` changed.
    fn changed<'a>(&self, slot: &str, changed: bool) -> BoxFuture<'a, StoreResult<bool>> {
        if changed {
            self.announce(Notice::Changed {
                slot: slot.to_owned(),
            });
        }
        Self::ready(changed)
    }

    /// Runs `f` on `slot` with expired entries and leases removed.
    fn with_slot<T>(&self, slot: &str, f: impl FnOnce(&mut Slot, Instant) -> T) -> T {
        let now = self.clock.now();
        let mut slots = self.lock();
        let slot = slots.entry(slot.to_owned()).or_default();
        if slot.entry.as_ref().is_some_and(|e| e.until <= now) {
            slot.entry = None;
        }
        if slot.lease.as_ref().is_some_and(|l| l.until <= now) {
            slot.lease = None;
        }
        f(slot, now)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn ready<T: Send + 'static>(value: T) -> BoxFuture<'static, StoreResult<T>> {
        Box::pin(std::future::ready(Ok(value)))
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

fn expiring<T>(value: T, now: Instant, ttl: Duration) -> Expiring<T> {
    Expiring {
        value,
        until: now.checked_add(ttl).unwrap_or(now),
    }
}

impl TokenStore for MemoryStore {
    fn load<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<Option<Record>>> {
        Self::ready(self.with_slot(slot, |s, _| s.entry.as_ref().map(|e| e.value.clone())))
    }

    fn save<'a>(
        &'a self,
        slot: &'a str,
        record: Record,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        let saved = self.with_slot(slot, |s, now| {
            if s.entry
                .as_ref()
                .is_some_and(|e| e.value.generation >= record.generation)
            {
                return false;
            }
            s.entry = Some(expiring(record, now, ttl));
            true
        });
        self.changed(slot, saved)
    }

    fn retire<'a>(
        &'a self,
        slot: &'a str,
        generation: Option<u64>,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        let retired = self.with_slot(slot, |s, now| {
            let stored = s.entry.as_ref().map(|e| e.value.generation);
            let target = match generation {
                None => s.counter,
                Some(generation) if stored == Some(generation) => generation,
                Some(_) => return false,
            };
            s.entry = Some(expiring(Record::tombstone(target), now, ttl));
            true
        });
        self.changed(slot, retired)
    }

    fn next_generation<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<u64>> {
        Self::ready(self.with_slot(slot, |s, _| {
            let stored = s.entry.as_ref().map_or(0, |e| e.value.generation);
            s.counter = s.counter.max(stored) + 1;
            s.counter
        }))
    }

    fn acquire<'a>(
        &'a self,
        slot: &'a str,
        fence: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        Self::ready(self.with_slot(slot, |s, now| {
            if s.lease.is_some() {
                return false;
            }
            s.lease = Some(expiring(fence.to_owned(), now, ttl));
            true
        }))
    }

    fn renew<'a>(
        &'a self,
        slot: &'a str,
        fence: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        Self::ready(self.with_slot(slot, |s, now| match &mut s.lease {
            Some(lease) if lease.value == fence => {
                lease.until = now.checked_add(ttl).unwrap_or(now);
                true
            }
            _ => false,
        }))
    }

    fn release<'a>(&'a self, slot: &'a str, fence: &'a str) -> BoxFuture<'a, StoreResult<bool>> {
        Self::ready(self.with_slot(slot, |s, _| {
            let held = s.lease.as_ref().is_some_and(|l| l.value == fence);
            if held {
                s.lease = None;
            }
            held
        }))
    }

    fn pause<'a>(
        &'a self,
        slot: &'a str,
        scope: &'a str,
        until_ms: u64,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.with_slot(slot, |s, _| {
            let until = s.pauses.entry(scope.to_owned()).or_default();
            *until = (*until).max(until_ms);
        });
        self.announce(Notice::Paused {
            slot: slot.to_owned(),
            scope: scope.to_owned(),
            until_ms,
        });
        Self::ready(())
    }

    fn pauses<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<Vec<(String, u64)>>> {
        Self::ready(self.with_slot(slot, |s, _| {
            s.pauses.iter().map(|(k, v)| (k.clone(), *v)).collect()
        }))
    }

    fn listen(&self, listener: Listener) {
        self.listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .push(listener);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use futures_util::FutureExt as _;

    fn now<T>(future: BoxFuture<'_, StoreResult<T>>) -> T {
        future.now_or_never().unwrap().unwrap()
    }

    #[test]
    fn generations_tombstones_and_leases() {
        let clock = ManualClock::new();
        let store = MemoryStore::with_clock(clock.clone());
        let minute = Duration::from_secs(60);
        let record = |generation| Record {
            generation,
            sealed: vec![1],
        };
        assert_eq!(now(store.next_generation("s")), 1);
        assert!(now(store.save("s", record(1), minute)));
        assert!(!now(store.save("s", record(1), minute)), "same generation");
        assert_eq!(now(store.next_generation("s")), 2);
        assert!(now(store.save("s", record(2), minute)));
        // Compare-generation retire: a stale generation does not evict the fresh one.
        assert!(!now(store.retire("s", Some(1), minute)));
        assert!(now(store.retire("s", Some(2), minute)));
        assert!(now(store.load("s")).unwrap().is_tombstone());
        assert!(!now(store.save("s", record(2), minute)), "tombstone blocks");
        // Retire-all tombstones at the highest generation handed out.
        assert_eq!(now(store.next_generation("s")), 3);
        assert!(now(store.retire("s", None, minute)));
        assert!(!now(store.save("s", record(3), minute)));
        assert_eq!(now(store.next_generation("s")), 4);
        assert!(now(store.save("s", record(4), minute)));
        clock.advance(minute);
        assert_eq!(now(store.load("s")), None, "expired");

        assert!(now(store.acquire("s", "a", minute)));
        assert!(!now(store.acquire("s", "b", minute)));
        assert!(!now(store.release("s", "b")), "only the holder releases");
        assert!(now(store.renew("s", "a", minute)));
        clock.advance(minute);
        assert!(
            now(store.acquire("s", "b", minute)),
            "expired lease is free"
        );
        assert!(!now(store.renew("s", "a", minute)));
        assert!(now(store.release("s", "b")));
    }
}
