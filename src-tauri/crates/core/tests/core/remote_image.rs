//! `remote_image::fetch_remote_image` against loopback servers that answer
//! the way a hostile or broken image host would.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use halley_core::remote_image::{fetch_remote_image, ImageFetchError, ImageFetchLimits, ImageType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// What the server does with one request.
#[derive(Clone)]
enum Reply {
    /// A whole response: status line + headers, then the body.
    Full(&'static str, Vec<u8>),
    /// Headers, then this chunk forever (until the client goes away).
    Endless(&'static str, Vec<u8>),
    /// Headers, then nothing at all.
    Stall(&'static str),
}

struct Server {
    base: String,
    /// The request heads it saw, in order.
    requests: Arc<Mutex<Vec<String>>>,
}

async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

async fn serve(reply: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let reply = Arc::new(reply);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            let reply = reply.clone();
            tokio::spawn(async move {
                let head = read_head(&mut stream).await;
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                seen.lock().expect("requests lock").push(head);
                match reply(&path) {
                    Reply::Full(headers, body) => {
                        let _ = stream.write_all(headers.as_bytes()).await;
                        let _ = stream.write_all(&body).await;
                    }
                    Reply::Endless(headers, chunk) => {
                        let _ = stream.write_all(headers.as_bytes()).await;
                        while stream.write_all(&chunk).await.is_ok() {}
                    }
                    Reply::Stall(headers) => {
                        let _ = stream.write_all(headers.as_bytes()).await;
                        tokio::time::sleep(Duration::from_secs(60)).await;
                    }
                }
            });
        }
    });
    Server { base, requests }
}

fn ok_headers(len: usize, content_type: &str) -> &'static str {
    Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {len}\r\nconnection: close\r\n\r\n"
        )
        .into_boxed_str(),
    )
}

fn limits() -> ImageFetchLimits {
    ImageFetchLimits {
        max_bytes: 64 * 1024,
        timeout: Duration::from_millis(800),
        allow_loopback_http: true,
    }
}

#[tokio::test]
async fn loads_a_png_and_sends_no_cookie_or_referrer() {
    let server = serve(|_| Reply::Full(ok_headers(PNG.len(), "image/png"), PNG.to_vec())).await;
    let image = fetch_remote_image(&format!("{}/a.png", server.base), &limits())
        .await
        .expect("a small PNG loads");
    assert_eq!(image.image_type, ImageType::Png);
    assert_eq!(image.bytes, PNG, "the bytes arrive unchanged");
    let requests = server.requests.lock().expect("lock").clone();
    assert_eq!(requests.len(), 1, "one request for one image");
    let head = requests[0].to_ascii_lowercase();
    // The image host learns nothing about where the image is shown.
    assert!(!head.contains("\r\ncookie:"), "no cookie sent: {head}");
    assert!(!head.contains("\r\nreferer:"), "no referrer sent: {head}");
}

#[tokio::test]
async fn recognises_each_type_by_its_bytes_not_its_header() {
    let jpeg = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1,
    ];
    let gif = b"GIF89a\x01\0\x01\0\0\0\0;".to_vec();
    let webp = b"RIFF\x1a\0\0\0WEBPVP8L\r\0\0\0".to_vec();
    for (body, expected) in [
        (jpeg, ImageType::Jpeg),
        (gif, ImageType::Gif),
        (webp, ImageType::Webp),
    ] {
        let len = body.len();
        // A wrong content type does not matter: the first bytes decide.
        let server =
            serve(move |_| Reply::Full(ok_headers(len, "application/octet-stream"), body.clone()))
                .await;
        let image = fetch_remote_image(&format!("{}/i", server.base), &limits())
            .await
            .expect("the image loads");
        assert_eq!(image.image_type, expected);
    }
}

#[tokio::test]
async fn refuses_svg_and_html_whatever_their_content_type_says() {
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let html = b"<!doctype html><img src=x onerror=alert(1)>".to_vec();
    for (body, content_type) in [(svg, "image/svg+xml"), (html, "image/png")] {
        let len = body.len();
        let server = serve(move |_| Reply::Full(ok_headers(len, content_type), body.clone())).await;
        let error = fetch_remote_image(&format!("{}/x", server.base), &limits())
            .await
            .expect_err("not an image the UI may show");
        assert!(
            matches!(error, ImageFetchError::NotAnImage),
            "{content_type}: {error}"
        );
    }
}

#[tokio::test]
async fn refuses_an_oversized_image_by_its_length_header() {
    let server = serve(|_| {
        Reply::Full(
            "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: 100000000\r\n\r\n",
            PNG.to_vec(),
        )
    })
    .await;
    let error = fetch_remote_image(&format!("{}/big.png", server.base), &limits())
        .await
        .expect_err("100 MB announced is over the cap");
    assert!(
        matches!(error, ImageFetchError::TooLarge { limit: 65536 }),
        "{error}"
    );
}

#[tokio::test]
async fn stops_reading_an_endless_body_at_the_cap() {
    let mut chunk = PNG.to_vec();
    chunk.resize(8192, 0);
    let server = serve(move |_| {
        Reply::Endless(
            "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\nconnection: close\r\n\r\n",
            chunk.clone(),
        )
    })
    .await;
    let started = Instant::now();
    let error = fetch_remote_image(&format!("{}/endless.png", server.base), &limits())
        .await
        .expect_err("a body with no end and no length is cut at the cap");
    assert!(matches!(error, ImageFetchError::TooLarge { .. }), "{error}");
    // Streamed and stopped, not read whole: it ends long before the timeout.
    assert!(
        started.elapsed() < Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn does_not_follow_a_redirect_to_another_origin() {
    let elsewhere = serve(|_| Reply::Full(ok_headers(PNG.len(), "image/png"), PNG.to_vec())).await;
    let target: &'static str = Box::leak(
        format!(
            "HTTP/1.1 302 Found\r\nlocation: {}/moved.png\r\ncontent-length: 0\r\n\r\n",
            elsewhere.base
        )
        .into_boxed_str(),
    );
    let server = serve(move |_| Reply::Full(target, Vec::new())).await;
    let error = fetch_remote_image(&format!("{}/a.png", server.base), &limits())
        .await
        .expect_err("a redirect to another port is another origin");
    assert!(
        matches!(error, ImageFetchError::CrossOriginRedirect),
        "{error}"
    );
    assert!(
        elsewhere.requests.lock().expect("lock").is_empty(),
        "the other origin was never asked"
    );
}

#[tokio::test]
async fn follows_a_redirect_within_the_same_origin() {
    let server = serve(|path| {
        if path == "/old.png" {
            Reply::Full(
                "HTTP/1.1 301 Moved\r\nlocation: /new.png\r\ncontent-length: 0\r\n\r\n",
                Vec::new(),
            )
        } else {
            Reply::Full(ok_headers(PNG.len(), "image/png"), PNG.to_vec())
        }
    })
    .await;
    let image = fetch_remote_image(&format!("{}/old.png", server.base), &limits())
        .await
        .expect("a same-origin redirect is fine");
    assert_eq!(image.image_type, ImageType::Png);
    assert_eq!(server.requests.lock().expect("lock").len(), 2);
}

#[tokio::test]
async fn gives_up_on_a_server_that_stalls() {
    let server = serve(|_| {
        Reply::Stall("HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: 5000\r\n\r\n")
    })
    .await;
    let started = Instant::now();
    let error = fetch_remote_image(&format!("{}/slow.png", server.base), &limits())
        .await
        .expect_err("a stalled body times out");
    assert!(matches!(error, ImageFetchError::Timeout(_)), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn reports_an_http_error_status() {
    let server = serve(|_| {
        Reply::Full(
            "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            Vec::new(),
        )
    })
    .await;
    let error = fetch_remote_image(&format!("{}/gone.png", server.base), &limits())
        .await
        .expect_err("404");
    assert!(matches!(error, ImageFetchError::Status(404)), "{error}");
}

#[tokio::test]
async fn allows_only_https_and_loopback_http_when_asked() {
    let strict = ImageFetchLimits::default();
    for url in [
        "http://example.com/a.png",
        "http://127.0.0.1:9/a.png",
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:image/png;base64,iVBORw0KGgo=",
    ] {
        let error = fetch_remote_image(url, &strict)
            .await
            .expect_err("refused before any request");
        assert!(
            matches!(
                error,
                ImageFetchError::SchemeNotAllowed | ImageFetchError::InvalidUrl
            ),
            "{url}: {error}"
        );
    }
    // Even with loopback allowed, plain http elsewhere stays refused.
    let error = fetch_remote_image("http://example.com/a.png", &limits())
        .await
        .expect_err("http off loopback");
    assert!(
        matches!(error, ImageFetchError::SchemeNotAllowed),
        "{error}"
    );
    let error = fetch_remote_image("https://user:pw@example.com/a.png", &strict)
        .await
        .expect_err("credentials in the URL");
    assert!(matches!(error, ImageFetchError::InvalidUrl), "{error}");
}
