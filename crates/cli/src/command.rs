//! The clap command tree, built from the generated tables: `sdk-cli <api> <operation>
//! [flags]`, with the spec's summaries in every listing and its descriptions in `--help`.

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command};

use crate::generated::APIS;
use crate::input::{ALL, BODY, BODY_FILE};
use crate::table::{Api, Operation, Param, Shape, first_line};
use crate::tokens;

/// The global flag that turns on request lines on stderr.
pub const VERBOSE: &str = "verbose";

const ABOUT: &str = "Call Bridge, OrigoID and Obi FARE.AI from the command line";

const LONG_ABOUT: &str = "\
Call Bridge, OrigoID and Obi FARE.AI from the command line: one subcommand per API and per
operation, generated from the same OpenAPI documents as the SDK, with the SDK's token handling
(minted on first use, replayed once on 401, never printed).

Credentials and base URLs come from the SDK's environment variables:
  bridge   BRIDGE_BAAS_KEY_ID, BRIDGE_BAAS_SECRET, BRIDGE_BAAS_URL (BaaS core operations)
           BRIDGE_COLLECTIONS_KEY_ID, BRIDGE_COLLECTIONS_SECRET, BRIDGE_COLLECTIONS_URL (collections)
  origoid  ORIGOID_API_KEY (or ORIGOID_USERNAME + ORIGOID_PASSWORD), ORIGOID_URL
  obi      OBI_API_KEY, OBI_API_SECRET, OBI_URL

The response body is printed as JSON on stdout (indented on a terminal); with `--all`, a
paginated operation prints every item of every page, one JSON line each. Errors are one line
on stderr, starting with their kind. Exit codes: 0 ok, 1 API error, 2 usage (nothing was sent),
3 auth failure.";

/// `sdk-cli` with every API, operation and flag.
pub fn build() -> Command {
    Command::new("sdk-cli")
        .about(ABOUT)
        .long_about(LONG_ABOUT)
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new(VERBOSE)
                .long(VERBOSE)
                .short('v')
                .global(true)
                .display_order(1000)
                .action(ArgAction::SetTrue)
                .help("Show each request and response line on stderr (credentials redacted)"),
        )
        .after_long_help(listing())
        .subcommands(APIS.iter().map(api))
}

/// Every operation of every API with its summary, for the top-level `--help`.
fn listing() -> String {
    let mut out = String::from("Operations (`sdk-cli <api> <operation> --help` for details):");
    for api in APIS {
        out.push_str(&format!("\n  {}:", api.name));
        for op in api.operations {
            out.push_str(&format!("\n    {:<34} {}", op.name, op.headline()));
        }
    }
    out
}

fn api(api: &Api) -> Command {
    let mut long = api.title.to_owned();
    if let Some(line) = first_line(api.description) {
        long.push_str(&format!("\n\n{line}"));
    }
    Command::new(api.name)
        .about(api.title)
        .long_about(long)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(api.operations.iter().map(operation))
        .subcommands(tokens::commands(api.name))
}

fn operation(op: &'static Operation) -> Command {
    let mut long = [op.summary, op.description]
        .iter()
        .filter(|t| !t.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\n\n");
    let service = if op.service.is_empty() {
        String::new()
    } else {
        format!(" ({} service)", op.service)
    };
    long.push_str(&format!("\n\nSends {} {}{service}.", op.method, op.path));
    let mut command = Command::new(op.name)
        .about(op.headline())
        .long_about(long.trim_start().to_owned())
        .args(op.params.iter().map(param));
    if let Some(pages) = &op.pages {
        let mut all = Arg::new(ALL)
            .long(ALL)
            .action(ArgAction::SetTrue)
            .help("Follow every page: print each item as one JSON line, as the pages arrive");
        if !pages.position.is_empty() {
            all = all.conflicts_with(pages.position);
        }
        command = command.arg(all);
    }
    if let Some(body) = &op.body {
        command = command
            .arg(
                Arg::new(BODY)
                    .long(BODY)
                    .value_name("JSON")
                    .conflicts_with(BODY_FILE)
                    .help_heading("Request body")
                    .help(if body.required {
                        "The request body as JSON (required, unless the member flags make it whole)"
                    } else {
                        "The request body as JSON (optional)"
                    }),
            )
            .arg(
                Arg::new(BODY_FILE)
                    .long(BODY_FILE)
                    .value_name("FILE")
                    .help_heading("Request body")
                    .help("Read the JSON body from FILE (`-` for standard input)"),
            )
            .args(body.fields.iter().map(|f| {
                let required = if f.required { " (required member)" } else { "" };
                flag(f.flag, &f.value, f.description, required)
                    .help_heading("Body members (override --body)")
            }));
    }
    command
}

fn param(p: &Param) -> Arg {
    let location = format!(" ({} parameter)", p.location);
    let arg = flag(p.flag, &p.value, p.description, &location).required(p.required);
    if p.repeated {
        arg.action(ArgAction::Append)
    } else {
        arg
    }
}

/// A valued flag with the spec's description: its first line for `-h`, all of it for
/// `--help`.
fn flag(name: &'static str, value: &Shape, description: &str, suffix: &str) -> Arg {
    let short = first_line(description).unwrap_or_default();
    let mut arg = Arg::new(name)
        .long(name)
        .value_name(value.placeholder)
        .help(format!("{short}{suffix}").trim().to_owned())
        .long_help(format!("{}{suffix}", description.trim()).trim().to_owned());
    if !value.choices.is_empty() {
        arg = arg.value_parser(PossibleValuesParser::new(value.choices));
    }
    arg
}

/// Whether clap's `error` is a request for help or the version (printed as clap does).
pub fn is_help(error: &clap::Error) -> bool {
    use clap::error::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    )
}

/// A clap usage error as one line: the problem and clap's tips, without the usage block.
pub fn one_line(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let mut out = String::new();
    for line in text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:"))
        .filter(|l| !l.is_empty())
    {
        let line = line.strip_prefix("error: ").unwrap_or(line);
        match out.ends_with(':') {
            true => out.push(' '),
            false if !out.is_empty() => out.push_str("; "),
            false => {}
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_consistent() {
        build().debug_assert();
    }

    #[test]
    fn only_paginated_operations_have_all() {
        let mut paginated = Vec::new();
        for api in APIS {
            for op in api.operations {
                let command = operation(op);
                let all = command.get_arguments().find(|a| a.get_id() == ALL);
                assert_eq!(
                    all.is_some(),
                    op.pages.is_some(),
                    "{} {}",
                    api.name,
                    op.name
                );
                if let (Some(all), Some(pages)) = (all, &op.pages) {
                    let conflicts = command.get_arg_conflicts_with(all);
                    let names: Vec<&str> = conflicts.iter().map(|a| a.get_id().as_str()).collect();
                    assert_eq!(names, [pages.position], "{} {}", api.name, op.name);
                    paginated.push(format!("{} {}", api.name, op.name));
                }
            }
        }
        assert!(
            paginated.contains(&"bridge list-collection-transactions".to_owned()),
            "{paginated:?}"
        );
    }

    #[test]
    fn usage_errors_are_one_line_with_clap_s_tips() {
        let error = build()
            .try_get_matches_from(["sdk-cli", "obi", "create-qoute"])
            .unwrap_err();
        assert!(!is_help(&error));
        let line = one_line(&error);
        assert!(
            line.starts_with("unrecognized subcommand 'create-qoute'"),
            "{line}"
        );
        assert!(line.contains("create-quote"), "the suggestion: {line}");
        assert!(!line.contains('\n') && !line.contains("Usage"), "{line}");
    }
}
