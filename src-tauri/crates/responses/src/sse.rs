//! Server-sent events from byte chunks, as they come off the socket.
//!
//! [`SseParser`] splits bytes into frames (WHATWG rules: `\n`, `\r\n` or `\r`
//! line ends, `:` comments, multi-line `data:` joined with `\n`), with no
//! line-size limit: `response.completed` can be a 100 KB line.
//! [`EventDecoder`] turns frames into [`StreamEvent`]s and spots `[DONE]`.
//! Both are synchronous so the HTTP client, the corpus test and the fuzz test
//! share exactly the same code.

use crate::error::{truncate_for_error, Error};
use crate::events::StreamEvent;

/// One dispatched SSE event.
#[derive(Debug, PartialEq, Eq)]
pub struct SseFrame<'a> {
    /// The `event:` name, if any (informational; dispatch uses the JSON `type`).
    pub event: Option<&'a str>,
    pub data: &'a [u8],
}

#[derive(Debug, Default)]
pub struct SseParser {
    /// Bytes of the line not yet terminated.
    line: Vec<u8>,
    /// `data:` lines of the frame being built, joined by `\n`.
    data: Vec<u8>,
    has_data: bool,
    /// The `event:` name of the frame being built, valid when `has_event`;
    /// the buffer is kept across frames so naming an event allocates nothing.
    event: String,
    has_event: bool,
    /// The previous chunk ended in `\r`: a leading `\n` belongs to it.
    after_cr: bool,
}

impl SseParser {
    pub fn new() -> Self {
        SseParser::default()
    }

    /// Feeds a chunk, calling `on_frame` for every complete frame.
    pub fn feed(&mut self, mut chunk: &[u8], on_frame: &mut impl FnMut(SseFrame<'_>)) {
        if self.after_cr {
            self.after_cr = false;
            if let Some(rest) = chunk.strip_prefix(b"\n") {
                chunk = rest;
            }
        }
        while let Some(end) = memchr::memchr2(b'\n', b'\r', chunk) {
            let terminator = chunk[end];
            if self.line.is_empty() {
                self.process_line(&chunk[..end], on_frame);
            } else {
                self.line.extend_from_slice(&chunk[..end]);
                let line = std::mem::take(&mut self.line);
                self.process_line(&line, on_frame);
                // Reuse the allocation for the next long line.
                self.line = line;
                self.line.clear();
            }
            chunk = &chunk[end + 1..];
            if terminator == b'\r' {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    None => self.after_cr = true,
                    Some(_) => {}
                }
            }
        }
        self.line.extend_from_slice(chunk);
    }

    /// The body ended: a last line without a newline still counts, and a
    /// frame without its blank line is still dispatched (some servers omit
    /// it before closing).
    pub fn finish(&mut self, on_frame: &mut impl FnMut(SseFrame<'_>)) {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.process_line(&line, on_frame);
        }
        self.dispatch(on_frame);
        self.after_cr = false;
    }

    fn process_line(&mut self, line: &[u8], on_frame: &mut impl FnMut(SseFrame<'_>)) {
        if line.is_empty() {
            self.dispatch(on_frame);
            return;
        }
        if line[0] == b':' {
            return; // comment / keep-alive
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.has_data {
                    self.data.push(b'\n');
                }
                self.data.extend_from_slice(value);
                self.has_data = true;
            }
            b"event" => {
                self.event.clear();
                self.event.push_str(&String::from_utf8_lossy(value));
                self.has_event = true;
            }
            // `id:` and `retry:` are for browser reconnection; resuming here
            // goes by `sequence_number` instead.
            _ => {}
        }
    }

    fn dispatch(&mut self, on_frame: &mut impl FnMut(SseFrame<'_>)) {
        if self.has_data {
            on_frame(SseFrame {
                event: self.has_event.then_some(self.event.as_str()),
                data: &self.data,
            });
        }
        self.data.clear();
        self.has_data = false;
        self.has_event = false;
    }
}

/// Bytes in, events out. After `data: [DONE]` (OpenRouter and other
/// gateways end with it) nothing more is decoded; see [`EventDecoder::is_done`].
#[derive(Debug, Default)]
pub struct EventDecoder {
    parser: SseParser,
    done: bool,
}

impl EventDecoder {
    pub fn new() -> Self {
        EventDecoder::default()
    }

    /// Feeds a chunk, appending the events it completed to `out`. Invalid
    /// JSON gives an `Err(Error::Protocol)` in place of the event; decoding
    /// goes on.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<Result<StreamEvent, Error>>) {
        let done = &mut self.done;
        self.parser
            .feed(chunk, &mut |frame| decode(frame, done, out));
    }

    /// The body ended.
    pub fn finish(&mut self, out: &mut Vec<Result<StreamEvent, Error>>) {
        let done = &mut self.done;
        self.parser.finish(&mut |frame| decode(frame, done, out));
    }

    /// `[DONE]` was seen.
    pub fn is_done(&self) -> bool {
        self.done
    }
}

fn decode(frame: SseFrame<'_>, done: &mut bool, out: &mut Vec<Result<StreamEvent, Error>>) {
    if *done {
        return;
    }
    let data = frame.data.trim_ascii();
    if data == b"[DONE]" {
        *done = true;
        return;
    }
    out.push(
        StreamEvent::from_slice_with_name(data, frame.event).map_err(|e| Error::Protocol {
            message: format!("invalid JSON in stream: {e}"),
            line: truncate_for_error(&String::from_utf8_lossy(data)),
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(chunks: &[&[u8]]) -> Vec<(Option<String>, String)> {
        let mut parser = SseParser::new();
        let mut out = Vec::new();
        let mut push = |f: SseFrame<'_>| {
            out.push((
                f.event.map(str::to_owned),
                String::from_utf8_lossy(f.data).into_owned(),
            ))
        };
        for chunk in chunks {
            parser.feed(chunk, &mut push);
        }
        parser.finish(&mut push);
        out
    }

    #[test]
    fn line_endings_comments_and_multiline_data() {
        let got = frames(&[
            b": OPENROUTER PROCESSING\r\n\r\nevent: a\r\ndata: 1\r",
            b"\ndata:2\r\n\r\ndata: x\n\n",
        ]);
        // The split `\r` | `\n` must not end the frame early, the comment
        // must vanish, and two data lines join with `\n`.
        assert_eq!(
            got,
            vec![(Some("a".into()), "1\n2".into()), (None, "x".into())]
        );
    }

    #[test]
    fn last_frame_without_blank_line_is_kept() {
        assert_eq!(
            frames(&[b"data: {}"]),
            vec![(None, "{}".into())],
            "EOF ends the frame"
        );
    }

    #[test]
    fn done_and_bad_json() {
        let mut decoder = EventDecoder::new();
        let mut out = Vec::new();
        decoder.feed(b"data: {oops\n\ndata: [DONE]\n\ndata: {}\n\n", &mut out);
        assert!(matches!(&out[0], Err(Error::Protocol { line, .. }) if line == "{oops"));
        assert!(decoder.is_done(), "[DONE] is recognised");
        assert_eq!(out.len(), 1, "nothing after [DONE] counts");
    }
}
