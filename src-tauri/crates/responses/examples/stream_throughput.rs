//! Our side of `benches/peers/run.sh`: every recorded stream through
//! [`EventDecoder`] (SSE + typed events) and [`Accumulator`] (fold to the
//! final response), fed in 16 KiB chunks like the peers, against a floor that
//! only splits on `\n` and parses each `data:` payload into
//! `serde_json::Value`. The two are measured in alternating passes so both
//! see the same load on a shared machine.
//!
//! Run: `cargo run --release -p halley-responses --example stream_throughput -- <corpus> [rounds]`
//! Prints `RESULT ...` lines that run.sh turns into the comparison table.

use halley_responses::sse::EventDecoder;
use halley_responses::Accumulator;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Socket-sized chunks, as the HTTP client sees them.
const CHUNK: usize = 16 * 1024;

#[derive(Default)]
struct Tally {
    events: usize,
    lost_events: usize,
    responses: usize,
    first_error: Option<String>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(corpus) = args.next() else {
        eprintln!("usage: stream_throughput <corpus dir> [rounds]");
        std::process::exit(2);
    };
    let rounds: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(200);
    let streams = read_corpus(&corpus);
    if streams.is_empty() {
        eprintln!("no */response.sse under {corpus}");
        std::process::exit(1);
    }
    let expected: usize = streams.iter().map(|s| s.data_lines).sum();
    let bytes: usize = streams.iter().map(|s| s.body.len()).sum();

    // Warm-up, and the correctness figures (the same on every pass).
    let tally = parse_and_fold(&streams);
    black_box(value_baseline(&streams));

    let (mut fold_time, mut floor_time) = (Duration::ZERO, Duration::ZERO);
    let mut floor_events = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        black_box(parse_and_fold(black_box(&streams)));
        fold_time += start.elapsed();
        let start = Instant::now();
        floor_events = black_box(value_baseline(black_box(&streams)));
        floor_time += start.elapsed();
    }
    let report = |name: &str,
                  events: usize,
                  lost: usize,
                  responses: Option<usize>,
                  total: Duration| {
        let secs = total.as_secs_f64() / f64::from(rounds);
        let responses = responses.map_or("-".to_owned(), |n| n.to_string());
        println!(
            "RESULT peer={name} version={} events={events} expected={expected} lost_events={lost} responses={responses} streams={} events_per_s={:.0} mb_per_s={:.2} us_per_pass={:.0} ns_per_event={:.0}",
            env!("CARGO_PKG_VERSION"),
            streams.len(),
            events as f64 / secs,
            bytes as f64 / 1e6 / secs,
            secs * 1e6,
            secs * 1e9 / events.max(1) as f64,
        );
    };
    report(
        "halley-responses",
        tally.events,
        tally.lost_events,
        Some(tally.responses),
        fold_time,
    );
    if let Some(e) = &tally.first_error {
        println!("  first failure: {e}");
    }
    report(
        "serde_json::Value-floor",
        floor_events,
        expected.saturating_sub(floor_events),
        None,
        floor_time,
    );
}

/// One recorded stream, with its count of events on the wire worked out once
/// (outside the timed passes: the peers count lost events as they go, not by
/// re-scanning the body every pass).
struct Stream {
    name: String,
    body: Vec<u8>,
    data_lines: usize,
}

fn read_corpus(dir: &str) -> Vec<Stream> {
    let mut out: Vec<Stream> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let body = std::fs::read(e.path().join("response.sse")).ok()?;
                    Some(Stream {
                        name: e.file_name().to_string_lossy().into_owned(),
                        data_lines: data_lines(&body),
                        body,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Events on the wire: `data:` lines other than the `[DONE]` sentinel.
fn data_lines(body: &[u8]) -> usize {
    body.split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"data:") && l.trim_ascii() != b"data: [DONE]")
        .count()
}

/// Each stream is its own response: decoded, folded, and finished.
fn parse_and_fold(streams: &[Stream]) -> Tally {
    let mut tally = Tally::default();
    let mut out = Vec::new();
    for Stream {
        name,
        body,
        data_lines,
    } in streams
    {
        let mut decoder = EventDecoder::new();
        let mut acc = Accumulator::new();
        let mut seen = 0;
        let mut fold = |out: &mut Vec<_>, acc: &mut Accumulator, tally: &mut Tally| {
            for event in out.drain(..) {
                match event {
                    Ok(event) => {
                        seen += 1;
                        black_box(acc.apply(&event));
                    }
                    Err(e) => {
                        tally
                            .first_error
                            .get_or_insert_with(|| format!("{name}: {e}"));
                    }
                }
            }
        };
        for chunk in body.chunks(CHUNK) {
            decoder.feed(chunk, &mut out);
            fold(&mut out, &mut acc, &mut tally);
        }
        decoder.finish(&mut out);
        fold(&mut out, &mut acc, &mut tally);
        // A failed or incomplete response is still a final state; only a
        // stream that never reached its terminal event is a lost response.
        if acc.is_finished() {
            tally.responses += 1;
            black_box(acc.finish().is_ok());
        } else {
            tally
                .first_error
                .get_or_insert_with(|| format!("{name}: no terminal event"));
        }
        tally.events += seen;
        tally.lost_events += data_lines.saturating_sub(seen);
    }
    tally
}

/// The floor: no SSE state machine, no types, no folding.
fn value_baseline(streams: &[Stream]) -> usize {
    let mut events = 0;
    for Stream { body, .. } in streams {
        for line in body.split(|b| *b == b'\n') {
            if let Some(data) = line.strip_prefix(b"data: ") {
                if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
                    black_box(&v);
                    events += 1;
                }
            }
        }
    }
    events
}
