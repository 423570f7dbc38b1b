//! The guarded progenitor call: a normalised document in, formatted Rust source out.
//!
//! progenitor and typify still panic on shapes the normaliser does not know; the call runs
//! under `catch_unwind` so a panic becomes an error finding naming the API, never a crash.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use proc_macro2::TokenStream;
use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use serde_json::Value;

use crate::finding::{Findings, Severity};
use crate::timings;

/// The Rust type decimal schemas become (`decimal` in codegen.toml).
pub const DECIMAL_TYPE: &str = "::rust_decimal::Decimal";

/// What a generated module needs beyond the client code.
pub struct Generated {
    /// The client code, parsed once (the rewrite stage edits this tree).
    pub file: syn::File,
    /// Whether the code uses these optional crates.
    pub uses: Uses,
}

/// Optional dependencies of generated code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Uses {
    /// `chrono` (date-time formats).
    pub chrono: bool,
    /// `uuid` (uuid format).
    pub uuid: bool,
    /// `regress` (patterns).
    pub regress: bool,
    /// `futures` (streams).
    pub futures: bool,
    /// reqwest's `multipart` feature (multipart request bodies).
    pub multipart: bool,
    /// `rust_decimal` (schemas replaced by a decimal type, `decimal` in codegen.toml).
    pub decimal: bool,
}

impl Uses {
    /// Union of two modules' needs.
    pub fn or(self, other: Uses) -> Uses {
        Uses {
            chrono: self.chrono || other.chrono,
            uuid: self.uuid || other.uuid,
            regress: self.regress || other.regress,
            futures: self.futures || other.futures,
            multipart: self.multipart || other.multipart,
            decimal: self.decimal || other.decimal,
        }
    }
}

/// Parses the normalised document with openapiv3, reporting the failing location.
pub fn parse(doc: &Value) -> Result<openapiv3::OpenAPI, Findings> {
    serde_path_to_error::deserialize(doc.clone()).map_err(|e| {
        let mut f = Findings::default();
        let path = e.path().to_string();
        f.add(
            Severity::Error,
            "openapi-structure",
            &crate::pointer::from_serde_path(&path),
            format!("not a valid OpenAPI 3.0 document here: {}", e.inner()),
        );
        f
    })
}

/// Serialises panic-hook swaps: the hook is process-global.
static PANIC_HOOK: Mutex<()> = Mutex::new(());

/// The generation settings: builder interface, merged tags; with `auth`, clients carry
/// `sdk_auth::Auth` and call our hooks; schemas named in `decimal` become
/// `rust_decimal::Decimal` (their JSON encoding is a rewrite pass, above this module).
pub fn settings(auth: bool, decimal: &[String]) -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged);
    if auth {
        settings
            .with_inner_type(quote::quote!(sdk_auth::Auth))
            .with_hooks(HooksMode::Expected);
    }
    for name in decimal {
        settings.with_replacement(
            name,
            DECIMAL_TYPE,
            [TypeImpl::Display, TypeImpl::FromStr, TypeImpl::Default].into_iter(),
        );
    }
    settings
}

/// Runs progenitor (builder interface, merged tags) on a parsed spec.
pub fn generate(spec: &openapiv3::OpenAPI, auth: bool) -> Result<Generated, Findings> {
    generate_with(spec, &settings(auth, &[]))
}

/// Runs progenitor with `settings` on a parsed spec.
pub fn generate_with(
    spec: &openapiv3::OpenAPI,
    settings: &GenerationSettings,
) -> Result<Generated, Findings> {
    let result = guarded(|| {
        let mut generator = Generator::new(settings);
        let tokens = timings::phase("progenitor", || generator.generate_tokens(spec));
        let space = generator.get_type_space();
        let uses = Uses {
            chrono: space.uses_chrono(),
            uuid: space.uses_uuid(),
            regress: space.uses_regress(),
            futures: generator.uses_futures(),
            multipart: false,
            decimal: false,
        };
        tokens.map(|tokens| (tokens, uses))
    });
    let mut findings = Findings::default();
    match result {
        Ok(Ok((tokens, uses))) => {
            let file = timings::phase("syn parse", || parse_file(tokens))?;
            let twice = duplicate_types(&file);
            if twice.is_empty() {
                return Ok(Generated { file, uses });
            }
            findings.add(
                Severity::Error,
                "progenitor",
                "",
                format!(
                    "typify emitted these types twice, which does not compile (E0428): {}",
                    twice.join(", ")
                ),
            );
        }
        Ok(Err(e)) => findings.add(
            Severity::Error,
            "progenitor",
            "",
            format!("progenitor rejected the normalised document: {e}"),
        ),
        Err(message) => findings.add(
            Severity::Error,
            "progenitor-panic",
            "",
            format!("progenitor panicked on a shape the normaliser does not handle yet ({message}); replace the offending schema with a fix and report it"),
        ),
    }
    Err(findings)
}

/// Runs `f` (a progenitor or typify call) with panics caught: `Err` holds the panic message,
/// cut to 400 characters. The panic hook is silenced meanwhile, one caller at a time.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let _guard = PANIC_HOOK.lock().unwrap_or_else(|e| e.into_inner());
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".to_owned());
        message.chars().take(400).collect()
    })
}

/// Names defined more than once in the generated `types` module.
fn duplicate_types(file: &syn::File) -> Vec<String> {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for item in &file.items {
        let syn::Item::Mod(m) = item else { continue };
        if m.ident != "types" {
            continue;
        }
        for inner in m.content.iter().flat_map(|(_, items)| items) {
            let name = match inner {
                syn::Item::Struct(s) => s.ident.to_string(),
                syn::Item::Enum(e) => e.ident.to_string(),
                syn::Item::Type(t) => t.ident.to_string(),
                _ => continue,
            };
            *seen.entry(name).or_default() += 1;
        }
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(name, _)| name)
        .collect()
}

/// Formats tokens as Rust source with prettyplease (no rustfmt: same bytes on every machine).
pub fn format(tokens: TokenStream) -> Result<String, Findings> {
    Ok(unparse(&parse_file(tokens)?))
}

/// Formats a syntax tree as Rust source, as [`fn@format`] does.
pub fn unparse(file: &syn::File) -> String {
    let text = prettyplease::unparse(file);
    let spaced = progenitor_impl::space_out_items(text.clone()).unwrap_or(text);
    spaced.replace("\r\n", "\n")
}

/// Generated tokens as a syntax tree; a `generated-syntax` error if they do not parse.
pub fn parse_file(tokens: TokenStream) -> Result<syn::File, Findings> {
    syn::parse2::<syn::File>(tokens).map_err(|e| {
        let mut f = Findings::default();
        f.add(
            Severity::Error,
            "generated-syntax",
            "",
            format!("generated code does not parse: {e}"),
        );
        f
    })
}
