//! The Redis token store for real: real `redis-server`s on random loopback ports (a server,
//! a TLS server, a cluster), a loopback Obi token server, and fleets of real OS processes with
//! many concurrent tasks each (`SDK_FLEET_SIZE`, see `harness::Size`). Counts only, no timing
//! assertions; the sleeps only let short-lived tokens expire.
//!
//! The replicas are this very binary: started with [`worker::ROLE`] set, it runs one replica
//! (`worker.rs`) instead of the tests, so no second binary has to be found or kept in step.
//! The tests run under `libtest-mimic`, which gives them the usual test-harness command line.

#[macro_use]
mod harness;
mod backoff;
mod connection;
mod deployment;
mod divergence;
mod sentinel;
mod sharing;
mod tls;
mod worker;

use std::process::ExitCode;

use libtest_mimic::Arguments;

fn main() -> ExitCode {
    if std::env::var_os(worker::ROLE).is_some() {
        return worker::main();
    }
    let trials = [
        sharing::trials(),
        divergence::trials(),
        connection::trials(),
        backoff::trials(),
        tls::trials(),
        sentinel::trials(),
    ]
    .into_iter()
    .flatten()
    .collect();
    libtest_mimic::run(&Arguments::from_args(), trials).exit_code()
}
