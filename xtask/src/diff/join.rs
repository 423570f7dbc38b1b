//! Joining the Rust changes to the spec changes that cause them, by where [`super::link`]
//! located each Rust item.

use super::rust::RustChange;
use super::{Area, Change, Level, Verdict};

/// Attaches each Rust change to the spec change it comes from (the one at its pointer or
/// the closest one above it; else the first below it), so that spec change carries the
/// worst compile verdict among them. Rust changes no spec change explains are listed under
/// [`Area::Generated`].
pub fn join(mut spec: Vec<Change>, rust: Vec<RustChange>) -> Vec<Change> {
    let mut attached = vec![false; spec.len()];
    let mut generated = Vec::new();
    for r in rust {
        let target = r.pointer.as_deref().and_then(|p| owner(&spec, p));
        match target {
            Some(i) => {
                let s = &mut spec[i];
                if !s.rust.contains(&r.item) {
                    s.rust.push(r.item.clone());
                }
                if !attached[i] || r.compile.level > s.compile.level {
                    s.compile =
                        Verdict::new(r.compile.level, format!("{}: {}", r.what, r.compile.why));
                    attached[i] = true;
                }
            }
            None => generated.push(Change {
                area: Area::Generated,
                effect: r.effect,
                what: r.what,
                pointer: r.pointer.unwrap_or_default(),
                was: None,
                rust: vec![r.item],
                compile: r.compile,
                wire: Verdict::new(Level::None, "no spec change behind it"),
            }),
        }
    }
    spec.extend(generated);
    spec
}

/// The spec change a Rust item at `pointer` belongs to.
fn owner(spec: &[Change], pointer: &str) -> Option<usize> {
    let candidates = || {
        spec.iter()
            .enumerate()
            .filter(|(_, s)| s.area != Area::Documentation)
    };
    let inside =
        |outer: &str, inner: &str| inner == outer || inner.starts_with(&format!("{outer}/"));
    let places = |s: &Change| {
        std::iter::once(s.pointer.clone())
            .chain(s.was.clone())
            .collect::<Vec<_>>()
    };
    candidates()
        .filter_map(|(i, s)| {
            places(s)
                .into_iter()
                .filter(|p| inside(p, pointer))
                .map(|p| p.len())
                .max()
                .map(|len| (i, len))
        })
        .max_by_key(|(_, len)| *len)
        .map(|(i, _)| i)
        .or_else(|| {
            candidates()
                .find(|(_, s)| places(s).iter().any(|p| inside(pointer, p)))
                .map(|(i, _)| i)
        })
}
