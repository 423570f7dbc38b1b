//! Bad input never crashes the generator: a small seeded run of `cargo xtask mutate` (keys
//! deleted, wrong types, `$ref` cycles, retargeted references, duplicate operation ids,
//! shapes that made typify panic) over the workspace's specs and the generator's fixtures.
//! Every mutant must end in exit 0 with a crate, or exit 1 with located findings and nothing
//! written. The large run is `cargo xtask mutate --seed N --count 300 …` (see README).

use std::path::{Path, PathBuf};

use xtask::mutate::{self, Options};

#[test]
fn every_mutant_exits_0_or_1_with_located_findings() {
    let root = xtask::workspace_root();
    let options = Options {
        seed: 2,
        count: 16,
        doc: Vec::new(),
        dir: Vec::new(),
        work_dir: None,
        timeout: 120,
    };
    let docs = mutate::documents(&root, &options).unwrap();
    assert!(docs.len() >= 5, "{docs:?}");
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mutate");
    let counts = mutate::run(
        &docs,
        &options,
        &work,
        Path::new(env!("CARGO_BIN_EXE_xtask")),
    )
    .unwrap();
    println!("{counts}");
    assert_eq!(counts.runs, 16);
    assert!(counts.clean(), "{counts}");
    assert_eq!(
        counts.caught_panics, 0,
        "shapes the normaliser should pre-empt:\n{counts}"
    );
    assert!(
        counts.of(mutate::Outcome::Generated) > 0 && counts.of(mutate::Outcome::Refused) > 0,
        "both endings occur: {counts}"
    );
}
