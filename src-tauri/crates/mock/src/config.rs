//! What a mock server is started with.

use std::path::PathBuf;
use std::time::Duration;

/// Settings for [`crate::serve`]. Build with `Config { ..Config::default() }`.
#[derive(Debug, Clone)]
pub struct Config {
    /// Port on 127.0.0.1; 0 lets the OS pick a free one.
    pub port: u16,
    /// Folder of recorded cases (`<case>/response.sse` or `response.json`),
    /// served as models `case:<name>`.
    pub cases_dir: Option<PathBuf>,
    /// Pause before each streamed delta (and between replayed case events).
    /// A request's `metadata.mock_delay_ms` overrides it.
    pub delta_delay: Duration,
    /// The largest file `POST /v1/files` takes; larger is a 413.
    pub max_file_bytes: usize,
    /// Whether `/v1/batches` exists; without it the Batch API's paths are
    /// 404s, as at a gateway that has none.
    pub batch_api: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 0,
            cases_dir: None,
            delta_delay: Duration::from_millis(5),
            max_file_bytes: 64 * 1024 * 1024,
            batch_api: true,
        }
    }
}
