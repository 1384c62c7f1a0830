//! Server-sent events from byte chunks, as they come off the socket.
//!
//! [`SseParser`] splits bytes into frames (WHATWG rules: one leading UTF-8
//! BOM dropped, `\n`, `\r\n` or `\r` line ends, `:` comments, multi-line
//! `data:` joined with `\n`). A line or a frame's data may not grow past
//! [`Limits::max_frame_bytes`](crate::Limits) (16 MiB by default; a
//! `response.completed` line is a few MB at most): past it the parser stops
//! buffering and reports [`FrameTooLarge`], so a hostile line costs at most
//! the cap in memory.
//! [`EventDecoder`] turns frames into [`StreamEvent`]s and spots `[DONE]`.
//! Both are synchronous so the HTTP client, the corpus test and the fuzz
//! targets share exactly the same code.

use crate::error::{truncate_for_error, Error, LimitKind};
use crate::events::StreamEvent;
use crate::limits::DEFAULT_MAX_FRAME_BYTES;

/// One dispatched SSE event.
#[derive(Debug, PartialEq, Eq)]
pub struct SseFrame<'a> {
    /// The `event:` name, if any (informational; dispatch uses the JSON `type`).
    pub event: Option<&'a str>,
    pub data: &'a [u8],
}

/// A line or a frame's data grew past the parser's cap; nothing more is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an event-stream line or event is larger than the limit of {max_bytes} bytes")]
pub struct FrameTooLarge {
    pub max_bytes: usize,
}

const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

#[derive(Debug)]
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
    /// The previous chunk ended in `\r`: a leading `\n` belongs to it. Kept
    /// across empty chunks, which carry no `\n`.
    after_cr: bool,
    /// How many bytes of a leading BOM have been seen, while the start of the
    /// stream is still undecided (`None` once it is).
    bom_seen: Option<usize>,
    max_frame_bytes: usize,
    /// Set once the cap was hit; the parser then ignores all input.
    too_large: bool,
}

impl Default for SseParser {
    fn default() -> Self {
        SseParser::with_max_frame_bytes(DEFAULT_MAX_FRAME_BYTES)
    }
}

impl SseParser {
    pub fn new() -> Self {
        SseParser::default()
    }

    /// A parser whose lines and frame data may hold at most `max` bytes.
    pub fn with_max_frame_bytes(max: usize) -> Self {
        SseParser {
            line: Vec::new(),
            data: Vec::new(),
            has_data: false,
            event: String::new(),
            has_event: false,
            after_cr: false,
            bom_seen: Some(0),
            max_frame_bytes: max,
            too_large: false,
        }
    }

    /// Feeds a chunk, calling `on_frame` for every complete frame. After an
    /// error every later call returns it again and parses nothing.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        on_frame: &mut impl FnMut(SseFrame<'_>),
    ) -> Result<(), FrameTooLarge> {
        if self.too_large {
            return Err(self.overflow());
        }
        let Some(chunk) = self.skip_bom(chunk) else {
            return Ok(());
        };
        let result = self.feed_lines(chunk, on_frame);
        if result.is_err() {
            // Free what was buffered: nothing more will be parsed.
            self.line = Vec::new();
            self.data = Vec::new();
        }
        result
    }

    /// Drops a leading BOM, which may arrive split across chunks. Returns
    /// the bytes to parse, or `None` while the start is still undecided.
    fn skip_bom<'c>(&mut self, chunk: &'c [u8]) -> Option<&'c [u8]> {
        let Some(seen) = self.bom_seen else {
            return Some(chunk);
        };
        let wanted = &BOM[seen..];
        let common = wanted
            .iter()
            .zip(chunk)
            .take_while(|(want, got)| want == got)
            .count();
        if common == wanted.len() {
            self.bom_seen = None;
            return Some(&chunk[common..]);
        }
        if common == chunk.len() {
            // All of this chunk is a prefix of the BOM: wait for more.
            self.bom_seen = Some(seen + common);
            return None;
        }
        // Not a BOM after all: the bytes held back are ordinary input.
        self.bom_seen = None;
        if seen > 0 {
            let mut ignore = |_: SseFrame<'_>| {};
            // No line end in a BOM prefix: this only buffers.
            let _ = self.feed_lines(&BOM[..seen], &mut ignore);
        }
        Some(chunk)
    }

    fn feed_lines(
        &mut self,
        mut chunk: &[u8],
        on_frame: &mut impl FnMut(SseFrame<'_>),
    ) -> Result<(), FrameTooLarge> {
        if chunk.is_empty() {
            return Ok(());
        }
        if self.after_cr {
            self.after_cr = false;
            if let Some(rest) = chunk.strip_prefix(b"\n") {
                chunk = rest;
            }
        }
        while let Some(end) = memchr::memchr2(b'\n', b'\r', chunk) {
            let terminator = chunk[end];
            if self.line.is_empty() {
                self.check_line(end)?;
                self.process_line(&chunk[..end], on_frame)?;
            } else {
                self.check_line(self.line.len() + end)?;
                self.line.extend_from_slice(&chunk[..end]);
                let line = std::mem::take(&mut self.line);
                let processed = self.process_line(&line, on_frame);
                // Reuse the allocation for the next long line.
                self.line = line;
                self.line.clear();
                processed?;
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
        self.check_line(self.line.len() + chunk.len())?;
        self.line.extend_from_slice(chunk);
        Ok(())
    }

    /// The body ended: a last line without a newline still counts, and a
    /// frame without its blank line is still dispatched (some servers omit
    /// it before closing).
    pub fn finish(&mut self, on_frame: &mut impl FnMut(SseFrame<'_>)) {
        if self.too_large {
            return;
        }
        if let Some(seen) = self.bom_seen.take() {
            // The stream was a lone BOM prefix: those bytes are input.
            let mut ignore = |_: SseFrame<'_>| {};
            let _ = self.feed_lines(&BOM[..seen], &mut ignore);
        }
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            if self.process_line(&line, on_frame).is_err() {
                return;
            }
        }
        self.dispatch(on_frame);
        self.after_cr = false;
    }

    fn check_line(&mut self, len: usize) -> Result<(), FrameTooLarge> {
        if len > self.max_frame_bytes {
            self.too_large = true;
            return Err(self.overflow());
        }
        Ok(())
    }

    fn overflow(&self) -> FrameTooLarge {
        FrameTooLarge {
            max_bytes: self.max_frame_bytes,
        }
    }

    fn process_line(
        &mut self,
        line: &[u8],
        on_frame: &mut impl FnMut(SseFrame<'_>),
    ) -> Result<(), FrameTooLarge> {
        if line.is_empty() {
            self.dispatch(on_frame);
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(()); // comment / keep-alive
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
                // Many short `data:` lines must not build an unbounded frame either.
                let joined = self.data.len() + usize::from(self.has_data) + value.len();
                if joined > self.max_frame_bytes {
                    self.too_large = true;
                    return Err(self.overflow());
                }
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
        Ok(())
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

    /// Bytes held in the parser's buffers (for tests: a capped line must
    /// not keep growing them).
    pub fn buffered_capacity(&self) -> usize {
        self.line.capacity() + self.data.capacity()
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

    /// A decoder whose lines and events may hold at most `max` bytes.
    pub fn with_max_frame_bytes(max: usize) -> Self {
        EventDecoder {
            parser: SseParser::with_max_frame_bytes(max),
            done: false,
        }
    }

    /// Feeds a chunk, appending the events it completed to `out`. Invalid
    /// JSON gives an `Err(Error::Protocol)` in place of the event; decoding
    /// goes on. A line or event over the cap gives one
    /// `Err(Error::TooLarge)`, and the decoder is done.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<Result<StreamEvent, Error>>) {
        if self.done {
            return;
        }
        let done = &mut self.done;
        let fed = self
            .parser
            .feed(chunk, &mut |frame| decode(frame, done, out));
        if let Err(FrameTooLarge { max_bytes }) = fed {
            if !self.done {
                out.push(Err(Error::TooLarge {
                    limit: LimitKind::Frame,
                    max_bytes,
                }));
            }
            self.done = true;
        }
    }

    /// The body ended.
    pub fn finish(&mut self, out: &mut Vec<Result<StreamEvent, Error>>) {
        let done = &mut self.done;
        self.parser.finish(&mut |frame| decode(frame, done, out));
    }

    /// `[DONE]` was seen, or a frame was too large: nothing more will be decoded.
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
            parser.feed(chunk, &mut push).expect("under the cap");
        }
        parser.finish(&mut push);
        out
    }

    fn one(event: Option<&str>, data: &str) -> Vec<(Option<String>, String)> {
        vec![(event.map(str::to_owned), data.to_owned())]
    }

    #[test]
    fn an_empty_chunk_after_cr_keeps_the_pending_cr() {
        // Once, the empty chunk cleared the "last byte was \r" state, so the
        // `\n` of the CRLF read as a blank line: one frame became two.
        assert_eq!(
            frames(&[b"data: a\r", b"", b"\ndata: b\n\n"]),
            one(None, "a\nb"),
            "CR | empty | LF is one line end"
        );
        // ... and an `event:` name was dropped by that spurious dispatch.
        assert_eq!(
            frames(&[b"event: x\r", b"", b"", b"\ndata: 1\r\n", b"", b"\r\n"]),
            one(Some("x"), "1"),
            "the event name survives empty chunks"
        );
    }

    #[test]
    fn every_line_ending_frames_the_same() {
        for end in ["\n", "\r\n", "\r"] {
            let text =
                format!("event: e{end}data: 1{end}data: 2{end}{end}: c{end}data: 3{end}{end}");
            let expected = vec![(Some("e".into()), "1\n2".into()), (None, "3".into())];
            assert_eq!(frames(&[text.as_bytes()]), expected, "{end:?} whole");
            let bytes: Vec<&[u8]> = text.as_bytes().chunks(1).collect();
            let mut with_empties: Vec<&[u8]> = Vec::new();
            for byte in &bytes {
                with_empties.extend([*byte, b"".as_slice()]);
            }
            assert_eq!(
                frames(&with_empties),
                expected,
                "{end:?} byte by byte with empty chunks"
            );
        }
    }

    #[test]
    fn a_leading_bom_is_dropped_even_split_across_chunks() {
        let stream = b"\xEF\xBB\xBFdata: 1\n\n";
        assert_eq!(frames(&[stream]), one(None, "1"), "whole");
        for cut in 0..=4 {
            let (a, b) = stream.split_at(cut);
            assert_eq!(frames(&[a, b"", b]), one(None, "1"), "split at {cut}");
        }
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(frames(&bytes), one(None, "1"), "byte by byte");
        // Only one BOM, and only at the start: a second is part of the field
        // name (`\u{FEFF}data`), which is no field the parser knows.
        assert_eq!(frames(&[b"\xEF\xBB\xBF\xEF\xBB\xBFdata: 1\n\n"]), vec![]);
        // Bytes that only begin like a BOM are data.
        assert_eq!(
            frames(&[b"data: \xEF", b"\xBB", b"x\n\n"]),
            one(None, "\u{FFFD}x"),
            "a BOM prefix mid-stream is data"
        );
        assert_eq!(
            frames(&[b"\xEF\xBB"]),
            vec![],
            "a lone BOM prefix is not lost or a panic"
        );
    }

    #[test]
    fn a_line_over_the_cap_stops_buffering() {
        let mut parser = SseParser::with_max_frame_bytes(1024);
        let mut frames = 0;
        let mut count = |_: SseFrame<'_>| frames += 1;
        parser
            .feed(b"data: ok\n\n", &mut count)
            .expect("small frame");
        parser.feed(b"data: ", &mut count).expect("not yet over");
        let chunk = [b'x'; 4096];
        let mut failed = None;
        for i in 0..2560 {
            // 10 MiB in 4 KiB chunks, as a hostile gateway would send it.
            if let Err(error) = parser.feed(&chunk, &mut count) {
                failed.get_or_insert((i, error));
            }
            assert!(
                parser.buffered_capacity() <= 8 * 1024,
                "memory stays at the cap"
            );
        }
        assert_eq!(
            failed,
            Some((0, FrameTooLarge { max_bytes: 1024 })),
            "the first chunk over the cap fails"
        );
        parser.finish(&mut count);
        assert_eq!(frames, 1, "nothing after the cap is dispatched");
    }

    #[test]
    fn many_data_lines_cannot_build_a_frame_over_the_cap() {
        let mut parser = SseParser::with_max_frame_bytes(100);
        let mut ignore = |_: SseFrame<'_>| {};
        let lines = "data: 0123456789\n".repeat(20);
        assert_eq!(
            parser.feed(lines.as_bytes(), &mut ignore),
            Err(FrameTooLarge { max_bytes: 100 }),
            "the joined data counts, not only each line"
        );
    }

    #[test]
    fn the_decoder_reports_a_frame_over_the_cap_once() {
        let mut decoder = EventDecoder::with_max_frame_bytes(64);
        let mut out = Vec::new();
        decoder.feed(&[b'x'; 100], &mut out);
        decoder.feed(b"\n\ndata: {}\n\n", &mut out);
        decoder.finish(&mut out);
        assert!(
            matches!(
                out.as_slice(),
                [Err(Error::TooLarge {
                    limit: LimitKind::Frame,
                    max_bytes: 64
                })]
            ),
            "{out:?}"
        );
        assert!(decoder.is_done());
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
