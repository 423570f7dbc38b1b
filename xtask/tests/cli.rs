//! The `xtask` binary's exit codes and messages.

use std::path::Path;
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn unknown_commands_and_flags_are_usage_errors() {
    let out = xtask(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("frobnicate"), "{}", stderr(&out));

    for args in [
        &["generate", "--spec"][..],
        &["generate", "--out", "x"],
        &["generate", "--spec", "a.yaml", "--out", "x", "--frob"],
        &["bench", "many"],
    ] {
        let out = xtask(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("error"), "{args:?}: {}", stderr(&out));
    }
    let out = xtask(&[]);
    assert_eq!(out.status.code(), Some(2), "no command: usage");
    assert!(stderr(&out).contains("Usage: cargo xtask <COMMAND>"));
}

#[test]
fn every_command_has_help() {
    for command in [
        "regen",
        "check",
        "lint",
        "generate",
        "bench",
        "corpus",
        "corpus-fetch",
    ] {
        let out = xtask(&[command, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage: cargo xtask"), "{command}: {text}");
    }
    let text = String::from_utf8_lossy(&xtask(&["generate", "--help"]).stdout).into_owned();
    assert!(
        text.contains("--strict") && text.contains("--spec <FILE>"),
        "{text}"
    );
    assert_eq!(xtask(&["--help"]).status.code(), Some(0));
}

#[test]
fn strict_generation_refuses_what_it_would_otherwise_degrade() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-strict");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("s.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: S, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      parameters: [{name: s, in: cookie, required: true, schema: {type: string}}]\n      responses: {'204': {description: ok}}\n  /b:\n    get:\n      operationId: b\n      responses: {'204': {description: ok}}\n",
    )
    .unwrap();
    let lenient = dir.join("lenient");
    let out = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        lenient.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning[operation-omitted]")
            && stderr(&out).contains("1 operation(s) left out"),
        "{}",
        stderr(&out)
    );
    let lib = std::fs::read_to_string(lenient.join("src/lib.rs")).unwrap();
    assert!(lib.contains("pub fn b(") && !lib.contains("pub fn a("));

    let strict = dir.join("strict");
    let out = xtask(&[
        "generate",
        "--strict",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        strict.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error[cookie-parameter]"),
        "{}",
        stderr(&out)
    );
    assert!(!strict.exists(), "nothing written");
}

#[test]
fn generate_reports_a_missing_spec_and_writes_nothing() {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-missing");
    let _ = std::fs::remove_dir_all(&out_dir);
    let out = xtask(&[
        "generate",
        "--spec",
        "no/such/spec.yaml",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("error[read-file]") && err.contains("no/such/spec.yaml"),
        "{err}"
    );
    assert!(!out_dir.exists());
}

#[test]
fn generate_writes_a_crate_for_a_spec_outside_the_workspace() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-generate");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("tiny.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.1.0\ninfo: {title: Tiny, version: '1'}\npaths:\n  /ping:\n    get:\n      responses: {'204': {description: pong}}\n",
    )
    .unwrap();
    let out_dir = dir.join("out");
    let out = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = std::fs::read_to_string(out_dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"tiny-client\""), "{manifest}");
    let lib = std::fs::read_to_string(out_dir.join("src/lib.rs")).unwrap();
    assert!(lib.contains("pub fn get_ping"), "derived operation name");
    assert!(
        stderr(&out).contains("derived-operation-id"),
        "the derived name is reported"
    );
}

#[test]
fn check_passes_on_the_committed_workspace() {
    let out = xtask(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
}
