//! `cargo xtask <command>`; run `cargo xtask help` for the commands.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  regen                      regenerate generated/<api>/ from specs/<api>/ for every API
  check                      fail (naming the files) if generated/ differs from a regen; writes nothing
  lint                       print every normaliser finding for every API (notes included)
  generate --spec FILE --out DIR [--name CRATE] [--fixes FILE]
                             generate a crate from any OpenAPI 3.0/3.1 document
  bench [ROUNDS]             time regen (warm, in memory) and each generated crate's build
  help                       this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let root = xtask::workspace_root();
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return Ok(ExitCode::from(2));
    };
    match command.as_str() {
        "regen" => {
            let built = xtask::regen(&root).map_err(|e| e.to_string())?;
            for (name, b) in built {
                println!("generated/{name}: {b}");
            }
        }
        "check" => {
            let drift = xtask::check(&root).map_err(|e| e.to_string())?;
            if !drift.is_empty() {
                for d in &drift {
                    eprintln!("{d}");
                }
                return Err(format!(
                    "generated/ is stale ({} file(s)); run `cargo xtask regen` and commit",
                    drift.len()
                ));
            }
            println!("generated/ is up to date");
        }
        "lint" => {
            let built = xtask::build_all(&root).map_err(|e| e.to_string())?;
            for (name, b) in built {
                let count = b.findings.sorted().len();
                println!("api `{name}`: {count} finding(s)\n{}", b.findings);
            }
        }
        "generate" => {
            let flags = Flags::parse(&args[1..])?;
            let spec = flags.spec.ok_or("generate needs --spec FILE")?;
            let out = flags.out.ok_or("generate needs --out DIR")?;
            let name = flags.name.unwrap_or_else(|| default_name(&spec));
            let built = xtask::generate(&spec, flags.fixes.as_deref(), &out, &name)
                .map_err(|e| e.to_string())?;
            if !built.findings.is_empty() {
                eprintln!("{}", built.findings);
            }
            println!("{}: {built}", out.display());
        }
        "bench" => {
            let rounds = args
                .get(1)
                .map(|r| {
                    r.parse()
                        .map_err(|_| format!("ROUNDS must be a number, got `{r}`"))
                })
                .transpose()?;
            xtask::bench::run(&root, rounds.unwrap_or(5))?;
        }
        "help" | "--help" | "-h" => println!("{USAGE}"),
        other => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Flags of `generate`.
#[derive(Default)]
struct Flags {
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    name: Option<String>,
    fixes: Option<PathBuf>,
}

impl Flags {
    fn parse(args: &[String]) -> Result<Flags, String> {
        let mut flags = Flags::default();
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let mut value = || {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--spec" => flags.spec = Some(value()?.into()),
                "--out" => flags.out = Some(value()?.into()),
                "--name" => flags.name = Some(value()?),
                "--fixes" => flags.fixes = Some(value()?.into()),
                other => return Err(format!("unknown flag `{other}` for generate\n\n{USAGE}")),
            }
        }
        Ok(flags)
    }
}

/// `petstore.yaml` → `petstore-client`.
fn default_name(spec: &std::path::Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let clean = clean.trim_matches('-');
    if clean.is_empty() || !clean.starts_with(|c: char| c.is_ascii_alphabetic()) {
        "api-client".to_owned()
    } else {
        format!("{clean}-client")
    }
}
