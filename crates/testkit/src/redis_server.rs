//! A real `redis-server` for tests: random loopback port, no persistence, its own temporary
//! directory; stopped (and its directory removed) on drop. Plain, with a password, TLS-only
//! (certificates from [`crate::tls`], client certificates required), as a node of a
//! [`RedisCluster`], or as a [`RedisSentinel`]. CI installs the Debian package `redis-server` (`.ci/run`); without it,
//! starting one fails with that hint.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::tls::TlsFiles;

/// One `redis-server` process on 127.0.0.1.
pub struct RedisServer {
    port: u16,
    options: Options,
    dir: PathBuf,
    child: Option<Child>,
}

/// How a server is started.
#[derive(Debug, Clone, Default)]
struct Options {
    password: Option<String>,
    tls: Option<TlsFiles>,
    /// A cluster node, with its cluster bus on this port.
    cluster_bus: Option<u16>,
    /// A configuration file, given first.
    config: Option<PathBuf>,
    args: Vec<String>,
}

impl RedisServer {
    /// Starts a server on a free port.
    pub fn start() -> Self {
        Self::start_with(Options::default())
    }

    /// Starts a server that requires `password` (`requirepass`).
    pub fn start_with_password(password: &str) -> Self {
        Self::start_with(Options {
            password: Some(password.to_owned()),
            ..Options::default()
        })
    }

    /// Starts a TLS-only server with certificates from `tls`; it requires a client
    /// certificate signed by the same CA.
    pub fn start_tls(tls: &TlsFiles) -> Self {
        Self::start_with(Options {
            tls: Some(tls.clone()),
            ..Options::default()
        })
    }

    /// Starts a server with extra command-line settings (e.g. `["--rename-command", "HELLO",
    /// ""]`).
    pub fn start_with_args(args: &[&str]) -> Self {
        Self::start_with(Options {
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            ..Options::default()
        })
    }

    fn start_with(options: Options) -> Self {
        static SERVERS: AtomicUsize = AtomicUsize::new(0);
        for _ in 0..5 {
            let port = free_port();
            let mut options = options.clone();
            if options.cluster_bus.is_some() {
                options.cluster_bus = Some(free_port());
            }
            let serial = SERVERS.fetch_add(1, Ordering::Relaxed);
            let name = format!("sdk-redis-{}-{serial}-{port}", std::process::id());
            let dir = std::env::temp_dir().join(name);
            std::fs::create_dir_all(&dir).expect("temporary directory for redis-server");
            let mut server = Self {
                port,
                options,
                dir,
                child: None,
            };
            if server.launch() {
                return server;
            }
        }
        panic!("redis-server did not start on any of 5 free ports");
    }

    /// `redis://[:password@]127.0.0.1:<port>/0`, or `rediss://127.0.0.1:<port>/0` for TLS.
    pub fn url(&self) -> String {
        let scheme = match self.options.tls {
            Some(_) => "rediss",
            None => "redis",
        };
        match &self.options.password {
            Some(password) => format!("{scheme}://:{password}@127.0.0.1:{}/0", self.port),
            None => format!("{scheme}://127.0.0.1:{}/0", self.port),
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server (like a crash: no save, connections reset).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Freezes the server (`SIGSTOP`): connections stay open, nothing is answered, the data
    /// is kept; like a network partition or a stalled host.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Lets a [`pause`](Self::pause)d server run again, with its data.
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let child = self.child.as_ref().expect("redis-server is running");
        let status = Command::new("kill")
            .arg(signal)
            .arg(child.id().to_string())
            .status()
            .expect("kill(1) runs");
        assert!(status.success(), "kill {signal} redis-server failed");
    }

    /// Starts it again on the same port, empty.
    pub fn restart(&mut self) {
        self.stop();
        assert!(
            self.launch(),
            "redis-server did not restart on port {}",
            self.port
        );
    }

    /// Spawns the process and waits until it answers; false if it exited (port taken).
    fn launch(&mut self) -> bool {
        let port = self.port.to_string();
        let mut command = Command::new("redis-server");
        if let Some(config) = &self.options.config {
            command.arg(config);
        }
        command
            .args(["--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(&self.dir)
            .args(["--logfile", "redis.log"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match &self.options.tls {
            Some(tls) => {
                command.args(["--port", "0", "--tls-port", &port]);
                command.arg("--tls-cert-file").arg(&tls.server_cert);
                command.arg("--tls-key-file").arg(&tls.server_key);
                command.arg("--tls-ca-cert-file").arg(&tls.ca);
                command.args(["--tls-auth-clients", "yes"]);
            }
            None => {
                command.args(["--port", &port]);
            }
        }
        if let Some(bus) = self.options.cluster_bus {
            command.args(["--cluster-enabled", "yes", "--cluster-node-timeout", "5000"]);
            command.args(["--cluster-config-file", "nodes.conf"]);
            command.args(["--cluster-port", &bus.to_string()]);
        }
        if let Some(password) = &self.options.password {
            command.args(["--requirepass", password]);
        }
        command.args(&self.options.args);
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                panic!("redis-server is not installed: apt-get install -y redis-server")
            }
            Err(error) => panic!("could not start redis-server: {error}"),
        };
        let tls = self.options.tls.is_some();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return false;
            }
            if answers(self.port, tls) {
                self.child = Some(child);
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
        false
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A Redis Cluster of masters (no replicas) on loopback, made with
/// `redis-cli --cluster create`; stopped on drop.
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
}

impl RedisCluster {
    /// Starts `masters` (at least 3) cluster nodes and joins them; returns once every node
    /// reports `cluster_state:ok`.
    pub fn start(masters: usize) -> Self {
        let nodes: Vec<RedisServer> = (0..masters)
            .map(|_| {
                RedisServer::start_with(Options {
                    cluster_bus: Some(0),
                    ..Options::default()
                })
            })
            .collect();
        let mut create = Command::new("redis-cli");
        create.args(["--cluster", "create"]);
        for node in &nodes {
            create.arg(format!("127.0.0.1:{}", node.port));
        }
        let output = create
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .expect("redis-cli is installed (Debian: redis-tools, with redis-server)");
        assert!(
            output.status.success(),
            "redis-cli --cluster create failed: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while !nodes.iter().all(|node| cluster_ok(node.port)) {
            assert!(Instant::now() < deadline, "the cluster did not become ok");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { nodes }
    }

    /// Every node's `redis://127.0.0.1:<port>/0`.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    /// The nodes.
    pub fn nodes(&self) -> &[RedisServer] {
        &self.nodes
    }
}

/// A Redis Sentinel on loopback watching one master under a name (quorum 1, down after 1 s);
/// stopped on drop.
pub struct RedisSentinel {
    server: RedisServer,
}

impl RedisSentinel {
    /// Starts a Sentinel watching `master` as `name`, told about its `replicas` (rather than
    /// finding them at its next look, up to 10 s later).
    pub fn start(master: &RedisServer, replicas: &[&RedisServer], name: &str) -> Self {
        let port = free_port();
        let serial = std::process::id();
        let dir = std::env::temp_dir().join(format!("sdk-sentinel-{serial}-{port}"));
        std::fs::create_dir_all(&dir).expect("temporary directory for the sentinel");
        let config = dir.join("sentinel.conf");
        let text = format!(
            "port {port}\nbind 127.0.0.1\nsentinel monitor {name} 127.0.0.1 {} 1\n\
             sentinel down-after-milliseconds {name} 1000\nsentinel failover-timeout {name} 5000\n",
            master.port
        );
        let known: String = replicas
            .iter()
            .map(|replica| format!("sentinel known-replica {name} 127.0.0.1 {}\n", replica.port))
            .collect();
        std::fs::write(&config, text + &known).expect("the sentinel's configuration");
        let mut server = RedisServer {
            port,
            options: Options {
                args: vec!["--sentinel".to_owned()],
                config: Some(config),
                ..Options::default()
            },
            dir,
            child: None,
        };
        assert!(server.launch(), "redis-server --sentinel did not start");
        Self { server }
    }

    /// `redis://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.server.port)
    }

    /// The port of the master it names, once no failover is under way (after one, the
    /// promoted replica's).
    pub fn master_port(&self, name: &str) -> Option<u16> {
        let output = Command::new("redis-cli")
            .args([
                "-p",
                &self.server.port.to_string(),
                "SENTINEL",
                "master",
                name,
            ])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let field = |key: &str| {
            let at = lines.iter().position(|line| *line == key)?;
            lines.get(at + 1).copied()
        };
        if field("flags")? != "master" {
            return None;
        }
        field("port")?.parse().ok()
    }

    /// Asks it to fail the master over to a replica now (`SENTINEL FAILOVER`); false if it
    /// cannot yet (it has not discovered a replica).
    pub fn try_fail_over(&self, name: &str) -> bool {
        let command = format!(
            "*3\r\n$8\r\nSENTINEL\r\n$8\r\nFAILOVER\r\n${}\r\n{name}\r\n",
            name.len()
        );
        ask(self.server.port, command.as_bytes()).is_some_and(|reply| reply.starts_with("+OK"))
    }
}

/// Sends `command` (RESP) to the server on `port` and returns its first reply, as text.
fn ask(port: u16, command: &[u8]) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    stream.write_all(command).ok()?;
    let mut reply = [0u8; 1024];
    let n = stream.read(&mut reply).ok()?;
    Some(String::from_utf8_lossy(&reply[..n]).into_owned())
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

/// Whether something on `port` answers `PING` like Redis (`+PONG`, or `-NOAUTH` with a
/// password); for TLS, whether it accepts connections.
fn answers(port: u16, tls: bool) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    if tls {
        return true;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut reply = [0u8; 16];
    stream.write_all(b"PING\r\n").is_ok()
        && stream
            .read(&mut reply)
            .is_ok_and(|n| reply[..n].starts_with(b"+PONG") || reply[..n].starts_with(b"-NOAUTH"))
}

/// Whether the cluster node on `port` says `cluster_state:ok`.
fn cluster_ok(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut reply = [0u8; 2048];
    stream.write_all(b"CLUSTER INFO\r\n").is_ok()
        && stream
            .read(&mut reply)
            .is_ok_and(|n| String::from_utf8_lossy(&reply[..n]).contains("cluster_state:ok"))
}
