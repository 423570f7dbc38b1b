//! The command line (`crates/cli`, binary `sdk-cli`): one subcommand per API and per
//! operation, emitted into `crates/cli/src/generated/` by `cargo xtask regen` from the same
//! normalised documents and generated clients as the client crates.
//!
//! Per API the emitter writes a table of operations (names, the spec's summaries and
//! descriptions, flags) that the hand-written CLI turns into clap commands, and a `call`
//! function that reads each flag into the type the generated client's builder takes and
//! sends through the client, so requests go through `sdk_auth::Auth` like any SDK call.
//! Types come from the generated source itself (module `builders`), help texts and flags from the
//! spec (module `spec`). An operation the command line cannot express is left out with its reason
//! in the module's header, never emitted half-right.

mod builders;
mod code;
pub mod spec;

use std::path::Path;

use serde_json::Value;

use crate::finding::{Findings, Severity};
use crate::job::Built;
use crate::tree::Files;
use crate::{names, operations, services};

/// Where the generated command-line modules live, relative to the workspace root.
pub const DIR: &str = "crates/cli/src/generated";

/// An operation the command line leaves out, and why.
#[derive(Clone, Debug)]
pub struct LeftOut {
    /// The operation's subcommand name.
    pub command: String,
    /// Why.
    pub reason: String,
}

/// The files of [`DIR`] for every built API.
///
/// # Errors
/// Findings naming the API whose generated client could not be read.
pub fn files(apis: &[(String, Built)]) -> Result<Files, Findings> {
    let mut files = Files::new();
    let mut modules = Vec::new();
    let mut findings = Findings::default();
    for (name, built) in apis {
        match api_module(name, built) {
            Ok(module) => {
                files.insert(format!("{}.rs", module.ident).into(), module.source.clone());
                modules.push(module);
            }
            Err(message) => findings.add(
                Severity::Error,
                "cli",
                "",
                format!("api `{name}`: {message}"),
            ),
        }
    }
    if findings.has_errors() {
        return Err(findings);
    }
    files.insert("mod.rs".into(), code::root(&modules)?);
    Ok(files)
}

/// One API's generated module.
pub struct ApiModule {
    /// The API's name on the command line (`specs/<name>/`).
    pub name: String,
    /// The Rust module name.
    pub ident: String,
    /// The document's `info.title`.
    pub title: String,
    /// The document's `info.description`.
    pub description: String,
    /// The module's text.
    pub source: String,
}

fn api_module(name: &str, built: &Built) -> Result<ApiModule, String> {
    let config = &built.config;
    let doc = operations::omit(&built.document, &config.omit).map_err(|f| f.to_string())?;
    let lib = config.lib_name();
    let (services, assigned) = if config.services.is_empty() {
        let all = crate::walk::operations(&doc)
            .into_iter()
            .map(|o| o.pointer)
            .collect();
        (vec![None], vec![all])
    } else {
        let assigned = services::assign(&doc, &config.services).map_err(|f| f.to_string())?;
        (config.services.iter().map(Some).collect(), assigned)
    };
    let mut readers = Vec::new();
    for service in &services {
        let (file, client_path) = match service {
            None => ("src/lib.rs".to_owned(), lib.clone()),
            Some(s) => (
                format!("src/{}.rs", s.module),
                format!("{lib}::{}", s.module),
            ),
        };
        let source = built
            .files
            .get(Path::new(&file))
            .ok_or_else(|| format!("the generated client has no {file}"))?;
        let client_path: syn::Path = syn::parse_str(&client_path).map_err(|e| e.to_string())?;
        readers.push((client_path, builders::read(source)?));
    }
    let ident = names::sanitize_snake(name);
    let mut ops: Vec<code::Operation> = Vec::new();
    let mut left_out = Vec::new();
    // Document order; an operation in several services is offered once, by the first.
    for (pointer, op) in spec::operations(&doc) {
        let Some(index) = assigned.iter().position(|ops| ops.contains(&pointer)) else {
            continue;
        };
        if ops.iter().any(|o| o.spec.command == op.command) {
            continue;
        }
        let (client_path, builders) = &readers[index];
        let pages = config
            .paginate
            .iter()
            .find(|p| names::sanitize_snake(&p.operation) == op.method_name);
        match code::Operation::new(&op, services[index], client_path, builders, pages) {
            Ok(operation) => ops.push(operation),
            Err(reason) => left_out.push(LeftOut {
                command: op.command.clone(),
                reason,
            }),
        }
    }
    let info = |key: &str| {
        built
            .document
            .pointer(&format!("/info/{key}"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let banner = client_banner(built);
    let source = code::api(name, &ident, &banner, &ops, &left_out)?;
    Ok(ApiModule {
        name: name.to_owned(),
        ident,
        title: info("title"),
        description: info("description"),
        source,
    })
}

/// The banner of the API's generated client (do-not-edit, source and sha256, generator): the
/// command-line module is derived from the same inputs.
fn client_banner(built: &Built) -> String {
    built
        .files
        .get(Path::new("src/lib.rs"))
        .map(|lib| {
            lib.lines()
                .take_while(|l| l.starts_with("// "))
                .map(|l| format!("{l}\n"))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ApiConfig;
    use crate::job::Job;

    /// Specs from outside the workspace (the generator's codegen fixtures): the emitter reads
    /// every generated client, emits code that parses, and leaves out only what it says.
    #[test]
    fn fixtures_from_other_apis_emit_parsable_commands() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let fixtures = root.join("tests/fixtures/codegen");
        let mut names: Vec<_> = std::fs::read_dir(&fixtures)
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .collect();
        names.sort();
        for spec in names {
            let name = spec
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .replace('-', "_");
            let job = Job {
                name: name.clone(),
                spec: spec.clone(),
                fixes: None,
                config: ApiConfig::standalone("fixture-client"),
                display_root: root.to_owned(),
                command: "test".into(),
            };
            let built = job
                .build()
                .unwrap_or_else(|f| panic!("{}: {f}", spec.display()));
            let files = files(&[(name.clone(), built)]).unwrap_or_else(|f| panic!("{name}: {f}"));
            for (path, text) in &files {
                syn::parse_file(text).unwrap_or_else(|e| panic!("{name}/{}: {e}", path.display()));
            }
            let module = &files[Path::new(&format!("{}.rs", names::sanitize_snake(&name)))];
            let commands = module.matches("        name: \"").count();
            let left_out = module.lines().filter(|l| l.starts_with("//! - `")).count();
            println!("{name}: {commands} commands, {left_out} left out");
            assert!(commands > 0, "{name}: no command at all:\n{module}");
        }
    }
}
