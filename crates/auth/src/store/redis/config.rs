//! [`RedisConfig`]: where the Redis token store lives (one server, a cluster, or the master
//! that Sentinels name), its TLS material and its two bounds, and how one connection to it is
//! made (`Connector`). Plain data until the link (`super::link`) connects with it.

use std::fmt;
use std::time::Duration;

use redis::aio::{AsyncPushSender, ConnectionLike, MultiplexedConnection};
use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;
use redis::sentinel::{SentinelClientBuilder, SentinelServerType};
use redis::{
    AsyncConnectionConfig, Client, ClientTlsConfig, Cmd, ConnectionAddr, ConnectionInfo,
    IntoConnectionInfo, Pipeline, ProtocolVersion, RedisFuture, RedisResult, TlsCertificates,
    TlsMode, Value,
};
use secrecy::{ExposeSecret as _, SecretSlice, SecretString};

use crate::error::AuthError;

/// Default bound on each operation once connected: past it the token is minted locally.
/// 250 ms: on a loaded 2-core host 50 ms let an operation time out now and then (an extra
/// mint), 100 ms did not in 45 rounds of 8 processes; this leaves a margin.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(250);
/// Default bound on setting up a connection (TCP, TLS, `HELLO`, `AUTH`, `SUBSCRIBE`).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Where and how to reach the Redis (or Valkey) that holds a fleet's tokens.
///
/// - [`new`](Self::new): one server, `redis://[user:password@]host[:port][/db]`, or
///   `rediss://…` for TLS (rustls; the system's roots unless a CA is given);
/// - [`cluster`](Self::cluster): a Redis Cluster, from one or more of its nodes' URLs;
/// - [`sentinel`](Self::sentinel): the master a set of Sentinels names (the password in the
///   URLs is the Sentinels'; the master's comes with [`master_auth`](Self::master_auth)).
///
/// Connections are set up in the background (bounded by
/// [`connect_timeout`](Self::connect_timeout)) and each operation is bounded separately by
/// [`timeout`](Self::timeout). `Debug` shows addresses, never a password or key.
#[derive(Clone)]
pub struct RedisConfig {
    pub(crate) nodes: Vec<ConnectionInfo>,
    pub(crate) mode: Mode,
    tls: Option<TlsCertificates>,
    /// Sentinel mode: the master's user and password, if not the Sentinels'.
    master_auth: Option<(Option<String>, SecretString)>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
}

/// Which kind of deployment the URLs point at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Single,
    Cluster,
    Sentinel { master: String },
}

impl RedisConfig {
    /// One server at `url`.
    ///
    /// # Errors
    /// [`AuthError::Config`] if `url` is not a usable `redis://` or `rediss://` URL (the
    /// message never echoes it).
    pub fn new(url: &str) -> Result<Self, AuthError> {
        Self::with_mode(&[url], Mode::Single)
    }

    /// A Redis Cluster reached through any of `urls` (the others are discovered). The
    /// store's keys are hash-tagged per credential, so each credential's keys share a slot.
    ///
    /// # Errors
    /// As [`new`](Self::new), also when `urls` is empty.
    pub fn cluster<'a>(urls: impl IntoIterator<Item = &'a str>) -> Result<Self, AuthError> {
        Self::with_mode(&urls.into_iter().collect::<Vec<_>>(), Mode::Cluster)
    }

    /// The master named `master` by the Sentinels at `urls`; asked again after a failover.
    ///
    /// # Errors
    /// As [`cluster`](Self::cluster), also when `master` is empty.
    pub fn sentinel<'a>(
        urls: impl IntoIterator<Item = &'a str>,
        master: &str,
    ) -> Result<Self, AuthError> {
        if master.trim().is_empty() {
            return Err(AuthError::Config(
                "the Sentinel master name is empty".into(),
            ));
        }
        let mode = Mode::Sentinel {
            master: master.trim().to_owned(),
        };
        Self::with_mode(&urls.into_iter().collect::<Vec<_>>(), mode)
    }

    fn with_mode(urls: &[&str], mode: Mode) -> Result<Self, AuthError> {
        if urls.is_empty() {
            return Err(AuthError::Config("no token store URL given".into()));
        }
        let nodes = urls
            .iter()
            .map(|url| {
                url.trim().into_connection_info().map_err(|error| {
                    AuthError::Config(format!(
                        "the token store URL is not a usable redis:// or rediss:// URL ({})",
                        error.category()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let tls = nodes.iter().filter(|node| is_tls(node)).count();
        if tls != 0 && tls != nodes.len() {
            return Err(AuthError::Config(
                "the token store URLs mix redis:// and rediss://".into(),
            ));
        }
        if nodes
            .iter()
            .any(|node| matches!(node.addr(), ConnectionAddr::TcpTls { insecure: true, .. }))
        {
            return Err(AuthError::Config(
                "the token store URL asks to skip TLS certificate checks (#insecure); give the CA instead".into(),
            ));
        }
        Ok(Self {
            nodes,
            mode,
            tls: None,
            master_auth: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        })
    }

    /// Bound on each operation on an established connection (default 250 ms; at least 1 ms).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Bound on setting up a connection, which an operation waits for when none is up yet
    /// (default 1 s; at least 1 ms). Connections are made in the background from the moment
    /// the store is built, so a warm process rarely waits.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// TLS: trust `ca_pem` (PEM certificates) instead of the system's roots, and/or present a
    /// client certificate (`client`: certificate chain and private key, PEM). Needs
    /// `rediss://` URLs.
    ///
    /// # Errors
    /// [`AuthError::Config`] if the URLs are not `rediss://` or the PEM does not parse (the
    /// message never shows key material).
    pub fn tls(
        mut self,
        ca_pem: Option<Vec<u8>>,
        client: Option<(Vec<u8>, SecretSlice<u8>)>,
    ) -> Result<Self, AuthError> {
        if !self.nodes.iter().all(is_tls) {
            return Err(AuthError::Config(
                "TLS certificates were given, but the token store URL is not rediss://".into(),
            ));
        }
        let certificates = TlsCertificates {
            client_tls: client.map(|(cert, key)| ClientTlsConfig {
                client_cert: cert,
                client_key: key.expose_secret().to_vec(),
            }),
            root_cert: ca_pem,
        };
        // Parse now, so a bad file is reported when configuring, not at every connect.
        Client::build_with_tls(self.nodes[0].clone(), certificates.clone()).map_err(|error| {
            AuthError::Config(format!(
                "the token store TLS certificates or key do not parse ({})",
                error.category()
            ))
        })?;
        self.tls = Some(certificates);
        Ok(self)
    }

    /// Sentinel mode: the master's own user and password, when they differ from the
    /// Sentinels' (by default the URLs' credentials serve both).
    pub fn master_auth(mut self, username: Option<&str>, password: SecretString) -> Self {
        self.master_auth = Some((username.map(str::to_owned), password));
        self
    }

    /// What connects to this deployment.
    pub(crate) fn connector(&self) -> Connector {
        Connector {
            config: self.clone(),
        }
    }
}

fn is_tls(node: &ConnectionInfo) -> bool {
    matches!(node.addr(), ConnectionAddr::TcpTls { .. })
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let addresses: Vec<String> = self.nodes.iter().map(|n| n.addr().to_string()).collect();
        let mode = match &self.mode {
            Mode::Single => "single".to_owned(),
            Mode::Cluster => "cluster".to_owned(),
            Mode::Sentinel { master, .. } => format!("sentinel({master})"),
        };
        f.debug_struct("RedisConfig")
            .field("mode", &mode)
            .field("addresses", &addresses)
            .field("db", &self.nodes[0].redis_settings().db())
            .field("tls", &self.nodes.iter().all(is_tls))
            .field("custom_tls", &self.tls.is_some())
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

/// One connection of any mode: commands go through it like through any redis-rs connection.
#[derive(Clone)]
pub(crate) enum Connection {
    Single(MultiplexedConnection),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Single(c) => c.req_packed_command(cmd),
            Self::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Single(c) => c.req_packed_commands(pipeline, offset, count),
            Self::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Self::Single(c) => c.get_db(),
            Self::Cluster(c) => c.get_db(),
        }
    }
}

/// Makes one connection of a [`RedisConfig`], subscribed to `channel` when pushes are
/// wanted (RESP3); `Connection::Single` for a server or a Sentinel's master.
#[derive(Clone)]
pub(crate) struct Connector {
    config: RedisConfig,
}

impl Connector {
    pub(crate) fn cluster(&self) -> bool {
        self.config.mode == Mode::Cluster
    }

    /// Connects once (the caller bounds the time), with `push` receiving the server's pushes
    /// (RESP3) and `channel` subscribed, or with neither (RESP2).
    pub(crate) async fn connect(
        &self,
        push: Option<(impl AsyncPushSender + Clone, &str)>,
    ) -> RedisResult<Connection> {
        let protocol = match push {
            Some(_) => ProtocolVersion::RESP3,
            None => ProtocolVersion::RESP2,
        };
        if self.config.mode == Mode::Cluster {
            let mut builder = ClusterClientBuilder::new(self.nodes(protocol))
                .use_protocol(protocol)
                .connection_timeout(self.config.connect_timeout)
                .response_timeout(Duration::from_secs(3600))
                .retries(1);
            if let Some(tls) = &self.config.tls {
                builder = builder.certs(tls.clone());
            }
            if let Some((sender, _)) = &push {
                builder = builder.push_sender(sender.clone());
            }
            let mut connection = builder.build()?.get_async_connection().await?;
            if let Some((_, channel)) = push {
                connection.subscribe(channel).await?;
            }
            return Ok(Connection::Cluster(connection));
        }
        let client = match &self.config.mode {
            Mode::Sentinel { master } => self.master(master, protocol).await?,
            _ => match &self.config.tls {
                Some(tls) => Client::build_with_tls(self.node(0, protocol), tls.clone())?,
                None => Client::open(self.node(0, protocol))?,
            },
        };
        let mut config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.config.connect_timeout))
            .set_response_timeout(None);
        if let Some((sender, _)) = &push {
            config = config.set_push_sender(sender.clone());
        }
        let mut connection = client
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        if let Some((_, channel)) = push {
            connection.subscribe(channel).await?;
        }
        Ok(Connection::Single(connection))
    }

    fn node(&self, index: usize, protocol: ProtocolVersion) -> ConnectionInfo {
        let node = self.config.nodes[index].clone();
        let settings = node.redis_settings().clone().set_protocol(protocol);
        node.set_redis_settings(settings)
    }

    fn nodes(&self, protocol: ProtocolVersion) -> Vec<ConnectionInfo> {
        (0..self.config.nodes.len())
            .map(|index| self.node(index, protocol))
            .collect()
    }

    /// A client for the master the Sentinels name now.
    async fn master(&self, master: &str, protocol: ProtocolVersion) -> RedisResult<Client> {
        let first = &self.config.nodes[0];
        let sentinels = self.config.nodes.iter().map(|n| n.addr().clone());
        let mut builder =
            SentinelClientBuilder::new(sentinels, master, SentinelServerType::Master)?
                .set_client_to_redis_protocol(protocol)
                .set_client_to_redis_db(first.redis_settings().db());
        let sentinel_settings = first.redis_settings();
        if let Some(password) = sentinel_settings.password() {
            builder = builder.set_client_to_sentinel_password(password);
        }
        if let Some(username) = sentinel_settings.username() {
            builder = builder.set_client_to_sentinel_username(username);
        }
        match &self.config.master_auth {
            Some((username, password)) => {
                builder = builder.set_client_to_redis_password(password.expose_secret());
                if let Some(username) = username {
                    builder = builder.set_client_to_redis_username(username);
                }
            }
            None => {
                if let Some(password) = sentinel_settings.password() {
                    builder = builder.set_client_to_redis_password(password);
                }
                if let Some(username) = sentinel_settings.username() {
                    builder = builder.set_client_to_redis_username(username);
                }
            }
        }
        if let Some(tls) = &self.config.tls {
            builder = builder
                .set_client_to_sentinel_tls_mode(TlsMode::Secure)
                .set_client_to_sentinel_certificates(tls.clone())
                .set_client_to_redis_tls_mode(TlsMode::Secure)
                .set_client_to_redis_certificates(tls.clone());
        } else if is_tls(first) {
            builder = builder
                .set_client_to_sentinel_tls_mode(TlsMode::Secure)
                .set_client_to_redis_tls_mode(TlsMode::Secure);
        }
        builder.build()?.async_get_client().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_keys_stay_secret() {
        let configs = [
            RedisConfig::new("redis://user:pw-canary@127.0.0.1:6379/3").unwrap(),
            RedisConfig::cluster([
                "redis://:pw-canary@127.0.0.1:7000",
                "redis://:pw-canary@127.0.0.1:7001",
            ])
            .unwrap(),
            RedisConfig::sentinel(["redis://:pw-canary@127.0.0.1:26379"], "mymaster")
                .unwrap()
                .master_auth(Some("user"), SecretString::from("master-canary")),
        ];
        for config in configs {
            let debug = format!("{config:?}");
            assert!(
                !debug.contains("canary") && debug.contains("127.0.0.1"),
                "{debug}"
            );
        }
        for bad in [
            "redis://:pw-canary@127.0.0.1:notaport",
            "http://:pw-canary@host",
        ] {
            let error = RedisConfig::new(bad).unwrap_err().to_string();
            assert!(!error.contains("canary"), "{error}");
        }
        let plain = RedisConfig::new("redis://127.0.0.1").unwrap();
        let key = SecretSlice::from(b"key-canary".to_vec());
        let error = plain.tls(None, Some((b"cert".to_vec(), key))).unwrap_err();
        assert!(error.to_string().contains("rediss://"), "{error}");
        let tls = RedisConfig::new("rediss://127.0.0.1").unwrap();
        let key = SecretSlice::from(b"-----BEGIN PRIVATE KEY-----\nkey-canary\n".to_vec());
        let error = tls
            .tls(None, Some((b"not a cert".to_vec(), key)))
            .unwrap_err();
        assert!(!error.to_string().contains("canary"), "{error}");
        let insecure = RedisConfig::new("rediss://127.0.0.1/#insecure").unwrap_err();
        assert!(insecure.to_string().contains("insecure"), "{insecure}");
        let mixed = RedisConfig::cluster(["redis://127.0.0.1:1", "rediss://127.0.0.1:2"]);
        assert!(mixed.unwrap_err().to_string().contains("mix"));
    }
}
