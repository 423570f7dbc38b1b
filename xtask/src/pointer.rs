//! JSON pointers (RFC 6901): escaping, parsing and lookup on `serde_json::Value`.

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
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
    Some(
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// Resolves a local `$ref` (`#/a/b`) to its pointer (`/a/b`), if it is local.
pub fn local_ref(reference: &str) -> Option<&str> {
    reference.strip_prefix('#')
}
