//! [`SharedStore::from_env`]: the store from `SDK_TOKEN_STORE_*` variables.

use std::time::Duration;

use super::seal::StoreKey;
use super::shared::SharedStore;
use crate::env::{self, Vars};
use crate::error::AuthError;

/// Store URL: `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS); for a cluster or
/// Sentinels, several separated by commas. Unset means no shared store.
pub const STORE_URL_VAR: &str = "SDK_TOKEN_STORE_URL";
/// Base64 of the 32-byte key sealing tokens in the store; required with the URL.
pub const STORE_KEY_VAR: &str = "SDK_TOKEN_STORE_KEY";
/// Optional bound on each store operation, in milliseconds (default 250).
pub const STORE_TIMEOUT_VAR: &str = "SDK_TOKEN_STORE_TIMEOUT_MS";
/// Optional bound on setting up a connection to the store, in milliseconds (default 1000).
pub const STORE_CONNECT_TIMEOUT_VAR: &str = "SDK_TOKEN_STORE_CONNECT_TIMEOUT_MS";
/// Optional: `single` (default), `cluster` or `sentinel`.
pub const STORE_MODE_VAR: &str = "SDK_TOKEN_STORE_MODE";
/// The master's name, required in `sentinel` mode.
pub const STORE_SENTINEL_MASTER_VAR: &str = "SDK_TOKEN_STORE_SENTINEL_MASTER";
/// Optional PEM file of the CA(s) to trust for `rediss://` instead of the system's roots.
pub const STORE_TLS_CA_FILE_VAR: &str = "SDK_TOKEN_STORE_TLS_CA_FILE";
/// Optional PEM file of a client certificate chain for `rediss://` (with the key file).
pub const STORE_TLS_CERT_FILE_VAR: &str = "SDK_TOKEN_STORE_TLS_CERT_FILE";
/// Optional PEM file of the client certificate's private key (with the certificate file).
pub const STORE_TLS_KEY_FILE_VAR: &str = "SDK_TOKEN_STORE_TLS_KEY_FILE";

impl SharedStore {
    /// Reads the `SDK_TOKEN_STORE_*` variables from `env` (see the constants of
    /// [`store`](crate::store)): URL, key, mode, bounds and TLS files. `None` if the URL is
    /// unset.
    ///
    /// # Errors
    /// [`AuthError::Config`] naming every variable that is missing or invalid (never its
    /// value), or saying the URL is set in a build without the `redis` feature.
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
        let settings = Settings {
            urls: url.split(',').map(str::trim).map(str::to_owned).collect(),
            timeout: millis(&mut vars, STORE_TIMEOUT_VAR),
            connect_timeout: millis(&mut vars, STORE_CONNECT_TIMEOUT_VAR),
            mode: mode(&mut vars),
            tls_ca: file(&mut vars, STORE_TLS_CA_FILE_VAR),
            tls_cert: file(&mut vars, STORE_TLS_CERT_FILE_VAR),
            tls_key: file(&mut vars, STORE_TLS_KEY_FILE_VAR),
        };
        if settings.tls_cert.is_some() != settings.tls_key.is_some() {
            vars.invalid(
                STORE_TLS_CERT_FILE_VAR,
                &format!("and {STORE_TLS_KEY_FILE_VAR} go together: set both or neither"),
            );
        }
        let key = vars.finish(key)?;
        build(settings, key).map(Some)
    }

    /// [`from_env`](Self::from_env) on the process environment.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_process_env() -> Result<Option<Self>, AuthError> {
        Self::from_env(env::process_env)
    }
}

/// What the variables say, read and checked (also without the `redis` feature, so that a
/// build without it still names every problem before saying it has no Redis).
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
struct Settings {
    urls: Vec<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    mode: Mode,
    tls_ca: Option<Vec<u8>>,
    tls_cert: Option<Vec<u8>>,
    tls_key: Option<secrecy::SecretSlice<u8>>,
}

#[cfg_attr(not(feature = "redis"), allow(dead_code))]
enum Mode {
    Single,
    Cluster,
    Sentinel(String),
}

fn millis(vars: &mut Vars<'_>, name: &str) -> Option<Duration> {
    let value = vars.optional(name)?;
    let ms = value.trim().parse::<u64>().ok().filter(|ms| *ms > 0);
    if ms.is_none() {
        vars.invalid(name, "must be a whole number of milliseconds, at least 1");
    }
    ms.map(Duration::from_millis)
}

fn mode(vars: &mut Vars<'_>) -> Mode {
    let mode = vars.optional(STORE_MODE_VAR);
    match mode.as_deref().map(str::trim) {
        None | Some("single") => Mode::Single,
        Some("cluster") => Mode::Cluster,
        Some("sentinel") => {
            let master = vars.required(STORE_SENTINEL_MASTER_VAR);
            Mode::Sentinel(master.unwrap_or_default())
        }
        Some(_) => {
            vars.invalid(STORE_MODE_VAR, "must be single, cluster or sentinel");
            Mode::Single
        }
    }
}

/// The contents of the file the variable `name` names; the error says why it cannot be read,
/// never what it holds.
fn file<T: From<Vec<u8>>>(vars: &mut Vars<'_>, name: &str) -> Option<T> {
    let path = vars.optional(name)?;
    match std::fs::read(path.trim()) {
        Ok(bytes) => Some(T::from(bytes)),
        Err(error) => {
            vars.invalid(
                name,
                &format!("names a file that cannot be read ({})", error.kind()),
            );
            None
        }
    }
}

#[cfg(feature = "redis")]
fn build(settings: Settings, key: StoreKey) -> Result<SharedStore, AuthError> {
    use super::redis::{RedisStore, config::RedisConfig};
    let urls = settings.urls.iter().map(String::as_str);
    let config = match &settings.mode {
        Mode::Single if settings.urls.len() > 1 => Err(AuthError::Config(format!(
            "{STORE_URL_VAR} lists several URLs; set {STORE_MODE_VAR}=cluster or sentinel"
        ))),
        Mode::Single => RedisConfig::new(&settings.urls[0]),
        Mode::Cluster => RedisConfig::cluster(urls),
        Mode::Sentinel(master) => RedisConfig::sentinel(urls, master),
    }
    .map_err(|error| AuthError::Config(format!("{STORE_URL_VAR}: {}", reason(error))))?;
    let mut config = config;
    if let Some(timeout) = settings.timeout {
        config = config.timeout(timeout);
    }
    if let Some(timeout) = settings.connect_timeout {
        config = config.connect_timeout(timeout);
    }
    if settings.tls_ca.is_some() || settings.tls_cert.is_some() {
        let client = settings.tls_cert.zip(settings.tls_key);
        config = config.tls(settings.tls_ca, client).map_err(|error| {
            AuthError::Config(format!(
                "{STORE_TLS_CA_FILE_VAR}/{STORE_TLS_CERT_FILE_VAR}/{STORE_TLS_KEY_FILE_VAR}: {}",
                reason(error)
            ))
        })?;
    }
    Ok(SharedStore::new(RedisStore::new(config), key))
}

#[cfg(feature = "redis")]
fn reason(error: AuthError) -> String {
    match error {
        AuthError::Config(reason) => reason,
        other => other.to_string(),
    }
}

#[cfg(not(feature = "redis"))]
fn build(_settings: Settings, _key: StoreKey) -> Result<SharedStore, AuthError> {
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

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    #[test]
    fn unset_url_means_no_store_and_values_stay_secret() {
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
        let vars = [
            (STORE_URL_VAR, url),
            (STORE_KEY_VAR, KEY),
            (STORE_TIMEOUT_VAR, "soon"),
            (STORE_CONNECT_TIMEOUT_VAR, "0"),
            (STORE_MODE_VAR, "galaxy"),
            (STORE_TLS_CERT_FILE_VAR, "/nonexistent/canary-cert.pem"),
        ];
        let text = SharedStore::from_env(env(&vars)).unwrap_err().to_string();
        for name in [
            STORE_TIMEOUT_VAR,
            STORE_CONNECT_TIMEOUT_VAR,
            STORE_MODE_VAR,
            STORE_TLS_CERT_FILE_VAR,
        ] {
            assert!(text.contains(name), "{name} in {text}");
        }
        assert!(!text.contains("canary") && !text.contains("soon"), "{text}");
        let built = SharedStore::from_env(env(&vars[..2]));
        if cfg!(feature = "redis") {
            let debug = format!("{:?}", built.unwrap().unwrap());
            assert!(!debug.contains("canary") && !debug.contains(KEY), "{debug}");
            let vars = [
                (STORE_URL_VAR, "http://:pw-canary@host"),
                (STORE_KEY_VAR, KEY),
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

    #[test]
    fn modes_need_what_they_need() {
        let sentinel = [
            (STORE_URL_VAR, "redis://127.0.0.1:26379"),
            (STORE_KEY_VAR, KEY),
            (STORE_MODE_VAR, "sentinel"),
        ];
        let text = SharedStore::from_env(env(&sentinel))
            .unwrap_err()
            .to_string();
        assert!(text.contains(STORE_SENTINEL_MASTER_VAR), "{text}");
        if !cfg!(feature = "redis") {
            return;
        }
        let several = [
            (
                STORE_URL_VAR,
                "redis://127.0.0.1:7000, redis://127.0.0.1:7001",
            ),
            (STORE_KEY_VAR, KEY),
        ];
        let text = SharedStore::from_env(env(&several))
            .unwrap_err()
            .to_string();
        assert!(text.contains(STORE_MODE_VAR), "{text}");
        let cluster = [several[0], several[1], (STORE_MODE_VAR, "cluster")];
        let debug = format!(
            "{:?}",
            SharedStore::from_env(env(&cluster)).unwrap().unwrap()
        );
        assert!(
            debug.contains("cluster") && debug.contains("7001"),
            "{debug}"
        );
        let ca_on_plain = [
            (STORE_URL_VAR, "redis://127.0.0.1:7000"),
            (STORE_KEY_VAR, KEY),
            (STORE_TLS_CA_FILE_VAR, "Cargo.toml"),
        ];
        let text = SharedStore::from_env(env(&ca_on_plain))
            .unwrap_err()
            .to_string();
        assert!(text.contains("rediss://"), "{text}");
    }
}
