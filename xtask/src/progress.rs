//! Progress on stderr for the command-line tool: anything that can take more than a second
//! says what it is doing. Off by default, so the library and its tests stay quiet.

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Turns progress messages on for this process.
pub fn enable() {
    let _ = STARTED.set(Instant::now());
}

/// Prints `message` on stderr, with the time since [`enable`], if progress is on.
pub fn say(message: impl AsRef<str>) {
    if let Some(start) = STARTED.get() {
        eprintln!(
            "[{:>6.1}s] {}",
            start.elapsed().as_secs_f64(),
            message.as_ref()
        );
    }
}
