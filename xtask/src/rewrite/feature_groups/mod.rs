//! Feature groups: a big API's client split into cargo features, one per tag (the first tag
//! of an operation) or, for untagged operations, per first path segment after the prefix all
//! paths share (`/v1/customers/{id}` → `customers`). Each operation's `Client` method and
//! builder compile only with its feature; each type compiles with the features of the
//! operations that reach it (`gate`), so a user of one resource compiles a fraction of the
//! crate. `default = ["full"]` keeps today's behaviour for users who name no feature; the
//! `mock` feature turns on `full` (the mocks cover every operation).
//!
//! On with `feature_groups = "on"`, off with `"off"`; `"auto"` (the default) turns it on
//! from [`FeatureGroups::AUTO_MIN_OPERATIONS`] operations.

mod gate;

pub use gate::{Gated, TypeCounts};

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Input, Pass};
use crate::config::{ApiConfig, FeatureGroups};
use crate::finding::Findings;
use crate::{names, walk};

pub const PASS: Pass = Pass {
    name: "feature-groups",
    what: "each operation's `Client` method and builder, and each type only its operations reach, get `#[cfg(feature = \"<group>\")]`",
    why: "a user of part of a big API compiles only that part",
    run,
};

/// The feature that turns on every group.
pub const FULL: &str = "full";

/// Feature names a group may not take (it gets `_ops` appended).
const TAKEN: &[&str] = &[FULL, "default", "mock"];

/// Operation (Rust name) → feature, when feature groups are on for this document.
pub fn groups(config: &ApiConfig, doc: &Value) -> Option<BTreeMap<String, String>> {
    let ops = walk::operations(doc);
    let on = match config.feature_groups {
        FeatureGroups::Off => false,
        FeatureGroups::On => true,
        FeatureGroups::Auto => ops.len() >= FeatureGroups::AUTO_MIN_OPERATIONS,
    };
    if !on || !config.services.is_empty() {
        return None;
    }
    let paths: Vec<Vec<&str>> = doc
        .get("paths")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(|k| segments(k)).collect())
        .unwrap_or_default();
    let shared = shared_prefix(&paths);
    let mut out = BTreeMap::new();
    for op in ops {
        let operation = doc.pointer(&op.pointer).unwrap_or(&Value::Null);
        let tag = operation
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str);
        let key = match tag {
            Some(tag) => tag,
            None => segments(&op.path).get(shared).copied().unwrap_or("root"),
        };
        let mut feature = names::sanitize_snake(key);
        if feature.is_empty() {
            feature = "root".to_owned();
        }
        if TAKEN.contains(&feature.as_str()) {
            feature.push_str("_ops");
        }
        let id = operation.get("operationId").and_then(Value::as_str);
        out.insert(names::sanitize_snake(id.unwrap_or_default()), feature);
    }
    Some(out)
}

/// The `[features]` lines of a grouped crate (empty when groups are off): `default`, `full`
/// and one per group.
pub fn cargo_features(config: &ApiConfig, doc: &Value) -> Vec<String> {
    let Some(groups) = groups(config, doc) else {
        return Vec::new();
    };
    let mut features: Vec<&String> = groups.values().collect();
    features.sort();
    features.dedup();
    let quoted: Vec<String> = features.iter().map(|f| format!("{f:?}")).collect();
    let mut out = vec![
        format!("# One feature per group of operations (tag or path); `{FULL}` is all of them."),
        format!("default = [{FULL:?}]"),
        format!("{FULL} = [{}]", quoted.join(", ")),
    ];
    out.extend(features.iter().map(|f| format!("{f} = []")));
    out
}

fn run(file: &mut syn::File, input: &Input<'_>) -> Result<usize, Findings> {
    Ok(gate_file(file, input.config, input.doc)?.map_or(0, |g| g.edits))
}

/// Gates `file` as the pass does; what it did, or `None` when groups are off for `doc`.
///
/// # Errors
/// `rewrite-target-missing` when progenitor's output lacks a target the pass edits.
pub fn gate_file(
    file: &mut syn::File,
    config: &ApiConfig,
    doc: &Value,
) -> Result<Option<Gated>, Findings> {
    match groups(config, doc) {
        Some(groups) => gate::apply(file, &groups, &PASS).map(Some),
        None => Ok(None),
    }
}

/// The non-empty segments of a path.
fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

/// How many leading segments every path shares (version prefixes such as `/v1`), never
/// counting a templated one nor the last segment of the shortest path.
fn shared_prefix(paths: &[Vec<&str>]) -> usize {
    let Some(first) = paths.first() else { return 0 };
    let shortest = paths.iter().map(Vec::len).min().unwrap_or(0);
    first
        .iter()
        .take(shortest.saturating_sub(1))
        .take_while(|s| !s.contains('{'))
        .enumerate()
        .take_while(|(i, s)| paths.iter().all(|p| p.get(*i) == Some(*s)))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(groups: FeatureGroups) -> ApiConfig {
        ApiConfig {
            feature_groups: groups,
            ..ApiConfig::standalone("t")
        }
    }

    #[test]
    fn groups_are_first_tags_or_first_path_segments_after_the_shared_prefix() {
        let op = |id: &str, tags: Value| json!({"operationId": id, "tags": tags, "responses": {}});
        let doc = json!({"paths": {
            "/v1/customers": {"get": op("listCustomers", json!([]))},
            "/v1/customers/{id}": {"get": op("getCustomer", json!(null))},
            "/v1/payment_intents": {"post": op("createIntent", json!(["Payment Intents", "x"]))},
            "/v1/mock": {"get": op("mockThing", json!([]))},
        }});
        let groups = groups(&config(FeatureGroups::On), &doc).unwrap();
        let got: Vec<(&str, &str)> = groups
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("create_intent", "payment_intents"),
                ("get_customer", "customers"),
                ("list_customers", "customers"),
                ("mock_thing", "mock_ops"),
            ]
        );
        assert!(groups_off(&doc));
        let features = cargo_features(&config(FeatureGroups::On), &doc);
        assert_eq!(features[1], "default = [\"full\"]");
        assert_eq!(
            features[2],
            "full = [\"customers\", \"mock_ops\", \"payment_intents\"]"
        );
    }

    /// `auto` stays off below the threshold, and `off` is off.
    fn groups_off(doc: &Value) -> bool {
        groups(&config(FeatureGroups::Auto), doc).is_none()
            && groups(&config(FeatureGroups::Off), doc).is_none()
            && cargo_features(&config(FeatureGroups::Auto), doc).is_empty()
    }

    #[test]
    fn the_shared_prefix_stops_at_templates_and_before_the_last_segment() {
        assert_eq!(shared_prefix(&[vec!["v1", "a"], vec!["v1", "b", "c"]]), 1);
        assert_eq!(shared_prefix(&[vec!["v1"], vec!["v1", "b"]]), 0);
        assert_eq!(shared_prefix(&[vec!["{t}", "a"], vec!["{t}", "b"]]), 0);
        assert_eq!(shared_prefix(&[]), 0);
    }
}
