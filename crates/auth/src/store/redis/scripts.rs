//! The Redis side of the token store: key names, the `<generation>:<sealed>` value format,
//! and the Lua scripts that make each operation atomic (and announce what changed, in the
//! same step). Every script is safe to repeat (an
//! operation is sent again once when its connection broke under it).

use std::sync::LazyLock;
use std::time::Duration;

use redis::Script;

use crate::store::backend::Record;

/// Longest generation we parse: Lua numbers are doubles, exact to 2^53.
const MAX_DIGITS: usize = 15;

/// Writes unless the slot holds a generation at least as new (garbage counts as none), and
/// announces it (`ARGV[4]`: channel, `ARGV[5]`: notice); says written if the same value is
/// already there (a repeated save).
pub(crate) static SAVE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"local current = redis.pcall('GET', KEYS[1])
        if current == ARGV[2] then return 1 end
        if type(current) == 'string' then
          local digits = string.match(current, '^(%d+):')
          if digits and #digits <= 15 and tonumber(digits) >= tonumber(ARGV[1]) then return 0 end
        end
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        redis.call('PUBLISH', ARGV[4], ARGV[5])
        return 1",
    )
});

/// Tombstones the slot: at the given generation if it is still the stored one, or (empty
/// generation) at the counter's value; announces it (`ARGV[3]`: channel, `ARGV[4]`: notice).
pub(crate) static RETIRE: LazyLock<Script> = LazyLock::new(|| {
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
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1",
    )
});

/// Increments the counter, past the stored generation if that is higher.
pub(crate) static NEXT_GENERATION: LazyLock<Script> = LazyLock::new(|| {
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

/// Takes the lease if it is free (`SET NX PX`); says taken if the fence already holds it (a
/// repeated acquire).
pub(crate) static ACQUIRE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
        return 0",
    )
});

/// Records a pause of a scope (`ARGV[1]`) until `ARGV[2]` (Unix ms; never shortened) in the
/// slot's pause hash, which lives as long as its longest pause (`ARGV[3]`: ms from now), and
/// announces it (`ARGV[4]`: channel, `ARGV[5]`: notice).
pub(crate) static PAUSE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') or 0
        if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
        end
        redis.call('PUBLISH', ARGV[4], ARGV[5])
        return 1",
    )
});

/// Extends the lease if the fence still holds it.
pub(crate) static RENEW: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0",
    )
});

/// Compare-and-delete of the lease.
pub(crate) static RELEASE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0",
    )
});

pub(crate) fn token_key(slot: &str) -> String {
    format!("{slot}:token")
}

pub(crate) fn counter_key(slot: &str) -> String {
    format!("{slot}:gen")
}

pub(crate) fn lease_key(slot: &str) -> String {
    format!("{slot}:lease")
}

pub(crate) fn pauses_key(slot: &str) -> String {
    format!("{slot}:pauses")
}

pub(crate) fn millis(ttl: Duration) -> Vec<u8> {
    ttl.as_millis()
        .clamp(1, u128::from(u64::MAX))
        .to_string()
        .into_bytes()
}

/// `<generation>:<sealed>`; anything else is a foreign entry that will not open.
pub(crate) fn decode(raw: Vec<u8>) -> Record {
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

pub(crate) fn encode(record: &Record) -> Vec<u8> {
    let mut out = format!("{}:", record.generation).into_bytes();
    out.extend_from_slice(&record.sealed);
    out
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
}
