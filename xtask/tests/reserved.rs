//! Names the generated client already uses: an operation named like a `Client` method
//! (`new`, `client`, …) or a type of the builder module (`result` → `builder::Result`) is
//! renamed, and a parameter named like a builder method (`send`, …) is left out, each with a
//! located warning, never a compile error. One snapshot per reserved name; CI's smoke step
//! compiles the fixture's crate.

mod support;

use std::path::Path;

use support::fixture;
use xtask::names::{AUTH_CLIENT_METHODS, BUILDER_MODULE_TYPES, BUILDER_PARAMETERS, CLIENT_METHODS};
use xtask::{ApiConfig, Built, Job};

/// The reserved-names fixture, generated for a client with the auth hooks (which reserve
/// `auth` as well).
fn built() -> Built {
    let mut config = ApiConfig::standalone("reserved-client");
    config.auth = true;
    Job {
        name: "reserved".into(),
        spec: fixture("reserved/reserved.yaml"),
        fixes: None,
        config,
        display_root: fixture(""),
        command: "cargo xtask generate --spec reserved.yaml --out <dir>".into(),
    }
    .build()
    .unwrap_or_else(|f| panic!("the reserved-names fixture generates:\n{f}"))
}

/// Every reserved operation name, as the fixture spells it.
fn reserved_operations() -> Vec<String> {
    let types = BUILDER_MODULE_TYPES
        .iter()
        .map(|t| xtask::names::sanitize_snake(t));
    [CLIENT_METHODS, AUTH_CLIENT_METHODS]
        .concat()
        .into_iter()
        .map(str::to_owned)
        .chain(types)
        .collect()
}

#[test]
fn each_reserved_operation_name_is_renamed_with_a_located_warning() {
    let built = built();
    let lib = &built.files[Path::new("src/lib.rs")];
    for name in reserved_operations() {
        let pointer = format!("#/paths/~1{}/get/operationId", name.replace('_', "-"));
        let findings: Vec<String> = built
            .findings
            .sorted()
            .iter()
            .filter(|f| f.location.ends_with(&pointer))
            .map(ToString::to_string)
            .collect();
        assert_eq!(findings.len(), 1, "{name}: {findings:?}");
        let renamed = format!("{name}_operation");
        let method = format!("    pub fn {renamed}(&self)");
        let code: Vec<&str> = lib
            .lines()
            .filter(|l| l.starts_with(&method) || l.contains(&format!("::{renamed}`]")))
            .collect();
        assert!(!code.is_empty(), "{name}: no method `{renamed}`");
        insta::assert_snapshot!(
            format!("operation-{name}"),
            format!("{}\n{}", findings.join("\n"), code.join("\n"))
        );
    }
}

#[test]
fn parameters_named_like_builder_methods_are_left_out() {
    let built = built();
    let findings: Vec<String> = built
        .findings
        .sorted()
        .iter()
        .filter(|f| f.rule == "reserved-parameter-name" || f.rule == "operation-omitted")
        .map(ToString::to_string)
        .collect();
    for name in BUILDER_PARAMETERS.iter().chain(&["body"]) {
        assert!(
            findings
                .iter()
                .any(|f| f.contains(&format!("parameter `{name}`"))),
            "{name}: {findings:?}"
        );
    }
    let omitted: Vec<&str> = built
        .omitted
        .iter()
        .map(|o| o.operation_id.as_str())
        .collect();
    assert_eq!(
        omitted,
        ["send_thing"],
        "a required one leaves the operation out"
    );
    insta::assert_snapshot!("parameters", findings.join("\n"));
}

#[test]
fn auth_is_reserved_only_with_the_auth_hooks() {
    let built = Job {
        name: "reserved".into(),
        spec: fixture("reserved/reserved.yaml"),
        fixes: None,
        config: ApiConfig::standalone("reserved-client"),
        display_root: fixture(""),
        command: "test".into(),
    }
    .build()
    .unwrap();
    let lib = &built.files[Path::new("src/lib.rs")];
    assert!(lib.contains("    pub fn auth(&self)"), "kept without hooks");
    assert!(lib.contains("    pub fn new_operation(&self)"));
}
