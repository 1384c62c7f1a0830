//! Redirects: never followed to another origin. A gateway (or whoever
//! controls its DNS) that redirects a `POST /responses` elsewhere would
//! otherwise hand the conversation to that host.

use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{any, post};
use axum::Router;
use halley_responses::{Client, CreateResponse, Endpoint, Error, SecretString, StreamOptions};
use std::sync::{Arc, Mutex};

/// What the second server saw: each request's body, and whether a
/// `Referer` or `Authorization` came along.
#[derive(Default)]
struct Seen {
    bodies: Vec<Vec<u8>>,
    referer: bool,
    authorization: bool,
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

/// A second origin that records everything that reaches it.
async fn elsewhere() -> (String, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let log = seen.clone();
    let router = Router::new().fallback(any(move |headers: HeaderMap, body: Bytes| {
        let log = log.clone();
        async move {
            let mut seen = log.lock().expect("lock");
            seen.bodies.push(body.to_vec());
            seen.referer |= headers.contains_key(header::REFERER);
            seen.authorization |= headers.contains_key(header::AUTHORIZATION);
            StatusCode::OK
        }
    }));
    (serve(router).await, seen)
}

fn redirecting_to(status: StatusCode, target: String) -> Router {
    Router::new().fallback(any(move || {
        let target = target.clone();
        async move { (status, [(header::LOCATION, target)]).into_response() }
    }))
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_refused_and_the_body_stays_home() {
    let (other, seen) = elsewhere().await;
    for status in [
        StatusCode::TEMPORARY_REDIRECT, // 307 and 308 would re-send the body
        StatusCode::PERMANENT_REDIRECT,
        StatusCode::FOUND, // 302 would turn it into a GET
    ] {
        let base = serve(redirecting_to(status, format!("{other}/v1/responses"))).await;
        let endpoint = Endpoint::new(format!("{base}/v1"), SecretString::new("sk-test-redirect"));
        let request = CreateResponse::new("gpt-test", "the secret conversation");
        let error = match Client::new()
            .expect("an HTTP client")
            .create_stream(&endpoint, &request, StreamOptions::default())
            .await
        {
            Ok(_) => panic!("a redirect elsewhere must not become a stream"),
            Err(error) => error,
        };
        let Error::RedirectRefused {
            status: got,
            target_origin,
        } = &error
        else {
            panic!("expected RedirectRefused, got {error:?}");
        };
        assert_eq!(*got, status.as_u16());
        assert_eq!(target_origin, &other, "the error names where it pointed");
        assert_eq!(error.code(), "redirect_refused");
        assert!(error.to_string().contains(&other), "{error}");
    }
    let seen = seen.lock().expect("lock");
    assert!(
        seen.bodies.is_empty(),
        "the other origin never received a request, let alone the body"
    );
    assert!(!seen.referer && !seen.authorization);
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed() {
    let router = Router::new()
        .route(
            "/v1/models",
            any(|| async {
                (
                    StatusCode::TEMPORARY_REDIRECT,
                    [(header::LOCATION, "/v2/models")],
                )
            }),
        )
        .route(
            "/v2/models",
            post(|| async { StatusCode::METHOD_NOT_ALLOWED }).get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"object":"list","data":[{"id":"m","object":"model"}]}"#,
                )
            }),
        );
    let base = serve(router).await;
    let endpoint = Endpoint::new(format!("{base}/v1"), SecretString::new("sk-test-redirect"));
    let models = Client::new()
        .expect("an HTTP client")
        .list_models(&endpoint)
        .await
        .expect("a same-origin redirect is followed");
    assert_eq!(models.len(), 1);
}
