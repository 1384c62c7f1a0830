//! A Tauri 2 hello-world: the floor `./x bench` (tests/bench/run.mjs) sets
//! Halley's figures beside. It does what Halley's bench hooks do
//! (src-tauri/src/bench.rs) and nothing else: appends marks and stream
//! latencies to the file named by `HALLEY_BENCH`, one JSON object a line,
//! and, when `HALLEY_BENCH_STREAM=<runs>x<deltas>@<per second>` is set,
//! streams that many text deltas to its page over a Channel.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{json, Value};
use tauri::ipc::Channel;
use tauri::State;

#[derive(Default)]
struct Stream {
    sent: Vec<Instant>,
    echoed: usize,
    latency_ms: Vec<f64>,
    finished: bool,
    reported: bool,
}

struct Bench {
    out: Option<Mutex<File>>,
    stream: Mutex<Stream>,
}

impl Bench {
    fn write(&self, value: &Value) {
        if let Some(out) = &self.out {
            let mut out = out.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = writeln!(out, "{value}");
        }
    }

    fn stream(&self) -> std::sync::MutexGuard<'_, Stream> {
        self.stream.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn report_if_complete(&self) {
        let line = {
            let mut s = self.stream();
            if !s.finished || s.reported || s.echoed < s.sent.len() {
                return;
            }
            s.reported = true;
            json!({"stream": {"sent": s.sent.len(), "echoed": s.echoed, "latencyMs": s.latency_ms}})
        };
        self.write(&line);
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StreamPlan {
    runs: u32,
    deltas: u32,
    per_second: u32,
}

fn stream_plan() -> Option<StreamPlan> {
    let spec = std::env::var("HALLEY_BENCH_STREAM").ok()?;
    let (runs, rest) = spec.split_once('x')?;
    let (deltas, per_second) = rest.split_once('@')?;
    Some(StreamPlan {
        runs: runs.parse().ok()?,
        deltas: deltas.parse().ok()?,
        per_second: per_second.parse().ok().filter(|r| *r > 0)?,
    })
}

#[tauri::command]
fn bench_mark(bench: State<'_, Bench>, mark: String) {
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0);
    bench.write(&json!({"mark": mark, "epochMs": epoch_ms}));
}

#[tauri::command]
fn bench_stream_plan() -> Option<StreamPlan> {
    stream_plan()
}

/// Sends `deltas` deltas of four characters at `per_second`, on a schedule
/// (as halley-mock paces its answers), then `finished`.
#[tauri::command]
fn bench_stream(app: tauri::AppHandle, deltas: u32, per_second: u32, on_update: Channel<Value>) {
    use tauri::Manager;
    *app.state::<Bench>().stream() = Stream::default();
    std::thread::spawn(move || {
        let bench = app.state::<Bench>();
        let pause = Duration::from_secs_f64(1.0 / f64::from(per_second.max(1)));
        let mut due = Instant::now();
        for n in 0..deltas {
            due += pause;
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            bench.stream().sent.push(Instant::now());
            let text = ["Stre", "amed", " at ", "a st", "eady", " pac", "e.  "][n as usize % 7];
            let _ = on_update.send(json!({"kind": "textDelta", "text": text}));
        }
        let _ = on_update.send(json!({"kind": "finished"}));
        bench.stream().finished = true;
        bench.report_if_complete();
    });
}

#[tauri::command]
fn bench_echo(bench: State<'_, Bench>, deltas: usize) {
    let now = Instant::now();
    {
        let mut s = bench.stream();
        let upto = deltas.min(s.sent.len());
        for index in s.echoed..upto {
            let latency = now.duration_since(s.sent[index]).as_secs_f64() * 1000.0;
            s.latency_ms.push(latency);
        }
        s.echoed = s.echoed.max(upto);
    }
    bench.report_if_complete();
}

fn main() {
    let out = std::env::var_os("HALLEY_BENCH")
        .and_then(|path| OpenOptions::new().create(true).append(true).open(path).ok())
        .map(Mutex::new);
    tauri::Builder::default()
        .manage(Bench {
            out,
            stream: Mutex::new(Stream::default()),
        })
        .invoke_handler(tauri::generate_handler![
            bench_mark,
            bench_stream_plan,
            bench_stream,
            bench_echo
        ])
        .run(tauri::generate_context!())
        .expect("the hello-world runs");
}
