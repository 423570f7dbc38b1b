//! `cargo xtask <command>`; `cargo xtask --help` lists the commands, `cargo xtask <command>
//! --help` explains one. Exit codes: 0 ok, 1 spec errors (or stale output), 2 usage errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Generate, check and measure the typed API clients of this workspace.
#[derive(Parser)]
#[command(name = "xtask", bin_name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/<api>/ from specs/<api>/ for every API (only changed files are written).
    Regen,
    /// Fail, naming each file, if generated/ differs from a regen, or if a spec or its
    /// generated crate changed since the crate's last release in a way that breaks users and
    /// the version is not bumped as `cargo xtask diff` suggests; writes nothing.
    Check,
    /// Print every normaliser finding for every API (notes included) and how many edits each
    /// rewrite pass made to progenitor's output.
    Lint,
    /// What the spec changes since each API's last release do to users: every change judged
    /// for code compiled against the crate and for binaries already deployed, and the
    /// versions that calls for. Exit code 1 if anything breaks, 0 otherwise.
    Diff(xtask::release::cli::DiffOptions),
    /// Hold the compile-time verdicts of `diff` on the evolution fixtures against
    /// cargo-semver-checks (which must be installed); slow: compiles two crates per case.
    SemverCrosscheck(xtask::release::semver_checks::Options),
    /// Generate a crate from any OpenAPI 3.0/3.1 document.
    Generate {
        /// The OpenAPI document (YAML or JSON).
        #[arg(long, value_name = "FILE")]
        spec: PathBuf,
        /// The crate directory to write (created, or replaced if xtask wrote it).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Package name of the crate [default: <spec file stem>-client].
        #[arg(long, value_name = "CRATE")]
        name: Option<String>,
        /// Named JSON Patch fixes applied before normalising.
        #[arg(long, value_name = "FILE")]
        fixes: Option<PathBuf>,
        /// Refuse to degrade: every finding (even a note) is an error.
        #[arg(long)]
        strict: bool,
        /// Split the client into one cargo feature per tag (or first path segment); `auto`
        /// does from 150 operations.
        #[arg(long, value_enum, default_value = "auto")]
        feature_groups: xtask::config::FeatureGroups,
    },
    /// Time regen (warm, in memory) and each generated crate's build.
    Bench {
        /// Rounds of regen to time.
        #[arg(default_value_t = 5)]
        rounds: usize,
    },
    /// Generate every document of the real-world corpus and `cargo check` the result.
    Corpus(xtask::corpus::Options),
    /// Download the corpus's pinned npm package(s) with curl, check the sha256, and extract
    /// the npm-hosted documents (into xtask/corpus/documents by default).
    CorpusFetch(xtask::corpus::fetch::Options),
    /// Generate seeded random mutants of real documents, each with a child `xtask generate`,
    /// and count how they end (exit 0 or 1 with located findings; never a panic or abort).
    Mutate(xtask::mutate::Options),
}

fn main() -> ExitCode {
    // clap exits 0 for --help and 2 for usage errors.
    let cli = Cli::parse();
    xtask::progress::enable();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(command: Command) -> Result<(), String> {
    let root = xtask::workspace_root();
    match command {
        Command::Regen => {
            let built = xtask::regen(&root).map_err(|e| e.to_string())?;
            for (name, b) in &built {
                println!("generated/{name}: {b}");
            }
            print!("{}", xtask::release::cli::regen_summary(&root, &built));
        }
        Command::Check => {
            let built = xtask::build_all(&root).map_err(|e| e.to_string())?;
            let drift = xtask::drift(&root, &built).map_err(|e| e.to_string())?;
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
            // A spec change that breaks users needs the version the diff suggests.
            let guard = xtask::release::guard::check(&root, &built)?;
            for note in &guard.notes {
                eprintln!("note: {note}");
            }
            if !guard.failures.is_empty() {
                for failure in &guard.failures {
                    eprintln!("{failure}");
                }
                return Err(format!(
                    "{} crate(s) need a version bump for a breaking spec change",
                    guard.failures.len()
                ));
            }
            println!("versions match what the spec changes since each release call for");
        }
        Command::Diff(options) => return xtask::release::cli::diff(&root, &options),
        Command::SemverCrosscheck(options) => {
            return xtask::release::semver_checks::run(&root, &options);
        }
        Command::Lint => {
            let built = xtask::build_all(&root).map_err(|e| e.to_string())?;
            for (name, b) in built {
                let count = b.findings.sorted().len();
                println!(
                    "api `{name}`: {count} finding(s); edits of progenitor's output: {}\n{}",
                    b.rewrites, b.findings
                );
            }
        }
        Command::Generate {
            spec,
            out,
            name,
            fixes,
            strict,
            feature_groups,
        } => {
            let name = name.unwrap_or_else(|| default_name(&spec));
            let built = xtask::workspace::generate_grouped(
                &spec,
                fixes.as_deref(),
                &out,
                &name,
                strict,
                feature_groups,
            )
            .map_err(|e| e.to_string())?;
            if !built.findings.is_empty() {
                eprintln!("{}", built.findings);
            }
            eprintln!("edits of progenitor's output: {}", built.rewrites);
            if !built.omitted.is_empty() {
                eprintln!(
                    "{} operation(s) left out (listed in {}/NORMALISATION.md)",
                    built.omitted.len(),
                    out.display()
                );
            }
            println!("{}: {built}", out.display());
        }
        Command::Bench { rounds } => xtask::bench::run(&root, rounds)?,
        Command::Corpus(options) => xtask::corpus::run(&root, &options)?,
        Command::Mutate(options) => {
            let docs = xtask::mutate::documents(&root, &options)?;
            let work = options
                .work_dir
                .clone()
                .unwrap_or_else(|| root.join("target/mutate"));
            let exe =
                std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
            let counts = xtask::mutate::run(&docs, &options, &work, &exe)?;
            println!(
                "mutate: seed {}, {} mutants of {} document(s)\n{counts}",
                options.seed,
                options.count,
                docs.len()
            );
            if !counts.clean() {
                return Err(format!(
                    "{} run(s) did not end in exit 0 or 1 with located findings (mutants kept in {})",
                    counts.runs
                        - counts.of(xtask::mutate::Outcome::Generated)
                        - counts.of(xtask::mutate::Outcome::Refused),
                    work.join("failures").display()
                ));
            }
        }
        Command::CorpusFetch(options) => {
            let manifest = xtask::corpus::manifest::load(&xtask::corpus::manifest_path(&root))?;
            xtask::corpus::fetch::run(&root, &manifest, &options)?;
        }
    }
    Ok(())
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
