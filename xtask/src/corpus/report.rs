//! The corpus run's report: the table of measurements (per document, and a total line with the
//! warnings by rule summed, so `pagination-suggested` says how many lists the documents page
//! through undeclared) and the targets it missed.

use std::collections::BTreeMap;

use super::Row;

impl Row {
    /// Generated operations with an untyped success the document does not explain: the
    /// generator's own gaps.
    fn unexplained(&self, generated: usize) -> usize {
        generated
            .saturating_sub(self.typed)
            .saturating_sub(self.untyped_by_document)
    }
}

/// Share of all operations that must be generated.
const MIN_GENERATED: f64 = 0.90;

/// The printed table, with a total line.
pub(super) fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| document | operations | generated | left out | typed success | untyped by the document | typed where the document types | progenitor failures | unlocated | generate | cargo check | warnings by rule |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n",
    );
    let (mut ops, mut omitted, mut typed, mut unexplained, mut by_document) = (0, 0, 0, 0, 0);
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        let generated = r.operations.saturating_sub(r.omitted);
        let check = match (&r.error, r.check) {
            (Some(e), _) => format!("FAILED: {}", e.lines().next().unwrap_or_default()),
            (None, Some((t, true))) => format!("ok {:.0} s", t.as_secs_f64()),
            (None, Some((_, false))) => "FAILED".to_owned(),
            (None, None) => "skipped".to_owned(),
        };
        for (rule, n) in &r.warnings {
            *by_rule.entry(rule).or_default() += n;
        }
        out.push_str(&format!(
            "| {} | {} | {generated} | {} | {} | {} | {} | {} | {} | {:.1} s | {check} | {} |\n",
            r.name,
            r.operations,
            r.omitted,
            percent(r.typed, generated),
            r.untyped_by_document,
            percent(r.typed, r.typed + r.unexplained(generated)),
            r.progenitor_failures,
            r.unlocated,
            r.generate.as_secs_f64(),
            by_rule_text(&r.warnings)
        ));
        ops += r.operations;
        omitted += r.omitted;
        typed += r.typed;
        unexplained += r.unexplained(generated);
        by_document += r.untyped_by_document;
    }
    out.push_str(&format!(
        "| **total** ({} documents) | {ops} | {} ({}) | {omitted} | {} | {by_document} | {} | {} | {} | | | {} |\n",
        rows.len(),
        ops - omitted,
        percent(ops - omitted, ops),
        percent(typed, ops - omitted),
        percent(typed, typed + unexplained),
        rows.iter().map(|r| r.progenitor_failures).sum::<usize>(),
        rows.iter().map(|r| r.unlocated).sum::<usize>(),
        by_rule_text(&by_rule),
    ));
    out
}

/// `rule n, …`: warnings by rule (`pagination-suggested`: lists no `[[paginate]]` declares).
fn by_rule_text(counts: &BTreeMap<&str, usize>) -> String {
    let parts: Vec<String> = counts.iter().map(|(r, n)| format!("{r} {n}")).collect();
    parts.join(", ")
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "-".to_owned()
    } else {
        format!("{:.1} %", 100.0 * part as f64 / whole as f64)
    }
}

/// Every target the corpus run missed.
pub(super) fn failures(rows: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    for r in rows {
        if let Some(e) = &r.error {
            out.push(format!("{}: {e}", r.name));
        }
        if r.check.is_some_and(|(_, ok)| !ok) {
            out.push(format!("{}: the generated crate does not compile", r.name));
        }
        if r.progenitor_failures > 0 {
            out.push(format!(
                "{}: {} progenitor failure(s) were caught, not pre-empted",
                r.name, r.progenitor_failures
            ));
        }
        if r.unlocated > 0 {
            out.push(format!(
                "{}: {} finding(s) without a location",
                r.name, r.unlocated
            ));
        }
    }
    let ops: usize = rows.iter().map(|r| r.operations).sum();
    let omitted: usize = rows.iter().map(|r| r.omitted).sum();
    if ops > 0 && ((ops - omitted) as f64) < MIN_GENERATED * ops as f64 {
        out.push(format!(
            "only {} of {ops} operations generated (target {:.0} %)",
            ops - omitted,
            MIN_GENERATED * 100.0
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_counted_by_rule_per_document_and_in_total() {
        let row = |name: &str, warnings: &[(&'static str, usize)]| Row {
            name: name.to_owned(),
            operations: 10,
            warnings: warnings.iter().copied().collect(),
            ..Row::default()
        };
        let rows = [
            row(
                "a",
                &[("pagination-suggested", 2), ("dropped-media-type", 1)],
            ),
            row("b", &[("pagination-suggested", 3)]),
        ];
        let text = table(&rows);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[2].ends_with("| dropped-media-type 1, pagination-suggested 2 |"),
            "{text}"
        );
        assert!(lines[3].ends_with("| pagination-suggested 3 |"), "{text}");
        assert!(
            lines[4].starts_with("| **total** (2 documents) | 20 |")
                && lines[4].ends_with("| dropped-media-type 1, pagination-suggested 5 |"),
            "{text}"
        );
    }
}
