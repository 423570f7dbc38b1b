//! The built `sdk-cli` binary against loopback servers (wiremock on 127.0.0.1): exit codes,
//! stdout and stderr as a user sees them.

mod auth;
mod calls;
mod help;
mod pages;
mod refusals;

use std::process::Stdio;

use sdk_testkit::spec_examples::{Mode, Spec, same_json};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt as _;
use wiremock::matchers::{header, method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

/// What one run of the binary left behind.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// The only line of stderr (errors are one line).
    pub fn error_line(&self) -> &str {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line on stderr: {self:?}");
        lines[0]
    }
}

/// Runs `sdk-cli args` with exactly the variables `env` (nothing inherited), feeding `stdin`.
pub async fn sdk_cli(args: &[&str], env: &[(&str, String)], stdin: Option<&str>) -> Run {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_sdk-cli"))
        .args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(text.as_bytes())
            .await
            .expect("stdin written");
    }
    let out = child.wait_with_output().await.expect("the binary ends");
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

pub const OBI_KEY: &str = "obi-key-1";
pub const OBI_SECRET: &str = "obi-secret-1";

/// The environment of the Obi commands, pointed at `server`.
pub fn obi_env(server: &MockServer) -> Vec<(&'static str, String)> {
    vec![
        ("OBI_API_KEY", OBI_KEY.into()),
        ("OBI_API_SECRET", OBI_SECRET.into()),
        ("OBI_URL", server.uri()),
    ]
}

/// Obi's token endpoint answering the documented example with `token`, `mints` times.
pub async fn obi_mint(server: &MockServer, token: &str, mints: u64) {
    obi_mint_for(server, (OBI_KEY, OBI_SECRET), token, mints).await;
}

/// [`obi_mint`] for the credentials `(key, secret)`.
pub async fn obi_mint_for(server: &MockServer, credentials: (&str, &str), token: &str, mints: u64) {
    let mut answer = Spec::load("obi").response_example("create_token", "200", "example");
    answer["token"] = token.into();
    Mock::given(method("POST"))
        .and(path("/v1/auth/token"))
        .and(header("X-API-KEY", credentials.0))
        .and(header("X-API-SECRET", credentials.1))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(mints)
        .mount(server)
        .await;
}

/// A complete quote request (the spec's `withRouteMetadata` example).
pub fn quote_request() -> Value {
    Spec::load("obi").request_example("create_quote", "withRouteMetadata")
}

/// The quote request as member flags.
pub fn quote_flags(request: &Value) -> Vec<String> {
    vec![
        "--pickup".into(),
        request["pickup"].to_string(),
        "--destination".into(),
        request["destination"].to_string(),
        "--distance-km".into(),
        request["distanceKm"].to_string(),
        "--duration-minutes".into(),
        request["durationMinutes"].to_string(),
    ]
}

/// `/v1/quote` answering the documented 200 example to a request with `bearer` and `body`.
pub async fn obi_quote(server: &MockServer, bearer: &str, body: &Value) -> Value {
    let answer = Spec::load("obi").response_example("create_quote", "200", "example");
    Mock::given(method("POST"))
        .and(path("/v1/quote"))
        .and(header("authorization", format!("Bearer {bearer}").as_str()))
        .and(JsonBody(body.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(server)
        .await;
    answer
}

/// Requests `server` received under `prefix`.
pub async fn requests_to(server: &MockServer, prefix: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().starts_with(prefix))
        .collect()
}

/// Runs `args` against a server that records everything (and answers 500), with the
/// environment `env` makes for it; asserts exit code `code`, an empty stdout and that the
/// server received nothing.
pub async fn nothing_sent(
    args: &[&str],
    env: impl Fn(&MockServer) -> Vec<(&'static str, String)>,
    code: i32,
) -> Run {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({})))
        .mount(&server)
        .await;
    let run = sdk_cli(args, &env(&server), None).await;
    assert_eq!(run.code, code, "{args:?}: {run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    let received = server.received_requests().await.unwrap_or_default();
    assert!(
        received.is_empty(),
        "nothing is sent for {args:?}: {received:?}"
    );
    run
}

/// `args` as `&str`s.
pub fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// Matches a JSON body equal to this one as the generated types encode it (`45` = `45.0`,
/// absent = `null`).
pub struct JsonBody(pub Value);

impl Match for JsonBody {
    fn matches(&self, request: &Request) -> bool {
        serde_json::from_slice::<Value>(&request.body)
            .is_ok_and(|sent| same_json("", &self.0, &sent, Mode::EmptyIsAbsent).is_ok())
    }
}
