//! JSON pointers (RFC 6901): escaping, parsing and lookup on `serde_json::Value`.

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one reference token (`~1` → `/`, `~0` → `~`).
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends an escaped token to a pointer.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// Splits a pointer into unescaped tokens; `None` if it does not start with `/` (and is not empty).
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(unescape).collect())
}

/// Resolves a local `$ref` (`#/a/b`) to its pointer (`/a/b`), if it is local.
pub fn local_ref(reference: &str) -> Option<&str> {
    reference.strip_prefix('#')
}

/// Converts a `serde_path_to_error` path (`a.b[0].c`, or `.` for the root) into a JSON
/// pointer (`/a/b/0/c`), so deserialisation errors are located like every other finding.
pub fn from_serde_path(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    path.replace('[', ".")
        .replace(']', "")
        .split('.')
        .filter(|s| !s.is_empty())
        .fold(String::new(), |acc, t| join(&acc, t))
}
