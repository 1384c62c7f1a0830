//! The HTTP client: `/responses` and its siblings against any
//! OpenAI-compatible base URL, with the key given per call.

mod body;
mod files;
mod redirect;
mod resolve;
mod retry;
mod stream;

pub use files::{Polling, UploadProgress, MAX_LIST_PAGES};
pub(crate) use redirect::CrossOriginRedirect;
pub use resolve::LookupFailed;
pub use retry::{parse_retry_after, RetryNotice, RetryPolicy, MAX_PARSED_RETRY_AFTER};
pub use stream::EventStream;

use crate::error::{truncate_for_error, Error};
use crate::events::{ResponseEvent, StreamEvent};
use crate::limits::Limits;
use crate::nullable::Nullable;
use crate::request::CreateResponse;
use crate::response::{ApiErrorBody, Deleted, InputTokens, ItemList, Model, ModelList, Response};
use crate::secret::SecretString;
use futures_util::StreamExt;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio_util::sync::CancellationToken;

/// Pages [`Client::input_items`] follows at most (100 items each): enough for
/// any real conversation, a bound against a server that never says "done".
pub const MAX_INPUT_ITEM_PAGES: usize = 50;

/// Where to send requests, and with which key.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// e.g. `https://api.cometapi.com/v1` (with or without a trailing slash).
    pub base_url: String,
    pub key: SecretString,
}

impl Endpoint {
    pub fn new(base_url: impl Into<String>, key: SecretString) -> Self {
        Endpoint {
            base_url: base_url.into(),
            key,
        }
    }

    /// `{base}/{path}` with exactly one slash between them.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.base_url.trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }
}

pub type RetryCallback = Arc<dyn Fn(RetryNotice) + Send + Sync>;

/// Per-call options: cancellation, retrying, and who to tell about retries.
#[derive(Clone, Default)]
pub struct StreamOptions {
    pub cancel: CancellationToken,
    pub retry: RetryPolicy,
    pub on_retry: Option<RetryCallback>,
}

impl fmt::Debug for StreamOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamOptions")
            .field("cancelled", &self.cancel.is_cancelled())
            .field("retry", &self.retry)
            .field("on_retry", &self.on_retry.is_some())
            .finish()
    }
}

#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    limits: Limits,
}

impl Client {
    /// A client with the default limits. Fails only when the TLS backend
    /// cannot initialise (no usable root certificates, a broken system
    /// configuration): the caller reports that instead of crashing.
    pub fn new() -> Result<Self, Error> {
        Client::with_limits(Limits::default())
    }

    /// A client with its own bounds on what servers may send.
    pub fn with_limits(limits: Limits) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(30))
            .dns_resolver(std::sync::Arc::new(resolve::SystemResolver))
            .redirect(redirect::policy())
            // A Referer would tell a redirect target where the request came from.
            .referer(false)
            .build()
            .map_err(|e| {
                Error::InvalidRequest(format!("the HTTP client could not be set up: {e}"))
            })?;
        Ok(Client { http, limits })
    }

    /// A client over a caller's reqwest client (its own redirect policy
    /// applies), with the default limits.
    pub fn with_http(http: reqwest::Client) -> Self {
        Client {
            http,
            limits: Limits::default(),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// `POST /responses` without streaming.
    pub async fn create(&self, ep: &Endpoint, req: &CreateResponse) -> Result<Response, Error> {
        self.create_with(ep, req, &StreamOptions::default()).await
    }

    pub async fn create_with(
        &self,
        ep: &Endpoint,
        req: &CreateResponse,
        opts: &StreamOptions,
    ) -> Result<Response, Error> {
        let mut req = req.clone();
        req.stream = Nullable::Absent;
        let body = serialize(&req)?;
        self.json(Method::POST, ep, "responses", Some(body), opts)
            .await
    }

    /// `POST /responses` with `stream: true`.
    pub async fn create_stream(
        &self,
        ep: &Endpoint,
        req: &CreateResponse,
        opts: StreamOptions,
    ) -> Result<EventStream, Error> {
        let mut req = req.clone();
        req.stream = Nullable::Value(true);
        let body = serialize(&req)?;
        let build = || {
            self.http
                .post(ep.url("responses"))
                .body(body.clone())
                .header(CONTENT_TYPE, "application/json")
        };
        self.stream(ep, build, opts).await
    }

    /// `GET /responses/{id}?stream=true[&starting_after=N]`: picks a
    /// background response's stream up again after event `N`.
    pub async fn resume_stream(
        &self,
        ep: &Endpoint,
        id: &str,
        starting_after: Option<u64>,
        opts: StreamOptions,
    ) -> Result<EventStream, Error> {
        let mut url = ep.url(&format!("responses/{}?stream=true", path_segment(id)));
        if let Some(n) = starting_after {
            url.push_str(&format!("&starting_after={n}"));
        }
        let build = || self.http.get(&url);
        self.stream(ep, build, opts).await
    }

    /// `GET /responses/{id}`.
    pub async fn retrieve(&self, ep: &Endpoint, id: &str) -> Result<Response, Error> {
        let path = format!("responses/{}", path_segment(id));
        self.json(Method::GET, ep, &path, None, &StreamOptions::default())
            .await
    }

    /// `POST /responses/{id}/cancel` (background responses).
    pub async fn cancel(&self, ep: &Endpoint, id: &str) -> Result<Response, Error> {
        let path = format!("responses/{}/cancel", path_segment(id));
        self.json(Method::POST, ep, &path, None, &StreamOptions::default())
            .await
    }

    /// `DELETE /responses/{id}`.
    pub async fn delete(&self, ep: &Endpoint, id: &str) -> Result<Deleted, Error> {
        let path = format!("responses/{}", path_segment(id));
        self.json(Method::DELETE, ep, &path, None, &StreamOptions::default())
            .await
    }

    /// `GET /responses/{id}/input_items`: every input item, oldest first,
    /// following `has_more` page by page (100 items each) up to
    /// [`MAX_INPUT_ITEM_PAGES`]; `has_more` is true only if that cap cut it.
    pub async fn input_items(&self, ep: &Endpoint, id: &str) -> Result<ItemList, Error> {
        let mut all = self.input_items_page(ep, id, None).await?;
        for _ in 1..MAX_INPUT_ITEM_PAGES {
            let (Some(true), Some(after)) = (all.has_more.get(), all.last_id.as_str()) else {
                break;
            };
            let page = self.input_items_page(ep, id, Some(after)).await?;
            if page.data.is_empty() {
                // A server that says "more" but sends nothing would loop forever.
                all.has_more = Nullable::Value(false);
                break;
            }
            all.data.extend(page.data);
            all.last_id = page.last_id;
            all.has_more = page.has_more;
        }
        Ok(all)
    }

    /// One page of `GET /responses/{id}/input_items`, oldest first, after
    /// the item id `after` when given.
    pub async fn input_items_page(
        &self,
        ep: &Endpoint,
        id: &str,
        after: Option<&str>,
    ) -> Result<ItemList, Error> {
        let mut path = format!(
            "responses/{}/input_items?order=asc&limit=100",
            path_segment(id)
        );
        if let Some(after) = after {
            path.push_str("&after=");
            path.push_str(&path_segment(after));
        }
        self.json(Method::GET, ep, &path, None, &StreamOptions::default())
            .await
    }

    /// `POST /responses/input_tokens`: counts the tokens `req` would use.
    pub async fn input_tokens(
        &self,
        ep: &Endpoint,
        req: &CreateResponse,
    ) -> Result<InputTokens, Error> {
        let mut req = req.clone();
        req.stream = Nullable::Absent;
        let body = serialize(&req)?;
        self.json(
            Method::POST,
            ep,
            "responses/input_tokens",
            Some(body),
            &StreamOptions::default(),
        )
        .await
    }

    /// `GET /models`.
    pub async fn list_models(&self, ep: &Endpoint) -> Result<Vec<Model>, Error> {
        self.list_models_with(ep, &StreamOptions::default()).await
    }

    /// As [`Client::list_models`], with its own retry policy and cancellation
    /// (a connection test wants one quick attempt, not backoff).
    pub async fn list_models_with(
        &self,
        ep: &Endpoint,
        opts: &StreamOptions,
    ) -> Result<Vec<Model>, Error> {
        let list: ModelList = self.json(Method::GET, ep, "models", None, opts).await?;
        Ok(list.data)
    }

    async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        ep: &Endpoint,
        path: &str,
        body: Option<bytes::Bytes>,
        opts: &StreamOptions,
    ) -> Result<T, Error> {
        let url = ep.url(path);
        let build = || {
            let builder = self.http.request(method.clone(), &url);
            match &body {
                Some(body) => builder
                    .body(body.clone())
                    .header(CONTENT_TYPE, "application/json"),
                None => builder,
            }
        };
        let response = self.send(ep, build, opts).await?;
        let page = is_web_page(&response);
        let bytes = self.read_body(response, &opts.cancel).await?;
        if page {
            return Err(web_page_error(&bytes));
        }
        serde_json::from_slice(&bytes).map_err(|e| Error::Protocol {
            message: format!("invalid JSON body: {e}"),
            line: truncate_for_error(&String::from_utf8_lossy(&bytes)),
        })
    }

    async fn stream(
        &self,
        ep: &Endpoint,
        build: impl Fn() -> RequestBuilder,
        opts: StreamOptions,
    ) -> Result<EventStream, Error> {
        let build = || build().header(ACCEPT, "text/event-stream");
        let response = self.send(ep, build, &opts).await?;
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if is_web_page(&response) {
            let bytes = self.read_body(response, &opts.cancel).await?;
            return Err(web_page_error(&bytes));
        }
        if content_type.starts_with("application/json") {
            // A server that ignores `stream: true` answers with the whole response.
            let bytes = self.read_body(response, &opts.cancel).await?;
            return whole_response_as_events(&bytes)
                .map(|events| EventStream::from_events(events, opts.cancel));
        }
        let body = response
            .bytes_stream()
            .map(|chunk| chunk.map_err(|e| Error::from_reqwest(&e)));
        Ok(EventStream::from_body(
            Box::pin(body),
            opts.cancel,
            &self.limits,
        ))
    }

    /// Sends, retrying 429/5xx and failed connections before any body was
    /// read; returns a success response, or the error status as [`Error`].
    async fn send(
        &self,
        ep: &Endpoint,
        build: impl Fn() -> RequestBuilder,
        opts: &StreamOptions,
    ) -> Result<reqwest::Response, Error> {
        let mut retry = 0;
        loop {
            let request = build().bearer_auth(ep.key.expose()).send();
            let idle = self.limits.idle_timeout;
            let outcome = tokio::select! {
                () = opts.cancel.cancelled() => return Err(Error::Cancelled),
                // A server that accepts the connection and never answers.
                () = tokio::time::sleep(idle) => return Err(Error::Stalled { idle, events_received: 0 }),
                outcome = request => outcome,
            };
            let (status, retry_after, failure) = match outcome {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after =
                        retry::parse_retry_after(response.headers(), SystemTime::now());
                    let wait_too_long = opts.retry.waits_too_long(retry_after);
                    if wait_too_long {
                        tracing::warn!(status, ?retry_after, max = ?opts.retry.max_retry_after,
                            "the server asks to wait longer than the retry policy allows; not retrying");
                    }
                    if !retry::is_retryable_status(status)
                        || retry >= opts.retry.max_retries
                        || wait_too_long
                    {
                        let body = self.read_body(response, &opts.cancel).await?;
                        let mut error = Error::from_status(status, &body, retry_after);
                        if let Error::HttpStatus {
                            wait_too_long: too_long,
                            ..
                        } = &mut error
                        {
                            *too_long = wait_too_long && retry::is_retryable_status(status);
                        }
                        return Err(error);
                    }
                    (Some(status), retry_after, None)
                }
                Err(e) => {
                    let error = Error::from_reqwest(&e);
                    // Only a failed connect is known not to have reached the server.
                    if !e.is_connect() || retry >= opts.retry.max_retries {
                        return Err(error);
                    }
                    (None, None, Some(error))
                }
            };
            retry += 1;
            let delay = opts.retry.delay(retry, retry_after);
            tracing::debug!(retry, ?status, ?delay, failure = ?failure.as_ref().map(Error::code), "retrying request");
            if let Some(notify) = &opts.on_retry {
                notify(RetryNotice {
                    attempt: retry,
                    max_retries: opts.retry.max_retries,
                    delay,
                    status,
                });
            }
            tokio::select! {
                () = opts.cancel.cancelled() => return Err(Error::Cancelled),
                () = tokio::time::sleep(delay) => {}
            }
        }
    }
}

impl Client {
    /// Reads a whole body within the limits, or not at all.
    async fn read_body(
        &self,
        response: reqwest::Response,
        cancel: &CancellationToken,
    ) -> Result<bytes::Bytes, Error> {
        tokio::select! {
            () = cancel.cancelled() => Err(Error::Cancelled),
            body = body::read_bounded(response, &self.limits) => body,
        }
    }
}

fn serialize(req: &CreateResponse) -> Result<bytes::Bytes, Error> {
    serde_json::to_vec(req)
        .map(Into::into)
        .map_err(|e| Error::InvalidRequest(e.to_string()))
}

/// A JSON body on a stream request: an error body becomes the error; a
/// whole response becomes its terminal event.
fn whole_response_as_events(bytes: &[u8]) -> Result<Vec<StreamEvent>, Error> {
    if let Ok(body) = serde_json::from_slice::<ApiErrorBody>(bytes) {
        return Err(Error::HttpStatus {
            status: 200,
            body: Some(Box::new(body)),
            raw: truncate_for_error(&String::from_utf8_lossy(bytes)),
            retry_after: None,
            wait_too_long: false,
        });
    }
    let response: Response = serde_json::from_slice(bytes).map_err(|e| Error::Protocol {
        message: format!("expected an event stream, got JSON that is not a response: {e}"),
        line: truncate_for_error(&String::from_utf8_lossy(bytes)),
    })?;
    let event = ResponseEvent {
        response: Box::new(response),
        sequence_number: None,
    };
    Ok(vec![match event.response.status.as_str() {
        Some("failed") => StreamEvent::Failed(event),
        Some("incomplete") => StreamEvent::Incomplete(event),
        Some("queued") => StreamEvent::Queued(event),
        Some("in_progress") => StreamEvent::InProgress(event),
        _ => StreamEvent::Completed(event),
    }])
}

/// Percent-encodes an id for use as one path segment.
fn path_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A web page where the API should be: most often a base URL without `/v1`
/// landing on a gateway's dashboard or a proxy's sign-in page. Read as a
/// stream it would have no events and look like a dropped connection.
fn is_web_page(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let v = v.trim_start().to_ascii_lowercase();
            v.starts_with("text/html") || v.starts_with("application/xhtml")
        })
}

fn web_page_error(body: &[u8]) -> Error {
    Error::Protocol {
        message: "the server answered with a web page, not the API: check the base URL \
                  (it usually ends in /v1)"
            .into(),
        line: truncate_for_error(&String::from_utf8_lossy(body)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_with_one_slash() {
        for base in [
            "https://api.cometapi.com/v1",
            "https://api.cometapi.com/v1/",
        ] {
            let ep = Endpoint::new(base, SecretString::new("k"));
            assert_eq!(
                ep.url("responses"),
                "https://api.cometapi.com/v1/responses",
                "trailing slash must not matter"
            );
        }
        assert_eq!(
            path_segment("resp_1/../x"),
            "resp_1%2F..%2Fx",
            "an id cannot escape its segment"
        );
    }
}
