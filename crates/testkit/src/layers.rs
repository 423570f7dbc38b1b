//! The check that a crate's modules import each other only one way: no file reaches,
//! through `crate::…`, `super::…` or `self::…` paths in its code, a file that reaches back
//! to it. A module declaring or re-exporting its own children is containment, not an
//! import; comments (intra-doc links included) are not read.
//!
//! It reads source text, not the compiler's resolution: a path is taken to name the longest
//! module it starts with. That is enough to keep layers honest, and cheap enough to run in
//! every test run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`["token", "cache"]`) → the file that defines it.
type Modules = BTreeMap<Vec<String>, PathBuf>;

/// Every import circle among the files under `src` (each as the files in order, relative to
/// `src`); empty when the modules form layers.
pub fn circles(src: &Path) -> Vec<Vec<String>> {
    let modules = modules(src);
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let targets = edges.entry(module.clone()).or_default();
        for path in paths(&code(&text)) {
            let Some(absolute) = absolute(module, &path) else {
                continue;
            };
            let target = longest_module(&modules, &absolute);
            if target != *module && !target.starts_with(module) {
                targets.insert(target);
            }
        }
    }
    let name = |module: &Vec<String>| {
        modules[module]
            .strip_prefix(src)
            .unwrap_or(&modules[module])
            .display()
            .to_string()
    };
    cycles(&edges)
        .into_iter()
        .map(|cycle| cycle.iter().map(name).collect())
        .collect()
}

/// Panics naming every circle under `src` (a crate's `src` directory).
pub fn assert_layered(src: &Path) {
    let circles = circles(src);
    assert!(
        circles.is_empty(),
        "modules under {} import each other in circles:\n{}",
        src.display(),
        circles
            .iter()
            .map(|circle| format!("  {}", circle.join(" -> ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The modules of the crate whose root is `src/lib.rs` or `src/main.rs`.
fn modules(src: &Path) -> Modules {
    let mut modules = Modules::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(src).unwrap_or(&path);
                let mut module: Vec<String> = relative
                    .with_extension("")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(
                    module.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    module.pop();
                }
                modules.insert(module, path);
            }
        }
    }
    modules
}

/// `text` without comments.
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path starting with `crate::`, `super::` or `self::`, with `use` groups expanded
/// to their first segment (`crate::a::{b, c}` → `crate::a::b`, `crate::a::c`).
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        let mut rest = code;
        while let Some(at) = rest.find(start) {
            let preceded = rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
            let tail = &rest[at..];
            rest = &rest[at + start.len()..];
            if preceded {
                continue;
            }
            let prefix: Vec<String> = segments(tail);
            match tail[prefix_len(tail)..].strip_prefix('{') {
                Some(group) => {
                    let end = group.find('}').unwrap_or(group.len());
                    for item in group[..end].split(',') {
                        let item = item.trim();
                        if let Some(first) = segments(item).first() {
                            let mut path = prefix.clone();
                            path.push(first.clone());
                            found.push(path);
                        }
                    }
                }
                None => found.push(prefix),
            }
        }
    }
    found
}

/// The `::`-separated identifiers at the start of `text`.
fn segments(text: &str) -> Vec<String> {
    text[..prefix_len(text)]
        .split("::")
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Length of the leading `ident::ident::…::` run of `text`.
fn prefix_len(text: &str) -> usize {
    text.char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == ':'))
        .map_or(text.len(), |(i, _)| i)
}

/// `path` as an absolute module path, seen from `module`.
fn absolute(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let (head, rest) = path.split_first()?;
    let here: Vec<String> = module.to_vec();
    let mut base = match head.as_str() {
        "crate" => Vec::new(),
        "self" => here,
        "super" => {
            let mut parent = here;
            parent.pop()?;
            parent
        }
        _ => return None,
    };
    let mut rest = rest.iter().peekable();
    while rest.peek().is_some_and(|s| *s == "super") {
        base.pop()?;
        rest.next();
    }
    base.extend(rest.cloned());
    Some(base)
}

/// The longest module `path` starts with (the crate root at worst).
fn longest_module(modules: &Modules, path: &[String]) -> Vec<String> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| modules.contains_key(prefix))
        .unwrap_or_default()
}

/// The elementary cycles found by a depth-first search (each reported once, from its
/// smallest member).
fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    let mut found = BTreeSet::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((node, trail)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start {
                    let smallest = trail.iter().min().cloned();
                    if smallest.as_ref() == Some(start) {
                        found.insert(trail.clone());
                    }
                } else if next > start && !trail.contains(next) && trail.len() < 12 {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_with(files: &[(&str, &str)]) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("layers-{}-{}", std::process::id(), files.len()));
        let _ = std::fs::remove_dir_all(&dir);
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn finds_circles_and_ignores_containment_and_comments() {
        let src = crate_with(&[
            ("lib.rs", "mod a;\nmod b;\npub use a::A;\n"),
            (
                "a/mod.rs",
                "mod inner;\npub use inner::X;\nuse crate::b::B;\n",
            ),
            ("a/inner.rs", "pub struct X; // see crate::b\n"),
            (
                "b.rs",
                "use crate::a::{inner::X, A};\n/// [`A`](crate::a::A)\n",
            ),
        ]);
        let circles = circles(&src);
        assert_eq!(circles, [vec!["a/mod.rs".to_owned(), "b.rs".to_owned()]]);
        let layered = crate_with(&[
            ("lib.rs", "mod a;\nmod b;\n"),
            ("a.rs", "use crate::b::B;\n"),
            ("b.rs", "/// Used by [`crate::a`].\npub struct B;\n"),
        ]);
        assert!(circles_empty(&layered));
    }

    fn circles_empty(src: &Path) -> bool {
        circles(src).is_empty()
    }
}
