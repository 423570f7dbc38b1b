//! The connection to Redis, kept by one background task.
//!
//! The task connects as soon as the store is built (inside a Tokio runtime; else at the first
//! operation), and again whenever the connection drops: the server's push says so (RESP3), or
//! an operation found it broken. Operations never connect themselves: they take the current
//! connection, or wait for the one being made at most `connect_timeout`, apart from their own
//! bound. After a failed attempt the task retries with backoff (100 ms doubling to 5 s), and
//! at once when an operation asks, so a restarted Redis is back for the first operation after
//! it answers, without a failed one.
//!
//! Each connection subscribes to the store's notice channel (RESP3 pushes on the same
//! connection), and hands its messages to `on_message`. A server that does not speak RESP3
//! (no `HELLO`) gets RESP2 and no pushes: waiters then poll.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use futures_util::future::select;
use redis::aio::{AsyncPushSender, SendError};
use redis::{Msg, PushInfo, PushKind, RedisError};
use tokio::sync::{Notify, watch};
use tokio::task::AbortHandle;
use tokio::time::Instant;

use super::config::{Connection, Connector};
use crate::store::backend::{StoreError, StoreResult};

const FIRST_RETRY: Duration = Duration::from_millis(100);
const MAX_RETRY: Duration = Duration::from_secs(5);

/// What receives the notice channel's messages.
pub(crate) type OnMessage = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// The store's connection and the task that keeps it.
pub(crate) struct Link {
    shared: Arc<Shared>,
    task: Mutex<Option<AbortHandle>>,
}

struct Shared {
    connector: Connector,
    connect_timeout: Duration,
    channel: String,
    on_message: OnMessage,
    state: watch::Sender<State>,
    /// Wakes the task: a connection broke, or an operation wants an attempt now.
    wake: Notify,
    /// Numbers connections, so a late report about an old one is ignored.
    epochs: AtomicU64,
}

#[derive(Clone)]
enum State {
    /// An attempt is under way (the first, or after a drop).
    Connecting,
    /// Connection number `.1` is up.
    Ready(Connection, u64),
    /// The last attempt failed, for this reason.
    Down(String),
}

impl Link {
    /// A link that connects with `connector`, subscribed to `channel`; starts connecting now
    /// if a Tokio runtime is running.
    pub(crate) fn new(
        connector: Connector,
        connect_timeout: Duration,
        channel: String,
        on_message: OnMessage,
    ) -> Self {
        let link = Self {
            shared: Arc::new(Shared {
                connector,
                connect_timeout,
                channel,
                on_message,
                state: watch::Sender::new(State::Connecting),
                wake: Notify::new(),
                epochs: AtomicU64::new(0),
            }),
            task: Mutex::new(None),
        };
        link.keep_running();
        link
    }

    /// The current connection and its number, waiting at most the connect timeout for one.
    pub(crate) async fn connection(&self) -> StoreResult<(Connection, u64)> {
        self.keep_running();
        let mut state = self.shared.state.subscribe();
        let deadline = Instant::now() + self.shared.connect_timeout;
        let mut asked = false;
        loop {
            let current = state.borrow_and_update().clone();
            match current {
                State::Ready(connection, epoch) => return Ok((connection, epoch)),
                State::Down(reason) if asked => {
                    return Err(StoreError::new(format!("connect: {reason}")));
                }
                State::Down(_) => {
                    asked = true;
                    self.shared.wake.notify_one();
                }
                State::Connecting => {}
            }
            if tokio::time::timeout_at(deadline, state.changed())
                .await
                .is_err()
            {
                return Err(StoreError::new(format!(
                    "connect: no connection within {:?}",
                    self.shared.connect_timeout
                )));
            }
        }
    }

    /// Connection `epoch` failed an operation in a way that means it is gone: make another.
    pub(crate) fn broken(&self, epoch: u64) {
        self.shared.broken(epoch);
    }

    /// Whether `error` means the connection it came from is gone (or, after a Sentinel
    /// failover, is now to a replica): the operation may be tried again on a new one.
    pub(crate) fn is_broken(error: &RedisError) -> bool {
        error.is_unrecoverable_error()
            || error.is_io_error()
            || error.is_connection_dropped()
            || error.code() == Some("READONLY")
    }

    /// Starts the task if it is not running (not started yet, or its runtime is gone).
    fn keep_running(&self) {
        let mut task = self.task.lock().unwrap_or_else(PoisonError::into_inner);
        if task.as_ref().is_some_and(|task| !task.is_finished()) {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let shared = Arc::clone(&self.shared);
            *task = Some(runtime.spawn(shared.run()).abort_handle());
        }
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        let task = self.task.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(task) = task.as_ref() {
            task.abort();
        }
    }
}

impl Shared {
    /// The task: connect, wait until the connection breaks, connect again.
    async fn run(self: Arc<Self>) {
        let mut pause = FIRST_RETRY;
        let mut resp3 = true;
        loop {
            let epoch = self.epochs.fetch_add(1, Ordering::Relaxed) + 1;
            self.state.send_replace(State::Connecting);
            let attempt = tokio::time::timeout(self.connect_timeout, self.connect(epoch, resp3));
            let reason = match attempt.await {
                Ok(Ok(connection)) => {
                    pause = FIRST_RETRY;
                    self.state.send_replace(State::Ready(connection, epoch));
                    while self.is_ready(epoch) {
                        self.wake.notified().await;
                    }
                    continue;
                }
                Ok(Err(error)) if resp3 && refuses_resp3(&error) => {
                    tracing::info!(
                        "the token store does not speak RESP3; waiting replicas poll instead of being notified"
                    );
                    resp3 = false;
                    continue;
                }
                Ok(Err(error)) => describe(&error),
                Err(_) => format!("no connection within {:?}", self.connect_timeout),
            };
            tracing::debug!(%reason, "token store connection failed; retrying");
            self.state.send_replace(State::Down(reason));
            let jittered = pause.mul_f64(0.5 + fastrand::f64() / 2.0);
            select(
                std::pin::pin!(tokio::time::sleep(jittered)),
                std::pin::pin!(self.wake.notified()),
            )
            .await;
            pause = (pause * 2).min(MAX_RETRY);
        }
    }

    async fn connect(self: &Arc<Self>, epoch: u64, resp3: bool) -> redis::RedisResult<Connection> {
        if !resp3 {
            return self.connector.connect(None::<(Pushes, &str)>).await;
        }
        let pushes = Pushes {
            shared: Arc::downgrade(self),
            epoch,
        };
        self.connector.connect(Some((pushes, &self.channel))).await
    }

    fn is_ready(&self, epoch: u64) -> bool {
        matches!(&*self.state.borrow(), State::Ready(_, current) if *current == epoch)
    }

    fn broken(&self, epoch: u64) {
        let changed = self.state.send_if_modified(|state| match state {
            State::Ready(_, current) if *current == epoch => {
                *state = State::Connecting;
                true
            }
            _ => false,
        });
        if changed {
            tracing::debug!("token store connection lost; reconnecting");
            self.wake.notify_one();
        }
    }
}

/// Where one connection's pushes go.
#[derive(Clone)]
struct Pushes {
    shared: Weak<Shared>,
    epoch: u64,
}

impl AsyncPushSender for Pushes {
    fn send(&self, push: PushInfo) -> Result<(), SendError> {
        if let Some(shared) = self.shared.upgrade() {
            shared.receive(push, self.epoch);
        }
        Ok(())
    }
}

impl Shared {
    fn receive(&self, push: PushInfo, epoch: u64) {
        let shared = self;
        match push.kind {
            // A cluster connection repairs its node connections itself.
            PushKind::Disconnection if !shared.connector.cluster() => shared.broken(epoch),
            PushKind::Message | PushKind::SMessage => {
                if let Some(message) = Msg::from_push_info(push) {
                    (shared.on_message)(message.get_payload_bytes());
                }
            }
            _ => {}
        }
    }
}

/// The server refused the RESP3 handshake (`HELLO`): an old server or a proxy.
fn refuses_resp3(error: &RedisError) -> bool {
    error.code() == Some("NOPROTO")
        || error
            .detail()
            .is_some_and(|detail| detail.to_ascii_uppercase().contains("HELLO"))
}

/// Redis' reason, never a key, value or password.
pub(crate) fn describe(error: &RedisError) -> String {
    match error.code() {
        Some(code) => format!("server error {code}"),
        None if error.is_timeout() => "timed out".into(),
        None if error.is_connection_refusal() => "connection refused".into(),
        None if error.is_io_error() => "connection failed".into(),
        None => error.category().to_owned(),
    }
}
