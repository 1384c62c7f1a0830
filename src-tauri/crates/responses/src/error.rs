//! One error type for everything that can go wrong on the wire.
//!
//! Each variant has a stable machine [`Error::code`] for the UI. Messages
//! never contain the API key: the key only ever reaches the
//! `Authorization` header, and reqwest errors are stripped of URLs (which
//! hold no key either, but may hold ids the user did not ask to log).

use crate::limits::human_bytes;
use crate::response::{ApiErrorBody, Response};
use std::time::Duration;

/// Which of the [`Limits`](crate::Limits) a server's answer went past.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitKind {
    /// One event-stream line, or the data of one event.
    Frame,
    /// A JSON body.
    Body,
}

impl LimitKind {
    fn describe(self) -> &'static str {
        match self {
            LimitKind::Frame => "an event-stream line (Limits::max_frame_bytes)",
            LimitKind::Body => "a response body (Limits::max_body_bytes)",
        }
    }
}

/// How a request failed to reach the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkKind {
    Dns,
    Connect,
    Tls,
    Timeout,
    Other,
}

impl NetworkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkKind::Dns => "dns",
            NetworkKind::Connect => "connect",
            NetworkKind::Tls => "tls",
            NetworkKind::Timeout => "timeout",
            NetworkKind::Other => "other",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request never got an HTTP response.
    #[error("network error ({}): {message}", kind.as_str())]
    Network { kind: NetworkKind, message: String },

    /// The body ended or broke before the stream's terminal event.
    #[error("connection dropped after {events_received} events: {message}")]
    ConnectionDropped {
        events_received: u64,
        message: String,
    },

    /// A non-success HTTP status. `body` is the API's error when it sent
    /// JSON; `raw` the (truncated) text otherwise.
    #[error("HTTP {status}: {}{}", api_message(.body.as_deref(), .raw), wait_note(*.retry_after, *.wait_too_long))]
    HttpStatus {
        status: u16,
        body: Option<Box<ApiErrorBody>>,
        raw: String,
        /// The server's `Retry-After`, bounded (see `parse_retry_after`).
        retry_after: Option<Duration>,
        /// The server asked to wait longer than the retry policy allows, so
        /// the request was not retried.
        wait_too_long: bool,
    },

    /// An `error` event in the stream.
    #[error("stream error{}: {message}", code_suffix(.code.as_deref()))]
    Stream {
        code: Option<String>,
        message: String,
        param: Option<String>,
    },

    /// `status: failed` (`response.failed`, or a failed retrieved response).
    #[error("response failed{}: {message}", code_suffix(.code.as_deref()))]
    ResponseFailed {
        code: Option<String>,
        message: String,
        response: Box<Response>,
    },

    /// `status: incomplete`; the partial response is kept.
    #[error("response incomplete: {}", .reason.as_deref().unwrap_or("unknown reason"))]
    Incomplete {
        reason: Option<String>,
        response: Box<Response>,
    },

    /// The run was cancelled through its token.
    #[error("cancelled")]
    Cancelled,

    /// The server sent something that is not the protocol: bad JSON, an
    /// unexpected content type.
    #[error("protocol error: {message} (in: {line})")]
    Protocol { message: String, line: String },

    /// The request could not be built (a bad base URL, an unserializable body).
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// The server sent more than a limit allows; reading stopped there.
    #[error("the server sent {} larger than the limit of {}", .limit.describe(), human_bytes(*.max_bytes))]
    TooLarge { limit: LimitKind, max_bytes: usize },

    /// The server sent nothing for `idle` while a response was open.
    #[error("connection stalled: no data from the server for {} s (after {events_received} events)", .idle.as_secs_f64())]
    Stalled {
        idle: Duration,
        events_received: u64,
    },

    /// The server redirected to another origin; the request (and its
    /// body) was not sent there.
    #[error("the server redirected (HTTP {status}) to another origin, {target_origin}; redirects to another origin are not followed, so check the base URL")]
    RedirectRefused { status: u16, target_origin: String },
}

fn api_message<'a>(body: Option<&'a ApiErrorBody>, raw: &'a str) -> &'a str {
    body.map_or(raw, |b| b.error.message.as_str())
}

fn wait_note(retry_after: Option<Duration>, too_long: bool) -> String {
    match retry_after {
        Some(wait) if too_long => format!(
            " (the server asks to wait {} s, longer than this client waits; not retried)",
            wait.as_secs()
        ),
        _ => String::new(),
    }
}

fn code_suffix(code: Option<&str>) -> String {
    code.map(|c| format!(" ({c})")).unwrap_or_default()
}

impl Error {
    /// A stable machine code; the UI matches on this, never on messages.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Network { .. } => "network",
            Error::ConnectionDropped { .. } => "connection_dropped",
            Error::HttpStatus { .. } => "http_status",
            Error::Stream { .. } => "stream_error",
            Error::ResponseFailed { .. } => "response_failed",
            Error::Incomplete { .. } => "incomplete",
            Error::Cancelled => "cancelled",
            Error::Protocol { .. } => "protocol",
            Error::InvalidRequest(_) => "invalid_request",
            Error::TooLarge { .. } => "too_large",
            Error::Stalled { .. } => "stalled",
            Error::RedirectRefused { .. } => "redirect_refused",
        }
    }

    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::HttpStatus { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API's own error code (`rate_limit_exceeded`, `insufficient_quota`...), when given.
    pub fn api_code(&self) -> Option<&str> {
        match self {
            Error::HttpStatus { body, .. } => body.as_ref().and_then(|b| b.error.code.as_str()),
            Error::Stream { code, .. } | Error::ResponseFailed { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// What a refused request means, read from whichever error shape the
    /// server used (see [`crate::gateway_error`]); `None` for failures that
    /// are not an HTTP refusal.
    pub fn reading(&self) -> Option<crate::gateway_error::ErrorReading> {
        match self {
            // The parsed body is whole; `raw` is cut at ERROR_EXCERPT_CHARS,
            // which can cut a long JSON error in the middle.
            Error::HttpStatus {
                status,
                body: Some(body),
                ..
            } => serde_json::to_string(body)
                .ok()
                .map(|json| crate::gateway_error::read(*status, &json)),
            Error::HttpStatus { status, raw, .. } => Some(crate::gateway_error::read(*status, raw)),
            _ => None,
        }
    }

    /// The message for a UI that shows the HTTP status on its own (so it is
    /// not said twice): for a refusal, what the server said, read through
    /// any gateway's wrapping, and the retry note; otherwise the whole message.
    pub fn detail(&self) -> String {
        match (self, self.reading()) {
            (
                Error::HttpStatus {
                    retry_after,
                    wait_too_long,
                    ..
                },
                Some(reading),
            ) => format!(
                "{}{}",
                reading.message,
                wait_note(*retry_after, *wait_too_long)
            ),
            _ => self.to_string(),
        }
    }

    /// Builds the error for a non-success HTTP response body.
    pub fn from_status(status: u16, body: &[u8], retry_after: Option<Duration>) -> Error {
        let parsed = serde_json::from_slice::<ApiErrorBody>(body)
            .ok()
            .map(Box::new);
        Error::HttpStatus {
            status,
            body: parsed,
            raw: truncate_for_error(&String::from_utf8_lossy(body)),
            retry_after,
            wait_too_long: false,
        }
    }

    /// Classifies a reqwest error without keeping its URL.
    pub fn from_reqwest(err: &reqwest::Error) -> Error {
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            if let Some(refused) = s.downcast_ref::<crate::client::CrossOriginRedirect>() {
                return Error::RedirectRefused {
                    status: refused.status,
                    target_origin: truncate_for_error(&refused.target_origin),
                };
            }
            source = s.source();
        }
        let kind = network_kind(err);
        let mut message = err.without_url_ref().to_string();
        let mut source = std::error::Error::source(err);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        Error::Network {
            kind,
            message: truncate_for_error(&message),
        }
    }
}

trait WithoutUrlRef {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrlRef for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut text = self.to_string();
        if let Some(url) = self.url() {
            text = text.replace(url.as_str(), "<url>");
        }
        text
    }
}

/// reqwest exposes only timeout/connect, so the rest is found by walking the
/// source chain for typed errors: an `io::Error`'s kind (timed out), and
/// the `rustls::Error` a TLS failure carries inside its `io::Error`, and the
/// client's own resolver's [`LookupFailed`](crate::client::LookupFailed) for
/// a name that could not be looked up.
fn network_kind(err: &reqwest::Error) -> NetworkKind {
    if err.is_timeout() {
        return NetworkKind::Timeout;
    }
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if is_tls(s) {
            return NetworkKind::Tls;
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return NetworkKind::Timeout;
            }
        }
        if s.is::<crate::client::LookupFailed>() {
            return NetworkKind::Dns;
        }
        source = s.source();
    }
    if err.is_connect() {
        NetworkKind::Connect
    } else {
        NetworkKind::Other
    }
}

/// Whether `error` is a `rustls::Error`, or an `io::Error` wrapping one
/// (tokio-rustls wraps it in one, the connector in another; and
/// `io::Error::source` skips the error it wraps, so each is unwrapped here).
fn is_tls(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut at = error;
    for _ in 0..8 {
        if at.is::<rustls::Error>() {
            return true;
        }
        match at
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => at = inner,
            None => return false,
        }
    }
    false
}

/// Error texts quote at most this many characters of a body or line.
pub const ERROR_EXCERPT_CHARS: usize = 512;

pub(crate) fn truncate_for_error(text: &str) -> String {
    match text.char_indices().nth(ERROR_EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_leaves_the_status_to_the_caller_and_unwraps_a_gateway() {
        let err = Error::from_status(
            500,
            br#"{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}"#,
            None,
        );
        assert_eq!(
            err.detail(),
            "The server had an error while processing your request."
        );
        assert!(err.to_string().starts_with("HTTP 500: "));
        let wrapped = Error::from_status(
            429,
            br#"{"error":{"message":"litellm.RateLimitError: RateLimitError: OpenAIException - {\"error\":{\"message\":\"Rate limit exceeded.\",\"code\":\"rate_limit_exceeded\"}}","code":"429"}}"#,
            None,
        );
        assert_eq!(wrapped.detail(), "Rate limit exceeded.");
        let plain = Error::from_status(502, b"Bad Gateway", None);
        assert_eq!(plain.detail(), "Bad Gateway");
        assert_eq!(Error::Cancelled.detail(), "cancelled");
    }

    #[test]
    fn http_error_body_with_null_code_and_non_json_body() {
        let err = Error::from_status(400, br#"{"error":{"message":"bad","type":"invalid_request_error","param":"input","code":null}}"#, None);
        assert_eq!(
            (err.code(), err.http_status(), err.api_code()),
            ("http_status", Some(400), None)
        );
        assert_eq!(
            err.to_string(),
            "HTTP 400: bad",
            "the API's message is shown"
        );
        let err = Error::from_status(502, b"<html>Bad gateway</html>", None);
        // A proxy's HTML page is not JSON; its text is still shown.
        assert_eq!(err.to_string(), "HTTP 502: <html>Bad gateway</html>");
    }

    #[test]
    fn long_lines_are_truncated() {
        let line = "x".repeat(10_000);
        let Error::Protocol { line, .. } = (Error::Protocol {
            message: String::new(),
            line: truncate_for_error(&line),
        }) else {
            unreachable!()
        };
        assert!(
            line.chars().count() <= ERROR_EXCERPT_CHARS + 1,
            "errors stay small"
        );
    }
}
