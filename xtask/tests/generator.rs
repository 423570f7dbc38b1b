//! The generator, end to end: one snapshot per normaliser rule, per error, and per edge-case
//! spec; determinism; the committed `generated/` being up to date; nothing written on error.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::{fixture, tempdir};
use xtask::{ApiConfig, Error, Job, Severity, document, normalise, tree, workspace_root};

/// A job for a fixture spec, with `<name>.fixes.yaml` beside it when that exists.
fn job(spec: &Path) -> Job {
    let fixes = spec.with_extension("fixes.yaml");
    Job {
        name: spec
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned(),
        spec: spec.to_owned(),
        fixes: fixes.exists().then_some(fixes),
        config: ApiConfig::standalone("fixture-client"),
        display_root: fixture(""),
        command: "cargo xtask generate --spec <fixture> --out <dir>".to_owned(),
    }
}

/// The same job in strict mode (as the hand-written specs use): nothing is degraded.
fn strict_job(spec: &Path) -> Job {
    let mut job = job(spec);
    job.config.strict = true;
    job
}

fn rendered_findings(findings: &xtask::Findings) -> Vec<String> {
    findings.sorted().iter().map(ToString::to_string).collect()
}

#[test]
fn each_normaliser_rule_rewrites_its_fixture() {
    insta::glob!("fixtures/normalise/*.yaml", |path| {
        let mut doc = document::load(path).expect("fixture parses").value;
        let findings = normalise::normalise(&mut doc);
        assert!(!findings.has_errors(), "{findings}");
        insta::assert_yaml_snapshot!(
            json!({ "findings": rendered_findings(&findings), "normalised": doc })
        );
    });
}

#[test]
fn each_bad_spec_fails_with_located_errors_in_strict_mode() {
    insta::glob!("fixtures/errors/*.{yaml,json}", |path| {
        if path.to_string_lossy().ends_with(".fixes.yaml") {
            return;
        }
        let findings = strict_job(path)
            .build()
            .expect_err("a bad spec must not generate in strict mode");
        let errors: Vec<_> = findings
            .sorted()
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(!errors.is_empty());
        for e in &errors {
            let located = e.location.contains(".yaml#")
                || e.location.contains(".json#")
                || e.location.split(':').count() >= 3;
            assert!(located, "finding without a usable location: {e}");
        }
        insta::assert_snapshot!(findings.to_string());
    });
}

/// Rules whose findings have no operation or schema to give up: the document cannot generate.
const DOCUMENT_LEVEL: &[&str] = &[
    "yaml-syntax",
    "json-syntax",
    "unsupported-version",
    "fix-syntax",
    "fix-no-longer-applies",
    "fix-stale",
    "fix-duplicate-name",
    "fix-reason",
    "read-file",
];

#[test]
fn each_bad_spec_degrades_to_what_can_be_generated() {
    insta::glob!("fixtures/errors/*.{yaml,json}", |path| {
        if path.to_string_lossy().ends_with(".fixes.yaml") {
            return;
        }
        match job(path).build() {
            Err(findings) => {
                for f in findings
                    .sorted()
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                {
                    assert!(DOCUMENT_LEVEL.contains(&f.rule), "{f} should have degraded");
                }
                insta::assert_snapshot!(format!("refused:\n{findings}"));
            }
            Ok(built) => {
                for f in built.findings.sorted() {
                    assert!(
                        f.location.contains(".yaml#") || f.location.contains(".json#"),
                        "unlocated: {f}"
                    );
                }
                syn::parse_file(&built.files[Path::new("src/lib.rs")]).expect("parses");
                let omitted: Vec<String> = built
                    .omitted
                    .iter()
                    .map(|o| {
                        format!(
                            "{} {} {}: {}",
                            o.operation_id,
                            o.method,
                            o.path,
                            o.reasons.join(", ")
                        )
                    })
                    .collect();
                insta::assert_snapshot!(format!(
                    "left out:\n{}\n\nfindings:\n{}",
                    omitted.join("\n"),
                    built.findings
                ));
            }
        }
    });
}

#[test]
fn omitted_operations_are_listed_in_the_report_and_the_crate_docs() {
    let built = job(&fixture("errors/parameters.yaml")).build().unwrap();
    assert_eq!(built.omitted.len(), 1, "{:?}", built.omitted);
    let report = &built.files[Path::new("NORMALISATION.md")];
    let lib = &built.files[Path::new("src/lib.rs")];
    assert!(
        report.contains("## Operations left out")
            && report.contains(
                "| `get_toy` | `GET /pets/{petId}/toys/{toyId}` | undeclared-path-parameter at"
            ),
        "{report}"
    );
    assert!(
        lib.contains("//! ## Operations left out")
            && lib.contains("//! - `get_toy` (`GET /pets/{petId}/toys/{toyId}`)"),
        "{lib}"
    );
    assert!(
        !lib.contains("pub fn get_toy"),
        "the operation is not generated"
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let findings = strict_job(&fixture("errors/many-problems.yaml"))
        .build()
        .unwrap_err();
    let rules: Vec<&str> = findings
        .sorted()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.rule)
        .collect();
    for rule in [
        "dangling-ref",
        "duplicate-operation-id",
        "tuple-as-array",
        "exclusive-bound-without-limit",
    ] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
}

#[test]
fn edge_case_and_real_world_style_specs_generate() {
    insta::glob!("fixtures/codegen/*.yaml", |path| {
        let built = job(path)
            .build()
            .unwrap_or_else(|f| panic!("{} failed:\n{f}", path.display()));
        let lib = &built.files[Path::new("src/lib.rs")];
        syn::parse_file(lib).expect("generated code parses as Rust");
        insta::assert_snapshot!(format!(
            "{}\n---- Cargo.toml ----\n{}\n---- src/lib.rs ----\n{lib}",
            built.findings,
            built.files[Path::new("Cargo.toml")]
        ));
    });
}

#[test]
fn a_missing_spec_file_is_a_located_error() {
    let findings = job(&fixture("errors/does-not-exist.yaml"))
        .build()
        .unwrap_err();
    let text = findings.to_string();
    assert!(
        text.contains("read-file") && text.contains("does-not-exist.yaml"),
        "{text}"
    );
}

#[test]
fn output_is_deterministic_and_independent_of_path_order() {
    let spec = fixture("codegen/github-style.yaml");
    let first = job(&spec).build().unwrap().files;
    let second = job(&spec).build().unwrap().files;
    assert_eq!(first, second, "same input, same bytes");

    let mut doc = document::load(&spec).unwrap().value;
    let paths = doc["paths"].as_object_mut().unwrap();
    let mut reversed: Vec<(String, Value)> = std::mem::take(paths).into_iter().collect();
    reversed.reverse();
    paths.extend(reversed);
    let dir = tempdir("reordered");
    let reordered_spec = dir.join("github-style.yaml");
    fs::write(&reordered_spec, serde_yaml::to_string(&doc).unwrap()).unwrap();
    let reordered = job(&reordered_spec).build().unwrap().files;
    // The spec's bytes and path differ, so its sha256 and the report's locations do too.
    let without_provenance = |files: &xtask::Files| -> Vec<String> {
        files
            .iter()
            .filter(|(path, _)| !path.ends_with("NORMALISATION.md"))
            .map(|(_, text)| {
                text.lines()
                    .filter(|l| !l.contains("sha256"))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect()
    };
    assert_eq!(without_provenance(&first), without_provenance(&reordered));
}

#[test]
fn committed_generated_crates_are_up_to_date() {
    let drift = xtask::check(&workspace_root()).expect("every registered spec generates");
    let listed: Vec<String> = drift.iter().map(ToString::to_string).collect();
    assert!(
        drift.is_empty(),
        "generated/ is stale; run `cargo xtask regen`:\n{}",
        listed.join("\n")
    );
}

#[test]
fn generated_files_carry_the_provenance_banner() {
    let built = xtask::build_all(&workspace_root()).unwrap();
    for (api, b) in built {
        for (path, text) in &b.files {
            let head: String = text.lines().take(6).collect::<Vec<_>>().join("\n");
            assert!(
                head.contains("@generated") && head.contains("DO NOT EDIT"),
                "{api}/{}",
                path.display()
            );
            assert!(
                head.contains("cargo xtask regen") && head.contains(&format!("specs/{api}/")),
                "{api}/{}",
                path.display()
            );
            assert!(
                head.contains("sha256") && head.contains("progenitor-impl 0.15.1"),
                "{api}/{}",
                path.display()
            );
        }
    }
}

#[test]
fn check_reports_changed_missing_and_extra_files() {
    let built = job(&fixture("codegen/petstore-3.1.yaml")).build().unwrap();
    let dir = tempdir("drift").join("crate");
    tree::replace(&dir, &built.files).unwrap();
    assert!(tree::diff(&dir, &built.files).unwrap().is_empty());

    fs::write(dir.join("src/lib.rs"), "// edited by hand\n").unwrap();
    fs::write(dir.join("src/extra.rs"), "").unwrap();
    fs::remove_file(dir.join("Cargo.toml")).unwrap();
    let drift: Vec<String> = tree::diff(&dir, &built.files)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(drift.len(), 3, "{drift:?}");
    assert!(drift.iter().any(|d| d.starts_with("stale:")
        && d.contains("lib.rs")
        && d.contains("-// edited by hand")));
    assert!(
        drift
            .iter()
            .any(|d| d.starts_with("extra:") && d.contains("extra.rs"))
    );
    assert!(
        drift
            .iter()
            .any(|d| d.starts_with("missing:") && d.contains("Cargo.toml"))
    );
}

#[test]
fn a_failed_generation_leaves_the_output_untouched() {
    let out = tempdir("untouched").join("crate");
    let good = xtask::generate(
        &fixture("codegen/petstore-3.1.yaml"),
        None,
        &out,
        "petstore-client",
        false,
    )
    .unwrap();
    let before = snapshot_dir(&out);
    let err = xtask::generate(
        &fixture("errors/dangling-ref.yaml"),
        None,
        &out,
        "petstore-client",
        true,
    )
    .unwrap_err();
    assert!(matches!(err, Error::Spec(_)), "{err}");
    assert_eq!(before, snapshot_dir(&out));
    assert_eq!(before.len(), good.files.len());

    let fresh = tempdir("never-created").join("crate");
    xtask::generate(
        &fixture("errors/dangling-ref.yaml"),
        None,
        &fresh,
        "x-client",
        true,
    )
    .unwrap_err();
    assert!(!fresh.exists(), "nothing is created on error");
}

#[test]
fn generate_refuses_to_overwrite_a_directory_it_did_not_write() {
    let out = tempdir("foreign");
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let err = xtask::generate(
        &fixture("codegen/petstore-3.1.yaml"),
        None,
        &out,
        "petstore-client",
        false,
    )
    .unwrap_err();
    assert!(err.to_string().contains("refusing to overwrite"), "{err}");
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
}

#[test]
fn a_bridge_fix_that_no_longer_applies_fails_regen_with_its_name() {
    let root = tempdir("bridge-vendor-update");
    let specs = root.join("specs/bridge");
    fs::create_dir_all(&specs).unwrap();
    for file in ["fixes.yaml", "codegen.toml"] {
        fs::copy(
            workspace_root().join("specs/bridge").join(file),
            specs.join(file),
        )
        .unwrap();
    }
    // The vendor renames an operation's summary, which the operation-ids fix tests for.
    let vendor = fs::read_to_string(workspace_root().join("specs/bridge/openapi.yaml")).unwrap();
    assert!(vendor.contains("summary: Upsert a customer"));
    fs::write(
        specs.join("openapi.yaml"),
        vendor.replace(
            "summary: Upsert a customer",
            "summary: Create or update a customer",
        ),
    )
    .unwrap();

    let err = xtask::regen(&root).unwrap_err().to_string();
    assert!(
        err.contains("fix-no-longer-applies") && err.contains("fix `operation-ids`"),
        "{err}"
    );
    assert!(!root.join("generated").exists(), "nothing written");
}

#[test]
fn the_banner_names_the_pinned_progenitor_version() {
    let manifest = fs::read_to_string(workspace_root().join("xtask/Cargo.toml")).unwrap();
    assert!(manifest.contains(&format!(
        "progenitor-impl = \"={}\"",
        xtask::emit::PROGENITOR_VERSION
    )));
}

fn snapshot_dir(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    tree::list(dir)
        .unwrap()
        .into_iter()
        .map(|p| (p.clone(), fs::read(dir.join(p)).unwrap()))
        .collect()
}

#[test]
fn a_progenitor_panic_becomes_a_finding() {
    // The normaliser rejects this shape; fed to progenitor directly, typify panics on it.
    let mut doc = document::load(&fixture("errors/enum-variant-clash.yaml"))
        .unwrap()
        .value;
    doc["paths"] = json!({ "/s": { "get": { "operationId": "get_s", "responses": { "200": {
        "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Status" } } } } } } } });
    let spec = xtask::progenitor::parse(&doc).unwrap();
    let findings = xtask::progenitor::generate(&spec, false)
        .err()
        .expect("typify panics on clashing variants");
    let text = findings.to_string();
    assert!(
        text.contains("progenitor-panic") && text.contains("Failed to make unique variant names"),
        "{text}"
    );
}
