//! Server-sent-event framing as api.openai.com does it:
//! `event: <type>\ndata: <one-line json>\n\n`, and the scripts that scenarios
//! write in it.

use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

/// One block of an SSE body, kept as the exact bytes sent.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub bytes: Bytes,
    /// Parsed from the data line; `None` for unparsable or legacy frames.
    pub sequence_number: Option<u64>,
    /// The data line as JSON, when it is JSON.
    pub event: Option<Value>,
}

impl Frame {
    /// Frames an event; its `event:` name is the event's `type`.
    pub fn from_event(event: Value) -> Self {
        let kind = event
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("message");
        let text = format!("event: {kind}\ndata: {event}\n\n");
        Self {
            bytes: Bytes::from(text),
            sequence_number: event.get("sequence_number").and_then(Value::as_u64),
            event: Some(event),
        }
    }

    /// Wraps raw bytes, reading whatever JSON its `data:` lines hold.
    pub fn raw(bytes: Bytes) -> Self {
        let text = String::from_utf8_lossy(&bytes);
        let data: Vec<&str> = text
            .lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .map(|rest| rest.strip_prefix(' ').unwrap_or(rest))
            .collect();
        let event: Option<Value> = serde_json::from_str(&data.join("\n")).ok();
        Self {
            sequence_number: event
                .as_ref()
                .and_then(|e| e.get("sequence_number"))
                .and_then(Value::as_u64),
            event,
            bytes,
        }
    }

    /// The `response` object an event carries (created, completed, ...).
    pub fn response(&self) -> Option<&Value> {
        self.event
            .as_ref()
            .and_then(|event| event.get("response"))
            .filter(|response| response.is_object())
    }
}

/// Splits a recorded SSE body into frames at blank lines, keeping every byte
/// (so the frames joined are the body again).
pub(crate) fn split_frames(body: &[u8]) -> Vec<Frame> {
    let mut frames = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    for (index, byte) in body.iter().enumerate() {
        if *byte != b'\n' {
            continue;
        }
        let line = &body[line_start..index];
        let blank = line.is_empty() || line == b"\r";
        if blank && line_start > start {
            frames.push(Frame::raw(Bytes::copy_from_slice(&body[start..=index])));
            start = index + 1;
        }
        line_start = index + 1;
    }
    if start < body.len() {
        frames.push(Frame::raw(Bytes::copy_from_slice(&body[start..])));
    }
    frames
}

/// One thing a scenario does on the wire.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// Wait `delay`, then send the frame.
    Send { frame: Frame, delay: Duration },
    /// Drop the connection with no terminal event.
    Abort,
    /// Send nothing more until the response is cancelled or the server stops.
    Stall,
}

/// Writes events with increasing `sequence_number`s.
#[derive(Debug, Default)]
pub(crate) struct ScriptWriter {
    pub steps: Vec<Step>,
    next_sequence: u64,
}

impl ScriptWriter {
    /// Appends `sequence_number` to the event and queues it.
    pub fn event(&mut self, mut event: Value, delay: Duration) {
        if let Some(object) = event.as_object_mut() {
            object.insert("sequence_number".into(), self.next_sequence.into());
        }
        self.next_sequence += 1;
        self.steps.push(Step::Send {
            frame: Frame::from_event(event),
            delay,
        });
    }

    pub fn raw(&mut self, text: &'static str) {
        self.steps.push(Step::Send {
            frame: Frame::raw(Bytes::from_static(text.as_bytes())),
            delay: Duration::ZERO,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_are_framed_with_their_type_as_event_name() {
        let frame = Frame::from_event(json!({"type": "response.created", "sequence_number": 0}));
        // The event line must equal data.type, as on api.openai.com.
        assert_eq!(
            &frame.bytes[..],
            b"event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0}\n\n"
        );
        assert_eq!(frame.sequence_number, Some(0));
    }

    #[test]
    fn splitting_keeps_every_byte_and_finds_sequence_numbers() {
        let body = b"event: a\ndata: {\"type\":\"a\",\"sequence_number\":3}\n\ndata: {\"x\":1}\r\n\r\ntail";
        let frames = split_frames(body);
        // Replay must be byte for byte: the frames joined are the body.
        let joined: Vec<u8> = frames.iter().flat_map(|f| f.bytes.to_vec()).collect();
        assert_eq!(joined, body.to_vec());
        assert_eq!(
            frames.len(),
            3,
            "two blank-line separated frames and a tail"
        );
        assert_eq!(frames[0].sequence_number, Some(3));
        assert_eq!(
            frames[1].event,
            Some(json!({"x": 1})),
            "CRLF framing is read too"
        );
    }
}
