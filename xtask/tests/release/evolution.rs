//! Each evolution case (`evolution/cases/*.yaml`: a spec change and the rule it documents) is
//! judged as its file says: both verdicts, the version after 0.1.0, and the listed changes.

use std::path::{Path, PathBuf};

use xtask::diff::{self, Level};
use xtask::release::evolution::{self, Case};
use xtask::release::version;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/evolution")
}

fn judge(case: &Case) -> Result<(), String> {
    let pair = evolution::build(&xtask::workspace_root(), &fixtures(), case)?;
    let (old, new) = pair.sides();
    let diff = diff::compare(&old, &new).map_err(|e| e.to_string())?;
    let report = diff::render::changes(&diff, true);
    let mut problems = Vec::new();
    if diff.compile() != case.expect.compile {
        problems.push(format!(
            "compile-time: {} (expected {})",
            diff.compile(),
            case.expect.compile
        ));
    }
    if diff.wire() != case.expect.wire {
        problems.push(format!(
            "wire: {} (expected {})",
            diff.wire(),
            case.expect.wire
        ));
    }
    let released = semver::Version::new(0, 1, 0);
    let next = version::next(&released, diff.compile(), !diff.changes.is_empty()).to_string();
    if next != case.expect.version {
        problems.push(format!(
            "version: {next} (expected {})",
            case.expect.version
        ));
    }
    for want in &case.expect.changes {
        match diff.changes.iter().find(|c| {
            c.pointer == want.pointer && c.area != diff::Area::Documentation
                || c.pointer == want.pointer
                    && want.compile == Level::None
                    && want.wire == Level::None
        }) {
            None => problems.push(format!("no change listed at {}", want.pointer)),
            Some(c) if c.compile.level != want.compile || c.wire.level != want.wire => problems
                .push(format!(
                    "{}: compile {} wire {} (expected {} / {})",
                    want.pointer, c.compile.level, c.wire.level, want.compile, want.wire
                )),
            Some(_) => {}
        }
    }
    if let Some(g) = diff
        .changes
        .iter()
        .find(|c| c.area == diff::Area::Generated)
    {
        problems.push(format!("a Rust change no spec change explains: {}", g.what));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{report}", problems.join("\n")))
    }
}

#[test]
fn every_evolution_case_is_judged_as_its_rule_says() {
    let cases = evolution::cases(&fixtures()).expect("cases load");
    assert!(cases.len() >= 12, "{} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            judge(case)
                .err()
                .map(|e| format!("== {} ==\n{e}", case.name))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn side(built: &xtask::Built) -> diff::Side {
    diff::Side {
        document: built.document.clone(),
        files: built.files.clone(),
    }
}

/// No false alarms: each registered API compared with itself has no change; and two unrelated
/// APIs compare without failing (everything of one removed, everything of the other added).
#[test]
fn an_api_compared_with_itself_has_no_change_and_unrelated_apis_compare() {
    let built = xtask::build_all(&xtask::workspace_root()).expect("the registered APIs build");
    for (name, b) in &built {
        let d = diff::compare(&side(b), &side(b)).unwrap();
        assert!(
            d.changes.is_empty(),
            "{name}:\n{}",
            diff::render::changes(&d, true)
        );
    }
    let (obi, origoid) = (&built[1].1, &built[2].1);
    let d = diff::compare(&side(obi), &side(origoid)).unwrap();
    assert_eq!(d.compile(), Level::Breaking);
    assert_eq!(d.wire(), Level::Breaking);
    assert!(
        d.changes
            .iter()
            .any(|c| c.what.contains("operation `validate_curp`") && c.what.ends_with("added"))
    );
    assert!(
        d.changes
            .iter()
            .any(|c| c.what.contains("operation `create_quote`") && c.what.ends_with("removed"))
    );
}
