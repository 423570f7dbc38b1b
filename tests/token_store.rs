//! The Redis token store for real: a real `redis-server` on a random loopback port, a loopback
//! Obi token server, and fleets of real OS processes (`fleet-worker`, 200 concurrent tasks
//! each). Counts only, no timing assertions; the sleeps only let short-lived tokens expire.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use redis::AsyncCommands as _;
use sdk_auth::store::RedisStore;
use sdk_auth::{AuthOptions, Jitter, ObiConfig, SharedStore, StoreKey};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use workspace_tests::logs::Capture;
use workspace_tests::redis_server::RedisServer;

/// In every token: must never be found in Redis.
const TOKEN_CANARY: &str = "CANARY-token";
const SECRET: &str = "CANARY-obi-secret";
const API_KEY: &str = "pgw_CANARY_key";
const STORE_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const PROCESSES: usize = 8;
const TASKS: usize = 200;
/// Tokens of this lifetime are hard-expired (margin: a tenth) after [`EXPIRY_WAIT`].
const SHORT_TTL: u64 = 3;
const EXPIRY_WAIT: Duration = Duration::from_millis(3_500);

/// A loopback Obi: mints `tok-<n>-CANARY-token` (counting), accepts `GET /v1/ping` with
/// tokens from `accept_from` on, and on revoke-all stops accepting every token minted so far.
struct TokenServer {
    server: MockServer,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    mints: AtomicUsize,
    ttl: AtomicU64,
    hold_next: AtomicBool,
    accept_from: AtomicUsize,
}

struct Mint(Arc<State>);

impl Respond for Mint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let secret = request
            .headers
            .get("x-api-secret")
            .and_then(|v| v.to_str().ok());
        if secret != Some(SECRET) {
            return ResponseTemplate::new(401);
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

struct Api(Arc<State>);

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

struct Revoke(Arc<State>);

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
    async fn start(ttl: u64) -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(State::default());
        state.ttl.store(ttl, Ordering::SeqCst);
        mount(&server, "POST", "/v1/auth/token", Mint(state.clone())).await;
        mount(&server, "GET", "/v1/ping", Api(state.clone())).await;
        mount(&server, "POST", "/v1/auth/revoke", Revoke(state.clone())).await;
        Self { server, state }
    }

    fn mints(&self) -> usize {
        self.state.mints.load(Ordering::SeqCst)
    }

    fn set_ttl(&self, seconds: u64) {
        self.state.ttl.store(seconds, Ordering::SeqCst);
    }

    /// The API refuses tokens minted before the `n`th.
    fn accept_from(&self, n: usize) {
        self.state.accept_from.store(n, Ordering::SeqCst);
    }

    fn ping_url(&self) -> String {
        format!("{}/v1/ping", self.server.uri())
    }

    /// An in-process Obi `Auth` sharing tokens through `redis` under `key`: each call is a
    /// new cold "process".
    fn auth(&self, store: SharedStore) -> sdk_auth::Auth {
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

async fn mount(server: &MockServer, verb: &str, route: &str, responder: impl Respond + 'static) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(responder)
        .mount(server)
        .await;
}

/// One `fleet-worker` answer.
#[derive(Debug, PartialEq)]
struct Reply {
    ok: usize,
    failed: usize,
    generations: String,
}

impl Reply {
    fn parse(line: &str) -> Self {
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

/// `PROCESSES` worker processes and their output lines, tagged by worker index.
struct Fleet {
    children: Vec<Option<(Child, ChildStdin)>>,
    lines: mpsc::UnboundedReceiver<(usize, String)>,
}

impl Fleet {
    fn start(server: &TokenServer, redis: &RedisServer) -> Self {
        let (sender, lines) = mpsc::unbounded_channel();
        let children = (0..PROCESSES)
            .map(|index| {
                let mut child = Command::new(env!("CARGO_BIN_EXE_fleet-worker"))
                    .env("OBI_URL", server.server.uri())
                    .env("OBI_API_KEY", API_KEY)
                    .env("OBI_API_SECRET", SECRET)
                    .env("SDK_TOKEN_STORE_URL", redis.url())
                    .env("SDK_TOKEN_STORE_KEY", STORE_KEY)
                    // Generous: on a loaded 2-core CI a spurious timeout would add a mint.
                    .env("SDK_TOKEN_STORE_TIMEOUT_MS", "2000")
                    .env("FLEET_TASKS", TASKS.to_string())
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
        Self { children, lines }
    }

    async fn send(&mut self, index: usize, command: &str) {
        let (_, stdin) = self.children[index].as_mut().expect("worker alive");
        stdin
            .write_all(format!("{command}\n").as_bytes())
            .await
            .unwrap();
    }

    async fn next_line(&mut self) -> (usize, String) {
        tokio::time::timeout(Duration::from_secs(90), self.lines.recv())
            .await
            .expect("a worker answers within 90 s")
            .expect("workers alive")
    }

    /// Sends `command` to every live worker at once and collects their replies.
    async fn all(&mut self, command: &str) -> Vec<Reply> {
        let live: Vec<usize> = (0..PROCESSES)
            .filter(|i| self.children[*i].is_some())
            .collect();
        for &index in &live {
            self.send(index, command).await;
        }
        self.replies(live.len()).await
    }

    async fn replies(&mut self, count: usize) -> Vec<Reply> {
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
    async fn kill(&mut self, index: usize) {
        let (mut child, _) = self.children[index].take().expect("worker alive");
        child.kill().await.unwrap();
    }
}

/// Every worker served all its tasks, all with the same shared generation; returns it.
fn all_served(replies: &[Reply]) -> String {
    let generations: BTreeSet<&str> = replies.iter().map(|r| r.generations.as_str()).collect();
    for reply in replies {
        assert_eq!((reply.ok, reply.failed), (TASKS, 0), "{replies:?}");
    }
    assert_eq!(generations.len(), 1, "one token for the fleet: {replies:?}");
    generations.into_iter().next().unwrap().to_owned()
}

/// A store on `url` sealed with `key`; `timeout` bounds each operation (the exact-count tests
/// use a generous one: on a loaded 2-core CI a spurious timeout would add a mint).
fn redis_store(url: &str, key: StoreKey, timeout: Duration) -> SharedStore {
    SharedStore::new(RedisStore::open(url).unwrap().timeout(timeout), key)
}

const GENEROUS: Duration = Duration::from_secs(2);

async fn connect(redis: &RedisServer) -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

/// Every key and string value in Redis: no token, secret or API key in any of them.
async fn assert_nothing_in_plaintext(redis: &RedisServer) {
    let mut con = connect(redis).await;
    let keys: Vec<String> = con.keys("*").await.unwrap();
    assert!(!keys.is_empty());
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

/// 8 processes × 200 tasks: one mint at cold start, one per expiry, one per 401 storm, and
/// one after a revoke-all from one replica.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fleet_of_processes_mints_once_per_need() {
    let redis = RedisServer::start();
    let server = TokenServer::start(SHORT_TTL).await;
    let mut fleet = Fleet::start(&server, &redis);

    assert_eq!(all_served(&fleet.all("tokens").await), "1");
    assert_eq!(server.mints(), 1, "cold start");

    tokio::time::sleep(EXPIRY_WAIT).await;
    server.set_ttl(3600);
    assert_eq!(all_served(&fleet.all("tokens").await), "2");
    assert_eq!(server.mints(), 2, "one per expiry");

    server.accept_from(3);
    let storm = format!("calls {}", server.ping_url());
    assert_eq!(all_served(&fleet.all(&storm).await), "3");
    assert_eq!(server.mints(), 3, "one per 401 storm");

    fleet.send(0, "revoke-all").await;
    assert_eq!(fleet.replies(1).await[0].failed, 0);
    let others: Vec<Reply> = {
        for index in 1..PROCESSES {
            fleet.send(index, &storm).await;
        }
        fleet.replies(PROCESSES - 1).await
    };
    assert_eq!(all_served(&others), "4", "revoke-all seen by every replica");
    assert_eq!(server.mints(), 4);
    fleet.send(0, "tokens").await;
    assert_eq!(fleet.replies(1).await[0].generations, "4");
    assert_eq!(server.mints(), 4);

    assert_nothing_in_plaintext(&redis).await;
}

/// The lease holder is SIGKILLed mid-mint: another process mints, no caller fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_lease_holder_is_taken_over() {
    let redis = RedisServer::start();
    let server = TokenServer::start(3600).await;
    server.state.hold_next.store(true, Ordering::SeqCst);
    let mut fleet = Fleet::start(&server, &redis);
    for index in 0..PROCESSES {
        fleet.send(index, "tokens").await;
    }
    let (holder, line) = fleet.next_line().await;
    assert_eq!(line, "minting", "the first line is the lease holder's");
    while server.mints() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    fleet.kill(holder).await;
    let replies = fleet.replies(PROCESSES - 1).await;
    assert_eq!(
        all_served(&replies),
        "2",
        "generation 1 died with its holder"
    );
    assert_eq!(
        server.mints(),
        2,
        "the killed holder's mint and one take-over"
    );
}

/// Redis killed mid-run: no call fails, each process mints at most once; Redis back: one
/// mint for the fleet again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_outage_falls_back_then_shares_again() {
    let mut redis = RedisServer::start();
    let server = TokenServer::start(SHORT_TTL).await;
    let mut fleet = Fleet::start(&server, &redis);
    assert_eq!(all_served(&fleet.all("tokens").await), "1");

    redis.stop();
    tokio::time::sleep(EXPIRY_WAIT).await;
    let replies = fleet.all("tokens").await;
    for reply in &replies {
        assert_eq!(
            (reply.ok, reply.failed, reply.generations.as_str()),
            (TASKS, 0, "-")
        );
    }
    let outage_mints = server.mints() - 1;
    assert!(
        (1..=PROCESSES).contains(&outage_mints),
        "{outage_mints} mints for {PROCESSES} processes"
    );

    redis.restart();
    for reply in fleet.all("check").await {
        assert_eq!(reply.failed, 0, "the store answers again");
    }
    tokio::time::sleep(EXPIRY_WAIT).await;
    let shared = all_served(&fleet.all("tokens").await);
    assert_ne!(shared, "-");
    assert_eq!(
        server.mints(),
        1 + outage_mints + 1,
        "shared again: one mint"
    );
}

/// Garbage, tampered, relabelled, foreign-key and wrong-type entries: a re-mint each, never
/// a panic or a failed call; the replacement is readable by the next process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_that_do_not_open_are_replaced() {
    let redis = RedisServer::start();
    let server = TokenServer::start(3600).await;
    let key = || StoreKey::from_base64(STORE_KEY).unwrap();
    let store = redis_store(&redis.url(), key(), GENEROUS);
    let cold = || server.auth(store.clone());
    assert_eq!(cold().token().await.unwrap().shared_generation(), Some(1));
    let mut con = connect(&redis).await;
    let keys: Vec<String> = con.keys("*:token").await.unwrap();
    let [token_key] = keys.as_slice() else {
        panic!("one token key: {keys:?}")
    };
    let ttl: i64 = con.pttl(token_key).await.unwrap();
    assert!(
        (1..=3_600_000).contains(&ttl),
        "expires with the token: {ttl}"
    );

    // An entry sealed under another store key, in its own slot.
    let other = redis_store(&redis.url(), StoreKey::from_bytes([9; 32]), GENEROUS);
    server.auth(other).token().await.unwrap();
    let other_key = con
        .keys::<_, Vec<String>>("*:token")
        .await
        .unwrap()
        .into_iter()
        .find(|k| k != token_key)
        .expect("another slot for another store key");
    let foreign: Vec<u8> = con.get(&other_key).await.unwrap();

    let mut mints = server.mints();
    for corruption in ["garbage", "tampered", "relabelled", "foreign", "wrong type"] {
        let current: Vec<u8> = con.get(token_key).await.unwrap_or_default();
        match corruption {
            "garbage" => con.set::<_, _, ()>(token_key, "garbage").await.unwrap(),
            "tampered" => {
                let mut value = current.clone();
                *value.last_mut().unwrap() ^= 1;
                con.set::<_, _, ()>(token_key, value).await.unwrap();
            }
            "relabelled" => {
                let colon = current.iter().position(|b| *b == b':').unwrap();
                let generation: u64 = std::str::from_utf8(&current[..colon])
                    .unwrap()
                    .parse()
                    .unwrap();
                let mut value = format!("{}", generation + 1).into_bytes();
                value.extend_from_slice(&current[colon..]);
                con.set::<_, _, ()>(token_key, value).await.unwrap();
            }
            "foreign" => con
                .set::<_, _, ()>(token_key, foreign.clone())
                .await
                .unwrap(),
            _ => {
                con.del::<_, ()>(token_key).await.unwrap();
                con.lpush::<_, _, ()>(token_key, "x").await.unwrap();
            }
        }
        let token = cold().token().await.unwrap();
        mints += 1;
        assert_eq!(server.mints(), mints, "{corruption}: re-minted");
        assert!(
            token.shared_generation().is_some(),
            "{corruption}: the new token is shared"
        );
        let adopted = cold().token().await.unwrap();
        assert_eq!(
            adopted.shared_generation(),
            token.shared_generation(),
            "{corruption}"
        );
        assert_eq!(server.mints(), mints, "{corruption}: the replacement opens");
    }
    assert_nothing_in_plaintext(&redis).await;
}

/// A paused (slow) Redis: the call still succeeds on a local mint, with a warning; once it
/// answers again, tokens are shared again. (500 ms bound here, 50 ms by default.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_redis_falls_back_with_a_warning() {
    let capture = Capture::start();
    let redis = RedisServer::start();
    let server = TokenServer::start(3600).await;
    let key = StoreKey::from_base64(STORE_KEY).unwrap();
    let store = redis_store(&redis.url(), key, Duration::from_millis(500));
    assert_eq!(
        server
            .auth(store.clone())
            .token()
            .await
            .unwrap()
            .shared_generation(),
        Some(1)
    );

    let mut con = connect(&redis).await;
    redis::cmd("CLIENT")
        .arg("PAUSE")
        .arg(3000)
        .arg("ALL")
        .query_async::<()>(&mut con)
        .await
        .unwrap();
    let local = server.auth(store.clone()).token().await.unwrap();
    assert_eq!(local.shared_generation(), None);
    assert_eq!(server.mints(), 2);
    assert!(
        capture
            .text()
            .contains("token store unavailable; minting locally")
    );

    while store.check().await.is_err() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        server
            .auth(store)
            .token()
            .await
            .unwrap()
            .shared_generation(),
        Some(1)
    );
    assert_eq!(server.mints(), 2, "shared again");
}

/// The Redis password never shows: not in `Debug`, not in logs, not when it is wrong.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_password_stays_secret() {
    let capture = Capture::start();
    let redis = RedisServer::start_with_password("CANARY-redis-password");
    let server = TokenServer::start(3600).await;
    let key = || StoreKey::from_base64(STORE_KEY).unwrap();
    let store = redis_store(&redis.url(), key(), GENEROUS);
    let auth = server.auth(store.clone());
    assert_eq!(auth.token().await.unwrap().shared_generation(), Some(1));

    let wrong = redis
        .url()
        .replace("CANARY-redis-password", "CANARY-wrong-password");
    let wrong = SharedStore::redis(&wrong, key()).unwrap();
    let local = server.auth(wrong.clone()).token().await.unwrap();
    assert_eq!(
        local.shared_generation(),
        None,
        "a refused login falls back"
    );
    let shown = format!(
        "{store:?} {wrong:?} {auth:?} {:?} {}",
        AuthOptions::default().token_store(wrong.clone()),
        capture.text()
    );
    assert!(!shown.contains("CANARY"), "{shown}");
}

/// The facade reads the store from the environment like every other setting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facade_reads_the_store_from_the_environment() {
    let redis = RedisServer::start();
    let server = TokenServer::start(3600).await;
    let vars = [
        ("OBI_URL", server.server.uri()),
        ("OBI_API_KEY", API_KEY.to_owned()),
        ("OBI_API_SECRET", SECRET.to_owned()),
        ("SDK_TOKEN_STORE_URL", redis.url()),
        ("SDK_TOKEN_STORE_KEY", STORE_KEY.to_owned()),
    ];
    let env = |vars: &[(&'static str, String)]| {
        let vars = vars.to_vec();
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        }
    };
    let token = |client: sdk::obi::Client| async move {
        let auth = sdk::obi::auth(&client).clone();
        auth.token().await.unwrap().shared_generation()
    };
    let first = sdk::obi::from_env_with(env(&vars), AuthOptions::default()).unwrap();
    let second = sdk::obi::from_env_with(env(&vars), AuthOptions::default()).unwrap();
    assert_eq!(token(first).await, Some(1));
    assert_eq!(token(second).await, Some(1));
    assert_eq!(server.mints(), 1, "two clients, one token");

    let mut bad = vars.to_vec();
    bad[4].1 = "CANARY-not-a-key".into();
    let error = sdk::obi::from_env_with(env(&bad), AuthOptions::default()).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("SDK_TOKEN_STORE_KEY") && !text.contains("CANARY"),
        "{text}"
    );
}
