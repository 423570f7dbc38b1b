//! [`RedisStore`]: the [`TokenStore`] on Redis (or Valkey), for tokens shared by many processes.
//!
//! Built on the `redis` crate (redis-rs, the maintained Rust client): its multiplexed
//! connection carries every request of the process over one connection, its cluster client
//! routes by hash slot, its Sentinel client finds the master, its rustls support does TLS,
//! and its `Script` runs our Lua by `EVALSHA`. What it does not do, we do in `link`: keep the
//! connection up from a background task, so that setting one up is bounded apart from the
//! operations and a restarted Redis never fails the operation that finds it.
//!
//! Each slot is three keys under one hash tag (so they share a cluster slot): `<slot>:token`
//! (`<generation>:<sealed bytes>`, expiring with the token), `<slot>:gen` (the generation
//! counter) and `<slot>:lease`; see `scripts`.

pub(crate) mod config;
pub(crate) mod link;
pub(crate) mod scripts;

use std::fmt;
use std::future::Future;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use redis::{FromRedisValue, Script};

use super::backend::{Record, StoreError, StoreResult, TokenStore};
use super::notices::{Listener, Notice};
use crate::error::AuthError;
use config::{Connection, RedisConfig};

use super::meter;
use futures_util::future::BoxFuture;
use link::Link;
use scripts::{counter_key, decode, encode, lease_key, millis, pauses_key, token_key};

/// The channel on which stores announce changes to each other.
const CHANNEL: &str = "sdk-auth:v1:notices";

/// Tokens shared through Redis 6+ or Valkey: one server, a cluster or a Sentinel-managed
/// master (see [`RedisConfig`]).
///
/// Building one starts connecting in the background (inside a Tokio runtime; otherwise at the
/// first operation). An operation waits at most the connect timeout for a connection and then
/// at most the operation timeout for its answer; an error or a timeout makes the caller mint
/// locally and try the store again next time. `Debug` shows addresses, never a password.
pub struct RedisStore {
    config: RedisConfig,
    link: Link,
    listeners: Arc<RwLock<Vec<Listener>>>,
}

impl RedisStore {
    /// A store on one server at `url` (`redis://…`, or `rediss://…` for TLS with the system's
    /// roots), with the default bounds.
    ///
    /// # Errors
    /// [`AuthError::Config`] if `url` is not a usable Redis URL (the message never echoes it).
    pub fn open(url: &str) -> Result<Self, AuthError> {
        Ok(Self::new(RedisConfig::new(url)?))
    }

    /// A store as `config` says.
    pub fn new(config: RedisConfig) -> Self {
        let listeners: Arc<RwLock<Vec<Listener>>> = Arc::default();
        let heard = Arc::clone(&listeners);
        let on_message = Arc::new(move |message: &[u8]| {
            let Some(notice) = Notice::decode(message) else {
                return;
            };
            for listener in heard.read().unwrap_or_else(PoisonError::into_inner).iter() {
                listener(notice.clone());
            }
        });
        let link = Link::new(
            config.connector(),
            config.connect_timeout,
            CHANNEL.to_owned(),
            on_message,
        );
        Self {
            config,
            link,
            listeners,
        }
    }

    /// Bound on each operation on an established connection (default 250 ms; at least 1 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config = self.config.timeout(timeout);
        self
    }

    /// `request` on the current connection, bounded by the timeout; sent once more on a new
    /// connection if this one turned out to be gone.
    async fn bounded<T, F>(
        &self,
        what: &'static str,
        request: impl Fn(Connection) -> F,
    ) -> StoreResult<T>
    where
        F: Future<Output = redis::RedisResult<T>>,
    {
        let mut tries = 0;
        loop {
            tries += 1;
            let (connection, epoch) = match self.link.connection().await {
                Ok(current) => current,
                Err(error) => {
                    meter::unreachable(what);
                    return Err(error);
                }
            };
            let answer = tokio::time::timeout(self.config.timeout, request(connection));
            let error = match meter::operation(what, answer).await {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(error)) => error,
                Err(_) => {
                    return Err(StoreError::new(format!(
                        "{what}: no answer within {:?}",
                        self.config.timeout
                    )));
                }
            };
            if !Link::is_broken(&error) {
                return Err(failure(what, &error));
            }
            self.link.broken(epoch);
            if tries == 2 {
                return Err(failure(what, &error));
            }
        }
    }

    async fn script<T: FromRedisValue>(
        &self,
        what: &'static str,
        script: &'static Script,
        keys: &[String],
        args: &[Vec<u8>],
    ) -> StoreResult<T> {
        self.bounded(what, |mut connection| {
            let mut invocation = script.prepare_invoke();
            for key in keys {
                invocation.key(key);
            }
            for arg in args {
                invocation.arg(arg.as_slice());
            }
            async move { invocation.invoke_async(&mut connection).await }
        })
        .await
    }
}

/// A store error naming the operation and Redis' reason (never a key, value or password).
fn failure(what: &str, error: &redis::RedisError) -> StoreError {
    StoreError::new(format!("{what}: {}", link::describe(error)))
}

impl TokenStore for RedisStore {
    fn load<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<Option<Record>>> {
        Box::pin(async move {
            let get = redis::cmd("GET").arg(token_key(slot)).to_owned();
            let raw = self
                .bounded("GET", |mut connection| {
                    let get = get.clone();
                    async move {
                        match get.query_async::<Option<Vec<u8>>>(&mut connection).await {
                            // Something else lives under our key: foreign data, not an outage.
                            Err(error) if error.code() == Some("WRONGTYPE") => {
                                Ok(Some(b"WRONGTYPE".to_vec()))
                            }
                            other => other,
                        }
                    }
                })
                .await?;
            Ok(raw.map(decode))
        })
    }

    fn save<'a>(
        &'a self,
        slot: &'a str,
        record: Record,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let args = [
                record.generation.to_string().into_bytes(),
                encode(&record),
                millis(ttl),
                CHANNEL.into(),
                changed(slot),
            ];
            self.script("save", &scripts::SAVE, &[token_key(slot)], &args)
                .await
        })
    }

    fn retire<'a>(
        &'a self,
        slot: &'a str,
        generation: Option<u64>,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let generation = generation.map(|g| g.to_string()).unwrap_or_default();
            let keys = [token_key(slot), counter_key(slot)];
            let args = [
                generation.into_bytes(),
                millis(ttl),
                CHANNEL.into(),
                changed(slot),
            ];
            self.script("retire", &scripts::RETIRE, &keys, &args).await
        })
    }

    fn next_generation<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<u64>> {
        Box::pin(async move {
            let keys = [token_key(slot), counter_key(slot)];
            self.script("next generation", &scripts::NEXT_GENERATION, &keys, &[])
                .await
        })
    }

    fn acquire<'a>(
        &'a self,
        slot: &'a str,
        fence: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let args = [fence.as_bytes().to_vec(), millis(ttl)];
            self.script(
                "acquire lease",
                &scripts::ACQUIRE,
                &[lease_key(slot)],
                &args,
            )
            .await
        })
    }

    fn renew<'a>(
        &'a self,
        slot: &'a str,
        fence: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let args = [fence.as_bytes().to_vec(), millis(ttl)];
            self.script("renew lease", &scripts::RENEW, &[lease_key(slot)], &args)
                .await
        })
    }

    fn release<'a>(&'a self, slot: &'a str, fence: &'a str) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let args = [fence.as_bytes().to_vec()];
            self.script(
                "release lease",
                &scripts::RELEASE,
                &[lease_key(slot)],
                &args,
            )
            .await
        })
    }

    fn pause<'a>(
        &'a self,
        slot: &'a str,
        scope: &'a str,
        until_ms: u64,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            let now = crate::pauses::unix_ms(std::time::SystemTime::now());
            let notice = Notice::Paused {
                slot: slot.to_owned(),
                scope: scope.to_owned(),
                until_ms,
            };
            let args = [
                scope.as_bytes().to_vec(),
                until_ms.to_string().into_bytes(),
                millis(Duration::from_millis(until_ms.saturating_sub(now))),
                CHANNEL.into(),
                notice.encode().into_bytes(),
            ];
            self.script::<i64>("pause", &scripts::PAUSE, &[pauses_key(slot)], &args)
                .await
                .map(drop)
        })
    }

    fn pauses<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<Vec<(String, u64)>>> {
        Box::pin(async move {
            let hgetall = redis::cmd("HGETALL").arg(pauses_key(slot)).to_owned();
            let pauses: Vec<(String, String)> = self
                .bounded("pauses", |mut connection| {
                    let hgetall = hgetall.clone();
                    async move { hgetall.query_async(&mut connection).await }
                })
                .await?;
            Ok(pauses
                .into_iter()
                .filter_map(|(scope, until)| Some((scope, until.parse().ok()?)))
                .collect())
        })
    }

    fn listen(&self, listener: Listener) {
        self.listeners
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .push(listener);
    }
}

/// The notice that `slot` changed, as published.
fn changed(slot: &str) -> Vec<u8> {
    Notice::Changed {
        slot: slot.to_owned(),
    }
    .encode()
    .into_bytes()
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RedisStore").field(&self.config).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_without_echoing_them() {
        let error = RedisStore::open("http://user:hunter2@example").unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
        let store = RedisStore::open("redis://:hunter2@127.0.0.1:6390/2").unwrap();
        let debug = format!("{store:?}");
        assert!(
            !debug.contains("hunter2") && debug.contains("127.0.0.1:6390"),
            "{debug}"
        );
    }
}
