//! `specs/<api>/codegen.toml`: how one registered API becomes a crate.

use std::path::Path;

use serde::Deserialize;

mod paginate;
pub use paginate::{Paginate, Style};

/// The generation settings of one API.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ApiConfig {
    /// Package name of the generated crate, e.g. `bridge-api`.
    #[serde(rename = "crate")]
    pub crate_name: String,
    /// One-line package description.
    pub description: String,
    /// The crate's version. Set by `cargo xtask diff --bump` from what the spec change does to
    /// users (see `release`), never by hand; absent in revisions before versions were kept.
    #[serde(default = "initial_version")]
    pub version: String,
    /// crates.io keywords of the generated crate (at most 5).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// crates.io categories of the generated crate.
    #[serde(default = "default_categories")]
    pub categories: Vec<String>,
    /// Generated into this workspace (`generated/<api>/`, set when read from `specs/`): the
    /// manifest inherits the workspace's package metadata and the crate is publishable.
    /// `cargo xtask generate` output stays a standalone, unpublished crate.
    #[serde(skip)]
    pub in_workspace: bool,
    /// Hand-written spec: any normaliser finding (even a note) fails generation.
    #[serde(default)]
    pub strict: bool,
    /// Clients carry `sdk_auth::Auth` and the generator emits the auth hooks.
    #[serde(default)]
    pub auth: bool,
    /// How to read a successful response with an empty body: `"null"` hands the generated
    /// code a JSON `null` (so `serde_json::Value` and `Option` responses decode), for APIs
    /// that answer some successes with nothing where JSON is documented. Needs `auth`.
    #[serde(default)]
    pub empty_success_body: Option<EmptySuccessBody>,
    /// POST/PATCH operations that are safe to repeat because the API documents an
    /// idempotency key the request always carries (spec operationId or its Rust name); the
    /// auth layer retries them like GET/PUT/DELETE. Needs `auth`.
    #[serde(default)]
    pub idempotent: Vec<String>,
    /// The request header in which the API takes an idempotency key (e.g.
    /// `Idempotency-Key`), when it documents one: a call given a key with
    /// `CallOptions::idempotency_key` sends it there, the same on every retry, and is retried
    /// like an idempotent one. Without it, a call with a key is refused before sending.
    /// Needs `auth`.
    #[serde(default)]
    pub idempotency_key_header: Option<String>,
    /// Operations left out of the clients (spec operationId or Rust name), e.g. a token
    /// endpoint the auth layer calls itself: a generated call could not carry the credentials.
    #[serde(default)]
    pub omit: Vec<String>,
    /// Component schemas generated as `rust_decimal::Decimal` (money): read from a JSON number
    /// or a decimal string, written as a JSON number.
    #[serde(default)]
    pub decimal: Vec<String>,
    /// How an operation with several success (or error) responses of different bodies, or a
    /// documented `304`, is typed: `"per-status"` (an enum per group, one variant per status)
    /// or `"one"` (one body type per group kept, the others surface as unexpected responses).
    #[serde(default)]
    pub responses: Responses,
    /// One module with its own `Client` per service; empty means one client at the crate root.
    #[serde(default, rename = "service")]
    pub services: Vec<Service>,
    /// Operations that answer page after page (`[[paginate]]`): their builders get item and
    /// page streams.
    #[serde(default)]
    pub paginate: Vec<Paginate>,
    /// Whether the client is split into cargo features, one per tag (or first path segment),
    /// so that a user of part of a big API compiles only that part.
    #[serde(default)]
    pub feature_groups: FeatureGroups,
}

/// `feature_groups` in codegen.toml.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FeatureGroups {
    /// On for documents of [`FeatureGroups::AUTO_MIN_OPERATIONS`] operations or more.
    #[default]
    Auto,
    /// Always on.
    On,
    /// Always off: one client, compiled whole.
    Off,
}

impl FeatureGroups {
    /// Where `auto` turns feature groups on: below this, compiling the whole client takes
    /// seconds and features would only be noise.
    pub const AUTO_MIN_OPERATIONS: usize = 150;
}

/// What an empty successful body is read as.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum EmptySuccessBody {
    /// A JSON `null`.
    Null,
}

/// How several success (or error) responses of one operation are typed.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Responses {
    /// One enum variant per status (and `NotModified` for a documented `304`), for the
    /// successes and for the error bodies.
    #[default]
    PerStatus,
    /// One success and one error body type per operation, as progenitor types them.
    One,
}

/// A generated module holding the operations of one service.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Module name (snake_case).
    pub module: String,
    /// Doc comment of the module.
    pub doc: String,
    /// Operations with this extension set to `true` belong here.
    pub extension: Option<String>,
    /// Operations served by `servers[server]` belong here: those whose own servers list it,
    /// and, for `server = 0`, those without servers of their own.
    pub server: Option<usize>,
    /// Operation ids added to this service whatever the rules say (e.g. a token endpoint
    /// that every service has).
    #[serde(default)]
    pub include: Vec<String>,
    /// Cargo feature that gates the module.
    pub feature: Option<String>,
}

impl Service {
    /// The one implicit service of an API that declares none: every operation, at the crate's
    /// root, with the document's first server.
    pub fn whole() -> Self {
        Service {
            module: String::new(),
            doc: String::new(),
            extension: None,
            server: Some(0),
            include: Vec::new(),
            feature: None,
        }
    }
}

impl ApiConfig {
    /// Defaults for a spec handed to `cargo xtask generate`.
    pub fn standalone(crate_name: &str) -> Self {
        ApiConfig {
            crate_name: crate_name.to_owned(),
            description: format!("Typed client generated from an OpenAPI document ({crate_name})."),
            version: initial_version(),
            keywords: Vec::new(),
            categories: default_categories(),
            in_workspace: false,
            strict: false,
            auth: false,
            empty_success_body: None,
            idempotent: Vec::new(),
            idempotency_key_header: None,
            omit: Vec::new(),
            decimal: Vec::new(),
            responses: Responses::default(),
            services: Vec::new(),
            paginate: Vec::new(),
            feature_groups: FeatureGroups::Auto,
        }
    }

    /// Reads and checks a `codegen.toml`.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut config: ApiConfig =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        config.in_workspace = true;
        config
            .validate()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        if !is_package_name(&self.crate_name) {
            return Err(format!(
                "`crate = {:?}` is not a valid package name",
                self.crate_name
            ));
        }
        check_metadata(self)?;
        paginate::check(&self.paginate)?;
        if self.empty_success_body.is_some() && !self.auth {
            return Err(
                "`empty_success_body` works through the auth hooks: it needs `auth = true`"
                    .to_owned(),
            );
        }
        if let Some(header) = &self.idempotency_key_header {
            if !self.auth {
                return Err(
                    "`idempotency_key_header` is read by the auth layer: it needs `auth = true`"
                        .to_owned(),
                );
            }
            if reqwest_header_name_invalid(header) {
                return Err(format!(
                    "`idempotency_key_header = {header:?}` is not a valid HTTP header name"
                ));
            }
        }
        if !self.idempotent.is_empty() && !self.auth {
            return Err(
                "`idempotent` tells the auth layer what to retry: it needs `auth = true`"
                    .to_owned(),
            );
        }
        if self.feature_groups == FeatureGroups::On && !self.services.is_empty() {
            return Err(
                "`feature_groups = \"on\"` splits one client; with `[[service]]` modules, gate them with `feature` instead"
                    .to_owned(),
            );
        }
        for s in &self.services {
            if !is_snake_ident(&s.module) {
                return Err(format!(
                    "service module {:?} is not a snake_case identifier",
                    s.module
                ));
            }
            if s.extension.is_none() && s.server.is_none() && s.include.is_empty() {
                return Err(format!(
                    "service {:?} selects nothing: give `extension`, `server` or `include`",
                    s.module
                ));
            }
        }
        Ok(())
    }

    /// The Rust library name of the crate.
    pub fn lib_name(&self) -> String {
        self.crate_name.replace('-', "_")
    }
}

/// The version of a crate that has never been released.
pub fn initial_version() -> String {
    "0.1.0".to_owned()
}

fn default_categories() -> Vec<String> {
    vec![
        "api-bindings".to_owned(),
        "web-programming::http-client".to_owned(),
    ]
}

/// Whether `name` is usable as a Cargo package name.
pub fn is_package_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn is_snake_ident(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Checks the release metadata of a `codegen.toml`: a semver version, and keywords crates.io
/// accepts (at most 5, each at most 20 ASCII characters, starting with a letter).
fn check_metadata(config: &ApiConfig) -> Result<(), String> {
    semver::Version::parse(&config.version).map_err(|e| {
        format!(
            "`version = {:?}` is not a semver version: {e}",
            config.version
        )
    })?;
    if config.keywords.len() > 5 {
        return Err(format!(
            "`keywords` has {} entries; crates.io accepts at most 5",
            config.keywords.len()
        ));
    }
    for k in &config.keywords {
        let valid = k.len() <= 20
            && k.starts_with(|c: char| c.is_ascii_alphabetic())
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'));
        if !valid {
            return Err(format!(
                "keyword {k:?} is not one crates.io accepts (at most 20 characters: letters, digits, `_`, `-`, `+`, starting with a letter)"
            ));
        }
    }
    Ok(())
}

/// Whether `name` is not a token HTTP allows as a header name (RFC 9110 §5.6.2).
fn reqwest_header_name_invalid(name: &str) -> bool {
    name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registered() -> ApiConfig {
        ApiConfig {
            in_workspace: true,
            keywords: vec!["obi".into(), "fares".into()],
            ..ApiConfig::standalone("obi-api")
        }
    }

    #[test]
    fn bad_metadata_is_refused_with_the_reason() {
        let bad_version = ApiConfig {
            version: "1.0".into(),
            ..registered()
        };
        assert!(check_metadata(&bad_version).unwrap_err().contains("semver"));
        let too_many = ApiConfig {
            keywords: (0..6).map(|i| format!("k{i}")).collect(),
            ..registered()
        };
        assert!(check_metadata(&too_many).unwrap_err().contains("at most 5"));
        let odd = ApiConfig {
            keywords: vec!["1password".into()],
            ..registered()
        };
        assert!(check_metadata(&odd).unwrap_err().contains("1password"));
        assert!(check_metadata(&registered()).is_ok());
    }

    #[test]
    fn responses_reads_either_shape_and_refuses_others_with_the_choices() {
        #[derive(Deserialize)]
        struct Only {
            responses: Responses,
        }
        let read = |text: &str| toml::from_str::<Only>(text).map(|o| o.responses);
        assert_eq!(
            read("responses = \"per-status\"").unwrap(),
            Responses::PerStatus
        );
        assert_eq!(read("responses = \"one\"").unwrap(), Responses::One);
        let err = read("responses = \"many\"").unwrap_err().to_string();
        assert!(err.contains("per-status") && err.contains("one"), "{err}");
        assert_eq!(ApiConfig::standalone("x").responses, Responses::PerStatus);
    }

    #[test]
    fn feature_groups_take_three_values_and_refuse_others_with_the_line() {
        let dir = std::env::temp_dir().join(format!("xtask-groups-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("codegen.toml");
        let base = "crate = \"x-api\"\ndescription = \"X\"\n";
        std::fs::write(&path, format!("{base}feature_groups = \"on\"\n")).unwrap();
        assert_eq!(
            ApiConfig::load(&path).unwrap().feature_groups,
            FeatureGroups::On
        );
        std::fs::write(&path, base).unwrap();
        assert_eq!(
            ApiConfig::load(&path).unwrap().feature_groups,
            FeatureGroups::Auto
        );
        std::fs::write(&path, format!("{base}feature_groups = \"maybe\"\n")).unwrap();
        let err = ApiConfig::load(&path).unwrap_err();
        assert!(
            err.contains("codegen.toml") && err.contains("line 3") && err.contains("maybe"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
