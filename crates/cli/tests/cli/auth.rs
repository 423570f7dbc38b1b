//! Tokens through `sdk-auth`: mint failures (exit 3 with the kind), missing credentials,
//! `token`, `revoke`, and secrets that never reach stdout or stderr, even with `--verbose`.

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

#[tokio::test]
async fn a_mint_failure_exits_3_with_the_auth_kind_and_sends_no_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"result": "unauthorized"})))
        .mount(&server)
        .await;
    let run = sdk_cli(&["obi", "get-customer"], &obi_env(&server), None).await;
    assert_eq!(run.code, 3, "{run:?}");
    let line = run.error_line();
    assert!(line.starts_with("error: auth failure"), "{line}");
    assert!(
        !line.contains(OBI_SECRET) && !line.contains(OBI_KEY),
        "{line}"
    );
    assert!(requests_to(&server, "/v1/customer").await.is_empty());
}

#[tokio::test]
async fn missing_credentials_exit_3_naming_the_variable() {
    let env = |server: &MockServer| vec![("OBI_URL", server.uri())];
    let run = nothing_sent(&["obi", "get-customer"], env, 3).await;
    assert!(run.error_line().contains("OBI_API_KEY"), "{run:?}");
}

#[tokio::test]
async fn token_prints_lifetime_and_source_and_the_token_only_when_asked() {
    let server = MockServer::start().await;
    obi_mint(&server, "obi-token-shown", 2).await;
    let run = sdk_cli(&["obi", "token"], &obi_env(&server), None).await;
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    assert_eq!(out["lifetime_seconds"], 86400, "the documented ttlSeconds");
    assert_eq!(out["lifetime_source"], "relative-ttl");
    assert_eq!(out["jti"], "48e86a73-9e90-4c50-a634-a6f7ab47e583");
    assert!(out.get("token").is_none());
    assert!(!run.stdout.contains("obi-token-shown") && !run.stderr.contains("obi-token-shown"));

    let run = sdk_cli(&["obi", "token", "--show-token"], &obi_env(&server), None).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["token"], "obi-token-shown");
}

#[tokio::test]
async fn revoke_all_mints_then_revokes_every_token_with_the_bearer() {
    let server = MockServer::start().await;
    obi_mint(&server, "obi-token-rv", 1).await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/revoke"))
        .and(header("authorization", "Bearer obi-token-rv"))
        .and(body_json(json!({"all": true})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let run = sdk_cli(&["obi", "revoke", "--all"], &obi_env(&server), None).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json(), json!({"api": "obi", "revoked": "all"}));
    server.verify().await;
}

#[tokio::test]
async fn revoke_one_token_by_jti() {
    let server = MockServer::start().await;
    obi_mint(&server, "obi-token-j", 1).await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/revoke"))
        .and(body_json(json!({"jti": "jti-1"})))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let run = sdk_cli(
        &["obi", "revoke", "--jti", "jti-1"],
        &obi_env(&server),
        None,
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    server.verify().await;
}

/// Canaries in every secret: the API key and secret, and the token the server mints.
#[tokio::test]
async fn verbose_shows_request_lines_and_never_a_secret() {
    let (key, secret, token) = (
        "canary-key-7f3a91",
        "canary-secret-9b1c27",
        "canary-token-5d2e84",
    );
    let server = MockServer::start().await;
    obi_mint_for(&server, (key, secret), token, 1).await;
    let request = quote_request();
    obi_quote(&server, token, &request).await;
    let env = [
        ("OBI_API_KEY", key.to_owned()),
        ("OBI_API_SECRET", secret.to_owned()),
        ("OBI_URL", server.uri()),
    ];
    let mut args = vec!["--verbose".to_owned(), "obi".into(), "create-quote".into()];
    args.extend(quote_flags(&request));
    let run = sdk_cli(&strs(&args), &env, None).await;
    assert_eq!(run.code, 0, "{run:?}");
    for canary in [key, secret, token, "canary"] {
        assert!(
            !run.stdout.contains(canary),
            "stdout shows {canary}: {run:?}"
        );
        assert!(
            !run.stderr.contains(canary),
            "stderr shows {canary}: {run:?}"
        );
    }
    let uri = server.uri();
    for line in [
        format!("> POST {uri}/v1/auth/token"),
        ">   (credentials not shown)".to_owned(),
        format!("> POST {uri}/v1/quote"),
        ">   authorization: Bearer [redacted]".to_owned(),
        "< 200 OK".to_owned(),
    ] {
        assert!(
            run.stderr.lines().any(|l| l == line),
            "missing `{line}` in:\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("* token minted"), "{}", run.stderr);

    // A failing mint and a failing call, verbose too.
    let failing = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/token"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({"result": "account-blocked"})),
        )
        .mount(&failing)
        .await;
    let env = [
        ("OBI_API_KEY", key.to_owned()),
        ("OBI_API_SECRET", secret.to_owned()),
        ("OBI_URL", failing.uri()),
    ];
    let run = sdk_cli(&["-v", "obi", "get-customer"], &env, None).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        !run.stderr.contains("canary") && !run.stdout.contains("canary"),
        "{run:?}"
    );
}
