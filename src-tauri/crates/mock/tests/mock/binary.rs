//! The `halley-mock` binary: one line with the URL, then serves until SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_binary_prints_its_url_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_halley-mock"))
        .args(["--port", "0", "--delay-ms", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a line is printed");
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .expect("the announced form")
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v1"),
        "{url}"
    );

    let models: serde_json::Value = reqwest::Client::new()
        .get(format!("{url}/models"))
        .bearer_auth("k")
        .send()
        .await
        .expect("it serves")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        models["object"], "list",
        "the printed URL is the live API base"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = child.wait().expect("the binary exits");
    assert!(exit.success(), "SIGTERM is a clean stop, got {exit}");
}

#[test]
fn bad_flags_are_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_halley-mock"))
        .args(["--port", "not-a-port"])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2), "usage errors exit 2");
    assert!(
        output.stdout.is_empty(),
        "nothing that looks like a URL is printed"
    );
}
