//! `sdk-cli`: Bridge, OrigoID and Obi FARE.AI from the command line.
//!
//! `sdk-cli <api> <operation> [flags]` calls one operation through the generated client, with
//! the SDK's credentials (environment variables) and token handling. The subcommands and
//! their flags are generated from the specs into [`generated`] by `cargo xtask regen`; this
//! crate holds the hand-written rest: the clap tree ([`command`]), reading flags into the
//! client's types ([`input`]), printing ([`output`]), the per-API glue ([`apis`]), `token`
//! and `revoke` ([`tokens`]) and `--verbose` ([`verbose`]).

mod apis;
mod command;
mod failure;
#[rustfmt::skip]
mod generated;
mod input;
mod output;
mod table;
mod tokens;
mod verbose;

use std::process::ExitCode;

use clap::ArgMatches;
use serde_json::Value;

use crate::failure::Failure;
use crate::generated::APIS;
use crate::input::Input;

fn main() -> ExitCode {
    let matches = match command::build().try_get_matches() {
        Ok(matches) => matches,
        Err(error) if command::is_help(&error) => error.exit(),
        Err(error) => {
            eprintln!("error: {}", Failure::usage(command::one_line(&error)));
            return ExitCode::from(2);
        }
    };
    if matches.get_flag(command::VERBOSE) {
        verbose::install();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&matches)) {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(body)) => match output::print(&body) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write the response: {e}");
                ExitCode::FAILURE
            }
        },
        Err(failure) => {
            eprintln!("error: {}", failure.to_string().replace(['\r', '\n'], " "));
            failure.exit_code()
        }
    }
}

/// Runs the command `matches` names.
async fn run(matches: &ArgMatches) -> Result<Option<Value>, Failure> {
    let Some((api, matches)) = matches.subcommand() else {
        return Err(Failure::usage("name an API"));
    };
    let Some((name, matches)) = matches.subcommand() else {
        return Err(Failure::usage(format!("name an operation of `{api}`")));
    };
    if let Some(done) = tokens::run(api, name, matches).await {
        return done;
    }
    let operation = APIS
        .iter()
        .filter(|a| a.name == api)
        .flat_map(|a| a.operations)
        .find(|op| op.name == name)
        .ok_or_else(|| Failure::unknown_operation(api, name))?;
    generated::call(api, name, &Input::new(matches, operation)).await
}
