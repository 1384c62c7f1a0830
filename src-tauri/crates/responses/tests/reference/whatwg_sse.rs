//! A reference reading of an event stream, written straight from the WHATWG
//! HTML standard's "interpreting an event stream" (§9.2.6), to check
//! `halley_responses::sse::SseParser` against: whole input at once, no
//! buffers carried between chunks, no limits, no speed — just the rules, so
//! that it is obviously right. Shared by the corpus test and the fuzz target
//! (`src-tauri/fuzz`), which include this file by path.
//!
//! One deliberate difference from the standard, which Halley's parser makes
//! too: at the end of input a last line without its line end is still
//! processed, and a pending event without its blank line is still
//! dispatched (some gateways close the connection right after the last
//! `data:` line; the standard would drop it).

/// One dispatched event: its type (`""` when no `event:` field set one, the
/// standard's "message") and its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefEvent {
    pub event: String,
    pub data: String,
}

/// Reads a whole stream. `input` is decoded as UTF-8 with replacement, and
/// one leading byte-order mark is dropped, as the standard's decoder does.
pub fn read(input: &[u8]) -> Vec<RefEvent> {
    let decoded = String::from_utf8_lossy(input);
    let text = decoded.strip_prefix('\u{FEFF}').unwrap_or(&decoded);
    let mut events = Vec::new();
    let mut data = String::new();
    let mut event_type = String::new();
    for line in lines(text) {
        if line.is_empty() {
            dispatch(&mut events, &mut data, &mut event_type);
            continue;
        }
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line, ""),
        };
        match field {
            "event" => event_type = value.to_owned(),
            "data" => {
                data.push_str(value);
                data.push('\n');
            }
            // `id` and `retry` change only reconnection state; anything
            // else is ignored.
            _ => {}
        }
    }
    // The deliberate difference (see the top of this file).
    dispatch(&mut events, &mut data, &mut event_type);
    events
}

/// Lines ended by CRLF, LF or CR; a last line without an end is a line too.
fn lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(end) = rest.find(['\r', '\n']) {
        lines.push(&rest[..end]);
        let crlf = rest[end..].starts_with("\r\n");
        rest = &rest[end + if crlf { 2 } else { 1 }..];
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    lines
}

fn dispatch(events: &mut Vec<RefEvent>, data: &mut String, event_type: &mut String) {
    // "If the data buffer is an empty string, set the data buffer and the
    // event type buffer to the empty string and return."
    if data.is_empty() {
        event_type.clear();
        return;
    }
    // "If the data buffer's last character is a U+000A LINE FEED (LF)
    // character, then remove the last character from the data buffer."
    data.pop();
    events.push(RefEvent {
        event: std::mem::take(event_type),
        data: std::mem::take(data),
    });
}

/// What `halley_responses::sse::SseParser` reads from `chunks`, in the
/// reference's terms.
pub fn parse_chunks<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Vec<RefEvent> {
    let mut parser = halley_responses::SseParser::with_max_frame_bytes(usize::MAX);
    let mut out = Vec::new();
    let mut push = |frame: halley_responses::sse::SseFrame<'_>| {
        out.push(RefEvent {
            event: frame.event.unwrap_or("").to_owned(),
            data: String::from_utf8_lossy(frame.data).into_owned(),
        })
    };
    for chunk in chunks {
        parser
            .feed(chunk, &mut push)
            .expect("no limit was set, so no line is too large");
    }
    parser.finish(&mut push);
    out
}
