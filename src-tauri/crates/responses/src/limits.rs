//! Bounds on what a server may send: how long one event-stream line (or one
//! event's data) may be, how large a JSON body, and how long the server may
//! stay silent while a response is open. The defaults are generous — a
//! `response.completed` carrying a long answer and its reasoning is a few MB,
//! and a slow reasoning model can think for minutes between events — but not
//! infinite, so a broken or hostile gateway ends a run with a clear error
//! instead of exhausting memory or waiting forever.

use std::time::Duration;

/// 16 MiB: several times the largest `response.completed` seen.
pub const DEFAULT_MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;
/// 64 MiB: a JSON body (a retrieved response, an input-item page).
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
/// 5 minutes without a byte: longer than any pause a reasoning model makes
/// while streaming, short enough that a dead gateway is noticed.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest event-stream line, and the most data one event may join.
    pub max_frame_bytes: usize,
    /// The largest JSON body read whole (announced or actual length).
    pub max_body_bytes: usize,
    /// The longest wait for the next byte: for the response's headers, and
    /// then between chunks of a stream or a body.
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_frame_bytes: DEFAULT_MAX_FRAME_BYTES,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
        }
    }
}

/// `1536` → "1.5 KiB", for error texts that name a limit.
pub(crate) fn human_bytes(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else if value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_bytes(DEFAULT_MAX_FRAME_BYTES), "16 MiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(100), "100 bytes");
    }
}
