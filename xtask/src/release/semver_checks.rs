//! Cross-check with cargo-semver-checks (filled in below).
