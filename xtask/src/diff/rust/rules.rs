//! One test per compile-time rule the evolution fixtures do not reach: two versions of a
//! small `src/lib.rs`, and the verdict of the change to one item.

use super::{Api, compare};
use crate::diff::Level;
use crate::diff::link::Locations;

fn api(lib: &str) -> Api {
    let mut files = crate::tree::Files::new();
    files.insert("src/lib.rs".into(), lib.to_owned());
    Api::read(&files).expect("parses")
}

/// The level of the change to `item` from `old` to `new`.
fn judge(old: &str, new: &str, item: &str) -> Level {
    let none = Locations::default();
    let changes = compare(&api(old), &api(new), &none, &none);
    changes
        .iter()
        .filter(|c| c.item == item)
        .map(|c| c.compile.level)
        .max()
        .unwrap_or_else(|| {
            panic!(
                "no change of {item}: {:?}",
                changes.iter().map(|c| &c.what).collect::<Vec<_>>()
            )
        })
}

#[test]
fn a_field_breaks_only_structs_others_can_build_with_a_literal() {
    let open = "pub struct A { pub x: u8 }";
    assert_eq!(
        judge(open, "pub struct A { pub x: u8, pub y: u8 }", "A.y"),
        Level::Breaking
    );
    let sealed = "#[non_exhaustive] pub struct A { pub x: u8 }";
    assert_eq!(
        judge(
            sealed,
            "#[non_exhaustive] pub struct A { pub x: u8, pub y: u8 }",
            "A.y"
        ),
        Level::Additive
    );
    let private = "pub struct A { pub x: u8, z: u8 }";
    assert_eq!(
        judge(
            private,
            "pub struct A { pub x: u8, pub y: u8, z: u8 }",
            "A.y"
        ),
        Level::Additive
    );
    assert_eq!(
        judge(open, "#[non_exhaustive] pub struct A { pub x: u8 }", "A"),
        Level::Breaking
    );
}

#[test]
fn a_variant_breaks_only_exhaustive_enums() {
    assert_eq!(
        judge("pub enum E { A }", "pub enum E { A, B }", "E::B"),
        Level::Breaking
    );
    assert_eq!(
        judge(
            "#[non_exhaustive] pub enum E { A }",
            "#[non_exhaustive] pub enum E { A, B }",
            "E::B"
        ),
        Level::Additive
    );
    assert_eq!(
        judge("pub enum E { A, B }", "pub enum E { A }", "E::B"),
        Level::Breaking
    );
}

#[test]
fn a_lost_trait_impl_breaks_and_a_new_one_adds() {
    let with = "#[derive(Clone, Default)] pub struct A { pub x: Option<u8> }";
    let without = "#[derive(Clone)] pub struct A { pub x: Option<u8> }";
    assert_eq!(judge(with, without, "A: Default"), Level::Breaking);
    assert_eq!(judge(without, with, "A: Default"), Level::Additive);
}

#[test]
fn trait_methods_break_implementors_unless_defaulted_or_sealed() {
    let old = "pub trait T { fn a(&self); }";
    assert_eq!(
        judge(old, "pub trait T { fn a(&self); fn b(&self); }", "T::b"),
        Level::Breaking
    );
    assert_eq!(
        judge(old, "pub trait T { fn a(&self); fn b(&self) {} }", "T::b"),
        Level::Additive
    );
    let sealed = "mod sealed { pub trait Sealed {} } pub trait T: sealed::Sealed { fn a(&self); }";
    let more = "mod sealed { pub trait Sealed {} } pub trait T: sealed::Sealed { fn a(&self); fn b(&self); }";
    assert_eq!(judge(sealed, more, "T::b"), Level::Additive);
}

#[test]
fn builder_setters_break_when_they_become_required() {
    let builder = |init: &str| {
        format!(
            "pub struct B {{ id: Result<String, String> }}
             impl B {{
                 pub fn new() -> Self {{ Self {{ id: {init} }} }}
                 pub fn id(mut self, v: String) -> Self {{ self.id = Ok(v); self }}
             }}"
        )
    };
    let optional = builder("Ok(String::new())");
    let required = builder("Err(\"id was not initialized\".to_string())");
    assert_eq!(judge(&optional, &required, "B::id"), Level::Breaking);
    assert_eq!(judge(&required, &optional, "B::id"), Level::None);
}

#[test]
fn signatures_cfgs_and_values() {
    assert_eq!(
        judge("pub fn f(x: u8) {}", "pub fn f(x: u16) {}", "f"),
        Level::Breaking
    );
    let gated = "pub mod m { pub fn f() {} }";
    assert_eq!(
        judge(
            gated,
            "#[cfg(feature = \"x\")] pub mod m { pub fn f() {} }",
            "m"
        ),
        Level::Breaking
    );
    assert_eq!(
        judge(
            "pub const URL: &str = \"a\";",
            "pub const URL: &str = \"b\";",
            "URL"
        ),
        Level::None
    );
    // A table's length follows the spec: its type is the same.
    let table = |n: usize| format!("pub static OPS: [u8; {n}] = [0; {n}];");
    assert_eq!(judge(&table(2), &table(3), "OPS"), Level::None);
}
