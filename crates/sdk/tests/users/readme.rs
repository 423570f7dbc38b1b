//! The README shows `examples/readme.rs` verbatim, so the program users copy is the one CI
//! compiles.

#[test]
fn the_readme_program_is_the_compiled_example() {
    let readme = include_str!("../../../../README.md");
    let program = include_str!("../../examples/readme.rs");
    assert!(
        readme.contains(&format!("```rust\n{program}```")),
        "README.md must show crates/sdk/examples/readme.rs verbatim in a ```rust block"
    );
}
