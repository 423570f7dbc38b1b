//! Captured logs: one process-wide TRACE subscriber writing into memory, for tests that
//! search what was logged (for a secret that must not be there, or an expected warning).

use std::io::Write;
use std::sync::{Mutex, Once};

/// Everything the subscriber has written.
static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// The logs written since this capture started. The subscriber is global (installed once per
/// test binary), so lines of tests running in parallel may appear too.
pub struct Capture(usize);

impl Capture {
    /// Installs the subscriber on first use and starts capturing.
    pub fn start() -> Self {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_ansi(false)
                .with_writer(|| LogWriter)
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("the only subscriber of this binary");
        });
        Self(lock().len())
    }

    /// What was logged since [`start`](Self::start).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&lock()[self.0..]).into_owned()
    }
}

fn lock() -> std::sync::MutexGuard<'static, Vec<u8>> {
    LOGS.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        lock().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
