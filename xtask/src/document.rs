//! Reading a spec (or fixes) file: YAML or JSON into a `serde_json::Value`, keeping key order.

use std::path::Path;

use serde_json::{Map, Number, Value};

use crate::finding::{Finding, Findings, Severity};

/// A parsed document with the sha256 of the bytes it came from.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The document, keys in file order.
    pub value: Value,
    /// Hex sha256 of the file's bytes, for the provenance banner.
    pub sha256: String,
}

/// Parses `text` as JSON when the file says so (`.json`, or a leading `{`), else as YAML.
///
/// Errors are findings with a `line:col` location, so they read like every other spec problem.
pub fn parse(path: &Path, text: &str) -> Result<Value, Findings> {
    let looks_json =
        path.extension().is_some_and(|e| e == "json") || text.trim_start().starts_with('{');
    let mut findings = Findings::default();
    if looks_json {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => return Ok(value),
            Err(e) => findings.push(Finding {
                severity: Severity::Error,
                rule: "json-syntax",
                location: format!("{}:{}", e.line(), e.column()),
                message: format!("not valid JSON: {e}"),
            }),
        }
        return Err(findings);
    }
    let yaml: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let location = e.location().map_or_else(
                || "1:1".to_owned(),
                |l| format!("{}:{}", l.line(), l.column()),
            );
            findings.push(Finding {
                severity: Severity::Error,
                rule: "yaml-syntax",
                location,
                message: format!("not valid YAML: {e}"),
            });
            return Err(findings);
        }
    };
    let value = yaml_to_json(yaml, "", &mut findings);
    if findings.has_errors() {
        Err(findings)
    } else {
        Ok(value)
    }
}

/// Reads and parses a file; a missing or unreadable file is an error finding too.
pub fn load(path: &Path) -> Result<Loaded, Findings> {
    let bytes = std::fs::read(path).map_err(|e| {
        let mut f = Findings::default();
        f.push(Finding {
            severity: Severity::Error,
            rule: "read-file",
            location: path.display().to_string(),
            message: format!("cannot read {}: {e}", path.display()),
        });
        f
    })?;
    let text = String::from_utf8(bytes.clone()).map_err(|e| {
        let mut f = Findings::default();
        f.push(Finding {
            severity: Severity::Error,
            rule: "utf8",
            location: format!("byte {}", e.utf8_error().valid_up_to()),
            message: "the file is not valid UTF-8".to_owned(),
        });
        f
    })?;
    Ok(Loaded {
        value: parse(path, &text)?,
        sha256: sha256_hex(&bytes),
    })
}

/// Hex-encoded sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Converts YAML to JSON. Scalar keys become strings (`200:` → `"200"`); tags are dropped;
/// non-finite floats and non-scalar keys are errors.
fn yaml_to_json(yaml: serde_yaml::Value, pointer: &str, findings: &mut Findings) -> Value {
    use serde_yaml::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Number::from_f64(f).map(Value::Number).unwrap_or_else(|| {
                    findings.add(
                        Severity::Error,
                        "yaml-number",
                        pointer,
                        format!("`{n}` is not a JSON number"),
                    );
                    Value::Null
                })
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &format!("{pointer}/{i}"), findings))
                .collect(),
        ),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        findings.add(
                            Severity::Error,
                            "yaml-key",
                            pointer,
                            format!("mapping key {other:?} is not a string, number or boolean"),
                        );
                        continue;
                    }
                };
                let child = crate::pointer::join(pointer, &key);
                let value = yaml_to_json(value, &child, findings);
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer, findings),
    }
}
