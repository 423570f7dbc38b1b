//! [`RedisStore`]: the [`TokenStore`] on Redis (or Valkey), for tokens shared by many processes.
//!
//! Built on the `redis` crate (redis-rs, the maintained Rust client): its `ConnectionManager`
//! multiplexes every request of the process over one connection and reconnects by itself,
//! and its `Script` runs our Lua by `EVALSHA`. Each slot is three keys under one hash tag (so
//! they share a cluster slot): `<slot>:token` (`<generation>:<sealed bytes>`, expiring with
//! the token), `<slot>:gen` (the generation counter) and `<slot>:lease`.

use std::fmt;
use std::future::Future;
use std::sync::LazyLock;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Cmd, RedisError, Script};
use tokio::sync::OnceCell;

use super::backend::{Record, StoreError, StoreResult, TokenStore};
use crate::error::AuthError;
use futures_util::future::BoxFuture;

/// Default bound on each Redis operation: past it the token is minted locally.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(50);
/// Longest generation we parse: Lua numbers are doubles, exact to 2^53.
const MAX_DIGITS: usize = 15;

/// Writes unless the slot holds a generation at least as new (garbage counts as none).
static SAVE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"local current = redis.pcall('GET', KEYS[1])
        if type(current) == 'string' then
          local digits = string.match(current, '^(%d+):')
          if digits and #digits <= 15 and tonumber(digits) >= tonumber(ARGV[1]) then return 0 end
        end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1",
    )
});

/// Tombstones the slot: at the given generation if it is still the stored one, or (empty
/// generation) at the counter's value.
static RETIRE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"local generation = ARGV[1]
        if generation == '' then
          generation = redis.pcall('GET', KEYS[2])
          if type(generation) ~= 'string' then generation = '0' end
        else
          local current = redis.pcall('GET', KEYS[1])
          if type(current) ~= 'string' or string.match(current, '^(%d+):') ~= generation then
            return 0
          end
        end
        redis.call('SET', KEYS[1], generation .. ':', 'PX', ARGV[2])
        return 1",
    )
});

/// Increments the counter, past the stored generation if that is higher.
static NEXT_GENERATION: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"local n = redis.pcall('INCR', KEYS[2])
        if type(n) ~= 'number' then
          n = 1
          redis.call('SET', KEYS[2], n)
        end
        local current = redis.pcall('GET', KEYS[1])
        if type(current) == 'string' then
          local digits = string.match(current, '^(%d+):')
          if digits and #digits <= 15 and tonumber(digits) >= n then
            n = tonumber(digits) + 1
            redis.call('SET', KEYS[2], string.format('%d', n))
          end
        end
        return n",
    )
});

/// Extends the lease if the fence still holds it.
static RENEW: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0",
    )
});

/// Compare-and-delete of the lease.
static RELEASE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0",
    )
});

/// Tokens shared through Redis 6+ or Valkey (`redis://[user:password@]host[:port][/db]`).
///
/// Opening makes no connection: the first operation connects, from inside the Tokio runtime.
/// Every operation is bounded by [`timeout`](Self::timeout) (default 50 ms); an error or a
/// timeout makes the caller mint locally and try the store again next time. `Debug` shows
/// the address, never the password.
pub struct RedisStore {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    timeout: Duration,
}

impl RedisStore {
    /// A store at `url` (`redis://…`; `rediss://` needs TLS support, which this build lacks).
    ///
    /// # Errors
    /// [`AuthError::Config`] if `url` is not a usable Redis URL (the message never echoes it).
    pub fn open(url: &str) -> Result<Self, AuthError> {
        let client = redis::Client::open(url.trim()).map_err(|error| {
            AuthError::Config(format!(
                "the token store URL is not a usable redis:// URL ({:?})",
                error.kind()
            ))
        })?;
        Ok(Self {
            client,
            connection: OnceCell::new(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Bound on each operation (default 50 ms; at least 1 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The process-wide multiplexed connection, created on first use (it needs the runtime).
    async fn connection(&self) -> StoreResult<ConnectionManager> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_secs(1));
        self.connection
            .get_or_try_init(|| async {
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
                    .map_err(|error| failure("connect", &error))
            })
            .await
            .cloned()
    }

    /// `request` bounded by the timeout.
    async fn bounded<T>(
        &self,
        what: &'static str,
        request: impl Future<Output = redis::RedisResult<T>>,
    ) -> StoreResult<T> {
        match tokio::time::timeout(self.timeout, request).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(failure(what, &error)),
            Err(_) => Err(StoreError::new(format!(
                "{what}: no answer within {:?}",
                self.timeout
            ))),
        }
    }

    async fn query<T: redis::FromRedisValue>(
        &self,
        what: &'static str,
        cmd: Cmd,
    ) -> StoreResult<T> {
        let mut connection = self.connection().await?;
        self.bounded(what, async move { cmd.query_async(&mut connection).await })
            .await
    }

    async fn script<T: redis::FromRedisValue>(
        &self,
        what: &'static str,
        script: &'static Script,
        keys: &[String],
        args: &[Vec<u8>],
    ) -> StoreResult<T> {
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(key);
        }
        for arg in args {
            invocation.arg(arg.as_slice());
        }
        let mut connection = self.connection().await?;
        self.bounded(what, async move {
            invocation.invoke_async(&mut connection).await
        })
        .await
    }
}

/// A store error naming the operation and Redis' reason (never a key, value or password).
fn failure(what: &str, error: &RedisError) -> StoreError {
    let reason = match error.code() {
        Some(code) => format!("server error {code}"),
        None if error.is_timeout() => "timed out".into(),
        None if error.is_io_error() => "connection failed".into(),
        None => format!("{:?}", error.kind()),
    };
    StoreError::new(format!("{what}: {reason}"))
}

fn token_key(slot: &str) -> String {
    format!("{slot}:token")
}

fn counter_key(slot: &str) -> String {
    format!("{slot}:gen")
}

fn lease_key(slot: &str) -> String {
    format!("{slot}:lease")
}

fn millis(ttl: Duration) -> Vec<u8> {
    ttl.as_millis()
        .clamp(1, u128::from(u64::MAX))
        .to_string()
        .into_bytes()
}

/// `<generation>:<sealed>`; anything else is a foreign entry that will not open.
fn decode(raw: Vec<u8>) -> Record {
    let digits = raw.iter().take_while(|b| b.is_ascii_digit()).count();
    let generation = (1..=MAX_DIGITS)
        .contains(&digits)
        .then(|| raw.get(digits).filter(|b| **b == b':'))
        .flatten()
        .and_then(|_| std::str::from_utf8(&raw[..digits]).ok()?.parse().ok());
    match generation {
        Some(generation) => Record {
            generation,
            sealed: raw[digits + 1..].to_vec(),
        },
        None => Record {
            generation: 0,
            sealed: raw,
        },
    }
}

fn encode(record: &Record) -> Vec<u8> {
    let mut out = format!("{}:", record.generation).into_bytes();
    out.extend_from_slice(&record.sealed);
    out
}

impl TokenStore for RedisStore {
    fn load<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<Option<Record>>> {
        Box::pin(async move {
            let get = redis::cmd("GET").arg(token_key(slot)).to_owned();
            let mut connection = self.connection().await?;
            let raw = self
                .bounded("GET", async move {
                    match get.query_async::<Option<Vec<u8>>>(&mut connection).await {
                        // Something else lives under our key: foreign data, not an outage.
                        Err(error) if error.code() == Some("WRONGTYPE") => {
                            Ok(Some(b"WRONGTYPE".to_vec()))
                        }
                        other => other,
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
            ];
            self.script("save", &SAVE, &[token_key(slot)], &args).await
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
            self.script(
                "retire",
                &RETIRE,
                &keys,
                &[generation.into_bytes(), millis(ttl)],
            )
            .await
        })
    }

    fn next_generation<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<u64>> {
        Box::pin(async move {
            let keys = [token_key(slot), counter_key(slot)];
            self.script("next generation", &NEXT_GENERATION, &keys, &[])
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
            let set = redis::cmd("SET")
                .arg(lease_key(slot))
                .arg(fence)
                .arg("NX")
                .arg("PX")
                .arg(millis(ttl))
                .to_owned();
            self.query::<Option<String>>("acquire lease", set)
                .await
                .map(|reply| reply.is_some())
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
            self.script("renew lease", &RENEW, &[lease_key(slot)], &args)
                .await
        })
    }

    fn release<'a>(&'a self, slot: &'a str, fence: &'a str) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let args = [fence.as_bytes().to_vec()];
            self.script("release lease", &RELEASE, &[lease_key(slot)], &args)
                .await
        })
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let info = self.client.get_connection_info();
        f.debug_struct("RedisStore")
            .field("address", &info.addr().to_string())
            .field("db", &info.redis_settings().db())
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_foreign_data_is_generation_zero() {
        let record = Record {
            generation: 42,
            sealed: b"\x00:\xffsealed".to_vec(),
        };
        assert_eq!(decode(encode(&record)), record);
        assert!(decode(b"7:".to_vec()).is_tombstone());
        for foreign in [&b"garbage"[..], b":1", b"1234567890123456:x", b"12x:"] {
            let decoded = decode(foreign.to_vec());
            assert_eq!(decoded.generation, 0, "{foreign:?}");
        }
    }

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
