//! What a stdio server writes on its stdout, watched on the way to rmcp.
//!
//! rmcp drops a line longer than its limit and keeps the connection, so the
//! request that line answered would wait for its timeout and then fail with
//! "timed out" — the wrong reason. [`WatchedStdout`] passes every byte through
//! unchanged, and when a line grows past the same limit it keeps the line's
//! first and last bytes; at the line's end it reads the JSON-RPC `id` from
//! them and adds one line of its own after it: an error answer for that id
//! saying the answer was too large. rmcp then drops the long line and hands
//! the request that error at once.
//!
//! It also keeps a sample of the first line that is not JSON at all (a
//! server that logs to stdout), for the error shown when the handshake fails.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, ReadBuf};

/// The JSON-RPC error code of the answer [`WatchedStdout`] writes in place of
/// a message that was too large (in the range JSON-RPC leaves to implementations).
pub const TOO_LARGE_CODE: i32 = -32_099;

const EDGE: usize = 256;

/// What the watcher saw, shared with the connection.
#[derive(Debug, Default)]
pub struct WireNotes {
    inner: Mutex<Notes>,
}

#[derive(Debug, Default, Clone)]
pub struct Notes {
    /// The first line that did not look like JSON, cut to 200 characters.
    pub garbage: Option<String>,
    /// Messages refused for their size, and the largest one's size.
    pub too_large: usize,
    pub largest: usize,
}

impl WireNotes {
    pub fn snapshot(&self) -> Notes {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Notes> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub struct WatchedStdout<R> {
    inner: R,
    limit: usize,
    notes: Arc<WireNotes>,
    /// Bytes read from `inner` not yet handed on (an injected line included).
    out: Vec<u8>,
    out_pos: usize,
    line_len: usize,
    head: Vec<u8>,
    tail: std::collections::VecDeque<u8>,
}

impl<R> WatchedStdout<R> {
    pub fn new(inner: R, limit: usize, notes: Arc<WireNotes>) -> Self {
        Self {
            inner,
            limit,
            notes,
            out: Vec::new(),
            out_pos: 0,
            line_len: 0,
            head: Vec::with_capacity(EDGE),
            tail: std::collections::VecDeque::with_capacity(EDGE),
        }
    }

    /// Tracks `chunk`, copying it to `out`, with an error line after each
    /// line that was too long.
    fn take(&mut self, chunk: &[u8]) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let (line, ends) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (&rest[..=i], true),
                None => (rest, false),
            };
            rest = &rest[line.len()..];
            self.out.extend_from_slice(line);
            let body = if ends { &line[..line.len() - 1] } else { line };
            if self.head.len() < EDGE {
                let room = EDGE - self.head.len();
                self.head.extend_from_slice(&body[..body.len().min(room)]);
            }
            for &b in body.iter().skip(body.len().saturating_sub(EDGE)) {
                if self.tail.len() == EDGE {
                    self.tail.pop_front();
                }
                self.tail.push_back(b);
            }
            self.line_len += body.len();
            if ends {
                self.end_line();
            }
        }
    }

    fn end_line(&mut self) {
        let first = self.head.iter().find(|b| !b.is_ascii_whitespace()).copied();
        if self.line_len > self.limit {
            let tail: Vec<u8> = self.tail.iter().copied().collect();
            let id = request_id(&self.head, &tail);
            {
                let mut notes = self.notes.lock();
                notes.too_large += 1;
                notes.largest = notes.largest.max(self.line_len);
            }
            if let Some(id) = id {
                let message = format!(
                    "the server's answer was {}, more than the {} Halley accepts, so it was refused",
                    megabytes(self.line_len),
                    megabytes(self.limit)
                );
                let line = serde_json::json!({
                    "jsonrpc": "2.0",
                    "id": id,
                    "error": {"code": TOO_LARGE_CODE, "message": message},
                });
                self.out.extend_from_slice(line.to_string().as_bytes());
                self.out.push(b'\n');
            }
        } else if first.is_some() && first != Some(b'{') && first != Some(b'[') {
            let mut notes = self.notes.lock();
            if notes.garbage.is_none() {
                let text = String::from_utf8_lossy(&self.head);
                notes.garbage = Some(text.trim().chars().take(200).collect());
            }
        }
        self.line_len = 0;
        self.head.clear();
        self.tail.clear();
    }
}

pub fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// The top-level `id` of a JSON-RPC message from its first and last bytes:
/// serializers put it first (`{"jsonrpc":"2.0","id":3,"result":…`) or last
/// (`…,"jsonrpc":"2.0","id":3}`).
fn request_id(head: &[u8], tail: &[u8]) -> Option<serde_json::Value> {
    let head = String::from_utf8_lossy(head);
    if let Some(at) = head.find("\"id\"") {
        let before_body = ["\"result\"", "\"error\""]
            .iter()
            .filter_map(|k| head.find(k))
            .min()
            .is_none_or(|body| at < body);
        if before_body {
            if let Some(id) = id_value(&head[at + 4..]) {
                return Some(id);
            }
        }
    }
    let tail = String::from_utf8_lossy(tail);
    let trimmed = tail.trim_end().strip_suffix('}')?;
    let at = trimmed.rfind("\"id\"")?;
    let value = id_value(&trimmed[at + 4..])?;
    // Only when the id is the very last thing of the object.
    let rest = trimmed[at + 4..].trim_start().strip_prefix(':')?.trim();
    let same = serde_json::from_str::<serde_json::Value>(rest).ok() == Some(value.clone());
    same.then_some(value)
}

/// The number or string after `:` at the start of `text`.
fn id_value(text: &str) -> Option<serde_json::Value> {
    let text = text.trim_start().strip_prefix(':')?.trim_start();
    let end = if let Some(quoted) = text.strip_prefix('"') {
        quoted.find('"').map(|i| i + 2)?
    } else {
        text.find(|c: char| !(c.is_ascii_digit() || c == '-'))
            .unwrap_or(text.len())
    };
    let value: serde_json::Value = serde_json::from_str(&text[..end]).ok()?;
    (value.is_number() || value.is_string()).then_some(value)
}

impl<R: AsyncRead + Unpin> AsyncRead for WatchedStdout<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.out_pos < this.out.len() {
                let n = (this.out.len() - this.out_pos).min(buf.remaining());
                buf.put_slice(&this.out[this.out_pos..this.out_pos + n]);
                this.out_pos += n;
                return Poll::Ready(Ok(()));
            }
            this.out.clear();
            this.out_pos = 0;
            let mut chunk = [0u8; 16 * 1024];
            let mut read = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Ready(Ok(())) => {
                    let filled = read.filled();
                    if filled.is_empty() {
                        return Poll::Ready(Ok(())); // end of stream
                    }
                    let filled = filled.to_vec();
                    this.take(&filled);
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncReadExt;

    use super::*;

    async fn pass(input: Vec<u8>, limit: usize) -> (String, Notes) {
        let notes = Arc::new(WireNotes::default());
        let mut watched = WatchedStdout::new(&input[..], limit, notes.clone());
        let mut out = Vec::new();
        watched.read_to_end(&mut out).await.expect("reads");
        (String::from_utf8(out).expect("utf-8"), notes.snapshot())
    }

    #[tokio::test]
    async fn small_lines_pass_unchanged() {
        let input = b"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n{\"a\":1}\n".to_vec();
        let (out, notes) = pass(input.clone(), 1000).await;
        assert_eq!(out.as_bytes(), &input[..]);
        assert_eq!(notes.too_large, 0);
    }

    #[tokio::test]
    async fn a_long_answer_is_followed_by_an_error_for_its_id_either_way_round() {
        let big = "x".repeat(5000);
        for (line, id) in [
            (format!("{{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{{\"t\":\"{big}\"}}}}"), serde_json::json!(7)),
            (format!("{{\"result\":{{\"t\":\"{big}\",\"id\":99}},\"jsonrpc\":\"2.0\",\"id\":\"abc\"}}"), serde_json::json!("abc")),
        ] {
            let (out, notes) = pass(format!("{line}\n").into_bytes(), 1000).await;
            let last = out.lines().last().expect("a line");
            let error: serde_json::Value = serde_json::from_str(last).expect("the added line is JSON");
            assert_eq!(error["id"], id, "{last}");
            assert_eq!(error["error"]["code"], TOO_LARGE_CODE);
            assert!(error["error"]["message"].as_str().expect("text").contains("refused"));
            assert_eq!(notes.too_large, 1);
        }
    }

    #[tokio::test]
    async fn an_id_inside_the_result_is_not_mistaken_for_the_answers_id() {
        let big = "x".repeat(5000);
        // No top-level id at either end: nothing is added.
        let line = format!(
            "{{\"jsonrpc\":\"2.0\",\"result\":{{\"id\":5,\"t\":\"{big}\"}}, \"extra\": 1}}\n"
        );
        let (out, notes) = pass(line.clone().into_bytes(), 1000).await;
        assert_eq!(out, line);
        assert_eq!(notes.too_large, 1);
    }

    #[tokio::test]
    async fn text_that_is_not_json_is_sampled() {
        let (_, notes) = pass(b"Server starting on stdio...\n{\"a\":1}\n".to_vec(), 1000).await;
        assert_eq!(
            notes.garbage.as_deref(),
            Some("Server starting on stdio...")
        );
    }
}
