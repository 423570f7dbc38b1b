//! The `--timings` table of `cargo xtask corpus`: each document's generation time by phase,
//! so a slow document shows which step to look at.

use super::Row;

/// One table per document: phase, runs, seconds and share of the generation time.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows {
        let whole = r.generate.as_secs_f64();
        out.push_str(&format!(
            "\n{}: generation {whole:.2} s by phase (nested phases count in both)\n\n| phase | runs | seconds | share |\n|---|---:|---:|---:|\n",
            r.name
        ));
        for p in &r.phases {
            let secs = p.total.as_secs_f64();
            let share = if whole > 0.0 {
                100.0 * secs / whole
            } else {
                0.0
            };
            out.push_str(&format!(
                "| {} | {} | {secs:.2} | {share:.0} % |\n",
                p.name, p.runs
            ));
        }
    }
    out
}
