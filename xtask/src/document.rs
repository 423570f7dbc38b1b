//! Reading a spec (or fixes) file: YAML or JSON into a `serde_json::Value`, keeping key order.

use std::path::Path;

use serde_json::{Map, Number, Value};

use crate::finding::{Finding, Findings, Severity};

/// How deeply a document may nest (objects and arrays). Every walk of a document recurses at
/// most this deep: the JSON and YAML parsers stop at this depth, and [`too_deep`] checks a
/// document again once fixes are applied. Real API documents nest far less (the deepest of
/// our corpus, 28 levels).
pub const MAX_DEPTH: usize = 128;

/// The pointer of the first value nested deeper than [`MAX_DEPTH`], if any. Walks with its
/// own stack, so any depth is safe to check.
pub fn too_deep(doc: &Value) -> Option<String> {
    let mut pending = vec![(doc, String::new(), 0)];
    while let Some((value, ptr, depth)) = pending.pop() {
        if depth > MAX_DEPTH {
            return Some(ptr);
        }
        match value {
            Value::Object(map) => pending.extend(
                map.iter()
                    .map(|(k, v)| (v, crate::pointer::join(&ptr, k), depth + 1)),
            ),
            Value::Array(items) => pending.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (v, format!("{ptr}/{i}"), depth + 1)),
            ),
            _ => {}
        }
    }
    None
}

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
    match serde_yaml::from_str::<Json>(text) {
        Ok(Json(value)) => Ok(value),
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
            Err(findings)
        }
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

/// A YAML document read straight into JSON: scalar keys become strings (`200:` → `"200"`),
/// tags are dropped, and integers beyond 64 bits become floats (as JSON parsers read them)
/// instead of failing the whole document.
struct Json(Value);

impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor).map(Json)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Value, E> {
        self.visit_f64(v as f64)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("`{v}` is not a JSON number")))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(Json(key)) = map.next_key()? {
            let key = match key {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => "null".to_owned(),
                other => {
                    return Err(serde::de::Error::custom(format!(
                        "mapping key {other} is not a string, number or boolean"
                    )));
                }
            };
            let Json(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        let (_tag, variant): (serde::de::IgnoredAny, _) = data.variant()?;
        variant.newtype_variant::<Json>().map(|Json(v)| v)
    }
}
