//! JSON bodies: every request and response parses and serializes back to
//! equal JSON; error bodies become the right [`Error`].

use crate::cases::{self, report};
use halley_responses::response::{InputTokens, Response};
use halley_responses::{CreateResponse, Error, InputItem, OutputItem};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

fn round_trip<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<T, String> {
    let original: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let typed: T = serde_json::from_slice(bytes).map_err(|e| format!("does not parse: {e}"))?;
    let back = serde_json::to_value(&typed).map_err(|e| format!("does not serialize: {e}"))?;
    if back != original {
        return Err(format!(
            "differs after a round trip:\n  before {original}\n  after  {back}"
        ));
    }
    Ok(typed)
}

fn is_error_body(case: &cases::Case, body: &Value) -> bool {
    case.http_status().is_some_and(|s| s >= 400)
        || (body.get("error").is_some() && body.get("object").is_none())
}

#[test]
fn every_request_round_trips() {
    let mut failures = Vec::new();
    let mut typed_items = 0;
    for case in cases::all() {
        let Some(bytes) = case.file("request.json") else {
            continue;
        };
        match round_trip::<CreateResponse>(&bytes) {
            Ok(req) => {
                // Items sent back must be recognised, not only kept raw.
                if let Some(halley_responses::Input::Items(items)) = req.input.get() {
                    typed_items += items
                        .iter()
                        .filter(|i| !matches!(i, InputItem::Output(OutputItem::Other(_))))
                        .count();
                }
            }
            Err(e) => failures.push(format!("{}: request {e}", case.name)),
        }
    }
    report("requests", &failures);
    assert!(
        typed_items > 0 || cases::all().is_empty(),
        "input items should be typed"
    );
}

#[test]
fn every_response_body_round_trips_or_is_an_error() {
    let mut failures = Vec::new();
    for case in cases::all() {
        let Some(bytes) = case.file("response.json") else {
            continue;
        };
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if is_error_body(&case, &body) {
            let status = case.http_status().unwrap_or(400) as u16;
            let err = Error::from_status(status, &bytes, None);
            let expected = body.pointer("/error/message").and_then(Value::as_str);
            match &err {
                // The API's own message must reach the user, and the code
                // (possibly null) must be read as it was sent.
                Error::HttpStatus { body: Some(b), .. }
                    if Some(b.error.message.as_str()) == expected
                        && b.error.code.as_str()
                            == body.pointer("/error/code").and_then(Value::as_str) => {}
                other => failures.push(format!("{}: error body gave {other:?}", case.name)),
            }
            if err.code() != "http_status" || err.http_status() != Some(status) {
                failures.push(format!(
                    "{}: wrong code/status {} {:?}",
                    case.name,
                    err.code(),
                    err.http_status()
                ));
            }
            continue;
        }
        let result = if case.url().ends_with("/input_tokens") {
            round_trip::<InputTokens>(&bytes).map(|_| ())
        } else {
            round_trip::<Response>(&bytes).and_then(|r| {
                // Each output item, alone, must also survive (items are sent back).
                for item in r.output() {
                    let json = serde_json::to_vec(item).map_err(|e| e.to_string())?;
                    round_trip::<OutputItem>(&json)?;
                }
                Ok(())
            })
        };
        if let Err(e) = result {
            failures.push(format!("{}: response {e}", case.name));
        }
    }
    report("response bodies", &failures);
}
