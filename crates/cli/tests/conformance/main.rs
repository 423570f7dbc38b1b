//! Request conformance, the capture half: every operation of every API is sent through the
//! real client code (the built `sdk-cli`, which calls the generated clients with the SDK's
//! auth layer, so the token mints are sent too) to a loopback server that answers with the
//! spec's examples and records every request. Inputs come from the normalised spec: each
//! documented request example, else one built from the schema, plus one request with every
//! parameter and every body member set.
//!
//! The records go to `$SDK_CONFORMANCE_DIR` (default `<target>/tmp/conformance/`) with the
//! specs to check them against; `tests/conformance/validate.py` (run by `.ci/run`) validates
//! each request with a third-party OpenAPI validator. Here we check that every operation
//! was sent and nothing was refused before sending.

mod capture;
mod inputs;

use std::path::PathBuf;

use serde_json::json;

use capture::{Capture, Env};
use inputs::Call;

const APIS: &[&str] = &["bridge", "obi", "origoid"];

fn out_dir() -> PathBuf {
    std::env::var_os("SDK_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("conformance"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_is_sent_and_recorded_for_the_validator() {
    let root = xtask::workspace_root();
    let out = out_dir();
    std::fs::create_dir_all(&out).expect("output directory");
    let mut problems = Vec::new();
    for api in APIS {
        let job = xtask::Job::registered(&root, api).expect("registered API");
        let built = job.build().expect("the spec builds");
        let normalised = out.join(format!("{api}.normalised.json"));
        std::fs::write(
            &normalised,
            serde_json::to_vec_pretty(&built.document).unwrap(),
        )
        .expect("normalised spec written");
        let mut specs = vec![json!({"name": "spec", "path": job.spec})];
        if job.fixes.is_some() {
            specs[0]["name"] = "vendor".into();
            specs.push(json!({"name": "fixed+normalised", "path": normalised}));
        }
        let calls = inputs::calls(api, &built).expect("inputs");
        let capture = Capture::start(&built.document).await;
        let mut records = Vec::new();
        for call in &calls {
            let sent = capture.run(call, &Env::default()).await;
            if let Some(problem) = sent.problem(call) {
                problems.push(format!("{api} {}: {problem}", call.label()));
            }
            records.extend(sent.records);
        }
        // The auth layer's own requests beyond the first mint: OrigoID with Basic credentials
        // and a requested lifetime, Obi's revocations (hand-written commands).
        for (args, env) in inputs::auth_calls(api) {
            let call = Call::command(api, &args);
            let sent = capture.run(&call, &env).await;
            if let Some(problem) = sent.problem(&call) {
                problems.push(format!("{api} {}: {problem}", call.label()));
            }
            records.extend(sent.records);
        }
        let file = out.join(format!("{api}.json"));
        let report = json!({"api": api, "specs": specs, "requests": records});
        std::fs::write(&file, serde_json::to_vec_pretty(&report).unwrap()).expect("written");
        eprintln!(
            "{api}: {} calls, {} requests recorded in {}",
            calls.len(),
            report["requests"].as_array().map_or(0, Vec::len),
            file.display()
        );
    }
    assert!(
        problems.is_empty(),
        "operations not sent as the spec documents them:\n{}",
        problems.join("\n")
    );
}
