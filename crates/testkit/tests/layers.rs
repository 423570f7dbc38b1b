//! Every hand-written crate of the workspace is layered: its modules import each other only
//! one way (see `sdk_testkit::layers`). The generated crates are left out: they are one file
//! each.

use sdk_testkit::layers::assert_layered;
use sdk_testkit::workspace_root;

#[test]
fn every_crate_imports_only_downward() {
    let root = workspace_root();
    let mut checked = 0;
    for dir in ["crates/auth", "crates/sdk", "crates/cli", "crates/testkit"] {
        let src = root.join(dir).join("src");
        assert!(src.is_dir(), "{} is missing", src.display());
        assert_layered(&src);
        checked += 1;
    }
    assert_eq!(checked, 4);
}
