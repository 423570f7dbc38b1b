//! The commands every API has besides its operations: `token` (mint one through `sdk-auth`
//! and say how long it lives and why; the token itself only with `--show-token`) and, where
//! the API can revoke, `revoke` (`--all`, or `--jti` for one token).

use clap::{Arg, ArgAction, ArgGroup, ArgMatches, Command};
use serde_json::{Value, json};

use crate::apis;
use crate::failure::Failure;

/// `token` and, for APIs that can revoke, `revoke`.
pub fn commands(api: &str) -> Vec<Command> {
    let mut token = Command::new("token")
        .about("Mint a token with the configured credentials and print its lifetime and source")
        .long_about(
            "Mint a token with the configured credentials (the same environment variables as \
             the SDK) and print, as JSON, how long it lives, where that lifetime came from \
             (relative-ttl, jwt-claims, absolute-expiry, default), its id and scopes. The token \
             itself is printed only with --show-token.",
        )
        .arg(
            Arg::new("show-token")
                .long("show-token")
                .action(ArgAction::SetTrue)
                .help("Also print the token itself (a secret: it grants access until it expires)"),
        );
    let services = apis::token_services(api);
    if !services.is_empty() {
        token = token.arg(
            Arg::new("service")
                .long("service")
                .value_parser(services.to_vec())
                .default_value(services[0])
                .help("The service whose credentials to use"),
        );
    }
    let mut commands = vec![token];
    if apis::revocable(api) {
        commands.push(
            Command::new("revoke")
                .about("Revoke every token of the account (--all) or one token (--jti)")
                .arg(
                    Arg::new("all")
                        .long("all")
                        .action(ArgAction::SetTrue)
                        .help("Revoke every token the account holds (after a leak); needs a token, so one is minted first"),
                )
                .arg(
                    Arg::new("jti")
                        .long("jti")
                        .value_name("JTI")
                        .help("Revoke the token with this id (`jti` in `token`'s output)"),
                )
                .group(ArgGroup::new("what").args(["all", "jti"]).required(true)),
        );
    }
    commands
}

/// Runs `token` or `revoke`; `None` if `command` is neither.
pub async fn run(
    api: &str,
    command: &str,
    matches: &ArgMatches,
) -> Option<Result<Option<Value>, Failure>> {
    match command {
        "token" => Some(token(api, matches).await),
        "revoke" if apis::revocable(api) => Some(revoke(api, matches).await),
        _ => None,
    }
}

async fn token(api: &str, matches: &ArgMatches) -> Result<Option<Value>, Failure> {
    let service = matches
        .try_get_one::<String>("service")
        .ok()
        .flatten()
        .map(String::as_str);
    let token = apis::auth(api, service)?.token().await?;
    let lifetime = token.lifetime();
    let expires = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now() + lifetime);
    let mut out = json!({
        "api": api,
        "lifetime_seconds": lifetime.as_secs(),
        "lifetime_source": source_name(token.lifetime_source()),
        "expires_at": expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "jti": token.jti(),
        "scopes": token.scopes(),
    });
    if let Some(service) = service {
        out["service"] = service.into();
    }
    if matches.get_flag("show-token") {
        out["token"] = token.expose_secret().into();
    }
    Ok(Some(out))
}

fn source_name(source: sdk::LifetimeSource) -> &'static str {
    match source {
        sdk::LifetimeSource::RelativeTtl => "relative-ttl",
        sdk::LifetimeSource::JwtClaims => "jwt-claims",
        sdk::LifetimeSource::AbsoluteExpiry => "absolute-expiry",
        sdk::LifetimeSource::Default => "default",
        _ => "other",
    }
}

async fn revoke(api: &str, matches: &ArgMatches) -> Result<Option<Value>, Failure> {
    if matches.get_flag("all") {
        apis::auth(api, None)?.revoke_all().await?;
        return Ok(Some(json!({ "api": api, "revoked": "all" })));
    }
    let jti = matches
        .get_one::<String>("jti")
        .ok_or_else(|| Failure::usage("give --all or --jti"))?;
    let request = sdk::obi::types::RevokeRequest {
        all: None,
        jti: Some(jti.clone()),
    };
    let client = apis::obi::client()?;
    crate::output::empty(api, client.revoke_token().body(request).send().await)?;
    Ok(Some(json!({ "api": api, "revoked": "jti", "jti": jti })))
}
