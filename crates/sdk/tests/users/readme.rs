//! The README's code is code CI compiles: every ```rust and ```toml block follows a marker
//! `<!-- same as PATH -->` (or `PATH#ANCHOR`) naming where it is built and tested, so what users
//! copy cannot drift from what works.
//!
//! - Rust: the block is the file verbatim, or the lines between `// ANCHOR: name` and
//!   `// ANCHOR_END: name` (mdBook's convention), less their common indentation.
//! - TOML: the block's `[dependencies]` and `[dev-dependencies]` equal the manifest's, except
//!   where `sdk` comes from: the README pins a git `rev` or `tag`, the manifest (an app outside
//!   the workspace, built by CI) uses the path of this repository's `crates/sdk`.

use std::path::{Path, PathBuf};

const README: &str = include_str!("../../../../README.md");
const MARKER: &str = "<!-- same as ";

/// A fenced block of the README and the marker before it.
struct Block<'a> {
    line: usize,
    lang: &'a str,
    code: String,
    source: Option<&'a str>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn blocks(markdown: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut source = None;
    let mut lines = markdown.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        if let Some(rest) = line.trim().strip_prefix(MARKER) {
            source = rest.strip_suffix("-->").map(str::trim);
        } else if let Some(lang) = line.strip_prefix("```").filter(|l| !l.is_empty()) {
            let code: Vec<&str> = lines
                .by_ref()
                .map(|(_, l)| l)
                .take_while(|l| *l != "```")
                .collect();
            out.push(Block {
                line: n + 1,
                lang,
                code: code.iter().map(|l| format!("{l}\n")).collect(),
                source: source.take(),
            });
        } else if !line.trim().is_empty() {
            source = None;
        }
    }
    out
}

/// The lines between `// ANCHOR: name` and `// ANCHOR_END: name`, dedented.
fn anchor(text: &str, name: &str) -> Option<String> {
    let start = format!("// ANCHOR: {name}");
    let end = format!("// ANCHOR_END: {name}");
    let lines: Vec<&str> = text
        .lines()
        .skip_while(|l| l.trim() != start)
        .skip(1)
        .take_while(|l| l.trim() != end)
        .collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()?;
    Some(
        lines
            .iter()
            .map(|l| format!("{}\n", l.get(indent..).unwrap_or("")))
            .collect(),
    )
}

/// `[dependencies]` and `[dev-dependencies]` with `sdk`'s source (`git`, `rev`, `tag`,
/// `branch`, `path`) taken out, and that source.
fn dependencies(manifest: &str) -> (toml::Table, Vec<(String, String)>) {
    let mut table: toml::Table = manifest.parse().expect("valid TOML");
    let mut sources = Vec::new();
    let mut out = toml::Table::new();
    for section in ["dependencies", "dev-dependencies"] {
        let Some(toml::Value::Table(mut deps)) = table.remove(section) else {
            continue;
        };
        if let Some(toml::Value::Table(sdk)) = deps.get_mut("sdk") {
            for key in ["git", "rev", "tag", "branch", "path"] {
                if let Some(value) = sdk.remove(key) {
                    let value = value.as_str().unwrap_or_default().to_owned();
                    sources.push((format!("{section}.sdk.{key}"), value));
                }
            }
        }
        out.insert(section.to_owned(), toml::Value::Table(deps));
    }
    (out, sources)
}

fn check(block: &Block<'_>, source: &str) -> Result<(), String> {
    let (path, anchor_name) = match source.split_once('#') {
        Some((path, name)) => (path, Some(name)),
        None => (source, None),
    };
    let file = root().join(path);
    let text = std::fs::read_to_string(&file).map_err(|e| format!("{path}: {e}"))?;
    match block.lang.split(',').next() {
        Some("toml") => {
            let (readme, readme_source) = dependencies(&block.code);
            let (manifest, manifest_source) = dependencies(&text);
            if readme != manifest {
                return Err(format!(
                    "its dependencies differ from {path}'s:\nREADME: {readme:#?}\n{path}: {manifest:#?}"
                ));
            }
            let pinned = readme_source.iter().any(|(k, _)| k.ends_with(".git"))
                && readme_source
                    .iter()
                    .any(|(k, _)| k.ends_with(".rev") || k.ends_with(".tag"));
            if !pinned {
                return Err("`sdk` must come from git with a `rev` or `tag`".to_owned());
            }
            let crate_dir = root().join("crates/sdk").canonicalize().unwrap();
            for (key, value) in manifest_source {
                let dir = file.parent().unwrap().join(&value).canonicalize();
                if !key.ends_with(".path") || dir.ok().as_ref() != Some(&crate_dir) {
                    return Err(format!("{path}: {key} = {value:?} is not crates/sdk"));
                }
            }
            Ok(())
        }
        _ => {
            let expected = match anchor_name {
                Some(name) => anchor(&text, name)
                    .ok_or_else(|| format!("{path} has no `// ANCHOR: {name}`"))?,
                None => text,
            };
            if block.code == expected {
                Ok(())
            } else {
                Err(format!(
                    "it is not the code of {source}; copy it again:\n{expected}"
                ))
            }
        }
    }
}

#[test]
fn every_rust_and_toml_block_of_the_readme_is_compiled_code() {
    let blocks = blocks(README);
    let mut failures = Vec::new();
    let compiled = |b: &&Block<'_>| matches!(b.lang.split(',').next(), Some("rust" | "toml"));
    for block in blocks.iter().filter(compiled) {
        let outcome = match block.source {
            Some(source) => check(block, source),
            None => Err(format!("no `{MARKER}PATH -->` line before it")),
        };
        if let Err(why) = outcome {
            failures.push(format!(
                "README.md:{} (```{}): {why}",
                block.line, block.lang
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let checked = blocks.iter().filter(|b| b.source.is_some()).count();
    assert!(
        checked >= 4,
        "expected the program, the manifest, an error and a mock block"
    );
}

#[test]
fn a_block_that_drifts_is_caught() {
    let readme = "<!-- same as crates/sdk/examples/readme.rs -->\n```rust\nfn main() {}\n```\n";
    let block = &blocks(readme)[0];
    assert_eq!(block.source, Some("crates/sdk/examples/readme.rs"));
    assert!(check(block, block.source.unwrap()).is_err());

    // A marker only names the block right after it (blank lines aside).
    let unmarked = "<!-- same as x.rs -->\nsome text\n```rust\nfn main() {}\n```\n";
    assert_eq!(blocks(unmarked)[0].source, None);

    // The README's manifest must say `default-features = false` in dev-dependencies too.
    let manifest = include_str!("../../../../tests/app-obi/Cargo.toml");
    let pinned = r#"[dependencies]
sdk = { git = "https://example.com/sdk", rev = "abc", default-features = false, features = ["obi"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
[dev-dependencies]
sdk = { git = "https://example.com/sdk", rev = "abc", features = ["obi", "mock"] }
"#;
    let block = Block {
        line: 1,
        lang: "toml",
        code: pinned.to_owned(),
        source: None,
    };
    let (_, sources) = dependencies(manifest);
    assert!(sources.iter().all(|(k, _)| k.ends_with(".path")));
    assert!(check(&block, "tests/app-obi/Cargo.toml").is_err());
}

#[test]
fn anchors_are_dedented() {
    let text = "fn f() {\n    // ANCHOR: a\n    let x = 1;\n\n        x\n    // ANCHOR_END: a\n}\n";
    assert_eq!(anchor(text, "a").as_deref(), Some("let x = 1;\n\n    x\n"));
    assert_eq!(anchor(text, "b"), None);
}
