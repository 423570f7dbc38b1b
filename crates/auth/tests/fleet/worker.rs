//! One replica of a fleet, for the multi-process token-store tests (`main.rs`, which runs
//! this instead of the tests when [`ROLE`] is set):
//! an Obi `Auth` sharing its token through Redis, configured only from the environment
//! (`OBI_URL`, `OBI_API_KEY`, `OBI_API_SECRET`, `SDK_TOKEN_STORE_URL`, `SDK_TOKEN_STORE_KEY`,
//! `SDK_TOKEN_STORE_TIMEOUT_MS`; `FLEET_TASKS`: concurrent tasks per command, default 200).
//!
//! Reads one command per line from stdin and answers each with one line
//! `done ok=<n> failed=<n> generations=<g>,<g>…` (shared generations seen; `-` for a token
//! not shared). It prints `minting` whenever it starts a mint, so the driver can find (and
//! kill) the lease holder.
//! - `tokens`: `FLEET_TASKS` concurrent `Auth::token` calls;
//! - `calls <url>`: `FLEET_TASKS` concurrent GETs of `<url>` through `Auth::execute`
//!   (401 → re-mint → replay), each sent with the replica's index in the `x-sender` header;
//! - `call <url>`: one such GET;
//! - `revoke-all`: `Auth::revoke_all`;
//! - `check`: waits (up to 10 s) until the store answers.

use std::collections::BTreeSet;
use std::error::Error;
use std::time::{Duration, Instant};

use sdk_auth::store::Fingerprint;
use sdk_auth::{
    AccessToken, Auth, AuthError, AuthOptions, BoxFuture, Jitter, MintedToken, Minter, MinterInfo,
    ObiConfig, ObiMinter, RevokeScope, SharedStore,
};
use tokio::io::{AsyncBufReadExt, BufReader};

/// The real Obi minter, announcing each mint on stdout.
#[derive(Debug)]
struct Announced(ObiMinter);

impl Minter for Announced {
    fn info(&self) -> MinterInfo {
        self.0.info()
    }
    fn identify(&self, fingerprint: &mut Fingerprint) -> bool {
        self.0.identify(fingerprint)
    }
    fn mint(&self) -> BoxFuture<'_, Result<MintedToken, AuthError>> {
        println!("minting");
        self.0.mint()
    }
    fn supports_revocation(&self) -> bool {
        true
    }
    fn revoke<'a>(
        &'a self,
        bearer: &'a AccessToken,
        scope: RevokeScope,
    ) -> BoxFuture<'a, Result<(), AuthError>> {
        self.0.revoke(bearer, scope)
    }
}

/// Set in a replica's environment: run as one replica, not as the tests.
pub const ROLE: &str = "SDK_FLEET_WORKER";
/// The replica's index in its fleet, sent in the `x-sender` header of its calls.
pub const INDEX: &str = "SDK_FLEET_INDEX";

/// Runs one replica until stdin closes.
pub fn main() -> std::process::ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    match runtime.map(|runtime| runtime.block_on(replica())) {
        Ok(Ok(())) => std::process::ExitCode::SUCCESS,
        Ok(Err(error)) => {
            eprintln!("fleet replica failed: {error}");
            std::process::ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("fleet replica has no runtime: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn replica() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let store = SharedStore::from_process_env()?.ok_or("SDK_TOKEN_STORE_URL is not set")?;
    let options = AuthOptions::default()
        .jitter(Jitter::None)
        .token_store(store.clone());
    let minter = ObiMinter::new(&ObiConfig::from_process_env()?.options(options.clone()))?;
    let auth = Auth::from_minter(Announced(minter), options);
    let tasks = std::env::var("FLEET_TASKS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(200);
    let client = reqwest::Client::new();
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    while let Some(line) = lines.next_line().await? {
        let words: Vec<&str> = line.split_whitespace().collect();
        let outcomes = match words.as_slice() {
            ["tokens"] => round(tasks, &auth, None).await,
            ["calls", url] => round(tasks, &auth, Some((&client, url))).await,
            ["call", url] => round(1, &auth, Some((&client, url))).await,
            ["revoke-all"] => vec![
                auth.revoke_all()
                    .await
                    .map(|()| None)
                    .map_err(|e| e.to_string()),
            ],
            ["check"] => vec![check(&store).await],
            _ => vec![Err(format!("unknown command {line:?}"))],
        };
        report(&outcomes);
    }
    Ok(())
}

type Outcome = Result<Option<u64>, String>;

/// `tasks` concurrent token requests or API calls; each yields the shared generation it used.
async fn round(tasks: usize, auth: &Auth, call: Option<(&reqwest::Client, &str)>) -> Vec<Outcome> {
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let auth = auth.clone();
            let call = call.map(|(client, url)| (client.clone(), url.to_owned()));
            tokio::spawn(async move {
                if let Some((client, url)) = call {
                    let sender = std::env::var(INDEX).unwrap_or_default();
                    let request = client
                        .get(&url)
                        .header(sdk_testkit::rate_limit::SENDER, sender)
                        .build()
                        .map_err(|e| e.to_string())?;
                    let status = auth
                        .execute(&client, request)
                        .await
                        .map_err(|e| e.to_string())?
                        .status();
                    if !status.is_success() {
                        return Err(format!("status {status}"));
                    }
                }
                let token = auth.token().await.map_err(|e| e.to_string())?;
                Ok(token.shared_generation())
            })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(tasks);
    for handle in handles {
        outcomes.push(handle.await.map_err(|e| e.to_string()).and_then(|o| o));
    }
    outcomes
}

async fn check(store: &SharedStore) -> Outcome {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match store.check().await {
            Ok(()) => return Ok(None),
            Err(error) if Instant::now() > deadline => return Err(error.to_string()),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

fn report(outcomes: &[Outcome]) {
    let failed: Vec<&String> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    for error in failed.iter().take(3) {
        eprintln!("fleet-worker: {error}");
    }
    let generations: BTreeSet<String> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().ok())
        .map(|g| g.map_or("-".into(), |g| g.to_string()))
        .collect();
    let generations: Vec<String> = generations.into_iter().collect();
    println!(
        "done ok={} failed={} generations={}",
        outcomes.len() - failed.len(),
        failed.len(),
        generations.join(",")
    );
}
