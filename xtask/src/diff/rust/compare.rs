//! Judging the difference of two public APIs by Rust's semver rules (the Cargo book's "SemVer
//! Compatibility" chapter), with the one rule the book cannot know: a progenitor builder
//! checks its required values when the request is sent, so a new required setter makes
//! existing calls fail at `send()` although they still compile.

use super::{Api, Item, Kind};
use crate::diff::link::Locations;
use crate::diff::{Effect, Level, Verdict};

/// One change of the Rust API.
#[derive(Clone, Debug)]
pub struct RustChange {
    /// The item's path.
    pub item: String,
    /// What changed.
    pub what: String,
    /// Where the item comes from in the spec (`#/...`), if known.
    pub pointer: Option<String>,
    /// Added, changed or removed.
    pub effect: Effect,
    /// For code compiled against the crate.
    pub compile: Verdict,
}

/// Every difference between `old` and `new`, located with each side's locations.
pub fn compare(old: &Api, new: &Api, old_at: &Locations, new_at: &Locations) -> Vec<RustChange> {
    let mut out = Vec::new();
    for (path, item) in &new.items {
        match old.items.get(path) {
            None if !has_ancestor(path, |p| {
                new.items.contains_key(p) && !old.items.contains_key(p)
            }) =>
            {
                out.push(RustChange {
                    item: path.clone(),
                    what: format!("{} `{path}` added", item.kind.noun()),
                    pointer: new_at.of(path),
                    effect: Effect::Added,
                    compile: added(old, path, item),
                });
            }
            None => {}
            Some(before) => {
                for (effect, what, compile) in changed(path, before, item) {
                    out.push(RustChange {
                        item: path.clone(),
                        what,
                        pointer: new_at.of(path).or_else(|| old_at.of(path)),
                        effect,
                        compile,
                    });
                }
            }
        }
    }
    for (path, item) in &old.items {
        if new.items.contains_key(path)
            || has_ancestor(path, |p| {
                old.items.contains_key(p) && !new.items.contains_key(p)
            })
        {
            continue;
        }
        let (what, why) = match item.kind {
            Kind::TraitImpl => {
                let (ty, tr) = path.split_once(": ").unwrap_or((path, ""));
                (
                    format!("`{ty}` no longer implements `{tr}`"),
                    "code that relies on the impl no longer compiles".to_owned(),
                )
            }
            kind => (
                format!("{} `{path}` removed", kind.noun()),
                "code that names it no longer compiles".to_owned(),
            ),
        };
        out.push(RustChange {
            item: path.clone(),
            what,
            pointer: old_at.of(path),
            effect: Effect::Removed,
            compile: Verdict::new(Level::Breaking, why),
        });
    }
    out
}

/// Whether some ancestor of `path` (its type, its module, theirs) satisfies `test`.
fn has_ancestor(path: &str, test: impl Fn(&str) -> bool) -> bool {
    let mut current = path;
    while let Some(parent) = Api::parent(current) {
        if test(parent) {
            return true;
        }
        current = parent;
    }
    false
}

fn added(old: &Api, path: &str, item: &Item) -> Verdict {
    let parent = Api::parent(path).and_then(|p| old.items.get(p).map(|i| (p, i)));
    match (item.kind, parent) {
        (Kind::Field, Some((p, s))) if s.constructible => Verdict::new(
            Level::Breaking,
            format!(
                "struct literals and exhaustive patterns of `{p}` must now name it (its fields are public and it is not #[non_exhaustive])"
            ),
        ),
        (Kind::Variant, Some((p, e))) if e.exhaustive => Verdict::new(
            Level::Breaking,
            format!(
                "exhaustive `match`es on `{p}` must now handle it (it is not #[non_exhaustive])"
            ),
        ),
        (Kind::Method, Some((p, t))) if t.kind == Kind::Trait => {
            if t.constructible && item.required == Some(true) {
                Verdict::new(
                    Level::Breaking,
                    format!(
                        "implementations of `{p}` outside the crate must now provide it (the trait is not sealed and the method has no default)"
                    ),
                )
            } else {
                Verdict::new(
                    Level::Additive,
                    "new; the trait is sealed or the method has a default",
                )
            }
        }
        (Kind::Method, _) if item.required == Some(true) => Verdict::new(
            Level::Breaking,
            "existing calls still compile, but the builder now fails (`send()` returns `InvalidRequest`, `try_from` an error) until it is set",
        ),
        _ => Verdict::new(Level::Additive, "new; existing code is unaffected"),
    }
}

fn changed(path: &str, old: &Item, new: &Item) -> Vec<(Effect, String, Verdict)> {
    let mut out = Vec::new();
    let mut breaking = |what: String, why: &str| {
        out.push((Effect::Changed, what, Verdict::new(Level::Breaking, why)));
    };
    if old.kind != new.kind {
        breaking(
            format!(
                "`{path}` is now a {} (was a {})",
                new.kind.noun(),
                old.kind.noun()
            ),
            "code that uses it as before no longer compiles",
        );
        return out;
    }
    if old.signature != new.signature {
        breaking(
            format!(
                "{} `{path}`: `{}` → `{}`",
                new.kind.noun(),
                old.signature,
                new.signature
            ),
            "code written for the old signature no longer compiles",
        );
    }
    if old.cfg != new.cfg && new.cfg.is_some() {
        breaking(
            format!(
                "`{path}` now needs `cfg({})`",
                new.cfg.clone().unwrap_or_default()
            ),
            "code built without that cfg no longer finds it",
        );
    }
    if old.constructible && !new.constructible {
        if new.kind == Kind::Trait {
            breaking(
                format!("trait `{path}` is now sealed"),
                "implementations of it outside the crate no longer compile",
            );
        } else {
            breaking(
                format!("struct `{path}` can no longer be built with a struct literal"),
                "struct literals of it no longer compile",
            );
        }
    }
    if old.exhaustive && !new.exhaustive && new.kind == Kind::Enum {
        breaking(
            format!("enum `{path}` is now #[non_exhaustive]"),
            "exhaustive `match`es on it need a wildcard arm",
        );
    }
    if old.required != Some(true) && new.required == Some(true) {
        breaking(
            format!("setter `{path}` is now required"),
            "existing calls still compile, but the builder fails until it is set",
        );
    }
    let mut note = |what: String, level: Level, why: &str| {
        out.push((Effect::Changed, what, Verdict::new(level, why)));
    };
    if old.required == Some(true) && new.required == Some(false) {
        note(
            format!("setter `{path}` is now optional"),
            Level::None,
            "existing calls set it anyway",
        );
    }
    if old.cfg.is_some() && new.cfg.is_none() {
        note(
            format!(
                "`{path}` no longer needs `cfg({})`",
                old.cfg.clone().unwrap_or_default()
            ),
            Level::Additive,
            "available in more builds",
        );
    }
    if !old.constructible && new.constructible && new.kind == Kind::Struct {
        note(
            format!("struct `{path}` can now be built with a struct literal"),
            Level::Additive,
            "more ways to use it",
        );
    }
    if old.wire != new.wire {
        note(
            format!(
                "`{path}` is named `{}` on the wire (was `{}`)",
                new.wire.clone().unwrap_or_default(),
                old.wire.clone().unwrap_or_default()
            ),
            Level::None,
            "the Rust name is unchanged",
        );
    }
    if old.value != new.value {
        note(
            format!("value of `{path}` changed"),
            Level::None,
            "its type is unchanged",
        );
    }
    out
}
