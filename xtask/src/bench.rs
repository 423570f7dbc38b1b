//! `cargo xtask bench`: how long regeneration takes (warm, in process) and how long each
//! generated crate takes to build. Prints its figures; asserts nothing.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs the benchmark and prints a small report.
pub fn run(root: &Path, rounds: usize) -> Result<(), String> {
    let rounds = rounds.max(1);
    let mut times = Vec::with_capacity(rounds);
    let mut lines = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        let built = crate::workspace::build_all(root).map_err(|e| e.to_string())?;
        times.push(start.elapsed());
        lines = built
            .iter()
            .map(|(name, b)| {
                (
                    name.clone(),
                    b.files.values().map(|t| t.lines().count()).sum::<usize>(),
                )
            })
            .collect();
    }
    times.sort();
    println!(
        "regen of all APIs in memory (warm, {rounds} rounds): min {} ms, median {} ms",
        ms(times[0]),
        ms(times[rounds / 2])
    );
    for (name, count) in &lines {
        println!("  {name}: {count} generated lines");
    }
    for name in crate::workspace::registered_apis(root).map_err(|e| e.to_string())? {
        let config =
            crate::config::ApiConfig::load(&root.join("specs").join(&name).join("codegen.toml"))?;
        let package = config.crate_name;
        cargo(root, &["clean", "--quiet", "-p", &package])?;
        let start = Instant::now();
        cargo(
            root,
            &["build", "--quiet", "-p", &package, "--all-features"],
        )?;
        println!(
            "  {package}: clean build {} ms (dependencies already built)",
            ms(start.elapsed())
        );
    }
    Ok(())
}

fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed", args.join(" ")))
    }
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}
