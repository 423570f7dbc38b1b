//! `CHANGELOG.md` entries in the form of [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
//! written from a diff: one line per change, breaking ones marked, what deployed binaries
//! will see said, and the spec's `info.version` old → new.

use crate::diff::{ApiDiff, Area, Effect, Level};

/// A new changelog for `crate_name`.
pub fn new_file(crate_name: &str) -> String {
    format!(
        "# Changelog of `{crate_name}`\n\nAll notable changes are listed here, in the form of \
         [Keep a Changelog](https://keepachangelog.com/en/1.1.0/). Versions follow \
         [semver](https://semver.org/) as `docs/releasing.md` describes: on 0.x, a breaking \
         change raises the minor version.\n\n## [Unreleased]\n"
    )
}

/// The entry of a generated crate's release `version` on `date`.
pub fn api_entry(version: &str, date: &str, diff: &ApiDiff) -> String {
    let title = diff.spec_title.as_deref().unwrap_or("the spec");
    let (old, new) = &diff.spec_version;
    let spec = match (old, new) {
        (Some(o), Some(n)) if o != n => format!("`{o}` → `{n}`"),
        (_, Some(n)) => format!("`{n}` (unchanged)"),
        _ => "(no version)".to_owned(),
    };
    let mut out = format!("## [{version}] - {date}\n\nGenerated from *{title}* {spec}.\n");
    for (effect, heading) in [
        (Effect::Added, "Added"),
        (Effect::Changed, "Changed"),
        (Effect::Removed, "Removed"),
    ] {
        let mut lines: Vec<String> = diff
            .changes
            .iter()
            .filter(|c| c.effect == effect && c.area != Area::Documentation)
            .map(|c| {
                let mut line = String::from("- ");
                if c.compile.level == Level::Breaking {
                    line.push_str("**Breaking:** ");
                }
                line.push_str(&c.what);
                if !c.pointer.is_empty() {
                    line.push_str(&format!(" (`{}`)", c.pointer));
                }
                if c.compile.level == Level::Breaking {
                    line.push_str(&format!(". Code: {}", c.compile.why));
                }
                if c.wire.level == Level::Breaking {
                    line.push_str(&format!(". Deployed binaries: {}", c.wire.why));
                }
                line
            })
            .collect();
        let docs = diff
            .changes
            .iter()
            .filter(|c| c.area == Area::Documentation)
            .count();
        if effect == Effect::Changed && docs > 0 {
            lines.push(format!(
                "- Documentation from the spec updated ({docs} place(s))."
            ));
        }
        if !lines.is_empty() {
            out.push_str(&format!("\n### {heading}\n\n{}\n", lines.join("\n")));
        }
    }
    out
}

/// The entry of a crate built on generated ones (`sdk`, `sdk-cli`): which of them changed.
pub fn dependent_entry(
    version: &str,
    date: &str,
    upgrades: &[(String, String, String, Level)],
) -> String {
    let mut out = format!("## [{version}] - {date}\n\n### Changed\n\n");
    for (krate, from, to, level) in upgrades {
        let mark = if *level == Level::Breaking {
            "**Breaking:** "
        } else {
            ""
        };
        out.push_str(&format!(
            "- {mark}`{krate}` {from} → {to}: its changes are re-exported here (see its changelog).\n"
        ));
    }
    out
}

/// `text` with `entry` as its newest release: below `## [Unreleased]` (and what that lists),
/// replacing an entry of the same version (running `--bump` again rewrites it).
pub fn insert(text: &str, version: &str, entry: &str) -> String {
    let heading = format!("## [{version}]");
    let mut sections: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with("## ") || sections.is_empty() {
            sections.push(String::new());
        }
        if let Some(last) = sections.last_mut() {
            last.push_str(line);
            last.push('\n');
        }
    }
    sections.retain(|s| !s.starts_with(&heading));
    let at = sections
        .iter()
        .position(|s| s.starts_with("## ") && !s.starts_with("## [Unreleased]"))
        .unwrap_or(sections.len());
    let mut entry = entry.trim_end().to_owned();
    entry.push_str("\n\n");
    sections.insert(at, entry);
    let mut out: String = sections.concat();
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_goes_below_unreleased_and_replaces_its_own_earlier_entry() {
        let text = new_file("obi-api") + "\n## [0.1.0]\n\nFirst.\n";
        let once = insert(
            &text,
            "0.2.0",
            "## [0.2.0] - 2026-01-02\n\n### Added\n\n- x\n",
        );
        let unreleased = once.find("## [Unreleased]").unwrap();
        let new = once.find("## [0.2.0]").unwrap();
        let old = once.find("## [0.1.0]").unwrap();
        assert!(unreleased < new && new < old, "{once}");
        let twice = insert(
            &once,
            "0.2.0",
            "## [0.2.0] - 2026-01-03\n\n### Added\n\n- y\n",
        );
        assert_eq!(twice.matches("## [0.2.0]").count(), 1, "{twice}");
        assert!(twice.contains("- y") && !twice.contains("- x"), "{twice}");
        assert!(twice.ends_with("First.\n"), "{twice:?}");
    }
}
