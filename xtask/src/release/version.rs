//! The version a change calls for.
//!
//! The version follows what a change does to **code compiled against the crate** (Cargo's
//! semver rules): breaking → the next major (`0.x`: the next minor), additive or anything
//! else that changed → the next patch (`1.x`: additive → minor). A change that breaks only
//! **on the wire** (a server moved, a new enum value in a response) asks for no more than a
//! patch: the new crate compiles with the same code, and a patch is what `cargo update`
//! picks up by itself, so the fix reaches users fastest. Its changelog entry says what
//! deployed binaries will see.

use semver::Version;
use serde::Serialize;

use crate::diff::Level;

/// The next version after `released` for a change of compile-time `level`; `changed` says
/// whether anything changed at all (a patch for docs or wire-only changes).
pub fn next(released: &Version, level: Level, changed: bool) -> Version {
    let mut v = released.clone();
    v.pre = semver::Prerelease::EMPTY;
    v.build = semver::BuildMetadata::EMPTY;
    let major = |v: &mut Version| {
        v.major += 1;
        v.minor = 0;
        v.patch = 0;
    };
    let minor = |v: &mut Version| {
        v.minor += 1;
        v.patch = 0;
    };
    let patch = |v: &mut Version| v.patch += 1;
    match (level, v.major, v.minor) {
        _ if !changed => return released.clone(),
        // 0.0.x: every release is incompatible with the last; cargo never unifies them.
        (_, 0, 0) => patch(&mut v),
        (Level::Breaking, 0, _) => minor(&mut v),
        (Level::Breaking, _, _) => major(&mut v),
        (Level::Additive, m, _) if m > 0 => minor(&mut v),
        _ => patch(&mut v),
    }
    v
}

/// What a crate's version is and should be.
#[derive(Clone, Debug, Serialize)]
pub struct Suggestion {
    /// Package name.
    pub crate_name: String,
    /// The version at the comparison's base (the last release).
    pub released: String,
    /// The version in the working tree.
    pub current: String,
    /// The version the changes call for.
    pub suggested: String,
    /// The worst compile-time level of the changes.
    pub level: Level,
    /// Whether the working tree's version is at least the suggested one.
    pub bumped: bool,
}

impl Suggestion {
    /// The suggestion for a crate released as `released`, now at `current`, whose changes
    /// are of compile-time `level`.
    pub fn new(
        crate_name: &str,
        released: &Version,
        current: &Version,
        level: Level,
        changed: bool,
    ) -> Self {
        let suggested = next(released, level, changed);
        Suggestion {
            crate_name: crate_name.to_owned(),
            released: released.to_string(),
            current: current.to_string(),
            suggested: suggested.to_string(),
            level,
            bumped: *current >= suggested,
        }
    }
}

impl std::fmt::Display for Suggestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.released == self.suggested {
            return write!(
                f,
                "{} {} (no release needed)",
                self.crate_name, self.current
            );
        }
        write!(
            f,
            "{} {} → {}",
            self.crate_name, self.released, self.suggested
        )?;
        if self.bumped {
            write!(f, " (set: {})", self.current)
        } else {
            write!(
                f,
                " (not set yet: {}; run `cargo xtask diff --bump`)",
                self.current
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn zero_x_versions_take_a_minor_for_breaking_and_a_patch_for_the_rest() {
        assert_eq!(next(&v("0.1.0"), Level::Breaking, true), v("0.2.0"));
        assert_eq!(next(&v("0.2.3"), Level::Breaking, true), v("0.3.0"));
        assert_eq!(next(&v("0.2.3"), Level::Additive, true), v("0.2.4"));
        assert_eq!(next(&v("0.2.3"), Level::None, true), v("0.2.4"));
        assert_eq!(next(&v("0.2.3"), Level::None, false), v("0.2.3"));
    }

    #[test]
    fn one_x_versions_follow_semver() {
        assert_eq!(next(&v("1.4.2"), Level::Breaking, true), v("2.0.0"));
        assert_eq!(next(&v("1.4.2"), Level::Additive, true), v("1.5.0"));
        assert_eq!(next(&v("1.4.2"), Level::None, true), v("1.4.3"));
        assert_eq!(next(&v("0.0.3"), Level::Breaking, true), v("0.0.4"));
    }

    #[test]
    fn a_version_at_or_past_the_suggestion_counts_as_bumped() {
        let s = Suggestion::new("x", &v("0.1.0"), &v("0.1.0"), Level::Breaking, true);
        assert_eq!(s.suggested, "0.2.0");
        assert!(!s.bumped);
        assert!(Suggestion::new("x", &v("0.1.0"), &v("0.2.0"), Level::Breaking, true).bumped);
        assert!(Suggestion::new("x", &v("0.1.0"), &v("1.0.0"), Level::Breaking, true).bumped);
        assert!(!Suggestion::new("x", &v("0.1.0"), &v("0.1.1"), Level::Breaking, true).bumped);
    }
}
