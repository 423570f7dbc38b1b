//! The loopback server (wiremock on 127.0.0.1): answers every documented operation with the
//! spec's success example (so token mints succeed) and records what arrived, per run.

use std::process::Stdio;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};
use xtask::examples::{self, Answer};

use crate::inputs::Call;

/// Credentials and base URLs for every API; `with`/`without` change them for one run.
#[derive(Clone, Debug)]
pub struct Env(Vec<(String, String)>);

impl Default for Env {
    fn default() -> Self {
        let pairs = [
            ("BRIDGE_BAAS_KEY_ID", "baas-key-1"),
            ("BRIDGE_BAAS_SECRET", "baas-secret-1"),
            ("BRIDGE_COLLECTIONS_KEY_ID", "collections-key-1"),
            ("BRIDGE_COLLECTIONS_SECRET", "collections-secret-1"),
            ("ORIGOID_API_KEY", "origoid-key-1"),
            ("OBI_API_KEY", "pgw_obi-key-1"),
            ("OBI_API_SECRET", "obi-secret-1"),
        ];
        Env(pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect())
    }
}

impl Env {
    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.0.push((key.into(), value.into()));
        self
    }

    pub fn without(mut self, key: &str) -> Self {
        self.0.retain(|(k, _)| k != key);
        self
    }
}

/// One API's server.
pub struct Capture {
    server: MockServer,
    /// Base URL handed to the SDK: the server and the path of the spec's first server.
    base: String,
    base_path: String,
    /// Answered once, to the first request of the operation, instead of its example.
    fault: Arc<Mutex<Option<Fault>>>,
}

/// Method, path template and the status to answer with.
type Fault = (String, String, u16);

/// What one run sent.
pub struct Sent {
    code: i32,
    stderr: String,
    pub records: Vec<Value>,
}

impl Capture {
    pub async fn start(doc: &Value) -> Self {
        let server = MockServer::start().await;
        let base_path = server_path(doc);
        let routes = Arc::new(routes(doc));
        let prefix = base_path.clone();
        let fault = Arc::new(Mutex::new(None::<Fault>));
        let pending = Arc::clone(&fault);
        Mock::given(any())
            .respond_with(move |request: &Request| {
                let path = request.url.path();
                let path = path.strip_prefix(prefix.as_str()).unwrap_or(path);
                let mut pending = pending.lock().unwrap();
                let hit = pending
                    .as_ref()
                    .is_some_and(|(m, t, _)| m == request.method.as_str() && matches(t, path));
                match pending.take_if(|_| hit) {
                    Some((_, _, status)) => ResponseTemplate::new(status),
                    None => answer(&routes, path, request),
                }
            })
            .mount(&server)
            .await;
        let base = format!("{}{base_path}", server.uri());
        Capture {
            server,
            base,
            base_path,
            fault,
        }
    }

    /// Runs `sdk-cli` for `call` and returns the requests it sent.
    pub async fn run(&self, call: &Call, env: &Env) -> Sent {
        let before = self.received().await.len();
        *self.fault.lock().unwrap() = call
            .fault
            .and_then(|status| Some((call.target.clone()?.0, call.target.clone()?.1, status)));
        let urls = [
            "BRIDGE_BAAS_URL",
            "BRIDGE_COLLECTIONS_URL",
            "ORIGOID_URL",
            "OBI_URL",
        ];
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_sdk-cli"))
            .args(&call.args)
            .env_clear()
            .envs(env.0.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .envs(urls.iter().map(|u| (*u, self.base.as_str())))
            .stdin(Stdio::null())
            .output()
            .await
            .expect("sdk-cli runs");
        let records = self.received().await[before..]
            .iter()
            .map(|r| self.record(call, r))
            .collect();
        Sent {
            code: out.status.code().unwrap_or(-1),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            records,
        }
    }

    async fn received(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    fn record(&self, call: &Call, request: &Request) -> Value {
        let path = request.url.path();
        // The operation's own request (not a token mint) carries the inputs to compare.
        let own = call.targets(
            request.method.as_str(),
            path.strip_prefix(&self.base_path).unwrap_or(path),
        );
        let headers: Vec<(String, String)> = request
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        json!({
            "call": call.label(),
            "args": call.args,
            "params": if own { call.params.clone() } else { Vec::new() },
            "template": if own { call.target.as_ref().map(|(_, t)| t.clone()) } else { None },
            "method": request.method.as_str(),
            "path": path.strip_prefix(&self.base_path).unwrap_or(path),
            "query": request.url.query().unwrap_or(""),
            "headers": headers,
            "body": String::from_utf8_lossy(&request.body),
        })
    }
}

impl Sent {
    /// Why this run does not count as the operation sent: refused or failed before the
    /// operation's request reached the server.
    pub fn problem(&self, call: &Call) -> Option<String> {
        let reached = match &call.target {
            Some(_) => self.records.iter().any(|r| {
                call.targets(
                    r["method"].as_str().unwrap_or(""),
                    r["path"].as_str().unwrap_or(""),
                )
            }),
            None => !self.records.is_empty(),
        };
        if reached && self.code == 0 {
            return None;
        }
        Some(format!(
            "exit {} ({} requests sent): {} — args {:?}",
            self.code,
            self.records.len(),
            self.stderr.trim(),
            call.args
        ))
    }
}

/// Method, path template and documented answer of every operation (token endpoints included).
fn routes(doc: &Value) -> Vec<(String, String, Option<Answer>)> {
    xtask::walk::operations(doc)
        .into_iter()
        .map(|op| {
            let operation = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
            (
                op.method.to_uppercase(),
                op.path,
                examples::success(doc, operation),
            )
        })
        .collect()
}

/// The documented answer of the operation at `path` (below the base URL).
fn answer(
    routes: &[(String, String, Option<Answer>)],
    path: &str,
    request: &Request,
) -> ResponseTemplate {
    let found = routes
        .iter()
        .find(|(m, t, _)| m == request.method.as_str() && matches(t, path));
    match found {
        Some((_, _, Some(answer))) => {
            let template = ResponseTemplate::new(answer.status);
            match &answer.body {
                Some(body) => match &body.value {
                    Value::String(text) if !body.media_type.contains("json") => {
                        template.set_body_raw(text.clone().into_bytes(), &body.media_type)
                    }
                    value => {
                        template.set_body_raw(value.to_string().into_bytes(), &body.media_type)
                    }
                },
                None => template,
            }
        }
        _ => ResponseTemplate::new(404),
    }
}

/// Whether `path` fits the template (`{name}` matches one segment).
pub fn matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

/// The path of the document's first server URL (`https://{host}/api` → `/api`).
fn server_path(doc: &Value) -> String {
    let url = doc
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .unwrap_or("");
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or(String::new(), |i| {
        rest[i..].trim_end_matches('/').to_owned()
    })
}
