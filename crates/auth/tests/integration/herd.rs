//! Single flight: herds, the soft window, cancellation, outages and steady state.

use std::time::{Duration, Instant};

use sdk_auth::{Auth, AuthError, AuthOptions, Clock, Jitter, ManualClock};

use crate::common::{GatedMinter, HOUR, options, settle, spawn_callers};

const SIZES: [usize; 5] = [2, 10, 100, 1_000, 10_000];

/// T2: N concurrent callers at cold start → exactly one mint, one generation.
#[tokio::test(flavor = "multi_thread", worker_threads = 16)]
async fn herd_at_cold_start_mints_once() {
    for n in SIZES {
        let clock = ManualClock::new();
        let minter = GatedMinter::new(HOUR, false);
        let auth = Auth::from_minter(minter.clone(), options(&clock));
        let (handles, entered) = spawn_callers(&auth, n);
        settle(&entered, n).await;
        minter.open();
        for handle in handles {
            assert_eq!(handle.await.unwrap().unwrap().generation(), 1);
        }
        assert_eq!(minter.calls(), 1, "N = {n}");
    }
}

/// T2: N concurrent callers at hard expiry → exactly one more mint.
#[tokio::test(flavor = "multi_thread", worker_threads = 16)]
async fn herd_at_hard_expiry_mints_once() {
    for n in SIZES {
        let clock = ManualClock::new();
        let minter = GatedMinter::new(HOUR, true);
        let auth = Auth::from_minter(minter.clone(), options(&clock));
        assert_eq!(auth.token().await.unwrap().generation(), 1);
        minter.close();
        clock.advance(HOUR);
        let (handles, entered) = spawn_callers(&auth, n);
        settle(&entered, n).await;
        minter.open();
        for handle in handles {
            assert_eq!(handle.await.unwrap().unwrap().generation(), 2);
        }
        assert_eq!(minter.calls(), 2, "N = {n}");
    }
}

/// T3: inside the refresh window only the caller that triggers the refresh waits; the other
/// 999 keep using the old token.
#[tokio::test(flavor = "multi_thread", worker_threads = 16)]
async fn soft_window_refresh_blocks_only_the_trigger() {
    let clock = ManualClock::new();
    let minter = GatedMinter::new(HOUR, true);
    let auth = Auth::from_minter(minter.clone(), options(&clock));
    auth.token().await.unwrap();
    // lead = max(30 s, 10 % of 1 h) = 6 min; 55 min is inside the window.
    clock.advance(Duration::from_secs(55 * 60));
    minter.set_delay(Some(Duration::from_millis(200)));
    let handles: Vec<_> = (0..1_000)
        .map(|_| {
            let auth = auth.clone();
            tokio::spawn(async move {
                let start = Instant::now();
                let token = auth.token().await.unwrap();
                (token.generation(), start.elapsed())
            })
        })
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.unwrap());
    }
    let slow: Vec<_> = results
        .iter()
        .filter(|(_, t)| *t >= Duration::from_millis(150))
        .collect();
    assert_eq!(slow.len(), 1, "only the trigger waits");
    assert_eq!(slow[0].0, 2, "the trigger gets the new token");
    let mut fast: Vec<Duration> = results
        .iter()
        .filter(|(_, t)| *t < Duration::from_millis(150))
        .map(|(generation, t)| {
            assert_eq!(*generation, 1, "others use the old token");
            *t
        })
        .collect();
    fast.sort();
    let p99 = fast[fast.len() * 99 / 100];
    eprintln!("soft window: p99 latency of the 999 non-triggering callers = {p99:?}");
    assert!(p99 < Duration::from_millis(50), "p99 {p99:?}");
    assert_eq!(minter.calls(), 2);
    assert_eq!(auth.token().await.unwrap().generation(), 2);
}

/// T7: dropping the caller that started a mint does not strand the others; dropping every
/// caller leaves nothing stuck and the next caller mints again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancelled_leader_hands_over_and_nothing_sticks() {
    let clock = ManualClock::new();
    let minter = GatedMinter::new(HOUR, false);
    let auth = Auth::from_minter(minter.clone(), options(&clock));
    let (mut leader, _) = spawn_callers(&auth, 1);
    minter.wait_calls(1).await;
    let (followers, entered) = spawn_callers(&auth, 10);
    settle(&entered, 10).await;
    let leader = leader.pop().unwrap();
    leader.abort();
    assert!(leader.await.unwrap_err().is_cancelled());
    minter.open();
    for follower in followers {
        assert_eq!(follower.await.unwrap().unwrap().generation(), 1);
    }
    assert_eq!(minter.calls(), 1);

    // Everyone gives up: the mint is dropped with them.
    let minter = GatedMinter::new(HOUR, false);
    let auth = Auth::from_minter(minter.clone(), options(&clock));
    let (callers, entered) = spawn_callers(&auth, 5);
    settle(&entered, 5).await;
    minter.wait_calls(1).await;
    for caller in callers {
        caller.abort();
        let _ = caller.await;
    }
    minter.open();
    let token = tokio::time::timeout(Duration::from_secs(5), auth.token())
        .await
        .expect("not stuck")
        .unwrap();
    assert_eq!(token.generation(), 1);
    assert_eq!(minter.calls(), 2);
}

/// T8: the token endpoint fails for 10 minutes (manual time, 1 000 calls/s) while the token
/// is in its refresh window: calls succeed until hard expiry, mint attempts are spaced by
/// backoff, errors after expiry are transient, and service recovers by itself.
#[tokio::test(flavor = "current_thread")]
async fn outage_in_refresh_window_keeps_old_token_and_backs_off() {
    let clock = ManualClock::new();
    let minter = GatedMinter::timed(HOUR, &clock);
    let auth = Auth::from_minter(minter.clone(), options(&clock));
    auth.token().await.unwrap();
    let soft = Duration::from_secs(54 * 60);
    let hard = HOUR - Duration::from_secs(5);
    clock.advance(soft);
    minter.set_failure(Some(AuthError::Transient("HTTP 503".into())));
    let outage_end = soft + Duration::from_secs(600);
    let (mut ok, mut transient) = (0, 0);
    while clock.elapsed() < outage_end {
        clock.advance(Duration::from_millis(1));
        match auth.token().await {
            Ok(token) => {
                assert!(clock.elapsed() < hard, "no token after hard expiry");
                assert_eq!(token.generation(), 1);
                ok += 1;
            }
            Err(error) => {
                assert!(
                    clock.elapsed() >= hard - Duration::from_secs(1),
                    "error before expiry: {error}"
                );
                assert!(error.is_transient(), "{error}");
                transient += 1;
            }
        }
    }
    let times = minter.call_times();
    let attempts = times.len() - 1;
    eprintln!("outage: {ok} ok, {transient} transient errors, {attempts} mint attempts in 10 min");
    // 3 attempts per mint; pauses 1, 2, 4 … 60 s between mints → about 16 mints.
    assert!(attempts <= 60, "{attempts} attempts");
    for pair in times[1..].windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(200),
            "attempts too close: {pair:?}"
        );
    }
    minter.set_failure(None);
    let recovered_at = clock.elapsed();
    let token = loop {
        if let Ok(token) = auth.token().await {
            break token;
        }
        clock.advance(Duration::from_secs(1));
        assert!(
            clock.elapsed() - recovered_at <= Duration::from_secs(61),
            "no recovery"
        );
    };
    assert_eq!(token.generation(), 2);
}

/// T12: 24 h of manual time, 100 processes that minted at the same instant with random
/// jitter: each mints ⌈24 h / (lifetime − lead)⌉ ± 1 times, and refreshes are spread out.
#[tokio::test(flavor = "current_thread")]
async fn steady_state_over_a_day() {
    let clock = ManualClock::new();
    let processes: Vec<_> = (0..100)
        .map(|_| {
            let minter = GatedMinter::new(HOUR, true);
            let options = AuthOptions::default()
                .clock(clock.clone())
                .jitter(Jitter::Random);
            (Auth::from_minter(minter.clone(), options), minter)
        })
        .collect();
    let mut first_refresh = Vec::new();
    for (auth, _) in &processes {
        let token = auth.token().await.unwrap();
        first_refresh.push(token.refresh_at() - clock.now());
    }
    let step = Duration::from_secs(5);
    while clock.elapsed() < Duration::from_secs(24 * 3600) {
        clock.advance(step);
        for (auth, _) in &processes {
            auth.token().await.unwrap();
        }
    }
    // lifetime − lead with the mean jitter (a quarter of the 6 min lead cut off).
    let expected = (86_400.0_f64 / (3600.0 - 360.0 * 0.75)).ceil() as i64;
    for (i, (_, minter)) in processes.iter().enumerate() {
        let mints = minter.calls() as i64;
        assert!(
            (mints - expected).abs() <= 1,
            "process {i}: {mints} mints, expected {expected} ± 1"
        );
    }
    let spread = first_refresh.iter().max().unwrap().as_secs_f64()
        - first_refresh.iter().min().unwrap().as_secs_f64();
    eprintln!("steady state: first refreshes spread over {spread:.0} s (jitter range 180 s)");
    assert!(spread >= 150.0, "spread {spread}");
}
