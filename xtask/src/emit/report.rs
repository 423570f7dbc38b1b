//! `NORMALISATION.md`: what the normaliser changed in the spec (fixes applied, operations
//! left out, every finding) and what the rewrite stage changed in progenitor's output.

use super::Provenance;
use crate::finding::{Findings, Severity};
use crate::rewrite::Summary;

/// The normalisation report: every finding, so reviewers see what changed from the spec, and
/// every edit of progenitor's output, so an upgrade that drops one shows in the diff.
pub fn markdown(banner: &str, p: &Provenance, report: &Findings, rewrites: &Summary) -> String {
    let mut out = format!(
        "<!--\n{}-->\n\n# What the normaliser changed\n\n",
        banner.replace("\n ", "\n")
    );
    if !p.applied_fixes.is_empty() {
        let source = p.fixes.as_ref().map_or("", |(path, _)| path.as_str());
        out.push_str(&format!(
            "## Fixes applied first ({source})\n\n| fix | why |\n|---|---|\n"
        ));
        for (name, reason) in &p.applied_fixes {
            out.push_str(&format!("| `{name}` | {} |\n", one_line(reason)));
        }
        out.push_str("\n## Normaliser findings\n\n");
    }
    if !p.omitted.is_empty() {
        out.push_str("## Operations left out\n\n| operation | method and path | because of |\n|---|---|---|\n");
        for o in &p.omitted {
            out.push_str(&format!(
                "| `{}` | `{} {}` | {} |\n",
                o.operation_id,
                o.method,
                o.path,
                one_line(&o.reasons.join(", "))
            ));
        }
        out.push_str("\n## Normaliser findings\n\n");
    }
    if report.is_empty() {
        out.push_str("Nothing: the document was already in the subset progenitor reads.\n");
    } else {
        out.push_str("| severity | rule | location | what |\n|---|---|---|---|\n");
    }
    for f in report
        .sorted()
        .iter()
        .filter(|f| f.severity != Severity::Error)
    {
        out.push_str(&format!(
            "| {} | `{}` | `{}` | {} |\n",
            f.severity,
            f.rule,
            f.location,
            one_line(&f.message)
        ));
    }
    out.push_str(&rewrites_md(rewrites));
    out
}

/// The section on the rewrite stage: one row per pass that changed something, so a
/// progenitor upgrade that drops an edit shows in `cargo xtask check`.
fn rewrites_md(rewrites: &Summary) -> String {
    let mut out = String::from(
        "\n# What the generator changed in progenitor's output\n\n| pass | edits | what | why |\n|---|---:|---|---|\n",
    );
    for (pass, edits) in rewrites.changed() {
        out.push_str(&format!(
            "| `{}` | {edits} | {} | {} |\n",
            pass.name,
            one_line(pass.what),
            one_line(pass.why)
        ));
    }
    out
}

/// Text fit for one Markdown table cell.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
