//! The Redis deployments the fleet tests run against, each on random loopback ports: one
//! server, a TLS-only server (a test CA; client certificates required) and a cluster of three
//! masters. What replicas need to reach each (`SDK_TOKEN_STORE_*` variables), in-process
//! stores on them, and plain connections to every node for inspecting what is stored.

use std::path::PathBuf;
use std::time::Duration;

use redis::AsyncCommands as _;
use redis::aio::MultiplexedConnection;
use sdk_auth::store::{RedisConfig, RedisStore};
use sdk_auth::{SharedStore, StoreKey};
use sdk_testkit::redis_server::{RedisCluster, RedisServer};
use sdk_testkit::tls::TlsFiles;

use crate::harness::{API_KEY, SECRET, STORE_KEY, TOKEN_CANARY};

/// A bound generous enough that a loaded 2-core CI never times out an operation (a spurious
/// timeout would add a mint to an exact count).
pub const GENEROUS: Duration = Duration::from_secs(2);

/// A running Redis deployment.
pub enum Deployment {
    Single(RedisServer),
    Tls {
        server: RedisServer,
        files: TlsFiles,
        dir: PathBuf,
    },
    Cluster(RedisCluster),
}

impl Deployment {
    pub fn single() -> Self {
        Self::Single(RedisServer::start())
    }

    pub fn tls() -> Self {
        let dir =
            std::env::temp_dir().join(format!("sdk-fleet-tls-{}-{}", std::process::id(), serial()));
        let files = TlsFiles::generate(&dir);
        Self::Tls {
            server: RedisServer::start_tls(&files),
            files,
            dir,
        }
    }

    pub fn cluster() -> Self {
        Self::Cluster(RedisCluster::start(3))
    }

    /// The store variables of replicas sharing tokens through this deployment, with a
    /// [`GENEROUS`] operation bound.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("SDK_TOKEN_STORE_KEY", STORE_KEY.to_owned()),
            (
                "SDK_TOKEN_STORE_TIMEOUT_MS",
                GENEROUS.as_millis().to_string(),
            ),
        ];
        match self {
            Self::Single(server) => env.push(("SDK_TOKEN_STORE_URL", server.url())),
            Self::Tls { server, files, .. } => {
                env.push(("SDK_TOKEN_STORE_URL", server.url()));
                env.push(("SDK_TOKEN_STORE_TLS_CA_FILE", path(&files.ca)));
                env.push(("SDK_TOKEN_STORE_TLS_CERT_FILE", path(&files.client_cert)));
                env.push(("SDK_TOKEN_STORE_TLS_KEY_FILE", path(&files.client_key)));
            }
            Self::Cluster(cluster) => {
                env.push(("SDK_TOKEN_STORE_URL", cluster.urls().join(",")));
                env.push(("SDK_TOKEN_STORE_MODE", "cluster".to_owned()));
            }
        }
        env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    /// What reaches this deployment, configured in code.
    pub fn config(&self) -> RedisConfig {
        let config = match self {
            Self::Single(server) => RedisConfig::new(&server.url()),
            Self::Tls { server, files, .. } => {
                let read = |path: &PathBuf| std::fs::read(path).unwrap();
                let key = read(&files.client_key).into();
                let client = Some((read(&files.client_cert), key));
                RedisConfig::new(&server.url()).and_then(|c| c.tls(Some(read(&files.ca)), client))
            }
            Self::Cluster(cluster) => {
                RedisConfig::cluster(cluster.urls().iter().map(String::as_str))
            }
        };
        config.unwrap().timeout(GENEROUS)
    }

    /// An in-process store on this deployment, as replicas configure it.
    pub fn store(&self) -> SharedStore {
        let env = self.env();
        let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        SharedStore::from_env(lookup).unwrap().unwrap()
    }

    /// One plain connection per node.
    pub async fn connections(&self) -> Vec<MultiplexedConnection> {
        let clients = match self {
            Self::Single(server) => vec![redis::Client::open(server.url()).unwrap()],
            Self::Tls { server, files, .. } => {
                let read = |path: &PathBuf| std::fs::read(path).unwrap();
                let certificates = redis::TlsCertificates {
                    client_tls: Some(redis::ClientTlsConfig {
                        client_cert: read(&files.client_cert),
                        client_key: read(&files.client_key),
                    }),
                    root_cert: Some(read(&files.ca)),
                };
                vec![redis::Client::build_with_tls(server.url(), certificates).unwrap()]
            }
            Self::Cluster(cluster) => cluster
                .urls()
                .iter()
                .map(|url| redis::Client::open(url.as_str()).unwrap())
                .collect(),
        };
        let mut connections = Vec::new();
        for client in clients {
            connections.push(client.get_multiplexed_async_connection().await.unwrap());
        }
        connections
    }

    /// Every key and string value on every node: no token, secret or API key in any of them.
    pub async fn assert_nothing_in_plaintext(&self) {
        let mut seen = 0;
        for mut con in self.connections().await {
            let keys: Vec<String> = con.keys("*").await.unwrap();
            seen += keys.len();
            for key in keys {
                for canary in [TOKEN_CANARY, SECRET, API_KEY, "tok-"] {
                    assert!(!key.contains(canary), "key {key} shows {canary}");
                }
                let kind: String = redis::cmd("TYPE")
                    .arg(&key)
                    .query_async(&mut con)
                    .await
                    .unwrap();
                if kind == "string" {
                    let value: Vec<u8> = con.get(&key).await.unwrap();
                    for canary in [TOKEN_CANARY, SECRET, API_KEY, "tok-"] {
                        let found = value.windows(canary.len()).any(|w| w == canary.as_bytes());
                        assert!(!found, "value of {key} shows {canary}");
                    }
                }
            }
        }
        assert!(seen > 0, "something was stored");
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        if let Self::Tls { dir, .. } = self {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn path(path: &std::path::Path) -> String {
    path.display().to_string()
}

/// Tells apart the directories of deployments made at the same time.
fn serial() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The store variables of replicas sharing tokens through the Redis at `url`, with a
/// [`GENEROUS`] operation bound.
pub fn store_env(url: &str) -> Vec<(String, String)> {
    [
        ("SDK_TOKEN_STORE_URL", url.to_owned()),
        ("SDK_TOKEN_STORE_KEY", STORE_KEY.to_owned()),
        (
            "SDK_TOKEN_STORE_TIMEOUT_MS",
            GENEROUS.as_millis().to_string(),
        ),
    ]
    .map(|(k, v)| (k.to_owned(), v))
    .to_vec()
}

/// A store on `url` sealed with `key`; `timeout` bounds each operation.
pub fn redis_store(url: &str, key: StoreKey, timeout: Duration) -> SharedStore {
    SharedStore::new(RedisStore::open(url).unwrap().timeout(timeout), key)
}

/// A plain connection to `redis`.
pub async fn connect(redis: &RedisServer) -> MultiplexedConnection {
    redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}
