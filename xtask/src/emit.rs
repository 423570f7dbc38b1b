//! Turns a normalised document into the files of a crate: `Cargo.toml`, `src/*.rs` and a
//! normalisation report, each with a banner saying where it came from and how to regenerate.
//! Each client module is progenitor's code ([`progenitor`]) as the rewrite stage
//! ([`rewrite`]) edits it, plus its typed mocks ([`crate::mock`]); this module only assembles.

use quote::quote;
use serde_json::Value;

use crate::config::{ApiConfig, Service};
use crate::finding::Findings;
use crate::progenitor::{self, Uses};
use crate::rewrite::{self, Summary};
pub use crate::tree::Files;
use crate::{services, timings};

mod report;

/// The progenitor version, pinned with `=` in xtask's Cargo.toml (a test checks they agree).
pub const PROGENITOR_VERSION: &str = "0.15.1";

/// Where a crate came from, for its banners.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// Spec path as shown to readers (relative to the workspace for registered APIs).
    pub spec: String,
    /// sha256 of the spec's bytes.
    pub spec_sha256: String,
    /// Fixes file and its sha256, if any.
    pub fixes: Option<(String, String)>,
    /// The command that regenerates this crate.
    pub command: String,
    /// Name and reason of every fix applied, listed in the report so that removing one shows
    /// up by name in `cargo xtask check`.
    pub applied_fixes: Vec<(String, String)>,
    /// Operations left out of the client (listed in the report and the crate docs).
    pub omitted: Vec<crate::degrade::Omitted>,
}

/// A generated crate, in memory.
#[derive(Debug)]
pub struct Crate {
    /// Its files.
    pub files: Files,
    /// What the rewrite stage changed in progenitor's output, over all client modules.
    pub rewrites: Summary,
}

/// Generates every file of the crate. Nothing is written here.
pub fn crate_files(
    config: &ApiConfig,
    doc: &Value,
    provenance: &Provenance,
    report: &Findings,
) -> Result<Crate, Findings> {
    crate::operations::check_names(doc, &config.idempotent, "idempotent")?;
    rewrite::decimal::check_names(doc, &config.decimal)?;
    let doc = &crate::operations::omit(doc, &config.omit)?;
    let implicit = [Service::whole()];
    let split = !config.services.is_empty();
    let services: &[Service] = if split { &config.services } else { &implicit };
    let assigned = if split {
        services::assign(doc, services)?
    } else {
        vec![
            crate::walk::operations(doc)
                .into_iter()
                .map(|o| o.pointer)
                .collect(),
        ]
    };
    let mut files = Files::new();
    let mut uses = Uses::default();
    let mut rewrites = Summary::default();
    let mut modules = Vec::new();
    let mut findings = Findings::default();
    for (service, ops) in services.iter().zip(&assigned) {
        let sub = services::subset(doc, ops);
        match module_source(config, service, &sub, doc) {
            Ok(module) => {
                uses = uses.or(module.uses);
                rewrites.add(&module.rewrites);
                modules.push((service, module.code, module.mock));
            }
            Err(f) => findings.extend(f),
        }
    }
    if findings.has_errors() {
        return Err(findings);
    }
    let rust_banner = banner("//", provenance);
    if split {
        files.insert(
            "src/lib.rs".into(),
            format!(
                "{rust_banner}\n{}",
                lib_rs(config, doc, services, None, &provenance.omitted)?
            ),
        );
        for (service, code, mock) in modules {
            let doc_line = service.doc.replace('\n', " ");
            files.insert(
                format!("src/{}.rs", service.module).into(),
                format!(
                    "{rust_banner}\n//! {doc_line}\n\n{code}{}",
                    crate::mock::DECLARATION
                ),
            );
            files.insert(
                format!("src/{}/mock.rs", service.module).into(),
                format!("{rust_banner}\n{mock}"),
            );
        }
    } else {
        let (code, mock) = modules
            .into_iter()
            .next()
            .map(|(_, code, mock)| (code, mock))
            .unwrap_or_default();
        files.insert(
            "src/lib.rs".into(),
            format!(
                "{rust_banner}\n{}{}",
                lib_rs(config, doc, services, Some(&code), &provenance.omitted)?,
                crate::mock::DECLARATION
            ),
        );
        files.insert("src/mock.rs".into(), format!("{rust_banner}\n{mock}"));
    }
    if uses.decimal {
        let lib = files.entry("src/lib.rs".into()).or_default();
        lib.push_str("\nmod decimal_json;\n");
        files.insert(
            "src/decimal_json.rs".into(),
            format!(
                "{rust_banner}\n{}",
                progenitor::format(rewrite::decimal::module())?
            ),
        );
    }
    files.insert(
        "Cargo.toml".into(),
        cargo_toml(
            config,
            &banner("#", provenance),
            uses,
            &rewrite::feature_groups::cargo_features(config, doc),
        ),
    );
    files.insert(
        "NORMALISATION.md".into(),
        report::markdown(&banner("", provenance), provenance, report, &rewrites),
    );
    // The code is formatted by prettyplease, the same on every machine; rustfmt must not
    // reformat it (`cargo fmt --all` would otherwise make `cargo xtask check` fail).
    files.insert(
        "rustfmt.toml".into(),
        format!("{}disable_all_formatting = true\n", banner("#", provenance)),
    );
    Ok(Crate { files, rewrites })
}

/// One client module: its code, its mocks, and what it needs.
struct Module {
    code: String,
    mock: String,
    uses: Uses,
    rewrites: Summary,
}

/// The generated module of one service: progenitor's client as the rewrite stage edits it,
/// and its mock module.
fn module_source(
    config: &ApiConfig,
    service: &Service,
    sub: &Value,
    whole: &Value,
) -> Result<Module, Findings> {
    let spec = timings::phase("openapiv3 parse", || progenitor::parse(sub))?;
    let settings = progenitor::settings(config.auth, &config.decimal);
    let generated = progenitor::generate_with(&spec, &settings)?;
    // How users name the client module, and how the crate itself does.
    let path_from = |root: &str| match service.module.as_str() {
        "" => root.to_owned(),
        module => format!("{root}::{module}"),
    };
    let crate_path = path_from(&config.lib_name());
    let input = rewrite::Input {
        config,
        service,
        doc: sub,
        whole,
        crate_path: &crate_path,
    };
    let rewritten = timings::phase("rewrite", || rewrite::run(generated.file, &input))?;
    let mock = timings::phase("mocks", || {
        crate::mock::file(&spec, &settings, sub, &rewritten.file, &path_from("crate"))
    })?;
    Ok(Module {
        code: timings::phase("format", || progenitor::unparse(&rewritten.file)),
        mock,
        uses: Uses {
            decimal: rewritten.uses_decimal,
            multipart: rewritten.uses_multipart,
            ..generated.uses
        },
        rewrites: rewritten.summary,
    })
}

/// `src/lib.rs`: crate docs, lint allowances for vendor prose, the declared servers, and
/// either the client (`code`) or the service modules.
fn lib_rs(
    config: &ApiConfig,
    doc: &Value,
    services: &[Service],
    code: Option<&str>,
    omitted: &[crate::degrade::Omitted],
) -> Result<String, Findings> {
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("API");
    let version = doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut out = String::new();
    out.push_str(&format!(
        "//! {}\n//!\n//! Generated from the OpenAPI document *{title}*, version `{version}`.\n",
        config.description
    ));
    if code.is_none() {
        out.push_str("//! One module per service, each with its own `Client`, base URL and credentials:\n//!\n");
        for s in services {
            let gate = s
                .feature
                .as_ref()
                .map_or_else(String::new, |f| format!(" (cargo feature `{f}`)"));
            out.push_str(&format!(
                "//! - [`{}`]: {}{gate}\n",
                s.module,
                s.doc.replace('\n', " ")
            ));
        }
    }
    if !omitted.is_empty() {
        out.push_str("//!\n//! ## Operations left out\n//!\n//! The generator could not express these; `NORMALISATION.md` says why and what to fix:\n//!\n");
        for o in omitted {
            out.push_str(&format!(
                "//! - `{}` (`{} {}`)\n",
                o.operation_id, o.method, o.path
            ));
        }
    }
    out.push_str("\n#![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]\n");
    if config.in_workspace {
        out.push_str(crate::package::DOCS_RS_ATTRIBUTE);
    }
    out.push('\n');
    let servers: Vec<Value> = doc
        .get("servers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let server_items = servers.iter().map(|s| {
        let url = s.get("url").and_then(Value::as_str).unwrap_or_default();
        let description = s.get("description").and_then(Value::as_str).unwrap_or_default();
        let default = services::default_url(s);
        let vars: Vec<(String, String)> = s
            .get("variables")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.get("default").and_then(Value::as_str).unwrap_or_default().to_owned())).collect())
            .unwrap_or_default();
        let names = vars.iter().map(|(k, _)| k);
        let defaults = vars.iter().map(|(_, v)| v);
        quote! { Server { url: #url, description: #description, default_url: #default, variables: &[#((#names, #defaults)),*] } }
    });
    let servers_code = quote! {
        /// A server the spec declares. progenitor ignores `servers`, so they are kept here.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct Server {
            /// URL template, variables in braces.
            pub url: &'static str,
            /// What the spec says of this server.
            pub description: &'static str,
            /// The URL with every variable at its default.
            pub default_url: &'static str,
            /// Template variables and their defaults.
            pub variables: &'static [(&'static str, &'static str)],
        }
        /// The servers of the document's top-level `servers`, in order.
        pub const SERVERS: &[Server] = &[#(#server_items),*];
    };
    let mods = if code.is_none() {
        let items = services.iter().map(|s| {
            let name = quote::format_ident!("{}", s.module);
            let doc = &s.doc;
            match &s.feature {
                Some(f) => quote! { #[doc = #doc] #[cfg(feature = #f)] pub mod #name; },
                None => quote! { #[doc = #doc] pub mod #name; },
            }
        });
        quote! { #(#items)* }
    } else {
        quote! {}
    };
    out.push_str(&progenitor::format(quote! { #servers_code #mods })?);
    if let Some(code) = code {
        out.push('\n');
        out.push_str(code);
    }
    Ok(out)
}

fn banner(comment: &str, p: &Provenance) -> String {
    let mut lines = vec![
        "@generated by xtask. DO NOT EDIT: every change here is overwritten.".to_owned(),
        format!(
            "Regenerate: {}   (CI checks with `cargo xtask check`)",
            p.command
        ),
        format!("Source: {} (sha256 {})", p.spec, p.spec_sha256),
    ];
    if let Some((path, sha)) = &p.fixes {
        lines.push(format!("Fixes: {path} (sha256 {sha})"));
    }
    lines.push(format!(
        "Generator: progenitor-impl {PROGENITOR_VERSION}, after normalising to OpenAPI 3.0.3"
    ));
    lines.iter().map(|l| format!("{comment} {l}\n")).collect()
}

/// `Cargo.toml` with exactly the dependencies the generated code uses.
fn cargo_toml(config: &ApiConfig, banner: &str, uses: Uses, groups: &[String]) -> String {
    let mut deps = vec![
        r#"progenitor-client = "0.15.1""#.to_owned(),
        format!(
            r#"reqwest = {{ version = "0.13.4", default-features = false, features = ["json", {}"query", "stream", "rustls"] }}"#,
            if uses.multipart {
                r#""multipart", "#
            } else {
                ""
            }
        ),
        r#"serde = { version = "1.0.226", features = ["derive"] }"#.to_owned(),
        r#"serde_json = "1.0.150""#.to_owned(),
    ];
    if uses.chrono {
        deps.push(r#"chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }"#.to_owned());
    }
    if uses.uuid {
        deps.push(r#"uuid = { version = "1", features = ["serde"] }"#.to_owned());
    }
    if uses.regress {
        deps.push(r#"regress = "0.10""#.to_owned());
    }
    if uses.futures {
        deps.push(r#"futures = "0.3""#.to_owned());
    }
    if config.auth {
        deps.push(crate::package::sdk_auth_dependency(config).to_owned());
    }
    if !config.paginate.is_empty() {
        deps.push(crate::package::sdk_paginate_dependency(config).to_owned());
    }
    if uses.decimal {
        deps.push(r#"rust_decimal = { version = "1.37", default-features = false, features = ["std", "serde-with-float"] }"#.to_owned());
    }
    deps.extend(crate::mock::DEPENDENCIES.iter().map(|d| (*d).to_owned()));
    if config.empty_success_body.is_some() {
        deps.push(r#"http = "1""#.to_owned());
    }
    deps.sort();
    let mut features: Vec<String> = config
        .services
        .iter()
        .filter_map(|s| s.feature.clone())
        .map(|f| format!("{f} = []"))
        .collect();
    features.extend(groups.iter().cloned());
    features.push(crate::mock::feature(!groups.is_empty()));
    let mut out = format!(
        "{banner}\n{}\n[dependencies]\n{}\n",
        crate::package::package_section(config),
        deps.join("\n")
    );
    if !features.is_empty() {
        out.push_str(&format!("\n[features]\n{}\n", features.join("\n")));
    }
    out
}
