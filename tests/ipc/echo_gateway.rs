//! A hostile gateway on loopback: it answers every request with a 400 whose
//! JSON error body (and raw text) repeats the `Authorization` header it was
//! sent — what a careless proxy's error page does. Small enough to live with
//! the tests, so no mock fault is needed for it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};

pub struct EchoGateway {
    pub base_url: String,
    /// The `Authorization` header of every request, in order.
    seen: Arc<Mutex<Vec<String>>>,
}

impl EchoGateway {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().expect("bound").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || answer(stream, &log));
            }
        });
        Self {
            base_url: format!("http://127.0.0.1:{port}/v1"),
            seen,
        }
    }

    pub fn authorizations(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

fn answer(stream: TcpStream, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream);
    let mut authorization = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "authorization" => authorization = value.trim().to_owned(),
                "content-length" => length = value.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    log.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(authorization.clone());
    let echo = serde_json::json!({
        "error": {
            "message": format!("Incorrect API key provided: {authorization}. Check the key {authorization} and retry."),
            "type": "invalid_request_error",
            "param": authorization,
            "code": "invalid_api_key",
        },
        "request_headers": {"authorization": authorization},
    })
    .to_string();
    let response = format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{echo}",
        echo.len()
    );
    let mut stream = reader.into_inner();
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
}
