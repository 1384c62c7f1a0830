//! The same bytes in any chunking give the same result.

use crate::cases::{self, report};
use halley_responses::sse::SseParser;
use halley_responses::{Accumulator, StreamEvent};

fn frames(chunks: &[&[u8]]) -> Vec<(Option<String>, Vec<u8>)> {
    let mut parser = SseParser::new();
    let mut out = Vec::new();
    let mut push = |f: halley_responses::sse::SseFrame<'_>| {
        out.push((f.event.map(str::to_owned), f.data.to_vec()))
    };
    for chunk in chunks {
        parser
            .feed(chunk, &mut push)
            .expect("recorded lines are under the cap");
    }
    parser.finish(&mut push);
    out
}

/// Events and the final folded snapshot, as text for comparison.
fn outcome<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> (Vec<StreamEvent>, String) {
    let mut acc = Accumulator::new();
    let mut events = Vec::new();
    for event in cases::decode_chunks(chunks).into_iter().flatten() {
        acc.apply(&event);
        events.push(event);
    }
    (
        events,
        serde_json::to_string(acc.snapshot()).unwrap_or_default(),
    )
}

/// xorshift64*: a fixed-seed PRNG so failures reproduce.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1) as u64) as usize
    }
}

#[test]
fn split_at_every_byte_gives_the_same_frames() {
    let mut failures = Vec::new();
    let mut streams = cases::streams();
    streams.sort_by_key(|(_, body)| body.len());
    // The three smallest streams, every split point: catches state kept
    // wrongly across a boundary (`\r` | `\n`, a split `data:` prefix...).
    for (case, body) in streams.iter().take(3) {
        let whole = frames(&[body]);
        for cut in 0..=body.len() {
            if frames(&[&body[..cut], &body[cut..]]) != whole {
                failures.push(format!("{}: differs when split at byte {cut}", case.name));
                break;
            }
        }
        let bytes: Vec<&[u8]> = body.chunks(1).collect();
        if frames(&bytes) != whole {
            failures.push(format!("{}: differs fed one byte at a time", case.name));
        }
    }
    report("every-byte splits", &failures);
}

#[test]
fn random_chunkings_give_the_same_events_and_snapshot() {
    let mut failures = Vec::new();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    for (case, body) in cases::streams() {
        let whole = outcome([body.as_slice()]);
        for round in 0..4 {
            let mut chunks = Vec::new();
            let mut rest = body.as_slice();
            // Mostly small chunks, now and then a big one.
            let max = if round % 2 == 0 { 64 } else { 8192 };
            while !rest.is_empty() {
                let n = 1 + rng.below(max.min(rest.len()));
                chunks.push(&rest[..n]);
                rest = &rest[n..];
            }
            if outcome(chunks.iter().copied()) != whole {
                failures.push(format!(
                    "{}: differs in random chunking round {round}",
                    case.name
                ));
            }
        }
    }
    report("random chunkings", &failures);
}
