//! Finding and loading the recorded cases.

use halley_responses::sse::EventDecoder;
use halley_responses::{Error, StreamEvent};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub struct Case {
    pub name: String,
    pub dir: PathBuf,
    pub meta: Value,
}

impl Case {
    pub fn file(&self, name: &str) -> Option<Vec<u8>> {
        std::fs::read(self.dir.join(name)).ok()
    }

    pub fn http_status(&self) -> Option<u64> {
        self.meta.pointer("/http/status").and_then(Value::as_u64)
    }

    pub fn url(&self) -> &str {
        self.meta
            .pointer("/http/url")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

fn corpus_dir() -> PathBuf {
    match std::env::var_os("HALLEY_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../../shared/fixtures/responses/cases"),
    }
}

/// Whether a missing corpus may skip the corpus checks: only when the run
/// says so with `HALLEY_ALLOW_SKIPS=1`, and never under `./x test` or CI
/// (`HALLEY_STRICT_TESTS` / `CI` set). By default a missing corpus fails.
fn skips_allowed() -> bool {
    std::env::var_os("HALLEY_ALLOW_SKIPS").is_some_and(|v| v == "1")
        && std::env::var_os("HALLEY_STRICT_TESTS").is_none()
        && std::env::var_os("CI").is_none()
}

/// All cases, sorted by name. A missing corpus is a failure unless skips
/// are allowed (see [`skips_allowed`]); a skip is said on stderr.
pub fn all() -> Vec<Case> {
    let dir = corpus_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        assert!(
            skips_allowed(),
            "the recorded corpus is missing at {} (set HALLEY_CORPUS, or HALLEY_ALLOW_SKIPS=1 to skip the corpus checks)",
            dir.display()
        );
        // Written to the stderr handle directly: `eprintln!` is captured
        // (hidden) for passing tests, and this must be seen.
        let notice = format!(
            "\nSKIPPED: corpus checks (HALLEY_ALLOW_SKIPS=1 and no recorded corpus at {}); these tests checked nothing\n",
            dir.display()
        );
        let _ = std::io::Write::write_all(&mut std::io::stderr(), notice.as_bytes());
        return Vec::new();
    };
    let mut cases: Vec<Case> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| {
            let dir = e.path();
            let meta = std::fs::read(dir.join("meta.json"))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .unwrap_or(Value::Null);
            Case {
                name: e.file_name().to_string_lossy().into_owned(),
                dir,
                meta,
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    // Guards against a wrong path that exists but is empty.
    assert!(
        !cases.is_empty(),
        "corpus folder {} has no cases",
        dir.display()
    );
    cases
}

/// Cases with a recorded stream, with its bytes.
pub fn streams() -> Vec<(Case, Vec<u8>)> {
    all()
        .into_iter()
        .filter_map(|c| c.file("response.sse").map(|b| (c, b)))
        .collect()
}

/// Decodes a whole body fed in the given chunks.
pub fn decode_chunks<'a>(
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Vec<Result<StreamEvent, Error>> {
    let mut decoder = EventDecoder::new();
    let mut out = Vec::new();
    for chunk in chunks {
        decoder.feed(chunk, &mut out);
    }
    decoder.finish(&mut out);
    out
}

/// The events of a body, failing on anything that is not an event.
pub fn events(body: &[u8]) -> Result<Vec<StreamEvent>, String> {
    decode_chunks([body])
        .into_iter()
        .map(|d| d.map_err(|e| e.to_string()))
        .collect()
}

/// The `data:` payloads of a body as JSON, split naively on lines: the
/// reference the parser is checked against.
pub fn raw_payloads(body: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(body)
        .lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(str::trim)
        .filter(|d| *d != "[DONE]")
        .map(|d| serde_json::from_str(d).unwrap_or(Value::Null))
        .collect()
}

pub fn report(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{what}: {} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
