//! Parse + fold throughput over every recorded stream, against a baseline
//! that only splits lines and parses each payload into `serde_json::Value`.
//!
//! Run: `cargo bench -p halley-responses --bench fold`
//! (reads `HALLEY_CORPUS`, default the repository's `../shared/fixtures/responses/cases`).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use halley_responses::sse::EventDecoder;
use halley_responses::Accumulator;
use std::path::PathBuf;

fn streams() -> Vec<Vec<u8>> {
    let dir = std::env::var_os("HALLEY_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../../shared/fixtures/responses/cases")
        });
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| std::fs::read(e.path().join("response.sse")).ok())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Socket-sized chunks, as the HTTP client sees them.
const CHUNK: usize = 16 * 1024;

fn parse_and_fold(streams: &[Vec<u8>]) -> usize {
    let mut events = 0;
    let mut out = Vec::new();
    for body in streams {
        let mut decoder = EventDecoder::new();
        let mut acc = Accumulator::new();
        for chunk in body.chunks(CHUNK) {
            decoder.feed(chunk, &mut out);
            for event in out.drain(..).flatten() {
                events += acc.apply(&event).len() + 1;
            }
        }
        decoder.finish(&mut out);
        for event in out.drain(..).flatten() {
            events += acc.apply(&event).len() + 1;
        }
        black_box(acc.finish().is_ok());
    }
    events
}

fn parse_only(streams: &[Vec<u8>]) -> usize {
    let mut out = Vec::new();
    let mut events = 0;
    for body in streams {
        let mut decoder = EventDecoder::new();
        for chunk in body.chunks(CHUNK) {
            decoder.feed(chunk, &mut out);
            events += out.drain(..).flatten().count();
        }
        decoder.finish(&mut out);
        events += out.drain(..).flatten().count();
    }
    events
}

/// The floor: no SSE state machine, no types, no folding.
fn value_baseline(streams: &[Vec<u8>]) -> usize {
    let mut events = 0;
    for body in streams {
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

fn bench(c: &mut Criterion) {
    let streams = streams();
    if streams.is_empty() {
        eprintln!("!!! no recorded streams found; nothing to benchmark");
        return;
    }
    let bytes: usize = streams.iter().map(Vec::len).sum();
    let events = value_baseline(&streams);
    assert_eq!(
        parse_only(&streams),
        events,
        "the parser must see every event the baseline sees"
    );
    eprintln!(
        "corpus: {} streams, {} events, {} bytes",
        streams.len(),
        events,
        bytes
    );

    let mut group = c.benchmark_group("streams");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("parse_fold", |b| {
        b.iter(|| parse_and_fold(black_box(&streams)))
    });
    group.bench_function("parse_only", |b| b.iter(|| parse_only(black_box(&streams))));
    group.bench_function("value_baseline", |b| {
        b.iter(|| value_baseline(black_box(&streams)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
