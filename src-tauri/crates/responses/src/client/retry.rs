//! Retrying 429 and 5xx answers before any of the body was read.
//!
//! Once a stream has started, nothing is retried: the events already shown
//! cannot be taken back, and a second request would be billed again.

use std::time::{Duration, SystemTime};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// The first backoff; doubled on each retry.
    pub base_delay: Duration,
    /// The longest computed backoff.
    pub max_delay: Duration,
    /// The longest wait a server's `Retry-After` may ask for. A server that
    /// asks for more is not retried: its error is returned at once, saying
    /// how long it asked to wait (waiting a capped while and asking again
    /// would only be refused again).
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Whether a server's `Retry-After` asks for longer than this policy waits.
    pub fn waits_too_long(&self, retry_after: Option<Duration>) -> bool {
        retry_after.is_some_and(|wait| wait > self.max_retry_after)
    }

    /// The wait before retry number `retry` (1-based): the server's
    /// `Retry-After` when given (capped), else exponential backoff.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(wait) => wait.min(self.max_retry_after),
            None => {
                let factor = 2u32.saturating_pow(retry.saturating_sub(1));
                self.base_delay.saturating_mul(factor).min(self.max_delay)
            }
        }
    }
}

/// Told to the app before each retry: "retrying (attempt/max_retries) in delay".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryNotice {
    /// 1 for the first retry.
    pub attempt: u32,
    pub max_retries: u32,
    pub delay: Duration,
    /// The status that caused the retry; `None` for a connection failure.
    pub status: Option<u16>,
}

/// The longest wait a `Retry-After` header is read as. Anything longer (a
/// year as seconds, `1e30` ms, an HTTP date in 2999) means "not soon" and is
/// clamped here, before any arithmetic, so no value can overflow a
/// `Duration`; the retry policy then decides (see `RetryPolicy::max_retry_after`).
pub const MAX_PARSED_RETRY_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// Reads `retry-after-ms` (OpenAI) or `Retry-After` (seconds or an HTTP
/// date), bounded: negative, NaN, infinite or unparsable values are ignored,
/// huge ones are clamped to [`MAX_PARSED_RETRY_AFTER`].
pub fn parse_retry_after(
    headers: &reqwest::header::HeaderMap,
    now: SystemTime,
) -> Option<Duration> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    // Proxies pass the upstream's headers on under a prefix (LiteLLM:
    // `llm_provider-retry-after`); the proxy's own header wins.
    let header = |name: &str| header(name).or_else(|| header(&format!("llm_provider-{name}")));
    if let Some(wait) = header("retry-after-ms")
        .and_then(|v| v.parse::<f64>().ok())
        .and_then(|ms| bounded_seconds(ms / 1000.0))
    {
        return Some(wait);
    }
    let value = header(reqwest::header::RETRY_AFTER.as_str())?;
    if let Ok(secs) = value.parse::<f64>() {
        return bounded_seconds(secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_PARSED_RETRY_AFTER),
    )
}

/// `secs` as a `Duration` no longer than [`MAX_PARSED_RETRY_AFTER`]; `None`
/// for NaN and negative values (infinity is just very long).
fn bounded_seconds(secs: f64) -> Option<Duration> {
    if secs.is_nan() || secs < 0.0 {
        return None;
    }
    let max = MAX_PARSED_RETRY_AFTER.as_secs_f64();
    // The clamp comes first: `from_secs_f64` panics past u64::MAX seconds.
    Some(Duration::from_secs_f64(secs.min(max)))
}

pub(crate) fn is_retryable_status(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    #[test]
    fn retry_after_seconds_date_and_cap() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(
            parse_retry_after(&headers, now),
            Some(Duration::from_secs(7))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&later).expect("ascii"));
        assert_eq!(
            parse_retry_after(&headers, now),
            Some(Duration::from_secs(30)),
            "HTTP dates count from now"
        );
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(
            parse_retry_after(&headers, now),
            None,
            "garbage is ignored, not a panic"
        );

        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(3600))),
            policy.max_retry_after,
            "capped"
        );
        assert_eq!(policy.delay(1, None), policy.base_delay);
        assert_eq!(
            policy.delay(3, None),
            policy.base_delay * 4,
            "doubles each retry"
        );
        assert_eq!(policy.delay(30, None), policy.max_delay, "bounded");
    }

    #[test]
    fn a_proxys_prefixed_retry_headers_count_and_its_own_win() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        // What LiteLLM proxy sends on with an upstream's 429.
        let mut headers = HeaderMap::new();
        headers.insert("llm_provider-retry-after", HeaderValue::from_static("7"));
        headers.insert(
            "llm_provider-retry-after-ms",
            HeaderValue::from_static("6500"),
        );
        assert_eq!(
            parse_retry_after(&headers, now),
            Some(Duration::from_millis(6500))
        );
        headers.insert("retry-after-ms", HeaderValue::from_static("2000"));
        assert_eq!(
            parse_retry_after(&headers, now),
            Some(Duration::from_secs(2)),
            "the proxy's own header first"
        );
    }

    #[test]
    fn hostile_retry_after_values_are_bounded_never_a_panic() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let parse = |name: &'static str, value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_str(value).expect("ascii"));
            parse_retry_after(&headers, now)
        };
        for name in ["retry-after-ms", "retry-after"] {
            // 1e30 ms once panicked in `Duration::from_secs_f64`.
            for huge in [
                "1e30",
                "inf",
                "+Infinity",
                "1e309",
                "18446744073709551616000",
            ] {
                assert_eq!(
                    parse(name, huge),
                    Some(MAX_PARSED_RETRY_AFTER),
                    "{name}: {huge} is clamped"
                );
            }
            for ignored in ["NaN", "-1", "-inf", "", "0x10", "1 2"] {
                assert_eq!(parse(name, ignored), None, "{name}: {ignored:?} is ignored");
            }
        }
        assert_eq!(
            parse("retry-after-ms", "1500"),
            Some(Duration::from_millis(1500))
        );
        let far =
            httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(32_000_000_000));
        assert_eq!(
            parse("retry-after", &far),
            Some(MAX_PARSED_RETRY_AFTER),
            "an HTTP date centuries away is clamped"
        );
        let past = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH);
        assert_eq!(
            parse("retry-after", &past),
            Some(Duration::ZERO),
            "a past date means now"
        );
        let policy = RetryPolicy::default();
        assert!(policy.waits_too_long(Some(MAX_PARSED_RETRY_AFTER)));
        assert!(!policy.waits_too_long(Some(Duration::from_secs(1))));
        assert!(!policy.waits_too_long(None));
    }
}
