//! Every relative link of the project's Markdown pages leads somewhere: the file exists and, for
//! `page.md#anchor`, the page has a heading with that anchor (GitHub's rule: lower case, spaces
//! to `-`, punctuation other than `-` and `_` dropped).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The pages users and contributors read.
fn pages() -> Vec<PathBuf> {
    let root = root();
    let mut pages: Vec<PathBuf> = ["README.md", "CONTRIBUTING.md", "SECURITY.md"]
        .iter()
        .map(|p| root.join(p))
        .chain([root.join("crates/sdk/CHANGELOG.md")])
        .collect();
    let docs = std::fs::read_dir(root.join("docs")).expect("docs/ exists");
    pages.extend(docs.map(|entry| entry.unwrap().path()));
    pages
}

/// Targets of `[text](target)` outside code blocks and code spans.
fn links(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            continue;
        }
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let tail = &rest[at + 2..];
            let end = tail.find(')').unwrap_or(tail.len());
            out.push(tail[..end].to_owned());
            rest = &tail[end..];
        }
    }
    out
}

/// GitHub's anchor of a heading.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| slug(l.trim_start_matches('#')))
        .collect()
}

#[test]
fn every_relative_link_leads_somewhere() {
    let mut broken = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for link in links(&text) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(path)
            };
            let found = target.exists()
                && (anchor.is_empty()
                    || std::fs::read_to_string(&target)
                        .is_ok_and(|t| anchors(&t).iter().any(|a| a == anchor)));
            if !found {
                let shown = page.strip_prefix(root()).unwrap_or(&page);
                broken.push(format!("{}: {link}", shown.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn links_and_anchors_are_read_as_github_does() {
    let page = "See [a](docs/a.md#b-c) and `[not](x)`.\n```\n[no](y)\n```\n[c](#d)";
    assert_eq!(links(page), ["docs/a.md#b-c", "#d"]);
    assert_eq!(slug(" `codegen.toml`"), "codegentoml");
    assert_eq!(slug(" Errors and retries"), "errors-and-retries");
    assert_eq!(
        slug(" Findings: degrade, never crash"),
        "findings-degrade-never-crash"
    );
}
