//! The public Rust API of a generated crate, read with `syn`, as a flat map from item paths
//! (`baas::types::Customer`, `baas::types::Customer.first_name`, `Client::create_quote`,
//! `types::Status::Active`, `types::Customer: Default`) to what code that uses them relies
//! on; and the comparison of two such maps by Rust's semver rules ([`compare`]).

mod compare;
mod read;
#[cfg(test)]
mod rules;
mod syntax;

use std::collections::BTreeMap;

pub use compare::{RustChange, compare};

use super::ReadError;
use crate::tree::Files;

/// What an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `pub mod`.
    Module,
    /// `pub struct`.
    Struct,
    /// `pub enum`.
    Enum,
    /// A public field of a struct (`Type.field`).
    Field,
    /// A variant of an enum (`Type::Variant`).
    Variant,
    /// A free function.
    Function,
    /// A public inherent method, or a trait's method (`Type::method`).
    Method,
    /// `pub const`.
    Const,
    /// `pub static`.
    Static,
    /// A trait implemented for a type, derived or written (`Type: Trait`).
    TraitImpl,
    /// `pub trait`.
    Trait,
    /// `pub type`.
    TypeAlias,
    /// `pub use`.
    Reexport,
}

impl Kind {
    /// How the report names it.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Module => "module",
            Kind::Struct => "struct",
            Kind::Enum => "enum",
            Kind::Field => "field",
            Kind::Variant => "variant",
            Kind::Function => "function",
            Kind::Method => "method",
            Kind::Const => "constant",
            Kind::Static => "static",
            Kind::TraitImpl => "trait impl",
            Kind::Trait => "trait",
            Kind::TypeAlias => "type alias",
            Kind::Reexport => "re-export",
        }
    }
}

/// How an item's signature names another type of the crate, for locating it in the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A field's type (inside `Option`, `Vec`, maps: see [`Item::shape`]).
    Field,
    /// What a client method returns (its builder).
    Returns,
    /// The success body `send()` returns.
    Success,
    /// The error body `send()` returns.
    Error,
    /// What a builder setter accepts (`TryInto<T>`).
    Accepts,
}

/// One public item and what users rely on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// What it is.
    pub kind: Kind,
    /// Its signature as tokens (type of a field or const, a function's signature, a
    /// variant's fields, a re-export's path); a change is a breaking change.
    pub signature: String,
    /// The value of a `const` or `static`: a change is not a compile-time change.
    pub value: Option<String>,
    /// The cargo feature gating it (`#[cfg(feature = "x")]`, inherited from its module).
    pub cfg: Option<String>,
    /// The name on the wire of a field or variant (`#[serde(rename)]`, else its Rust name).
    pub wire: Option<String>,
    /// For a builder setter: whether the value must be set before `send()` / `try_from`;
    /// for a trait method: whether implementations must provide it (no default body).
    pub required: Option<bool>,
    /// Whether other crates can build or implement it. A struct: with a struct literal (every
    /// field public, not `#[non_exhaustive]`), so a new field breaks such literals. A trait:
    /// it is not sealed, so a new method without a default breaks their impls.
    pub constructible: bool,
    /// For an enum: not `#[non_exhaustive]`, so a new variant breaks exhaustive `match`es.
    pub exhaustive: bool,
    /// Types of this crate its signature names, resolved to item paths.
    pub links: Vec<(Role, String)>,
    /// For a field: the wrappers around its linked type, outermost first (`Option`, `Vec`,
    /// `HashMap`), which say where in the schema the type sits.
    pub shape: Vec<String>,
}

impl Item {
    /// An item of `kind` with `signature` and nothing else known.
    pub fn new(kind: Kind, signature: String) -> Self {
        Item {
            kind,
            signature,
            value: None,
            cfg: None,
            wire: None,
            required: None,
            constructible: false,
            exhaustive: false,
            links: Vec::new(),
            shape: Vec::new(),
        }
    }
}

/// A crate's public API.
#[derive(Clone, Debug, Default)]
pub struct Api {
    /// Every public item by path.
    pub items: BTreeMap<String, Item>,
}

impl Api {
    /// Reads the crate whose files are `files` (starting at `src/lib.rs`).
    ///
    /// # Errors
    /// A source file that does not parse.
    pub fn read(files: &Files) -> Result<Api, ReadError> {
        read::crate_api(files)
    }

    /// The struct or enum path of a member (`a::T.f` or `a::T::V` or `a::T::m` → `a::T`).
    pub fn parent(path: &str) -> Option<&str> {
        if let Some((parent, _)) = path.rsplit_once('.') {
            return Some(parent);
        }
        if let Some((parent, _)) = path.split_once(": ") {
            return Some(parent);
        }
        path.rsplit_once("::").map(|(p, _)| p)
    }
}
