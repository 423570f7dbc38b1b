//! The committed layer of named fixes (`specs/<api>/fixes.yaml`) applied on top of a vendor spec.
//!
//! Each fix is a name, a reason and an RFC 6902 JSON Patch. Two rules keep fixes honest when the
//! vendor updates their document: `add` onto an existing object member is an error (use
//! `replace`), and a fix that leaves the document unchanged is an error (it is stale: delete it).

use serde::Deserialize;
use serde_json::Value;

use crate::finding::{Findings, Severity};
use crate::pointer;

/// A fixes file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixSet {
    /// The fixes, applied in order.
    pub fixes: Vec<Fix>,
}

/// One named fix.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    /// Unique kebab-case name, quoted in every error about this fix.
    pub name: String,
    /// Why the fix exists.
    pub reason: String,
    /// The JSON Patch operations.
    pub patch: Vec<PatchOp>,
}

/// One JSON Patch operation.
#[derive(Debug, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase", deny_unknown_fields)]
pub enum PatchOp {
    /// Adds a new member or array element; the parent must exist and an object member must not.
    Add { path: String, value: Value },
    /// Removes an existing value.
    Remove { path: String },
    /// Replaces an existing value.
    Replace { path: String, value: Value },
    /// Fails unless the value at `path` equals `value`.
    Test { path: String, value: Value },
    /// Copies the value at `from` to `path` (as `add`).
    Copy { from: String, path: String },
    /// Moves the value at `from` to `path` (as `remove` then `add`).
    Move { from: String, path: String },
}

/// Parses a fixes document (already read as YAML/JSON). Errors carry the file-relative pointer.
pub fn parse(value: Value) -> Result<FixSet, Findings> {
    let mut findings = Findings::default();
    let set: FixSet = match serde_path_to_error::deserialize(value) {
        Ok(set) => set,
        Err(e) => {
            let path = e.path().to_string();
            findings.add(
                Severity::Error,
                "fix-syntax",
                &pointer::from_serde_path(&path),
                e.into_inner().to_string(),
            );
            return Err(findings);
        }
    };
    let mut seen = std::collections::BTreeSet::new();
    for (i, fix) in set.fixes.iter().enumerate() {
        if !seen.insert(fix.name.as_str()) {
            findings.add(
                Severity::Error,
                "fix-duplicate-name",
                &format!("/fixes/{i}/name"),
                format!("fix `{}` is defined twice", fix.name),
            );
        }
        if fix.reason.trim().is_empty() {
            findings.add(
                Severity::Error,
                "fix-reason",
                &format!("/fixes/{i}/reason"),
                format!("fix `{}` needs a reason", fix.name),
            );
        }
    }
    if findings.has_errors() {
        Err(findings)
    } else {
        Ok(set)
    }
}

/// Applies every fix in order. Fixes that fail are reported (all of them) by name; the
/// document is returned only if all applied.
pub fn apply(doc: &mut Value, set: &FixSet) -> Findings {
    let mut findings = Findings::default();
    for (i, fix) in set.fixes.iter().enumerate() {
        let before = doc.clone();
        let mut failed = false;
        for (j, op) in fix.patch.iter().enumerate() {
            if let Err(message) = apply_op(doc, op) {
                findings.add(
                    Severity::Error,
                    "fix-no-longer-applies",
                    &format!("/fixes/{i}/patch/{j}"),
                    format!(
                        "fix `{}`: {message}; the vendor spec changed: update or delete this fix",
                        fix.name
                    ),
                );
                failed = true;
                break;
            }
        }
        if failed {
            *doc = before;
        } else if *doc == before {
            findings.add(
                Severity::Error,
                "fix-stale",
                &format!("/fixes/{i}"),
                format!(
                    "fix `{}` changes nothing: the vendor spec already has it; delete this fix",
                    fix.name
                ),
            );
        }
    }
    findings
}

fn apply_op(doc: &mut Value, op: &PatchOp) -> Result<(), String> {
    match op {
        PatchOp::Add { path, value } => add(doc, path, value.clone()),
        PatchOp::Remove { path } => remove(doc, path).map(drop),
        PatchOp::Replace { path, value } => {
            let target = doc
                .pointer_mut(path)
                .ok_or_else(|| format!("`replace` target {path} does not exist"))?;
            *target = value.clone();
            Ok(())
        }
        PatchOp::Test { path, value } => match doc.pointer(path) {
            Some(found) if found == value => Ok(()),
            Some(found) => Err(format!(
                "`test` at {path} expected {value} but found {found}"
            )),
            None => Err(format!("`test` target {path} does not exist")),
        },
        PatchOp::Copy { from, path } => {
            let value = doc
                .pointer(from)
                .cloned()
                .ok_or_else(|| format!("`copy` source {from} does not exist"))?;
            add(doc, path, value)
        }
        PatchOp::Move { from, path } => {
            let value = remove(doc, from)?;
            add(doc, path, value)
        }
    }
}

/// Splits a pointer into its parent pointer and last token.
fn split(path: &str) -> Result<(String, String), String> {
    let tokens = pointer::tokens(path).ok_or_else(|| format!("{path:?} is not a JSON pointer"))?;
    let (last, parents) = tokens
        .split_last()
        .ok_or_else(|| "the document root cannot be patched".to_owned())?;
    Ok((
        parents
            .iter()
            .fold(String::new(), |acc, t| pointer::join(&acc, t)),
        last.clone(),
    ))
}

fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let (parent, last) = split(path)?;
    match doc.pointer_mut(&parent) {
        Some(Value::Object(map)) => {
            if map.contains_key(&last) {
                return Err(format!(
                    "`add` target {path} already exists (use `replace`)"
                ));
            }
            map.insert(last, value);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let index = if last == "-" {
                items.len()
            } else {
                last.parse::<usize>()
                    .map_err(|_| format!("`{last}` is not an array index"))?
            };
            if index > items.len() {
                return Err(format!("`add` index {index} is past the end of {parent}"));
            }
            items.insert(index, value);
            Ok(())
        }
        Some(_) => Err(format!("`add` parent {parent} is not an object or array")),
        None => Err(format!("`add` parent {parent} does not exist")),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = split(path)?;
    let removed = match doc.pointer_mut(&parent) {
        Some(Value::Object(map)) => map.shift_remove(&last),
        Some(Value::Array(items)) => last
            .parse::<usize>()
            .ok()
            .filter(|&i| i < items.len())
            .map(|i| items.remove(i)),
        _ => None,
    };
    removed.ok_or_else(|| format!("`remove` target {path} does not exist"))
}
