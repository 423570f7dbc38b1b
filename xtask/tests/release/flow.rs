//! The release flow on a copy of the workspace's Obi API in a scratch git repository: a spec
//! change that breaks users fails the version guard (with the diff in the message), `--bump`
//! writes the versions and changelog entries the diff suggests, and the guard then passes.
//! A change that breaks nothing needs no bump; a generator change that breaks users needs one
//! even when the spec did not change.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::release::{bump, guard, report};
use xtask::{Built, Job};

/// A scratch repository holding what the release flow of one API reads and writes.
fn scratch(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&root);
    let source = xtask::workspace_root();
    for rel in [
        "Cargo.toml",
        "crates/sdk/Cargo.toml",
        "crates/sdk/CHANGELOG.md",
        "crates/cli/Cargo.toml",
        "crates/cli/CHANGELOG.md",
    ] {
        copy(&source.join(rel), &root.join(rel));
    }
    for dir in ["specs/obi", "generated/obi"] {
        for rel in xtask::tree::list(&source.join(dir)).unwrap() {
            copy(&source.join(dir).join(&rel), &root.join(dir).join(&rel));
        }
    }
    git(&root, &["init", "--quiet"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "--quiet", "-m", "release 0.1.0"]);
    root
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to.parent().unwrap()).unwrap();
    fs::copy(from, to).unwrap();
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let path = root.join(rel);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn build(root: &Path) -> Vec<(String, Built)> {
    let built = Job::registered(root, "obi").unwrap().build().unwrap();
    vec![("obi".to_owned(), built)]
}

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join(rel)).unwrap()
}

/// The version a manifest (or codegen.toml) at `rel` states, and the next minor and patch of
/// it (0.x: a breaking change raises the minor), so the flow holds whatever the release is.
fn versions(root: &Path, rel: &str) -> (String, String, String) {
    let text = read(root, rel);
    let now = text
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or_else(|| panic!("{rel} states no version"))
        .to_owned();
    let parts: Vec<u64> = now.split('.').map(|part| part.parse().unwrap()).collect();
    assert_eq!(parts.len(), 3, "{rel}: {now}");
    assert_eq!(
        parts[0], 0,
        "the flow's rules are those of 0.x: {rel} is {now}"
    );
    let minor = format!("0.{}.0", parts[1] + 1);
    let patch = format!("0.{}.{}", parts[1], parts[2] + 1);
    (now, minor, patch)
}

#[test]
fn a_breaking_spec_change_fails_the_guard_until_the_suggested_bump_is_applied() {
    let root = scratch("release-breaking");
    // The vendor drops `GET /v1/customer/me`.
    edit(
        &root,
        "specs/obi/openapi.yaml",
        "  /v1/customer/me:",
        "  /v1/customer/gone-me:",
    );
    edit(
        &root,
        "specs/obi/openapi.yaml",
        "operationId: get_customer",
        "operationId: get_gone_customer",
    );

    let (now, next, _) = versions(&root, "specs/obi/codegen.toml");
    let (_, sdk_next, _) = versions(&root, "crates/sdk/Cargo.toml");
    let built = build(&root);
    let outcome = guard::check(&root, &built).unwrap();
    let all = outcome.failures.join("\n");
    assert_eq!(outcome.failures.len(), 3, "obi-api, sdk, sdk-cli:\n{all}");
    assert!(
        all.contains(&format!("obi-api needs {next} (it is {now})")),
        "{all}"
    );
    assert!(
        all.contains("operation `get_customer` (GET /v1/customer/me) removed"),
        "{all}"
    );
    assert!(
        all.contains("#/paths/~1v1~1customer~1me/get"),
        "the pointer: {all}"
    );

    let found = report::compare_all(&root, &built, None).unwrap();
    assert!(found.breaks());
    assert_eq!(found.apis[0].version.suggested, next);
    assert_eq!(found.dependents[0].suggested, sdk_next);
    let written = bump::apply(&root, &found, "2026-01-02").unwrap();
    for file in [
        "specs/obi/codegen.toml",
        "specs/obi/CHANGELOG.md",
        "Cargo.toml",
        "crates/sdk/Cargo.toml",
        "crates/cli/CHANGELOG.md",
    ] {
        assert!(
            written.iter().any(|w| w == file),
            "{file} not in {written:?}"
        );
    }
    assert!(read(&root, "specs/obi/codegen.toml").contains(&format!("version = \"{next}\"")));
    // Comments in the manifests survive the edit.
    assert!(read(&root, "specs/obi/codegen.toml").contains("# Set by `cargo xtask diff --bump`"));
    assert!(read(&root, "Cargo.toml").contains(&format!(
        "obi-api = {{ path = \"generated/obi\", version = \"{next}\" }}"
    )));
    assert!(read(&root, "crates/sdk/Cargo.toml").contains(&format!("version = \"{sdk_next}\"")));
    let log = read(&root, "specs/obi/CHANGELOG.md");
    assert!(log.contains(&format!("## [{next}] - 2026-01-02")), "{log}");
    assert!(
        log.contains("Generated from *Obi FARE.AI API* `1.0.0` (unchanged)."),
        "{log}"
    );
    assert!(
        log.contains("- **Breaking:** operation `get_customer` (GET /v1/customer/me) removed"),
        "{log}"
    );
    assert!(
        log.find("## [Unreleased]") < log.find(&format!("## [{next}]")),
        "{log}"
    );
    let sdk_log = read(&root, "crates/sdk/CHANGELOG.md");
    assert!(
        sdk_log.contains(&format!("- **Breaking:** `obi-api` {now} → {next}")),
        "{sdk_log}"
    );

    let outcome = guard::check(&root, &build(&root)).unwrap();
    assert!(
        outcome.failures.is_empty(),
        "{}",
        outcome.failures.join("\n")
    );
}

#[test]
fn a_generator_change_that_breaks_users_fails_the_guard_with_the_spec_unchanged() {
    // The release's crate had a public item today's generator no longer writes.
    let root = scratch("release-generator");
    let lib = "generated/obi/src/lib.rs";
    let released = read(&root, lib);
    fs::write(
        root.join(lib),
        format!("{released}\n/// Gone in the next generator.\npub struct LegacyMarker;\n"),
    )
    .unwrap();
    git(
        &root,
        &["commit", "--quiet", "--all", "--amend", "--no-edit"],
    );

    // Regenerated with today's generator; specs/obi untouched.
    let built = build(&root);
    for (rel, text) in &built[0].1.files {
        fs::write(root.join("generated/obi").join(rel), text).unwrap();
    }
    let outcome = guard::check(&root, &built).unwrap();
    let all = outcome.failures.join("\n");
    assert!(!outcome.failures.is_empty(), "the guard skipped the crate");
    assert!(all.contains("LegacyMarker"), "{all}");
    assert!(all.contains("generated/obi changed since"), "{all}");
}

#[test]
fn a_change_that_breaks_nothing_needs_no_bump() {
    let root = scratch("release-additive");
    // A new optional query parameter: a new builder setter, nothing existing changes.
    edit(
        &root,
        "specs/obi/openapi.yaml",
        "      operationId: get_customer\n",
        "      operationId: get_customer\n      parameters:\n        - name: locale\n          in: query\n          schema:\n            type: string\n",
    );
    let (_, _, patch) = versions(&root, "specs/obi/codegen.toml");
    let built = build(&root);
    let outcome = guard::check(&root, &built).unwrap();
    assert!(
        outcome.failures.is_empty(),
        "{}",
        outcome.failures.join("\n")
    );
    let found = report::compare_all(&root, &built, None).unwrap();
    assert!(!found.breaks());
    assert_eq!(
        found.apis[0].version.suggested, patch,
        "a patch carries the new operation"
    );
}

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

#[test]
fn the_release_commands_have_help_and_refuse_bad_usage() {
    for command in ["diff", "semver-crosscheck"] {
        let out = xtask(&[command, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{command} --help");
    }
    let out = xtask(&["diff", "--date", "2026-01-01"]);
    assert_eq!(out.status.code(), Some(2), "--date needs --bump");
    let out = xtask(&["diff", "--api", "nonesuch"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no API `nonesuch`"));
}

#[test]
fn diff_json_reports_every_change_and_its_exit_code_says_whether_anything_breaks() {
    let out = xtask(&["diff", "--json", "--api", "obi"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    let api = &report["apis"][0];
    assert_eq!(api["crate_name"], "obi-api");
    assert!(api["version"]["suggested"].is_string());
    let changes = api["changes"].as_array().expect("changes");
    let breaks = changes
        .iter()
        .any(|c| c["compile"]["level"] == "breaking" || c["wire"]["level"] == "breaking");
    assert_eq!(out.status.code(), Some(i32::from(breaks)), "{report:#}");
    assert_eq!(report["dependents"][0]["crate_name"], "sdk");
}

/// Every crate meant for crates.io (not `publish = false`) carries what crates.io and docs.rs
/// show, and a version on every path dependency (cargo refuses to package one without).
#[test]
fn publishable_crates_carry_their_metadata_and_versioned_dependencies() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(xtask::workspace_root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut names = Vec::new();
    for p in meta["packages"].as_array().unwrap() {
        if p["publish"] == serde_json::json!([]) {
            continue;
        }
        let name = p["name"].as_str().unwrap();
        names.push(name.to_owned());
        for field in [
            "description",
            "license",
            "repository",
            "readme",
            "rust_version",
        ] {
            assert!(
                p[field].as_str().is_some_and(|v| !v.is_empty()),
                "{name}: no {field}"
            );
        }
        for field in ["keywords", "categories"] {
            assert!(
                p[field].as_array().is_some_and(|v| !v.is_empty()),
                "{name}: no {field}"
            );
        }
        assert_eq!(
            p["metadata"]["docs"]["rs"]["all-features"], true,
            "{name}: docs.rs metadata"
        );
        for dep in p["dependencies"].as_array().unwrap() {
            if dep["path"].is_string() && dep["kind"] != "dev" {
                assert_ne!(
                    dep["req"], "*",
                    "{name}: path dependency {} has no version",
                    dep["name"]
                );
            }
        }
    }
    names.sort();
    assert_eq!(
        names,
        [
            "bridge-api",
            "obi-api",
            "origoid-api",
            "sdk",
            "sdk-auth",
            "sdk-cli",
            "sdk-paginate"
        ]
    );
}
