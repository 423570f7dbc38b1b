//! The harness of the fleet tests: a loopback Obi token server that counts mints, a driver for
//! a fleet of replica processes, and Redis inspection helpers.

use std::collections::BTreeSet;
use std::future::Future;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use libtest_mimic::Trial;
use sdk_auth::{AuthOptions, Jitter, ObiConfig, SharedStore};
use sdk_testkit::rate_limit::{Limited, RateLimit};
use sdk_testkit::redis_server::RedisServer;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

use crate::deployment::{Deployment, store_env};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// `trials![a, b]`: each test function as a [`Trial`] of its own name.
macro_rules! trials {
    ($($test:ident),* $(,)?) => {
        vec![$($crate::harness::trial(stringify!($test), $test)),*]
    };
}

/// A test on its own two-thread Tokio runtime, as `#[tokio::test(flavor = "multi_thread")]`.
pub fn trial<F: Future<Output = ()> + 'static>(name: &str, test: fn() -> F) -> Trial {
    Trial::test(name, move || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|error| error.to_string())?
            .block_on(test());
        Ok(())
    })
}

/// In every token: must never be found in Redis.
pub const TOKEN_CANARY: &str = "CANARY-token";
pub const SECRET: &str = "CANARY-obi-secret";
pub const API_KEY: &str = "pgw_CANARY_key";
pub const STORE_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// How many replica processes, and concurrent tasks in each, a fleet test runs:
/// `SDK_FLEET_SIZE=<processes>x<tasks>` (default `4x25`, small enough for CI; the issue's
/// production-sized run is `SDK_FLEET_SIZE=8x200`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub processes: usize,
    pub tasks: usize,
}

pub const SIZE_VAR: &str = "SDK_FLEET_SIZE";

impl Size {
    pub const fn new(processes: usize, tasks: usize) -> Self {
        Self { processes, tasks }
    }

    /// `SDK_FLEET_SIZE`, or 4 processes × 25 tasks.
    pub fn from_env() -> Self {
        let Ok(text) = std::env::var(SIZE_VAR) else {
            return Self::new(4, 25);
        };
        let parsed = text
            .split_once('x')
            .and_then(|(p, t)| Some(Self::new(p.trim().parse().ok()?, t.trim().parse().ok()?)))
            .filter(|size| size.processes >= 2 && size.tasks >= 1);
        parsed.unwrap_or_else(|| panic!("{SIZE_VAR} must look like 8x200, not {text:?}"))
    }
}
/// Tokens of this lifetime are hard-expired (margin: a tenth) after [`EXPIRY_WAIT`].
pub const SHORT_TTL: u64 = 3;
pub const EXPIRY_WAIT: Duration = Duration::from_millis(3_500);

/// A loopback Obi: mints `tok-<n>-CANARY-token` (counting), accepts `GET /v1/ping` with
/// tokens from `accept_from` on, and on revoke-all stops accepting every token minted so far.
pub struct TokenServer {
    pub server: MockServer,
    pub state: Arc<State>,
}

#[derive(Default)]
pub struct State {
    /// Answers 429 to mints while armed.
    pub mint_limit: Arc<RateLimit>,
    /// `GET /v1/limited`: 429 while armed, else 200.
    pub limit: Arc<RateLimit>,
    mints: AtomicUsize,
    ttl: AtomicU64,
    /// Delay the next mint's answer by 5 s (to kill its caller mid-mint).
    pub hold_next: AtomicBool,
    accept_from: AtomicUsize,
}

pub struct Mint(Arc<State>);

impl Respond for Mint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let secret = request
            .headers
            .get("x-api-secret")
            .and_then(|v| v.to_str().ok());
        if secret != Some(SECRET) {
            return ResponseTemplate::new(401);
        }
        if let Some(limited) = self.0.mint_limit.check(request) {
            return limited;
        }
        let n = self.0.mints.fetch_add(1, Ordering::SeqCst) + 1;
        let body = serde_json::json!({
            "token": format!("tok-{n}-{TOKEN_CANARY}"),
            "jti": format!("jti-{n}"),
            "ttlSeconds": self.0.ttl.load(Ordering::SeqCst),
        });
        let response = ResponseTemplate::new(200).set_body_json(body);
        if self.0.hold_next.swap(false, Ordering::SeqCst) {
            response.set_delay(Duration::from_secs(5))
        } else {
            response
        }
    }
}

pub struct Api(Arc<State>);

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer tok-"))
            .and_then(|v| v.split('-').next())
            .and_then(|n| n.parse::<usize>().ok());
        match n {
            Some(n) if n >= self.0.accept_from.load(Ordering::SeqCst) => ResponseTemplate::new(200),
            _ => ResponseTemplate::new(401),
        }
    }
}

pub struct Revoke(Arc<State>);

impl Respond for Revoke {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap_or_default();
        if body["all"] == true {
            let next = self.0.mints.load(Ordering::SeqCst) + 1;
            self.0.accept_from.store(next, Ordering::SeqCst);
        }
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"revoked": true}))
    }
}

impl TokenServer {
    pub async fn start(ttl: u64) -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(State::default());
        state.ttl.store(ttl, Ordering::SeqCst);
        mount(&server, "POST", "/v1/auth/token", Mint(state.clone())).await;
        mount(&server, "GET", "/v1/ping", Api(state.clone())).await;
        mount(&server, "POST", "/v1/auth/revoke", Revoke(state.clone())).await;
        let limited = Limited(state.limit.clone());
        mount(&server, "GET", "/v1/limited", limited).await;
        Self { server, state }
    }

    pub fn mints(&self) -> usize {
        self.state.mints.load(Ordering::SeqCst)
    }

    pub fn set_ttl(&self, seconds: u64) {
        self.state.ttl.store(seconds, Ordering::SeqCst);
    }

    /// The API refuses tokens minted before the `n`th.
    pub fn accept_from(&self, n: usize) {
        self.state.accept_from.store(n, Ordering::SeqCst);
    }

    pub fn ping_url(&self) -> String {
        format!("{}/v1/ping", self.server.uri())
    }

    pub fn limited_url(&self) -> String {
        format!("{}/v1/limited", self.server.uri())
    }

    /// An in-process Obi `Auth` sharing tokens through `redis` under `key`: each call is a
    /// new cold "process".
    pub fn auth(&self, store: SharedStore) -> sdk_auth::Auth {
        let options = AuthOptions::default()
            .jitter(Jitter::None)
            .token_store(store);
        ObiConfig::new(API_KEY.into(), SECRET.into())
            .base_url(self.server.uri())
            .options(options)
            .build()
            .unwrap()
    }
}

pub async fn mount(
    server: &MockServer,
    verb: &str,
    route: &str,
    responder: impl Respond + 'static,
) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(responder)
        .mount(server)
        .await;
}

/// One `fleet-worker` answer.
#[derive(Debug, PartialEq)]
pub struct Reply {
    pub ok: usize,
    pub failed: usize,
    pub generations: String,
}

impl Reply {
    pub fn parse(line: &str) -> Self {
        let field = |name: &str| {
            line.split_whitespace()
                .find_map(|word| word.strip_prefix(name))
                .unwrap_or_else(|| panic!("no {name} in {line:?}"))
                .to_owned()
        };
        Self {
            ok: field("ok=").parse().unwrap(),
            failed: field("failed=").parse().unwrap(),
            generations: field("generations="),
        }
    }
}

/// Replica processes and their output lines, tagged by replica index.
pub struct Fleet {
    pub size: Size,
    children: Vec<Option<(Child, ChildStdin)>>,
    lines: mpsc::UnboundedReceiver<(usize, String)>,
}

impl Fleet {
    /// A fleet of [`Size::from_env`].
    pub fn start(server: &TokenServer, redis: &RedisServer) -> Self {
        Self::sized(server, redis, Size::from_env())
    }

    pub fn sized(server: &TokenServer, redis: &RedisServer, size: Size) -> Self {
        Self::spawn(server, size, &store_env(&redis.url()))
    }

    /// A fleet of [`Size::from_env`] on `deployment`.
    pub fn on(server: &TokenServer, deployment: &Deployment) -> Self {
        Self::spawn(server, Size::from_env(), &deployment.env())
    }

    /// `size.processes` replicas of `server`'s API, with `store` (`SDK_TOKEN_STORE_*`
    /// variables) in their environment.
    pub fn spawn(server: &TokenServer, size: Size, store: &[(String, String)]) -> Self {
        let (sender, lines) = mpsc::unbounded_channel();
        let children = (0..size.processes)
            .map(|index| {
                let mut child =
                    Command::new(std::env::current_exe().expect("the test binary's path"))
                        .env(super::worker::ROLE, "1")
                        .env(super::worker::INDEX, index.to_string())
                        .env("OBI_URL", server.server.uri())
                        .env("OBI_API_KEY", API_KEY)
                        .env("OBI_API_SECRET", SECRET)
                        .envs(store.iter().map(|(k, v)| (k, v)))
                        .env("FLEET_TASKS", size.tasks.to_string())
                        .stdin(Stdio::piped())
                        .stdout(Stdio::piped())
                        .kill_on_drop(true)
                        .spawn()
                        .expect("fleet-worker starts");
                let stdout = child.stdout.take().unwrap();
                let sender = sender.clone();
                tokio::spawn(async move {
                    let mut stdout = BufReader::new(stdout).lines();
                    while let Ok(Some(line)) = stdout.next_line().await {
                        let _ = sender.send((index, line));
                    }
                });
                let stdin = child.stdin.take().unwrap();
                Some((child, stdin))
            })
            .collect();
        Self {
            size,
            children,
            lines,
        }
    }

    pub async fn send(&mut self, index: usize, command: &str) {
        let (_, stdin) = self.children[index].as_mut().expect("worker alive");
        stdin
            .write_all(format!("{command}\n").as_bytes())
            .await
            .unwrap();
    }

    pub async fn next_line(&mut self) -> (usize, String) {
        tokio::time::timeout(Duration::from_secs(90), self.lines.recv())
            .await
            .expect("a worker answers within 90 s")
            .expect("workers alive")
    }

    /// Sends `command` to every live worker at once and collects their replies.
    pub async fn all(&mut self, command: &str) -> Vec<Reply> {
        let live: Vec<usize> = (0..self.size.processes)
            .filter(|i| self.children[*i].is_some())
            .collect();
        for &index in &live {
            self.send(index, command).await;
        }
        self.replies(live.len()).await
    }

    pub async fn replies(&mut self, count: usize) -> Vec<Reply> {
        let mut replies = Vec::new();
        while replies.len() < count {
            let (index, line) = self.next_line().await;
            if line.starts_with("done") && self.children[index].is_some() {
                replies.push(Reply::parse(&line));
            }
        }
        replies
    }

    /// SIGKILLs worker `index`.
    pub async fn kill(&mut self, index: usize) {
        let (mut child, _) = self.children[index].take().expect("worker alive");
        child.kill().await.unwrap();
    }

    /// Sends `command` to every live replica; each served all its tasks with the same shared
    /// generation, which is returned.
    pub async fn served(&mut self, command: &str) -> String {
        let replies = self.all(command).await;
        self.all_served(&replies)
    }

    /// Every replica served all its tasks, all with the same shared generation; returns it.
    pub fn all_served(&self, replies: &[Reply]) -> String {
        all_served(replies, self.size.tasks)
    }
}

/// Every reply served `tasks` tasks, all with the same shared generation; returns it.
pub fn all_served(replies: &[Reply], tasks: usize) -> String {
    let generations: BTreeSet<&str> = replies.iter().map(|r| r.generations.as_str()).collect();
    for reply in replies {
        assert_eq!((reply.ok, reply.failed), (tasks, 0), "{replies:?}");
    }
    assert_eq!(generations.len(), 1, "one token for the fleet: {replies:?}");
    generations.into_iter().next().unwrap().to_owned()
}
