//! The non-streaming calls: paths, methods, bodies, and network errors.

use crate::server::{self, authorized, json, serve, sse};
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use futures_util::StreamExt;
use halley_responses::{
    Client, CreateResponse, Endpoint, Error, NetworkKind, RetryPolicy, SecretString, StreamOptions,
};

const RESPONSE: &str =
    r#"{"id":"resp_1","object":"response","status":"completed","output":[],"user":null}"#;

fn router() -> Router {
    Router::new()
        .route(
            "/v1/responses",
            post(|headers: HeaderMap, body: String| async move {
                let body: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                // `create` must not ask for a stream.
                if !authorized(&headers) || body.get("stream").is_some() {
                    return json(StatusCode::UNAUTHORIZED, r#"{"error":{"message":"no","type":"auth","param":null,"code":null}}"#);
                }
                json(StatusCode::OK, RESPONSE)
            }),
        )
        .route(
            "/v1/responses/{id}",
            get(|Path(id): Path<String>, RawQuery(query): RawQuery| async move {
                if query.as_deref() == Some("stream=true&starting_after=3") {
                    return sse(server::event(server::COMPLETED));
                }
                json(StatusCode::OK, &RESPONSE.replace("resp_1", &id))
            })
            .delete(|Path(id): Path<String>| async move {
                json(StatusCode::OK, &format!(r#"{{"id":"{id}","object":"response.deleted","deleted":true}}"#))
            }),
        )
        .route(
            "/v1/responses/{id}/cancel",
            post(|| async { json(StatusCode::OK, &RESPONSE.replace("completed", "cancelled")) }),
        )
        .route(
            "/v1/responses/{id}/input_items",
            get(|| async { json(StatusCode::OK, r#"{"object":"list","data":[{"type":"message","role":"user","content":[]}],"has_more":false}"#) }),
        )
        .route(
            "/v1/responses/input_tokens",
            post(|| async { json(StatusCode::OK, r#"{"object":"response.input_tokens","input_tokens":11}"#) }),
        )
        .route(
            "/v1/models",
            get(|| async { json(StatusCode::OK, r#"{"object":"list","data":[{"id":"gpt-5","object":"model","owned_by":"openai"}]}"#) }),
        )
}

#[tokio::test]
async fn every_call_reaches_its_path() {
    let ep = serve(router()).await;
    let client = Client::new().expect("an HTTP client");
    let req = CreateResponse::new("gpt-5", "hi");
    let created = client.create(&ep, &req).await.expect("create");
    assert_eq!(created.status.as_str(), Some("completed"));
    let got = client.retrieve(&ep, "resp_9").await.expect("retrieve");
    assert_eq!(got.id.as_str(), Some("resp_9"), "the id is in the path");
    let cancelled = client.cancel(&ep, "resp_9").await.expect("cancel");
    assert_eq!(cancelled.status.as_str(), Some("cancelled"));
    assert!(client.delete(&ep, "resp_9").await.expect("delete").deleted);
    assert_eq!(
        client
            .input_items(&ep, "resp_9")
            .await
            .expect("items")
            .data
            .len(),
        1
    );
    assert_eq!(
        client
            .input_tokens(&ep, &req)
            .await
            .expect("tokens")
            .input_tokens,
        11
    );
    let models = client.list_models(&ep).await.expect("models");
    assert_eq!(
        models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        ["gpt-5"]
    );
    let resumed = client
        .resume_stream(&ep, "resp_9", Some(3), StreamOptions::default())
        .await
        .expect("resume");
    let events: Vec<_> = resumed.collect().await;
    assert_eq!(events.len(), 1, "the resumed stream is read as a stream");
}

#[tokio::test]
async fn input_items_follow_every_page_oldest_first() {
    // Five items served two per page, as the API pages them with `after`.
    let router = Router::new().route(
        "/v1/responses/{id}/input_items",
        get(|RawQuery(query): RawQuery| async move {
            let query = query.unwrap_or_default();
            assert!(
                query.contains("order=asc"),
                "asks for conversation order: {query}"
            );
            let start = match query.split("after=item_").nth(1) {
                Some(n) => n.parse::<usize>().expect("an item number") + 1,
                None => 0,
            };
            let end = (start + 2).min(5);
            let data: Vec<String> = (start..end)
                .map(|n| format!(r#"{{"id":"item_{n}","type":"message","role":"user","content":[]}}"#))
                .collect();
            json(
                StatusCode::OK,
                &format!(
                    r#"{{"object":"list","data":[{}],"first_id":"item_{start}","last_id":"item_{}","has_more":{}}}"#,
                    data.join(","),
                    end - 1,
                    end < 5
                ),
            )
        }),
    );
    let ep = serve(router).await;
    let items = Client::new()
        .expect("an HTTP client")
        .input_items(&ep, "resp_9")
        .await
        .expect("items");
    let ids: Vec<&str> = items
        .data
        .iter()
        .filter_map(|item| item["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["item_0", "item_1", "item_2", "item_3", "item_4"],
        "all three pages, in order, none twice"
    );
    assert_eq!(items.has_more.get(), Some(&false), "nothing is left out");
}

#[tokio::test]
async fn a_wrong_key_is_an_http_error_without_the_key() {
    let mut ep = serve(router()).await;
    ep.key = SecretString::new("sk-wrong-key-000");
    let err = Client::new()
        .expect("an HTTP client")
        .create(&ep, &CreateResponse::new("m", "hi"))
        .await
        .expect_err("401");
    assert_eq!(err.http_status(), Some(401));
    assert!(
        !format!("{err} {err:?}").contains("sk-wrong-key-000"),
        "no key in errors"
    );
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let ep = Endpoint::new(
        format!("http://127.0.0.1:{port}/v1"),
        SecretString::new("k"),
    );
    let opts = StreamOptions {
        retry: RetryPolicy::none(),
        ..StreamOptions::default()
    };
    match Client::new()
        .expect("an HTTP client")
        .create_stream(&ep, &CreateResponse::new("m", "hi"), opts)
        .await
    {
        Err(Error::Network { kind, .. }) => assert_eq!(kind, NetworkKind::Connect),
        other => panic!("expected a connect error, got {:?}", other.err()),
    }
}

#[tokio::test]
async fn a_name_that_does_not_resolve_is_told_apart_by_its_type() {
    // `.invalid` never resolves (RFC 2606); on a machine without any
    // resolver the lookup fails too, which is the same kind to a user.
    let ep = Endpoint::new("https://halley-test.invalid/v1", SecretString::new("k"));
    let opts = StreamOptions {
        retry: RetryPolicy::none(),
        ..StreamOptions::default()
    };
    match Client::new()
        .expect("an HTTP client")
        .create_stream(&ep, &CreateResponse::new("m", "hi"), opts)
        .await
    {
        Err(Error::Network { kind, message }) => {
            assert_eq!(kind, NetworkKind::Dns, "{message}");
            assert!(
                message.contains("halley-test.invalid"),
                "the message names the host: {message}"
            );
        }
        other => panic!("expected a lookup failure, got {:?}", other.err()),
    }
}

#[tokio::test]
async fn a_tls_failure_is_told_apart_by_its_type() {
    // A plain-text server behind an https:// URL: the TLS handshake reads
    // an HTTP status line and fails inside rustls.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            use tokio::io::AsyncWriteExt;
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let ep = Endpoint::new(
        format!("https://127.0.0.1:{port}/v1"),
        SecretString::new("k"),
    );
    let opts = StreamOptions {
        retry: RetryPolicy::none(),
        ..StreamOptions::default()
    };
    match Client::new()
        .expect("an HTTP client")
        .create_stream(&ep, &CreateResponse::new("m", "hi"), opts)
        .await
    {
        Err(Error::Network { kind, message }) => {
            assert_eq!(kind, NetworkKind::Tls, "{message}")
        }
        other => panic!("expected a TLS error, got {:?}", other.err()),
    }
}

/// A base URL without `/v1` often lands on a gateway's web dashboard, which
/// answers 200 with a page: said as a wrong address, streamed or not, never
/// as a stream that dropped.
#[tokio::test]
async fn a_web_page_where_the_api_should_be_is_a_wrong_address() {
    let page = || async {
        axum::response::Response::builder()
            .header("content-type", "text/html; charset=utf-8")
            .body(axum::body::Body::from(
                "<!doctype html><title>Gateway dashboard</title><p>Sign in</p>",
            ))
            .expect("a page")
    };
    let ep = serve(
        Router::new()
            .route("/v1/responses", post(page))
            .route("/v1/models", get(page)),
    )
    .await;
    let client = Client::new().expect("an HTTP client");
    let request = CreateResponse::new("m", "hi");
    let streamed = client
        .create_stream(&ep, &request, StreamOptions::default())
        .await
        .err()
        .expect("a page is no stream");
    let whole = client
        .create(&ep, &request)
        .await
        .expect_err("nor a response");
    let models = client.list_models(&ep).await.expect_err("nor a model list");
    for err in [streamed, whole, models] {
        match &err {
            Error::Protocol { message, line } => {
                assert!(message.contains("check the base URL"), "{message}");
                assert!(
                    line.contains("Gateway dashboard"),
                    "the page is shown: {line}"
                );
            }
            other => panic!("expected a wrong-address protocol error, got {other:?}"),
        }
    }
}
