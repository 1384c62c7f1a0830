//! The bearer-key check. Any non-empty key is accepted except keys starting
//! with `sk-bad`, which always fail like a revoked key does, so clients can
//! test their 401 path. Like the real API, error messages show a masked key,
//! never the whole of it.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api_error::ApiError;

/// Keys starting with this are always refused.
pub const BAD_KEY_PREFIX: &str = "sk-bad";

pub(crate) async fn require_bearer(request: Request, next: Next) -> Response {
    let key = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    if key.is_empty() {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            "You didn't provide an API key. You need to provide your API key in an Authorization \
             header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        )
        .into_response();
    }
    if key.starts_with(BAD_KEY_PREFIX) {
        return incorrect_key(key).into_response();
    }
    next.run(request).await
}

pub(crate) fn incorrect_key(key: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_request_error",
        format!(
            "Incorrect API key provided: {}. You can find your API key at \
             https://platform.openai.com/account/api-keys.",
            mask_key(key)
        ),
    )
    .with_code("invalid_api_key")
}

/// Shows a few characters at each end of a long key and only a prefix of a
/// short one, so the key can be recognised but never read back whole.
pub(crate) fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() >= 12 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}****{tail}")
    } else {
        let head: String = chars.iter().take(chars.len() / 3).collect();
        format!("{head}****")
    }
}

#[cfg(test)]
mod tests {
    use super::mask_key;

    #[test]
    fn masked_keys_never_contain_the_whole_key() {
        for key in ["sk-bad", "sk-bad-0123456789abcdef", "x", "sk-bad-short"] {
            let masked = mask_key(key);
            // The whole key must never be echoed back, whatever its length.
            assert!(!masked.contains(key), "{masked} reveals {key}");
            assert!(
                masked.contains("****"),
                "a mask marker shows the key was cut"
            );
        }
    }

    #[test]
    fn long_keys_keep_their_ends_for_recognition() {
        // Head and tail let a person tell which key was refused.
        assert_eq!(mask_key("sk-bad-0123456789abcdef"), "sk-****cdef");
    }
}
