//! Images a model's answer points at, fetched only when the user clicks
//! "Load image". The webview itself may load nothing remote (its CSP allows
//! images from the app, `data:` and `blob:` only), so the bytes come from
//! here and the UI shows them as a `blob:` URL.
//!
//! What is fetched is bounded: `https` only (plain `http` only to loopback,
//! and only when allowed, for tests), no cookies, no referrer, no redirect to
//! another origin, a size cap read as a stream (never the whole body first),
//! a total timeout, and the type decided by the first bytes — PNG, JPEG, GIF
//! or WebP, never SVG (a document that can load and script).

use std::net::IpAddr;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::redirect;
use reqwest::Url;

/// What a fetch may cost.
#[derive(Debug, Clone)]
pub struct ImageFetchLimits {
    pub max_bytes: u64,
    pub timeout: Duration,
    /// Plain `http` to a loopback address (tests serve images there).
    pub allow_loopback_http: bool,
}

impl Default for ImageFetchLimits {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            timeout: Duration::from_secs(20),
            allow_loopback_http: false,
        }
    }
}

/// The image types the UI shows, recognised by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl ImageType {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Self::Gif)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(Self::Webp)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
        }
    }
}

#[derive(Debug)]
pub struct RemoteImage {
    pub image_type: ImageType,
    pub bytes: Vec<u8>,
}

/// Why an image was not loaded. Messages name no secret: the URL came from
/// the model's answer, and only its host is repeated.
#[derive(Debug, thiserror::Error)]
pub enum ImageFetchError {
    #[error("only https images can be loaded")]
    SchemeNotAllowed,
    #[error("not a web address")]
    InvalidUrl,
    #[error("the image is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("not a PNG, JPEG, GIF or WebP image")]
    NotAnImage,
    #[error("the server redirected to another host")]
    CrossOriginRedirect,
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("the image did not arrive within {0:?}")]
    Timeout(Duration),
    #[error("could not reach {host}")]
    Network { host: String },
}

fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn check_url(raw: &str, limits: &ImageFetchLimits) -> Result<Url, ImageFetchError> {
    let url = Url::parse(raw).map_err(|_| ImageFetchError::InvalidUrl)?;
    if url.host().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(ImageFetchError::InvalidUrl);
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if limits.allow_loopback_http && is_loopback(&url) => Ok(url),
        _ => Err(ImageFetchError::SchemeNotAllowed),
    }
}

fn client(limits: &ImageFetchLimits, host: &str) -> Result<reqwest::Client, ImageFetchError> {
    // Redirects only within the first URL's origin: a redirect elsewhere would
    // let the image host hand the request (and the user's address) onward.
    let policy = redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 5 || !same_origin {
            attempt.stop()
        } else {
            attempt.follow()
        }
    });
    reqwest::Client::builder()
        .redirect(policy)
        .referer(false)
        .timeout(limits.timeout)
        .connect_timeout(limits.timeout)
        .user_agent("Halley")
        .build()
        .map_err(|_| ImageFetchError::Network {
            host: host.to_owned(),
        })
}

/// Fetches one image within `limits`. Cookies are never sent: the client has
/// no cookie store.
pub async fn fetch_remote_image(
    raw_url: &str,
    limits: &ImageFetchLimits,
) -> Result<RemoteImage, ImageFetchError> {
    let url = check_url(raw_url, limits)?;
    let host = url.host_str().unwrap_or_default().to_owned();
    let network = |error: reqwest::Error| {
        if error.is_timeout() {
            ImageFetchError::Timeout(limits.timeout)
        } else {
            ImageFetchError::Network { host: host.clone() }
        }
    };
    let response = client(limits, &host)?
        .get(url)
        .header(
            reqwest::header::ACCEPT,
            "image/png,image/jpeg,image/gif,image/webp",
        )
        .send()
        .await
        .map_err(network)?;
    let status = response.status();
    if status.is_redirection() {
        return Err(ImageFetchError::CrossOriginRedirect);
    }
    if !status.is_success() {
        return Err(ImageFetchError::Status(status.as_u16()));
    }
    let limit = limits.max_bytes;
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(ImageFetchError::TooLarge { limit });
    }
    let mut bytes = Vec::new();
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(network)?;
        if bytes.len() as u64 + chunk.len() as u64 > limit {
            return Err(ImageFetchError::TooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
        // Refuse a non-image as soon as its first bytes are in, not after 10 MB.
        if bytes.len() >= 12 && ImageType::sniff(&bytes).is_none() {
            return Err(ImageFetchError::NotAnImage);
        }
    }
    let image_type = ImageType::sniff(&bytes).ok_or(ImageFetchError::NotAnImage)?;
    Ok(RemoteImage { image_type, bytes })
}
