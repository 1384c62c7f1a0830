//! Recorded streams through async-openai's Responses stream path, served
//! from a loopback socket (its client has no byte-level entry point).
use async_openai::{config::OpenAIConfig, types::responses::CreateResponseArgs, Client};
use futures::StreamExt;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (corpus, rounds) = (&args[1], args[2].parse::<usize>().unwrap_or(5));
    let mut bodies: Vec<Vec<u8>> = std::fs::read_dir(corpus).unwrap().filter_map(|e| std::fs::read(e.unwrap().path().join("response.sse")).ok()).collect();
    bodies.sort();
    let expected: usize = bodies.iter().map(|b| b.split(|c| *c == b'\n').filter(|l| l.starts_with(b"data: ") && *l != b"data: [DONE]").count()).sum();
    let current = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = current.clone();
    tokio::spawn(async move {
        loop {
            let (mut sock, _) = listener.accept().await.unwrap();
            let body = serving.lock().unwrap().clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let _ = sock.read(&mut buf).await;
                let head = format!("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body).await;
            });
        }
    });
    let client = Client::with_config(OpenAIConfig::new().with_api_base(format!("http://{addr}/v1")).with_api_key("x"));
    let run = || async {
        let (mut events, mut failures) = (0usize, 0usize);
        for body in &bodies {
            *current.lock().unwrap() = body.clone();
            let req = CreateResponseArgs::default().model("m").input("x").stream(true).build().unwrap();
            match client.responses().create_stream(req).await {
                Ok(mut s) => { let mut failed = false; while let Some(ev) = s.next().await { match ev { Ok(_) => events += 1, Err(_) => failed = true } } failures += failed as usize; }
                Err(_) => failures += 1,
            }
        }
        (events, failures)
    };
    run().await;
    let start = std::time::Instant::now();
    let (mut events, mut failures) = (0, 0);
    for _ in 0..rounds { (events, failures) = run().await; }
    let secs = start.elapsed().as_secs_f64() / rounds as f64;
    let mb = bodies.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
    println!("async-openai: {events}/{expected} events, {failures} failed streams, {:.0} events/s, {:.1} MB/s (includes loopback HTTP)", events as f64 / secs, mb / secs);
}
