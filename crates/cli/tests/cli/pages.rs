//! `--all` on a paginated operation (Bridge's `list-collection-transactions`): every item of
//! every page as one JSON line; a failed page ends the list after the items already printed,
//! with the usual one-line error and exit code. Operations that are not paginated have no
//! `--all`.

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

/// A Collections gateway on loopback that mints tokens, and the environment pointing at it.
async fn gateway() -> (MockServer, Vec<(&'static str, String)>) {
    let server = MockServer::start().await;
    assert!(server.address().ip().is_loopback());
    Mock::given(method("POST"))
        .and(path("/api/generate-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "bridge-token-p"})))
        .mount(&server)
        .await;
    let env = collections_env(&server);
    (server, env)
}

fn collections_env(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("BRIDGE_COLLECTIONS_KEY_ID", "collections-key".to_owned()),
        ("BRIDGE_COLLECTIONS_SECRET", "collections-secret".to_owned()),
        ("BRIDGE_COLLECTIONS_URL", format!("{}/api", server.uri())),
    ]
}

/// Page `n` of 3, with two transactions `p<n>-0`, `p<n>-1`.
fn page(n: u32) -> Value {
    let data: Vec<Value> = (0..2)
        .map(|i| json!({"transactionId": format!("p{n}-{i}"), "status": "SUCCESS"}))
        .collect();
    json!({"data": data, "page": n, "limit": 2, "total": 6, "totalPages": 3})
}

/// Answers the request for page `n` (with `limit=2`) with `response`, exactly `times` times.
async fn answer(server: &MockServer, n: u32, response: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path("/api/collection/transactions"))
        .and(query_param("page", n.to_string()))
        .and(query_param("limit", "2"))
        .respond_with(response)
        .expect(times)
        .mount(server)
        .await;
}

/// The `transactionId` of each stdout line, each of which must be one JSON object.
fn ids(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .map(|line| {
            let item: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not one JSON value per line ({e}): {line:?}"));
            item["transactionId"].as_str().expect("an id").to_owned()
        })
        .collect()
}

const ALL: [&str; 5] = [
    "bridge",
    "list-collection-transactions",
    "--limit",
    "2",
    "--all",
];

#[tokio::test]
async fn all_prints_every_item_of_every_page_as_json_lines() {
    let (server, env) = gateway().await;
    for n in 1..=3 {
        answer(
            &server,
            n,
            ResponseTemplate::new(200).set_body_json(page(n)),
            1,
        )
        .await;
    }
    let run = sdk_cli(&ALL, &env, None).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        ids(&run),
        ["p1-0", "p1-1", "p2-0", "p2-1", "p3-0", "p3-1"],
        "{run:?}"
    );
    assert!(run.stderr.is_empty(), "{run:?}");
    server.verify().await;
}

#[tokio::test]
async fn items_are_printed_as_their_page_arrives() {
    use tokio::io::AsyncBufReadExt as _;

    let (server, env) = gateway().await;
    let slow = std::time::Duration::from_secs(5);
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(page(1)),
        1,
    )
    .await;
    let late = ResponseTemplate::new(200)
        .set_body_json(page(2))
        .set_delay(slow);
    answer(&server, 2, late, 1).await;
    answer(
        &server,
        3,
        ResponseTemplate::new(200).set_body_json(page(3)),
        1,
    )
    .await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_sdk-cli"))
        .args(ALL)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the binary starts");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let start = std::time::Instant::now();
    for expected in ["p1-0", "p1-1"] {
        let line = lines.next_line().await.expect("readable").expect("a line");
        assert!(line.contains(expected), "{line}");
    }
    assert!(
        start.elapsed() < slow,
        "page 1's items came only after page 2 ({:?})",
        start.elapsed()
    );
    let mut rest = Vec::new();
    while let Some(line) = lines.next_line().await.expect("readable") {
        rest.push(line);
    }
    assert_eq!(rest.len(), 4, "{rest:?}");
    assert!(child.wait().await.expect("ends").success());
    server.verify().await;
}

#[tokio::test]
async fn a_failed_page_ends_the_list_after_the_items_already_printed() {
    let (server, env) = gateway().await;
    answer(
        &server,
        1,
        ResponseTemplate::new(200).set_body_json(page(1)),
        1,
    )
    .await;
    let refusal = json!({"code": "INVALID_PAGE", "message": "page out of range"});
    answer(
        &server,
        2,
        ResponseTemplate::new(400).set_body_json(refusal),
        1,
    )
    .await;
    answer(
        &server,
        3,
        ResponseTemplate::new(200).set_body_json(page(3)),
        0,
    )
    .await;
    let run = sdk_cli(&ALL, &env, None).await;
    assert_eq!(run.code, 1, "an API error: {run:?}");
    assert_eq!(ids(&run), ["p1-0", "p1-1"], "{run:?}");
    let error = run.error_line();
    assert!(error.starts_with("error: rejected (HTTP 400"), "{error}");
    assert!(error.contains("page out of range"), "{error}");
    server.verify().await;
}

#[tokio::test]
async fn without_all_one_page_is_printed_whole() {
    let (server, env) = gateway().await;
    answer(
        &server,
        2,
        ResponseTemplate::new(200).set_body_json(page(2)),
        1,
    )
    .await;
    let args = [
        "bridge",
        "list-collection-transactions",
        "--limit",
        "2",
        "--page",
        "2",
    ];
    let run = sdk_cli(&args, &env, None).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["totalPages"], 3, "{run:?}");
    server.verify().await;
}

#[tokio::test]
async fn all_is_refused_with_a_page_and_on_operations_that_are_not_paginated() {
    let run = nothing_sent(
        &[
            "bridge",
            "list-collection-transactions",
            "--all",
            "--page",
            "2",
        ],
        collections_env,
        2,
    )
    .await;
    assert!(run.error_line().contains("--page"), "{run:?}");
    for args in [
        &[
            "bridge",
            "get-collection-status",
            "--transaction-id",
            "T",
            "--fsp-id",
            "F",
            "--all",
        ][..],
        &["obi", "create-quote", "--all"][..],
    ] {
        let run = nothing_sent(args, collections_env, 2).await;
        assert!(
            run.error_line().contains("unexpected argument '--all'"),
            "{args:?}: {run:?}"
        );
    }
}
