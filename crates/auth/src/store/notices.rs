//! What the processes sharing a store tell each other besides the tokens ([`Notice`]): a
//! slot's entry changed, so its waiters look again at once instead of at their next poll; or
//! the API asked a slot's callers to hold back a scope for a while.
//!
//! [`Hub`] is one process's side: per slot this process uses, a change counter to wait on and
//! the pauses it heard of. Notices about other slots are dropped.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::watch;

use crate::pauses::Pauses;

/// Something a process did to a shared store, as the others hear it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// A token was stored in `slot`, or retired there.
    Changed {
        /// The slot (`sdk-auth:v1:{…}`): names no secret.
        slot: String,
    },
    /// The API asked the callers of `slot` to hold back `scope` (an operation id, or `(mint)`
    /// for the token endpoint) until `until_ms` (Unix milliseconds).
    Paused {
        /// The slot.
        slot: String,
        /// What is paused.
        scope: String,
        /// Until when.
        until_ms: u64,
    },
}

impl Notice {
    /// The wire form: `changed <slot>` or `paused <until_ms> <slot> <scope>`.
    pub fn encode(&self) -> String {
        match self {
            Self::Changed { slot } => format!("changed {slot}"),
            Self::Paused {
                slot,
                scope,
                until_ms,
            } => format!("paused {until_ms} {slot} {scope}"),
        }
    }

    /// A notice from its wire form; `None` for anything else.
    pub fn decode(wire: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(wire).ok()?;
        match text.split_once(' ')? {
            ("changed", slot) if !slot.contains(' ') => Some(Self::Changed {
                slot: slot.to_owned(),
            }),
            ("paused", rest) => {
                let mut parts = rest.splitn(3, ' ');
                let until_ms = parts.next()?.parse().ok()?;
                let slot = parts.next()?.to_owned();
                let scope = parts.next().filter(|s| !s.contains(' '))?.to_owned();
                Some(Self::Paused {
                    slot,
                    scope,
                    until_ms,
                })
            }
            _ => None,
        }
    }
}

/// What a store calls with every notice it hears (see `TokenStore::listen`).
pub type Listener = Arc<dyn Fn(Notice) + Send + Sync>;

/// This process's side of the notices: one [`SlotNews`] per slot in use.
#[derive(Debug, Default)]
pub(crate) struct Hub {
    slots: Mutex<HashMap<String, Arc<SlotNews>>>,
}

/// What this process heard about one slot.
#[derive(Debug)]
pub(crate) struct SlotNews {
    /// Counts changes; waiters wait for it to move.
    pub(crate) changes: watch::Sender<u64>,
    /// The slot's pauses, heard from others or set here.
    pub(crate) pauses: Arc<Pauses>,
}

impl Hub {
    /// The news of `slot`, which this process uses from now on.
    pub(crate) fn slot(&self, slot: &str) -> Arc<SlotNews> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(slots.entry(slot.to_owned()).or_insert_with(|| {
            Arc::new(SlotNews {
                changes: watch::Sender::new(0),
                pauses: Arc::default(),
            })
        }))
    }

    /// Takes in a notice heard from the store.
    pub(crate) fn hear(&self, notice: Notice) {
        let name = match &notice {
            Notice::Changed { slot } | Notice::Paused { slot, .. } => slot,
        };
        let Some(slot) = self
            .slots
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
        else {
            return;
        };
        if let Notice::Paused {
            scope, until_ms, ..
        } = notice
        {
            slot.pauses.pause(&scope, until_ms);
        }
        // Waiters look again: for a token, or for a pause of minting.
        slot.changes.send_modify(|n| *n = n.wrapping_add(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    #[test]
    fn notices_round_trip_and_reach_their_slot_only() {
        let slot = "sdk-auth:v1:{obi:default:AbC-_d}".to_owned();
        let notices = [
            Notice::Changed { slot: slot.clone() },
            Notice::Paused {
                slot: slot.clone(),
                scope: "create_quote".into(),
                until_ms: u64::MAX,
            },
        ];
        for notice in &notices {
            assert_eq!(
                Notice::decode(notice.encode().as_bytes()).as_ref(),
                Some(notice)
            );
        }
        for junk in [
            "",
            "changed",
            "changed a b",
            "paused x s c",
            "paused 1 s",
            "hello",
        ] {
            assert_eq!(Notice::decode(junk.as_bytes()), None, "{junk:?}");
        }
        let hub = Hub::default();
        let news = hub.slot(&slot);
        let changes = news.changes.subscribe();
        hub.hear(notices[0].clone());
        assert!(changes.has_changed().unwrap());
        hub.hear(notices[1].clone());
        let now = SystemTime::now();
        assert!(news.pauses.remaining("create_quote", || now).is_some());
        hub.hear(Notice::Changed {
            slot: "sdk-auth:v1:{other}".into(),
        });
        assert_eq!(hub.slots.lock().unwrap().len(), 1, "no slot for others");
    }
}
