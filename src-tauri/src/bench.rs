//! Measurement hooks for `./x bench` (tests/bench/). Active only when the
//! `HALLEY_BENCH` environment variable names a file; otherwise every hook is
//! a no-op and the UI is not told to call them. When active they only record
//! timestamps, appended to that file as one JSON object per line:
//!
//! - `{"mark":"first-paint","epochMs":…}` (and `composer-ready`): reported by
//!   the UI after the frame that shows the page / the usable composer;
//! - `{"stream":{"sent":…,"echoed":…,"latencyMs":[…]}}`: once a run has
//!   finished and the UI has echoed every text delta. The backend stamps each
//!   delta as it goes into the run's channel; the UI echoes how many deltas
//!   it has committed to the DOM, once per frame; the difference is the
//!   delta → DOM-commit latency of each delta, in the real webview.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use halley_core::chat::{Emit, RunUpdate};
use serde::{Deserialize, Serialize};

/// Names the file the hooks append to; unset in a normal run.
pub const BENCH_ENV: &str = "HALLEY_BENCH";

/// What the page tells the harness it reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export_to = "BenchMark.ts")]
pub enum BenchMark {
    /// The first frame after the UI was mounted has been painted.
    FirstPaint,
    /// The composer is on screen and accepts input (providers loaded).
    ComposerReady,
}

/// The hooks as managed state: `None` unless [`BENCH_ENV`] is set.
#[derive(Clone, Default)]
pub struct BenchHooks(Option<Arc<Recorder>>);

impl BenchHooks {
    pub fn from_env() -> Self {
        match std::env::var_os(BENCH_ENV) {
            Some(path) if !path.is_empty() => Self::to_file(PathBuf::from(path)),
            _ => Self(None),
        }
    }

    /// Hooks writing to `path`; inactive (with a warning) when it cannot be opened.
    pub fn to_file(path: PathBuf) -> Self {
        match OpenOptions::new().create(true).append(true).open(&path) {
            Ok(file) => Self(Some(Arc::new(Recorder {
                out: Mutex::new(file),
                stream: Mutex::new(StreamTimes::default()),
            }))),
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "bench hooks off: cannot open the file");
                Self(None)
            }
        }
    }

    pub fn active(&self) -> bool {
        self.0.is_some()
    }

    pub fn mark(&self, mark: BenchMark) {
        if let Some(recorder) = &self.0 {
            recorder.write(&serde_json::json!({"mark": mark, "epochMs": epoch_ms()}));
        }
    }

    /// Wraps a run's emitter so each text delta is stamped as it is sent.
    /// A new run replaces the previous run's figures: the harness drives one
    /// run at a time.
    pub fn wrap(&self, emit: Emit) -> Emit {
        let Some(recorder) = self.0.clone() else {
            return emit;
        };
        *recorder.lock_stream() = StreamTimes::default();
        Arc::new(move |update: RunUpdate| {
            let finished = matches!(update, RunUpdate::Finished { .. });
            if matches!(update, RunUpdate::TextDelta { .. }) {
                recorder.lock_stream().sent.push(Instant::now());
            }
            emit(update);
            if finished {
                recorder.lock_stream().finished = true;
                recorder.report_if_complete();
            }
        })
    }

    /// The UI has committed the first `deltas` text deltas of the run to the DOM.
    pub fn echo(&self, deltas: u32) {
        let Some(recorder) = &self.0 else { return };
        let now = Instant::now();
        {
            let mut stream = recorder.lock_stream();
            let upto =
                usize::try_from(deltas).map_or(stream.sent.len(), |n| n.min(stream.sent.len()));
            for index in stream.echoed..upto {
                let latency = now.duration_since(stream.sent[index]);
                stream.latency_ms.push(latency.as_secs_f64() * 1000.0);
            }
            stream.echoed = stream.echoed.max(upto);
        }
        recorder.report_if_complete();
    }
}

pub struct Recorder {
    out: Mutex<File>,
    stream: Mutex<StreamTimes>,
}

#[derive(Default)]
struct StreamTimes {
    /// When each text delta of the current run went into its channel.
    sent: Vec<Instant>,
    /// How many of them the UI has echoed.
    echoed: usize,
    latency_ms: Vec<f64>,
    finished: bool,
    reported: bool,
}

impl Recorder {
    fn lock_stream(&self) -> std::sync::MutexGuard<'_, StreamTimes> {
        self.stream.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn report_if_complete(&self) {
        let line = {
            let mut stream = self.lock_stream();
            if !stream.finished || stream.reported || stream.echoed < stream.sent.len() {
                return;
            }
            stream.reported = true;
            serde_json::json!({"stream": {
                "sent": stream.sent.len(),
                "echoed": stream.echoed,
                "latencyMs": stream.latency_ms,
            }})
        };
        self.write(&line);
    }

    fn write(&self, value: &serde_json::Value) {
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        // Best effort: a full disk must not disturb the app being measured.
        let _ = writeln!(out, "{value}");
    }
}

fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

/// Tells the page (before its scripts run) that the hooks are on, so a
/// normal run makes no bench calls at all. `None` unless [`BENCH_ENV`] is set.
pub fn page_flag_plugin<R: tauri::Runtime>() -> Option<tauri::plugin::TauriPlugin<R>> {
    std::env::var_os(BENCH_ENV).filter(|path| !path.is_empty())?;
    Some(
        tauri::plugin::Builder::new("halley-bench")
            .js_init_script(PAGE_FLAG.to_owned())
            .build(),
    )
}

const PAGE_FLAG: &str = "window.__HALLEY_BENCH__ = true;";

#[cfg(test)]
mod tests {
    use super::*;

    fn read_lines(path: &std::path::Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(path)
            .expect("the bench file")
            .lines()
            .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
            .collect()
    }

    #[test]
    fn inactive_hooks_pass_updates_through_and_write_nothing() {
        let hooks = BenchHooks::default();
        assert!(!hooks.active());
        let seen = Arc::new(Mutex::new(0));
        let counter = seen.clone();
        let emit = hooks.wrap(Arc::new(move |_| *counter.lock().expect("lock") += 1));
        emit(RunUpdate::TextDelta { text: "a".into() });
        hooks.echo(1);
        hooks.mark(BenchMark::FirstPaint);
        assert_eq!(*seen.lock().expect("lock"), 1);
    }

    #[test]
    fn a_finished_run_is_reported_once_every_delta_is_echoed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bench.jsonl");
        let hooks = BenchHooks::to_file(path.clone());
        assert!(hooks.active());
        hooks.mark(BenchMark::ComposerReady);
        let emit = hooks.wrap(Arc::new(|_| {}));
        for text in ["a", "b", "c"] {
            emit(RunUpdate::TextDelta { text: text.into() });
        }
        hooks.echo(2);
        emit(RunUpdate::Finished {
            status: halley_core::history::MessageStatus::Complete,
            error: None,
            response_id: None,
        });
        // Finished, but one delta not yet on screen: nothing reported yet.
        assert_eq!(read_lines(&path).len(), 1);
        hooks.echo(3);
        hooks.echo(3);
        let lines = read_lines(&path);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[0]["mark"], "composer-ready");
        assert!(lines[0]["epochMs"].as_f64().expect("a time") > 0.0);
        let stream = &lines[1]["stream"];
        assert_eq!(stream["sent"], 3);
        assert_eq!(stream["echoed"], 3);
        assert_eq!(stream["latencyMs"].as_array().expect("latencies").len(), 3);
    }

    #[test]
    fn marks_are_the_names_the_ui_sends() {
        let mark: BenchMark = serde_json::from_str("\"first-paint\"").expect("known mark");
        assert_eq!(mark, BenchMark::FirstPaint);
        assert!(serde_json::from_str::<BenchMark>("\"other\"").is_err());
    }
}
