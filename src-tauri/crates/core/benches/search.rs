//! Search benchmark: seeds a history file with 1,000,000 messages of varied,
//! reproducible text and reports query-time percentiles for newest-first
//! searches through `History::search`, exactly as the app calls it.
//!
//!     cargo bench -p halley-core --bench search
//!
//! `HALLEY_BENCH_MESSAGES` overrides the count (e.g. 100000 for a quick look).
//! The figures go in docs/performance.md.

use std::time::{Duration, Instant};

use halley_core::History;
use rusqlite::{params, Connection};

/// xorshift64*: a fixed seed gives the same corpus and queries every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const COMMON: &[&str] = &[
    "the",
    "a",
    "to",
    "of",
    "and",
    "in",
    "is",
    "it",
    "you",
    "that",
    "for",
    "on",
    "with",
    "this",
    "how",
    "can",
    "what",
    "use",
    "code",
    "function",
    "error",
    "value",
    "file",
    "data",
    "model",
    "request",
    "response",
    "string",
    "list",
    "rust",
    "python",
    "async",
    "stream",
    "token",
    "query",
    "database",
    "index",
    "server",
    "client",
    "test",
    "build",
    "tiếng",
    "việt",
    "người",
    "đường",
    "học",
    "café",
    "naïve",
    "über",
    "résumé",
    "straße",
];

/// About 20,000 distinct words: the common ones plus made-up syllable words,
/// drawn with a Zipf-like skew so some words are everywhere and most are rare.
fn vocabulary(rng: &mut Rng) -> Vec<String> {
    const SYLLABLES: &[&str] = &[
        "ka", "lo", "mi", "ne", "ru", "ta", "ve", "zo", "pri", "str", "qua", "del", "mon", "sin",
        "bor", "gel", "fen", "tor", "ux", "al", "em", "ix", "or", "un", "est", "ing", "ter", "con",
        "dis", "pre",
    ];
    let mut words: Vec<String> = COMMON.iter().map(|w| (*w).to_owned()).collect();
    while words.len() < 20_000 {
        let parts = 2 + rng.below(3);
        let word: String = (0..parts)
            .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
            .collect();
        words.push(word);
    }
    words
}

fn pick<'a>(rng: &mut Rng, words: &'a [String]) -> &'a str {
    // Log-uniform index: word k is drawn with probability ~ 1/k.
    let index = ((words.len() as f64).powf(rng.unit()) as usize).saturating_sub(1);
    &words[index.min(words.len() - 1)]
}

fn sentence(rng: &mut Rng, words: &[String]) -> String {
    let length = 5 + rng.below(120);
    let mut text = String::with_capacity(length * 7);
    for i in 0..length {
        if i > 0 {
            text.push(if rng.below(12) == 0 { '\n' } else { ' ' });
        }
        text.push_str(pick(rng, words));
        if rng.below(10) == 0 {
            text.push(['.', ',', '?', '!'][rng.below(4)]);
        }
    }
    text
}

fn seed(
    path: &std::path::Path,
    messages: usize,
    rng: &mut Rng,
    words: &[String],
) -> Result<(), rusqlite::Error> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    const PER_CONVERSATION: usize = 50;
    const BATCH: usize = 20_000;
    let base = 1_700_000_000_000.0_f64;
    let mut written = 0;
    while written < messages {
        let tx = conn.transaction()?;
        {
            let mut conversation = tx.prepare_cached(
                "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
            )?;
            let mut message = tx.prepare_cached(
                "INSERT INTO messages (id, conversation_id, parent_id, role, created_at, updated_at, status, text)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, 'complete', ?6)",
            )?;
            for n in written..(written + BATCH).min(messages) {
                let conversation_id = format!("c{}", n / PER_CONVERSATION);
                let at = base + n as f64 * 1000.0;
                if n % PER_CONVERSATION == 0 {
                    let title = format!("{} {}", pick(rng, words), pick(rng, words));
                    conversation.execute(params![conversation_id, title, at])?;
                }
                let parent = (n % PER_CONVERSATION != 0).then(|| format!("m{}", n - 1));
                let role = if n % 2 == 0 { "user" } else { "assistant" };
                message.execute(params![
                    format!("m{n}"),
                    conversation_id,
                    parent,
                    role,
                    at,
                    sentence(rng, words)
                ])?;
            }
        }
        tx.commit()?;
        written = (written + BATCH).min(messages);
    }
    Ok(())
}

fn percentiles(mut times: Vec<Duration>) -> (f64, f64, f64, f64) {
    times.sort();
    let at = |p: f64| {
        times[((times.len() as f64 * p) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0
    };
    (at(0.50), at(0.95), at(0.99), at(1.0))
}

fn measure(history: &History, label: &str, queries: &[String]) {
    let mut times = Vec::with_capacity(queries.len());
    let mut hits = 0usize;
    let mut slowest: Vec<(Duration, &str)> = Vec::new();
    for query in queries {
        let started = Instant::now();
        let found = history.search(query, 50).expect("search runs");
        let elapsed = started.elapsed();
        times.push(elapsed);
        slowest.push((elapsed, query));
        hits += found.len();
    }
    slowest.sort();
    let worst: Vec<String> = slowest
        .iter()
        .rev()
        .take(5)
        .map(|(t, q)| format!("{q:?} {:.1} ms", t.as_secs_f64() * 1000.0))
        .collect();
    let (p50, p95, p99, max) = percentiles(times);
    println!(
        "{label:<34} n={:<4} p50 {p50:6.2} ms  p95 {p95:6.2} ms  p99 {p99:6.2} ms  max {max:6.2} ms  (avg hits {:.1})",
        queries.len(),
        hits as f64 / queries.len() as f64
    );
    println!("    slowest: {}", worst.join(", "));
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported here.
    let messages: usize = std::env::var("HALLEY_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite3");
    drop(History::open(&path).expect("schema created"));

    let mut rng = Rng(0x00C0_FFEE_D00D_F00D);
    let words = vocabulary(&mut rng);
    let started = Instant::now();
    seed(&path, messages, &mut rng, &words).expect("seeded");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "seeded {messages} messages in {:.1} s; file {:.0} MB",
        started.elapsed().as_secs_f64(),
        size as f64 / 1e6
    );

    let history = History::open(&path).expect("reopen");
    let mut queries = Rng(42);
    let single: Vec<String> = (0..300)
        .map(|_| pick(&mut queries, &words).to_owned())
        .collect();
    let double: Vec<String> = (0..300)
        .map(|_| {
            format!(
                "{} {}",
                pick(&mut queries, &words),
                pick(&mut queries, &words)
            )
        })
        .collect();
    let typing: Vec<String> = (0..300)
        .map(|_| {
            let word = pick(&mut queries, &words);
            word.chars().take(3).collect()
        })
        .collect();
    // Warm the page cache the way a running app would have it.
    for query in single.iter().take(20) {
        let _ = history.search(query, 50);
    }
    measure(&history, "single term (last term as prefix)", &single);
    measure(&history, "two terms", &double);
    measure(&history, "3-letter prefix (while typing)", &typing);
}
