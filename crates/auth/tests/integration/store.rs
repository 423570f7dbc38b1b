//! The fleet protocol on a `MemoryStore`: several `Auth`s play the replicas of a fleet, on
//! Tokio's paused clock (deterministic waits) except where real HTTP is involved.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use sdk_auth::store::{
    Fingerprint, Listener, MemoryStore, Record, StoreError, StoreResult, TokenStore,
};
use sdk_auth::{
    AccessToken, Auth, AuthError, AuthOptions, BoxFuture, Jitter, MintedToken, Minter, MinterInfo,
    RevokeScope, SharedStore, StoreKey,
};

use sdk_testkit::logs::Capture;

use crate::common::{GatedMinter, HOUR, TokioClock, settle, spawn_callers};
use crate::replay::{api_server, authorized};

/// A `MemoryStore` that counts operations, can be switched off, and can show an entry that
/// does not open where the slot is empty.
#[derive(Debug, Clone)]
struct Probe {
    inner: MemoryStore,
    ops: Arc<AtomicUsize>,
    down: Arc<AtomicBool>,
    garbage: Arc<AtomicBool>,
    /// Hears no notices: waiters find tokens by polling only.
    deaf: Arc<AtomicBool>,
}

impl Probe {
    fn new(clock: &TokioClock) -> Self {
        Self {
            inner: MemoryStore::with_clock(clock.clone()),
            ops: Arc::default(),
            down: Arc::default(),
            garbage: Arc::default(),
            deaf: Arc::default(),
        }
    }

    fn ops(&self) -> usize {
        self.ops.load(Ordering::SeqCst)
    }

    fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    fn gate<'a, T: 'a>(
        &'a self,
        op: BoxFuture<'a, StoreResult<T>>,
    ) -> BoxFuture<'a, StoreResult<T>> {
        self.ops.fetch_add(1, Ordering::SeqCst);
        if self.down.load(Ordering::SeqCst) {
            return Box::pin(async { Err(StoreError::new("probe is down")) });
        }
        op
    }
}

impl TokenStore for Probe {
    fn load<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<Option<Record>>> {
        let load = self.gate(self.inner.load(slot));
        let garbage = self.garbage.load(Ordering::SeqCst);
        Box::pin(async move {
            let record = load.await?;
            Ok(match record {
                None if garbage => Some(Record {
                    generation: 0,
                    sealed: b"garbage".to_vec(),
                }),
                record => record,
            })
        })
    }
    fn save<'a>(
        &'a self,
        slot: &'a str,
        r: Record,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        self.gate(self.inner.save(slot, r, ttl))
    }
    fn retire<'a>(
        &'a self,
        slot: &'a str,
        g: Option<u64>,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        self.gate(self.inner.retire(slot, g, ttl))
    }
    fn next_generation<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<u64>> {
        self.gate(self.inner.next_generation(slot))
    }
    fn acquire<'a>(
        &'a self,
        slot: &'a str,
        f: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        self.gate(self.inner.acquire(slot, f, ttl))
    }
    fn renew<'a>(
        &'a self,
        slot: &'a str,
        f: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        self.gate(self.inner.renew(slot, f, ttl))
    }
    fn release<'a>(&'a self, slot: &'a str, f: &'a str) -> BoxFuture<'a, StoreResult<bool>> {
        self.gate(self.inner.release(slot, f))
    }
    fn pause<'a>(&'a self, slot: &'a str, s: &'a str, u: u64) -> BoxFuture<'a, StoreResult<()>> {
        self.gate(self.inner.pause(slot, s, u))
    }
    fn pauses<'a>(&'a self, slot: &'a str) -> BoxFuture<'a, StoreResult<Vec<(String, u64)>>> {
        self.gate(self.inner.pauses(slot))
    }
    fn listen(&self, listener: Listener) {
        if !self.deaf.load(Ordering::SeqCst) {
            self.inner.listen(listener);
        }
    }
}

/// A gated minter that can also revoke, recording what it revoked.
#[derive(Debug, Clone)]
struct Revocable {
    inner: GatedMinter,
    revoked: Arc<Mutex<Vec<(String, RevokeScope)>>>,
}

impl Minter for Revocable {
    fn info(&self) -> MinterInfo {
        self.inner.info()
    }
    fn identify(&self, fingerprint: &mut Fingerprint) -> bool {
        self.inner.identify(fingerprint)
    }
    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        self.inner.mint()
    }
    fn supports_revocation(&self) -> bool {
        true
    }
    fn revoke<'a>(
        &'a self,
        bearer: &'a AccessToken,
        scope: RevokeScope,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        let token = bearer.expose_secret().to_owned();
        self.revoked.lock().unwrap().push((token, scope));
        Box::pin(async { Ok(()) })
    }
}

/// Replicas sharing one store and one (counting) token endpoint.
struct Fleet {
    probe: Probe,
    shared: SharedStore,
    minter: Revocable,
    clock: TokioClock,
}

impl Fleet {
    fn new(open: bool) -> Self {
        Self::hearing(open, true)
    }

    /// With `notices` false, the store tells the replicas nothing: they poll.
    fn hearing(open: bool, notices: bool) -> Self {
        let clock = TokioClock::new();
        let probe = Probe::new(&clock);
        probe.deaf.store(!notices, Ordering::SeqCst);
        Self {
            shared: SharedStore::new(probe.clone(), StoreKey::random().unwrap()),
            probe,
            minter: Revocable {
                inner: GatedMinter::new(HOUR, open),
                revoked: Arc::default(),
            },
            clock,
        }
    }

    fn options(&self) -> AuthOptions {
        AuthOptions::default()
            .clock(self.clock.clone())
            .jitter(Jitter::None)
            .token_store(self.shared.clone())
    }

    fn replica(&self) -> Auth {
        Auth::from_minter(self.minter.clone(), self.options())
    }

    fn replicas(&self, n: usize) -> Vec<Auth> {
        (0..n).map(|_| self.replica()).collect()
    }

    fn mints(&self) -> usize {
        self.minter.inner.calls()
    }

    fn revoked(&self) -> Vec<(String, RevokeScope)> {
        self.minter.revoked.lock().unwrap().clone()
    }
}

/// Runs a paused-clock test, failing instead of spinning if it gets stuck (a stuck waiter
/// makes Tokio's virtual time race ahead through the fleet's polls and lease renewals).
async fn bounded<F: std::future::Future>(test: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(24 * 3600), test)
        .await
        .expect("stuck: virtual time ran a day ahead")
}

/// Every replica's token, fetched concurrently; returns their shared generations.
async fn all_tokens(replicas: &[Auth]) -> BTreeSet<Option<u64>> {
    let handles: Vec<_> = replicas
        .iter()
        .map(|auth| {
            let auth = auth.clone();
            tokio::spawn(async move { auth.token().await.unwrap().shared_generation() })
        })
        .collect();
    let mut generations = BTreeSet::new();
    for handle in handles {
        generations.insert(handle.await.unwrap());
    }
    generations
}

/// 8 replicas × 200 concurrent callers at cold start: one mint for the fleet.
#[tokio::test(start_paused = true)]
async fn cold_fleet_mints_once() {
    bounded(async {
        let fleet = Fleet::new(false);
        let mut handles = Vec::new();
        for auth in fleet.replicas(8) {
            let (callers, entered) = spawn_callers(&auth, 200);
            settle(&entered, 200).await;
            handles.extend(callers);
        }
        fleet.minter.inner.open();
        let mut generations = BTreeSet::new();
        for handle in handles {
            generations.insert(handle.await.unwrap().unwrap().shared_generation());
        }
        assert_eq!(fleet.mints(), 1);
        assert_eq!(generations, BTreeSet::from([Some(1)]));
    })
    .await;
}

/// Refresh ahead and hard expiry are coordinated the same way: one mint per expiry.
#[tokio::test(start_paused = true)]
async fn one_mint_per_refresh_and_per_expiry() {
    bounded(async {
        let fleet = Fleet::new(true);
        let replicas = fleet.replicas(6);
        assert_eq!(all_tokens(&replicas).await, BTreeSet::from([Some(1)]));
        // lead = 6 min: 55 min in, every replica is in its refresh window.
        tokio::time::advance(Duration::from_secs(55 * 60)).await;
        all_tokens(&replicas).await;
        assert_eq!(fleet.mints(), 2);
        assert_eq!(all_tokens(&replicas).await, BTreeSet::from([Some(2)]));
        tokio::time::advance(HOUR).await;
        assert_eq!(all_tokens(&replicas).await, BTreeSet::from([Some(3)]));
        assert_eq!(fleet.mints(), 3);
    })
    .await;
}

/// A warm call never touches the store; the refresh window does.
#[tokio::test(start_paused = true)]
async fn warm_calls_never_touch_the_store() {
    bounded(async {
        let fleet = Fleet::new(true);
        let auth = fleet.replica();
        auth.token().await.unwrap();
        let ops = fleet.probe.ops();
        for _ in 0..1_000 {
            auth.token().await.unwrap();
        }
        assert_eq!(fleet.probe.ops(), ops);
        tokio::time::advance(Duration::from_secs(55 * 60)).await;
        auth.token().await.unwrap();
        assert!(fleet.probe.ops() > ops);
    })
    .await;
}

/// The lease holder dies mid-mint: its lease lapses, another replica mints, nobody fails.
#[tokio::test(start_paused = true)]
async fn dead_lease_holder_is_taken_over() {
    bounded(async {
        let fleet = Fleet::new(false);
        let (mut holder, _) = spawn_callers(&fleet.replica(), 1);
        fleet.minter.inner.wait_calls(1).await;
        let (waiters, entered) = spawn_callers(&fleet.replica(), 50);
        settle(&entered, 50).await;
        holder.pop().unwrap().abort();
        fleet.minter.inner.open();
        for waiter in waiters {
            assert_eq!(waiter.await.unwrap().unwrap().shared_generation(), Some(2));
        }
        assert_eq!(fleet.mints(), 2, "the dead holder's mint and the take-over");
    })
    .await;
}

/// A slow but live holder renews its lease: the others wait for its token.
#[tokio::test(start_paused = true)]
async fn slow_lease_holder_keeps_its_lease() {
    bounded(async {
        let fleet = Fleet::new(true);
        fleet.minter.inner.set_delay(Some(Duration::from_secs(4)));
        let (holder, _) = spawn_callers(&fleet.replica(), 1);
        fleet.minter.inner.wait_calls(1).await;
        let replicas = fleet.replicas(4);
        let generations = all_tokens(&replicas).await;
        assert_eq!(generations, BTreeSet::from([Some(1)]));
        for handle in holder {
            assert_eq!(handle.await.unwrap().unwrap().shared_generation(), Some(1));
        }
        assert_eq!(fleet.mints(), 1);
    })
    .await;
}

/// Store down: every replica mints locally with a warning, no call fails; store back: shared.
#[tokio::test(start_paused = true)]
async fn store_outage_falls_back_to_local_mints_and_recovers() {
    bounded(async {
        let capture = Capture::start();
        let fleet = Fleet::new(true);
        let replicas = fleet.replicas(4);
        fleet.probe.set_down(true);
        assert_eq!(all_tokens(&replicas).await, BTreeSet::from([None]));
        assert_eq!(fleet.mints(), 4, "at most one per process");
        assert!(
            capture
                .text()
                .contains("token store unavailable; minting locally")
        );
        fleet.probe.set_down(false);
        tokio::time::advance(HOUR).await;
        assert_eq!(all_tokens(&replicas).await, BTreeSet::from([Some(1)]));
        assert_eq!(fleet.mints(), 5, "shared again: one mint");
    })
    .await;
}

/// A waiting replica has the token the moment the lease holder stores it (the store's notice
/// wakes it), not at its next poll; without notices, at a later poll. Virtual time makes
/// "the moment" exact.
#[tokio::test(start_paused = true)]
async fn waiters_wake_when_the_token_is_stored() {
    for notices in [true, false] {
        let lag = bounded(async {
            let fleet = Fleet::hearing(true, notices);
            // An odd delay, off the poll schedule.
            fleet
                .minter
                .inner
                .set_delay(Some(Duration::from_millis(1_003)));
            let holder = fleet.replica();
            let holding = tokio::spawn(async move {
                holder.token().await.unwrap();
                tokio::time::Instant::now()
            });
            fleet.minter.inner.wait_calls(1).await;
            let waiter = fleet.replica();
            assert_eq!(waiter.token().await.unwrap().shared_generation(), Some(1));
            let woke = tokio::time::Instant::now();
            woke - holding.await.unwrap()
        })
        .await;
        match notices {
            true => assert_eq!(lag, Duration::ZERO, "woken by the notice"),
            false => assert!(lag > Duration::ZERO, "found at a later poll"),
        }
    }
}

/// An entry that does not open, met by every poll of 20 replicas waiting for a slow mint:
/// one warning, not one per poll.
#[tokio::test(start_paused = true)]
async fn an_entry_that_does_not_open_warns_once() {
    bounded(async {
        let capture = Capture::start();
        let fleet = Fleet::new(true);
        fleet.probe.garbage.store(true, Ordering::SeqCst);
        fleet.minter.inner.set_delay(Some(Duration::from_secs(2)));
        let replicas = fleet.replicas(20);
        assert_eq!(all_tokens(&replicas).await, BTreeSet::from([Some(1)]));
        assert_eq!(fleet.mints(), 1);
        let text = capture.text();
        assert_eq!(text.matches("does not open").count(), 1, "{text}");
        assert!(
            fleet.probe.ops() > 200,
            "the waiters polled: {}",
            fleet.probe.ops()
        );
    })
    .await;
}

/// `revoke` retires the token in the store; `revoke_all` tombstones the slot so a mint that
/// started before it is not shared; `shutdown` leaves a shared token to the fleet but
/// revokes one only this process holds.
#[tokio::test(start_paused = true)]
async fn revocation_reaches_the_store() {
    bounded(async {
        let fleet = Fleet::new(true);
        let [a, b] = [fleet.replica(), fleet.replica()];
        assert_eq!(
            all_tokens(&[a.clone(), b.clone()]).await,
            BTreeSet::from([Some(1)])
        );
        a.revoke().await.unwrap();
        assert_eq!(fleet.revoked(), [("tok-1".into(), RevokeScope::Token)]);
        let cold = fleet.replica();
        assert_eq!(
            cold.token().await.unwrap().shared_generation(),
            Some(2),
            "not the revoked one"
        );
        let panic_button = fleet.replica();
        assert_eq!(
            panic_button.token().await.unwrap().shared_generation(),
            Some(2)
        );
        assert_eq!(fleet.mints(), 2);

        // `cold` drops gen 2 and starts minting gen 3 (held at the gate) while another replica,
        // still holding gen 2, revokes everything (the mock endpoint takes any bearer).
        cold.revoke().await.unwrap();
        fleet.minter.inner.close();
        let (minting, _) = spawn_callers(&cold, 1);
        fleet.minter.inner.wait_calls(3).await;
        panic_button.revoke_all().await.unwrap();
        assert_eq!(fleet.revoked().last().unwrap().1, RevokeScope::All);
        fleet.minter.inner.open();
        for handle in minting {
            let token = handle.await.unwrap().unwrap();
            assert_eq!(
                token.shared_generation(),
                None,
                "minted before revoke-all: not shared"
            );
        }
        let later = fleet.replica();
        assert_eq!(later.token().await.unwrap().shared_generation(), Some(4));
        assert_eq!(fleet.mints(), 4);

        // Shutdown: a shared token stays, a private one is revoked.
        let before = fleet.revoked().len();
        later.shutdown(Duration::from_secs(1)).await.unwrap();
        assert_eq!(fleet.revoked().len(), before);
        fleet.probe.set_down(true);
        let private = fleet.replica();
        assert_eq!(private.token().await.unwrap().shared_generation(), None);
        private.shutdown(Duration::from_secs(1)).await.unwrap();
        assert_eq!(fleet.revoked().len(), before + 1);
    })
    .await;
}

/// A 401 storm across replicas: one re-mint for the fleet; a slow replica that sees its 401
/// later adopts the fresh token instead of evicting it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn storm_of_401s_across_replicas_remints_once() {
    let (server, _) = api_server(2).await;
    let url = format!("{}/v1/things", server.uri());
    // Not paused: Tokio's clock is the real one here.
    let fleet = Fleet::new(true);
    let replicas = fleet.replicas(4);
    let slow = fleet.replica();
    let mut all = replicas.clone();
    all.push(slow.clone());
    assert_eq!(all_tokens(&all).await, BTreeSet::from([Some(1)]));
    let client = reqwest::Client::new();
    let mut handles = Vec::new();
    for auth in &replicas {
        for i in 0..50u8 {
            let request = authorized(auth, &client, &url, vec![i]).await;
            let (auth, client) = (auth.clone(), client.clone());
            handles.push(tokio::spawn(async move {
                auth.execute(&client, request).await.unwrap().status()
            }));
        }
    }
    for handle in handles {
        assert_eq!(handle.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(fleet.mints(), 2, "one re-mint for the fleet");
    let request = authorized(&slow, &client, &url, vec![0]).await;
    assert_eq!(
        slow.execute(&client, request).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        fleet.replica().token().await.unwrap().shared_generation(),
        Some(2)
    );
    assert_eq!(fleet.mints(), 2, "the slow replica adopted the fresh token");
}

/// A replica minted its own token during a store outage; the store kept an older shared one.
/// When the API refuses the replica's token, the older stored token is not adopted (it
/// predates a refused one): a fresh one is minted and the replay succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_token_older_than_a_refused_one_is_not_adopted() {
    let (server, accept) = api_server(1).await;
    let url = format!("{}/v1/things", server.uri());
    let fleet = Fleet::new(true);
    let shared = fleet.replica();
    assert_eq!(shared.token().await.unwrap().shared_generation(), Some(1));
    fleet.probe.set_down(true);
    let diverged = fleet.replica();
    assert_eq!(diverged.token().await.unwrap().shared_generation(), None);
    fleet.probe.set_down(false);
    tokio::time::sleep(Duration::from_millis(5)).await;

    accept.store(3, Ordering::SeqCst);
    let client = reqwest::Client::new();
    let request = authorized(&diverged, &client, &url, vec![1]).await;
    let response = diverged.execute(&client, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(fleet.mints(), 3, "tok-1 was not adopted: tok-3 minted");
    let token = diverged.token().await.unwrap();
    assert_eq!(token.expose_secret(), "tok-3");
    assert!(token.shared_generation().is_some(), "and shared");
}

/// The stored token is newer than the refused one but refused as well (the API revoked both):
/// the replay with it fails, so the call gets one more replay with a token minted after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_replay_with_an_adopted_token_gets_one_more() {
    let (server, accept) = api_server(1).await;
    let url = format!("{}/v1/things", server.uri());
    let client = reqwest::Client::new();
    let fleet = Fleet::new(true);
    let first = fleet.replica();
    assert_eq!(first.token().await.unwrap().shared_generation(), Some(1));
    fleet.probe.set_down(true);
    let diverged = fleet.replica();
    assert_eq!(diverged.token().await.unwrap().expose_secret(), "tok-2");
    fleet.probe.set_down(false);
    tokio::time::sleep(Duration::from_millis(5)).await;
    // `first` is refused and shares tok-3, issued after the diverged replica's tok-2.
    accept.store(3, Ordering::SeqCst);
    let request = authorized(&first, &client, &url, vec![1]).await;
    assert_eq!(
        first.execute(&client, request).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(fleet.mints(), 3);
    tokio::time::sleep(Duration::from_millis(5)).await;

    // Then the API refuses everything so far: the diverged replica's replay with the adopted
    // tok-3 is refused, and one more replay with tok-4 goes through.
    accept.store(4, Ordering::SeqCst);
    let request = authorized(&diverged, &client, &url, vec![2]).await;
    let response = diverged.execute(&client, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(fleet.mints(), 4);
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|request| request.body == [2])
        .map(|request| {
            request.headers["authorization"]
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(sent, ["Bearer tok-2", "Bearer tok-3", "Bearer tok-4"]);
    assert_eq!(diverged.health(), sdk_auth::Health::Ready, "not paused");
}
