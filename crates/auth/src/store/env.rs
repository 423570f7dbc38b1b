//! [`SharedStore::from_env`]: the store from `SDK_TOKEN_STORE_*` variables.

use super::seal::StoreKey;
use super::shared::SharedStore;
use crate::env::{self, Vars};
use crate::error::AuthError;

/// Store URL (`redis://[user:password@]host[:port][/db]`); unset means no shared store.
pub const STORE_URL_VAR: &str = "SDK_TOKEN_STORE_URL";
/// Base64 of the 32-byte key sealing tokens in the store; required with the URL.
pub const STORE_KEY_VAR: &str = "SDK_TOKEN_STORE_KEY";
/// Optional bound on each store operation, in milliseconds (default 50).
pub const STORE_TIMEOUT_VAR: &str = "SDK_TOKEN_STORE_TIMEOUT_MS";

impl SharedStore {
    /// Reads `SDK_TOKEN_STORE_URL`, `SDK_TOKEN_STORE_KEY` and `SDK_TOKEN_STORE_TIMEOUT_MS`
    /// (optional) from `env`. `None` if the URL is unset.
    ///
    /// # Errors
    /// [`AuthError::Config`] naming the variable that is missing or invalid (never its value),
    /// or saying the URL is set in a build without the `redis` feature.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, AuthError> {
        let mut vars = Vars::new(&env);
        let Some(url) = vars.optional(STORE_URL_VAR) else {
            return Ok(None);
        };
        let key = vars
            .required(STORE_KEY_VAR)
            .and_then(|key| match StoreKey::from_base64(&key) {
                Ok(key) => Some(key),
                Err(error) => {
                    let reason = match error {
                        AuthError::Config(reason) => reason,
                        other => other.to_string(),
                    };
                    vars.invalid(STORE_KEY_VAR, &format!("is unusable: {reason}"));
                    None
                }
            });
        let timeout = vars.optional(STORE_TIMEOUT_VAR).and_then(|ms| {
            let ms = ms.trim().parse::<u64>().ok();
            if ms.is_none() {
                vars.invalid(STORE_TIMEOUT_VAR, "must be a whole number of milliseconds");
            }
            ms.map(std::time::Duration::from_millis)
        });
        let key = vars.finish(key)?;
        build(&url, key, timeout).map(Some)
    }

    /// [`from_env`](Self::from_env) on the process environment.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_process_env() -> Result<Option<Self>, AuthError> {
        Self::from_env(env::process_env)
    }
}

#[cfg(feature = "redis")]
fn build(
    url: &str,
    key: StoreKey,
    timeout: Option<std::time::Duration>,
) -> Result<SharedStore, AuthError> {
    let mut store = super::redis::RedisStore::open(url)
        .map_err(|_| AuthError::Config(format!("{STORE_URL_VAR} is not a usable redis:// URL")))?;
    if let Some(timeout) = timeout {
        store = store.timeout(timeout);
    }
    Ok(SharedStore::new(store, key))
}

#[cfg(not(feature = "redis"))]
fn build(
    _url: &str,
    _key: StoreKey,
    _timeout: Option<std::time::Duration>,
) -> Result<SharedStore, AuthError> {
    Err(AuthError::Config(format!(
        "{STORE_URL_VAR} is set, but sdk-auth was built without its `redis` feature"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn unset_url_means_no_store_and_errors_name_variables_not_values() {
        assert!(SharedStore::from_env(env(&[])).unwrap().is_none());
        let url = "redis://:pw-canary@127.0.0.1:1/0";
        let error = SharedStore::from_env(env(&[(STORE_URL_VAR, url)])).unwrap_err();
        assert!(error.to_string().contains(STORE_KEY_VAR), "{error}");
        let bad_key = "key-canary-not-base64!";
        let error = SharedStore::from_env(env(&[(STORE_URL_VAR, url), (STORE_KEY_VAR, bad_key)]))
            .unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains(STORE_KEY_VAR) && !text.contains("canary"),
            "{text}"
        );
        let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let vars = [
            (STORE_URL_VAR, url),
            (STORE_KEY_VAR, key),
            (STORE_TIMEOUT_VAR, "soon"),
        ];
        let error = SharedStore::from_env(env(&vars)).unwrap_err();
        assert!(error.to_string().contains(STORE_TIMEOUT_VAR), "{error}");
        let built = SharedStore::from_env(env(&vars[..2]));
        if cfg!(feature = "redis") {
            let debug = format!("{:?}", built.unwrap().unwrap());
            assert!(!debug.contains("canary") && !debug.contains(key), "{debug}");
            let vars = [
                (STORE_URL_VAR, "http://:pw-canary@host"),
                (STORE_KEY_VAR, key),
            ];
            let text = SharedStore::from_env(env(&vars)).unwrap_err().to_string();
            assert!(
                text.contains(STORE_URL_VAR) && !text.contains("canary"),
                "{text}"
            );
        } else {
            assert!(built.unwrap_err().to_string().contains("redis"));
        }
    }
}
