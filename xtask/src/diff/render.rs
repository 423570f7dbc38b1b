//! The human report of one API's changes: grouped by area, one line per change with both
//! verdicts and the JSON pointer; `why` adds the reasons and Rust items below each line.

use super::{ApiDiff, Area, Level};

/// The changes, grouped, one line each (plus reasons when `why`).
pub fn changes(diff: &ApiDiff, why: bool) -> String {
    if diff.changes.is_empty() {
        return "  no changes\n".to_owned();
    }
    let mut out = format!("  {:<8}  {:<8}  change\n", "compile", "wire");
    let mut area: Option<Area> = None;
    for c in &diff.changes {
        if area != Some(c.area) {
            out.push_str(&format!("  {}\n", c.area.heading()));
            area = Some(c.area);
        }
        let pointer = if c.pointer.is_empty() {
            String::new()
        } else {
            format!("  {}", c.pointer)
        };
        out.push_str(&format!(
            "    {:<8}  {:<8}  {}{pointer}\n",
            c.compile.level.to_string(),
            c.wire.level.to_string(),
            c.what
        ));
        if why {
            out.push_str(&format!("        compile: {}\n", c.compile.why));
            out.push_str(&format!("        wire:    {}\n", c.wire.why));
            if !c.rust.is_empty() {
                out.push_str(&format!("        rust:    {}\n", c.rust.join(", ")));
            }
        }
    }
    out
}

/// One line: how many changes, and the worst of each verdict.
pub fn summary(diff: &ApiDiff) -> String {
    let count = |level: Level| diff.changes.iter().filter(|c| c.worst() == level).count();
    format!(
        "{} change(s) ({} breaking, {} additive, {} other); compile-time: {}, wire: {}",
        diff.changes.len(),
        count(Level::Breaking),
        count(Level::Additive),
        count(Level::None),
        diff.compile(),
        diff.wire()
    )
}
