//! Feature groups: a client split into one cargo feature per tag. The two-tag fixture
//! (`fixtures/clients/two-tags.yaml`) is generated with groups on, and its client is committed
//! three times under `grouped_client/`, as the compiler sees it with no group, with `pets`
//! alone and with `widgets` alone (kept up to date by the first test): each must compile, so
//! a gate that leaves out a type that ungated or same-group code needs fails this build.

mod support;

#[rustfmt::skip]
#[path = "grouped_client/none.rs"]
#[allow(clippy::all, dead_code, unused_imports, unexpected_cfgs)]
mod none;
#[rustfmt::skip]
#[path = "grouped_client/pets.rs"]
#[allow(clippy::all, dead_code, unused_imports, unexpected_cfgs)]
mod pets;
#[rustfmt::skip]
#[path = "grouped_client/widgets.rs"]
#[allow(clippy::all, dead_code, unused_imports, unexpected_cfgs)]
mod widgets;

use std::path::Path;

use support::fixture;
use xtask::config::FeatureGroups;
use xtask::rewrite::feature_groups::{TypeCounts, gate_file};
use xtask::{ApiConfig, Built, Job};

const GROUPS: [&str; 2] = ["pets", "widgets"];

fn config(groups: FeatureGroups) -> ApiConfig {
    ApiConfig {
        feature_groups: groups,
        ..ApiConfig::standalone("two-tags")
    }
}

fn built(groups: FeatureGroups) -> Built {
    Job {
        name: "two-tags".into(),
        spec: fixture("clients/two-tags.yaml"),
        fixes: None,
        config: config(groups),
        display_root: fixture(""),
        command: "UPDATE_GROUPED_CLIENT=1 cargo test -p xtask --test feature_groups".into(),
    }
    .build()
    .unwrap_or_else(|f| panic!("the two-tag fixture generates:\n{f}"))
}

/// The client as the compiler sees it with only `on` of the groups enabled.
fn with_features(lib: &str, on: &[&str]) -> String {
    GROUPS.iter().fold(lib.to_owned(), |text, group| {
        let gate = if on.contains(group) { "all()" } else { "any()" };
        text.replace(
            &format!("#[cfg(feature = \"{group}\")]"),
            &format!("#[cfg({gate})]"),
        )
    })
}

#[test]
fn the_committed_variants_are_up_to_date() {
    let built = built(FeatureGroups::On);
    let lib = &built.files[Path::new("src/lib.rs")];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/grouped_client");
    for (file, on) in [
        ("none.rs", &[][..]),
        ("pets.rs", &["pets"]),
        ("widgets.rs", &["widgets"]),
    ] {
        let fresh = with_features(lib, on);
        if std::env::var_os("UPDATE_GROUPED_CLIENT").is_some() {
            std::fs::write(dir.join(file), &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(
            committed == fresh,
            "xtask/tests/grouped_client/{file} is stale: run `UPDATE_GROUPED_CLIENT=1 cargo test -p xtask --test feature_groups`"
        );
    }
}

#[test]
fn each_tag_is_a_feature_and_full_is_the_default() {
    let built = built(FeatureGroups::On);
    let manifest = &built.files[Path::new("Cargo.toml")];
    for line in [
        r#"default = ["full"]"#,
        r#"full = ["pets", "widgets"]"#,
        "pets = []",
        "widgets = []",
    ] {
        assert!(
            manifest.lines().any(|l| l == line),
            "{line} in:\n{manifest}"
        );
    }
    let mock = manifest.lines().find(|l| l.starts_with("mock = ")).unwrap();
    assert!(
        mock.contains(r#""full""#),
        "the mocks cover every operation: {mock}"
    );
}

/// The feature gate among the attributes right above the first `item` of `lib`.
fn gate_of(lib: &str, item: &str) -> Option<String> {
    let at = lib
        .find(item)
        .unwrap_or_else(|| panic!("{item} in the client"));
    let line_start = lib[..at].rfind('\n').unwrap_or(0);
    lib[..line_start]
        .lines()
        .rev()
        .take_while(|l| l.trim_start().starts_with("#["))
        .find(|l| l.contains("#[cfg(feature"))
        .map(|l| l.trim().to_owned())
}

#[test]
fn operations_and_the_types_of_one_group_are_gated_shared_types_are_not() {
    let built = built(FeatureGroups::On);
    let lib = &built.files[Path::new("src/lib.rs")];
    let pets = Some(r#"#[cfg(feature = "pets")]"#.to_owned());
    let widgets = Some(r#"#[cfg(feature = "widgets")]"#.to_owned());
    assert_eq!(gate_of(lib, "pub fn list_pets("), pets);
    assert_eq!(gate_of(lib, "pub fn create_widget("), widgets);
    assert_eq!(gate_of(lib, "pub struct Pet {"), pets);
    assert_eq!(gate_of(lib, "pub enum PetKind {"), pets);
    assert_eq!(gate_of(lib, "pub struct WidgetInput {"), widgets);
    assert_eq!(gate_of(lib, "pub struct Gadget {"), widgets);
    for shared in ["pub struct Owner {", "pub struct Problem {"] {
        assert_eq!(gate_of(lib, shared), None, "{shared} is ungated");
    }
    assert!(
        !lib.contains("cfg(any(feature"),
        "no gate lists several features"
    );
}

#[test]
fn the_types_are_counted_by_how_they_compile() {
    let text = std::fs::read_to_string(fixture("clients/two-tags.yaml")).unwrap();
    let doc = xtask::document::parse(&fixture("clients/two-tags.yaml"), &text).unwrap();
    let spec = xtask::progenitor::parse(&doc).unwrap();
    let mut file = xtask::progenitor::generate(&spec, false).unwrap().file;
    let gated = gate_file(&mut file, &config(FeatureGroups::On), &doc)
        .unwrap()
        .unwrap();
    let counts = TypeCounts {
        one_group: 6, // Pet, PetKind, Widget, WidgetPart, WidgetInput, Gadget
        shared: 2,    // Owner, Problem
        open: 0,
        unreached: 0,
    };
    assert_eq!(gated.counts, counts);
    assert!(gated.edits > 0);
    let mut again = xtask::progenitor::generate(&spec, false).unwrap().file;
    assert!(
        gate_file(&mut again, &config(FeatureGroups::Off), &doc)
            .unwrap()
            .is_none()
    );
    assert!(
        gate_file(&mut again, &config(FeatureGroups::Auto), &doc)
            .unwrap()
            .is_none(),
        "auto: 3 operations are too few"
    );
}

#[test]
fn with_groups_off_nothing_is_gated() {
    let built = built(FeatureGroups::Off);
    let lib = &built.files[Path::new("src/lib.rs")];
    assert!(!lib.contains("#[cfg(feature = \"pets\")]"));
    assert!(!built.files[Path::new("Cargo.toml")].contains("full"));
}

#[test]
fn a_renamed_operation_the_groups_do_not_know_is_a_missing_target() {
    let text = std::fs::read_to_string(fixture("clients/two-tags.yaml")).unwrap();
    let doc = xtask::document::parse(&fixture("clients/two-tags.yaml"), &text).unwrap();
    let spec = xtask::progenitor::parse(&doc).unwrap();
    let mut file = xtask::progenitor::generate(&spec, false).unwrap().file;
    let mut renamed = doc.clone();
    renamed["paths"]["/v1/pets"]["get"]["operationId"] = "fetchPets".into();
    let findings = gate_file(&mut file, &config(FeatureGroups::On), &renamed).unwrap_err();
    let text = findings.to_string();
    assert!(
        text.contains("rewrite-target-missing") && text.contains("Client::list_pets"),
        "{text}"
    );
}

/// Each variant's surface: what a user of one group calls.
#[test]
fn each_group_compiles_alone() {
    let pets = pets::Client::new("https://api.example.com");
    let _ = pets.list_pets();
    let _: Option<pets::types::PetKind> = None;
    let widgets = widgets::Client::new("https://api.example.com");
    let _ = (widgets.list_widgets(), widgets.create_widget());
    let _: Option<(widgets::types::WidgetPart, widgets::types::Owner)> = None;
    let _: Option<(none::types::Owner, none::types::Problem)> = None;
}
