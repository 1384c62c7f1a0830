//! Captures every log line of this test process in memory, so the canary test
//! can search them. The app logs with `tracing` from command threads and from
//! tasks on Tauri's async runtime, so a thread-local subscriber would miss
//! most of it: this installs the global one, once, at the most verbose level
//! (a user may run the app with `HALLEY_LOG=trace`). `log` records of
//! dependencies are bridged in too.

use std::io;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

static CAPTURE: OnceLock<Buffer> = OnceLock::new();

/// Starts capturing (the first call) and is a no-op afterwards.
pub fn capture() {
    CAPTURE.get_or_init(|| {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .try_init()
            .expect("no other global subscriber is installed in this test binary");
        buffer
    });
}

/// Everything logged since [`capture`] was first called.
pub fn captured() -> String {
    let buffer = CAPTURE.get().expect("capture() runs before any app starts");
    let bytes = buffer.0.lock().unwrap_or_else(PoisonError::into_inner);
    String::from_utf8_lossy(&bytes).into_owned()
}
