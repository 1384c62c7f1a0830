//! The cases: each sends what a user of Halley would send, with Halley's own
//! client, and judges the end state.
//!
//! A case's verdict is about Halley, not the server: `Wrong` when Halley read
//! the server's bytes wrongly (an answer not read, streamed text lost, a fault
//! reported as success, a hang), `Finding` when the server does something a
//! user should be told about (and the probe must learn), `Ok` otherwise.

use std::time::Duration;

use futures_util::StreamExt;
use halley_responses::{
    Accumulator, Client, CreateResponse, Endpoint, Error, Response, SecretString, StreamEvent,
    StreamOptions,
};
use serde_json::{json, Value};

use crate::backend::Backend;
use crate::servers::{Scripting, Server};

/// Longer than any retry the client makes, shorter than patience.
const CASE_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    TextStream,
    NonStream,
    Chaining,
    FunctionTools,
    StructuredOutput,
    Reasoning,
    WebSearch,
    ImageInput,
    PdfInput,
    BadKey,
    BadModel,
    UnknownParameter,
    RateLimited,
    ServerError,
    Disconnect,
    Truncated,
    Malformed,
}

impl Case {
    pub const ALL: [Case; 17] = [
        Case::TextStream,
        Case::NonStream,
        Case::Chaining,
        Case::FunctionTools,
        Case::StructuredOutput,
        Case::Reasoning,
        Case::WebSearch,
        Case::ImageInput,
        Case::PdfInput,
        Case::BadKey,
        Case::BadModel,
        Case::UnknownParameter,
        Case::RateLimited,
        Case::ServerError,
        Case::Disconnect,
        Case::Truncated,
        Case::Malformed,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Case::TextStream => "Text, streamed",
            Case::NonStream => "Text, one JSON answer",
            Case::Chaining => "Second turn by `previous_response_id`",
            Case::FunctionTools => "Function call → output → answer",
            Case::StructuredOutput => "Structured output (`json_schema`)",
            Case::Reasoning => "`reasoning` effort + summary",
            Case::WebSearch => "`web_search_preview` tool",
            Case::ImageInput => "Image input (`input_image`)",
            Case::PdfInput => "PDF input (`input_file`)",
            Case::BadKey => "Wrong key",
            Case::BadModel => "Unknown model",
            Case::UnknownParameter => "Unknown request parameter",
            Case::RateLimited => "One 429, then well",
            Case::ServerError => "500 on every try",
            Case::Disconnect => "Connection dropped mid-stream",
            Case::Truncated => "Stream ends without a terminal event",
            Case::Malformed => "A frame that is not JSON",
        }
    }

    /// Put in the user's message so aimock's fixtures can tell the cases
    /// apart (llmock and the proxies pass it along as text).
    pub fn marker(self) -> &'static str {
        match self {
            Case::TextStream => "[case:text]",
            Case::NonStream => "[case:json]",
            Case::Chaining => "[case:chain]",
            Case::FunctionTools => "[case:tools]",
            Case::StructuredOutput => "[case:structured]",
            Case::Reasoning => "[case:reasoning]",
            Case::WebSearch => "[case:search]",
            Case::ImageInput => "[case:image]",
            Case::PdfInput => "[case:pdf]",
            Case::BadKey => "[case:badkey]",
            Case::BadModel => "[case:badmodel]",
            Case::UnknownParameter => "[case:unknown]",
            Case::RateLimited => "[case:429]",
            Case::ServerError => "[case:500]",
            Case::Disconnect => "[case:disconnect]",
            Case::Truncated => "[case:truncate]",
            Case::Malformed => "[case:malformed]",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    /// The server differs from the API in a way the user should be told.
    Finding(String),
    /// Halley ended in a wrong state.
    Wrong(String),
    /// The case could not be set up on this server (say why).
    Untested(String),
}

impl Verdict {
    pub fn is_wrong(&self) -> bool {
        matches!(self, Verdict::Wrong(_))
    }
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub server: usize,
    pub case: Case,
    /// What the server did, in a few words.
    pub server_did: String,
    /// What Halley's client ended with.
    pub halley_did: String,
    pub verdict: Verdict,
}

pub async fn run_all(client: &Client, servers: &[Server]) -> Vec<CaseResult> {
    let mut results = Vec::new();
    for (index, server) in servers.iter().enumerate() {
        for case in Case::ALL {
            let ctx = Ctx {
                client,
                server,
                backend: server.backend.as_deref().map(Backend::new),
            };
            let (server_did, halley_did, verdict) =
                match tokio::time::timeout(CASE_TIMEOUT, ctx.run(case)).await {
                    Ok(observed) => observed,
                    Err(_) => (
                        "no end within 60 s".to_owned(),
                        "still waiting".to_owned(),
                        Verdict::Wrong("hung".to_owned()),
                    ),
                };
            eprintln!("[compat] {} / {}: {verdict:?}", server.name, case.title());
            results.push(CaseResult {
                server: index,
                case,
                server_did,
                halley_did,
                verdict,
            });
        }
    }
    results
}

type Observed = (String, String, Verdict);

struct Ctx<'a> {
    client: &'a Client,
    server: &'a Server,
    backend: Option<Backend>,
}

/// One streamed request as Halley's chat reads it: protocol errors skipped,
/// any other error ends the read.
struct Streamed {
    deltas: String,
    events: u64,
    every_event_numbered: bool,
    skipped_frames: u32,
    outcome: Result<Response, Error>,
}

impl Streamed {
    fn text_kept(&self) -> bool {
        match &self.outcome {
            Ok(response) => response.output_text() == self.deltas,
            Err(_) => true,
        }
    }
}

impl Ctx<'_> {
    fn endpoint(&self) -> Endpoint {
        Endpoint::new(&self.server.base_url, SecretString::new(&self.server.key))
    }

    fn request(&self, body: Value) -> CreateResponse {
        // The bodies below are the API's JSON; reading them through the
        // request model checks that Halley can say each of them.
        match serde_json::from_value(body) {
            Ok(request) => request,
            Err(err) => panic!("a case's request is not a CreateResponse: {err}"),
        }
    }

    fn user(&self, case: Case, text: &str) -> Value {
        json!([{ "type": "message", "role": "user",
                 "content": [{ "type": "input_text", "text": format!("{text} {}", case.marker()) }] }])
    }

    async fn stream(&self, ep: &Endpoint, request: &CreateResponse) -> Streamed {
        let mut streamed = Streamed {
            deltas: String::new(),
            events: 0,
            every_event_numbered: true,
            skipped_frames: 0,
            outcome: Err(Error::Cancelled),
        };
        let mut events = match self
            .client
            .create_stream(ep, request, StreamOptions::default())
            .await
        {
            Ok(events) => events,
            Err(err) => {
                streamed.outcome = Err(err);
                return streamed;
            }
        };
        let mut fold = Accumulator::new();
        let mut failure = None;
        while let Some(next) = events.next().await {
            match next {
                Ok(event) => {
                    streamed.events += 1;
                    streamed.every_event_numbered &= event.sequence_number().is_some();
                    if let StreamEvent::OutputTextDelta(delta) = &event {
                        streamed.deltas.push_str(&delta.delta);
                    }
                    fold.apply(&event);
                }
                Err(Error::Protocol { .. }) => streamed.skipped_frames += 1,
                Err(err) => {
                    failure = Some(err);
                    break;
                }
            }
        }
        streamed.outcome = match failure {
            Some(err) => Err(err),
            None => fold.finish(),
        };
        streamed
    }

    async fn prepare(&self, behaviors: Option<Value>) -> Result<(), String> {
        if let Some(backend) = &self.backend {
            backend.reset().await?;
            if let Some(behaviors) = behaviors {
                backend.script(behaviors).await?;
            }
        } else if behaviors.is_some() && self.server.scripting == Scripting::Llmock {
            return Err("no llmock control API for this server".into());
        }
        Ok(())
    }

    async fn run(&self, case: Case) -> Observed {
        let behaviors = match case {
            Case::RateLimited => Some(json!([{ "type": "fail", "status": 429, "retry_after": 1 }])),
            Case::ServerError => Some(json!([{ "type": "fail", "status": 500, "times": 100 }])),
            Case::Disconnect => {
                Some(json!([{ "type": "stream_fault", "kind": "disconnect", "after_chunks": 8 }]))
            }
            Case::Truncated => {
                Some(json!([{ "type": "stream_fault", "kind": "truncate", "after_chunks": 8 }]))
            }
            Case::Malformed => {
                Some(json!([{ "type": "stream_fault", "kind": "malformed", "after_chunks": 8 }]))
            }
            _ => None,
        };
        // aimock's faults come from its fixture file, keyed on the marker.
        if let Err(message) = self.prepare(behaviors).await {
            return untested(message);
        }
        match case {
            Case::TextStream => self.text_stream(case).await,
            Case::NonStream => self.non_stream(case).await,
            Case::Chaining => self.chaining(case).await,
            Case::FunctionTools => self.function_tools(case).await,
            Case::StructuredOutput => self.structured(case).await,
            Case::Reasoning => self.reasoning(case).await,
            Case::WebSearch => self.web_search(case).await,
            Case::ImageInput => self.image_input(case).await,
            Case::PdfInput => self.pdf_input(case).await,
            Case::BadKey => self.bad_key(case).await,
            Case::BadModel => self.bad_model(case).await,
            Case::UnknownParameter => self.unknown_parameter(case).await,
            Case::RateLimited => self.rate_limited(case).await,
            Case::ServerError => self.server_error(case).await,
            Case::Disconnect | Case::Truncated | Case::Malformed => self.broken(case).await,
        }
    }

    async fn text_stream(&self, case: Case) -> Observed {
        let ep = self.endpoint();
        let request = self.request(json!({
            "model": self.server.model, "input": self.user(case, "Say hello."), "stream": true,
        }));
        let streamed = self.stream(&ep, &request).await;
        let numbered = if streamed.every_event_numbered {
            "every event numbered"
        } else {
            "events without `sequence_number`"
        };
        let server_did = match &streamed.outcome {
            Ok(_) => format!("200, {} events, {numbered}", streamed.events),
            Err(err) => describe_error(err),
        };
        match &streamed.outcome {
            Ok(response) if !streamed.text_kept() => (
                server_did,
                format!("{:?}", response.output_text()),
                Verdict::Wrong(format!(
                    "the streamed text {:?} differs from the final text",
                    streamed.deltas
                )),
            ),
            Ok(response) if response.output_text().is_empty() => (
                server_did,
                "empty answer".into(),
                Verdict::Wrong("no text read from a 200 stream".into()),
            ),
            Ok(response) => {
                let verdict = if streamed.every_event_numbered {
                    Verdict::Ok
                } else {
                    Verdict::Finding(
                        "no `sequence_number`: a dropped stream cannot be resumed".into(),
                    )
                };
                (server_did, answer(response), verdict)
            }
            Err(err) => (
                server_did,
                halley_error(err),
                Verdict::Wrong("a plain streamed answer was not read".into()),
            ),
        }
    }

    async fn non_stream(&self, case: Case) -> Observed {
        let ep = self.endpoint();
        let request = self.request(json!({
            "model": self.server.model, "input": self.user(case, "Say hello."),
        }));
        match self.client.create(&ep, &request).await {
            Ok(response) if response.output_text().is_empty() => (
                "200, no text".into(),
                "empty answer".into(),
                Verdict::Wrong("no text read from a 200 answer".into()),
            ),
            Ok(response) => ("200".into(), answer(&response), Verdict::Ok),
            Err(err) => failed(&err, Verdict::Wrong("a plain answer was not read".into())),
        }
    }

    /// Whether the second turn really sees the first: the first turn holds a
    /// code word; the second answer (llmock echoes what it was given) or the
    /// body the model side received must carry it.
    async fn chaining(&self, case: Case) -> Observed {
        let ep = self.endpoint();
        let word = format!("KIWI{}", std::process::id());
        let first = self.request(json!({
            "model": self.server.model, "store": true,
            "input": self.user(case, &format!("Code word {word}. Remember it.")),
        }));
        let first = match self.client.create(&ep, &first).await {
            Ok(response) => response,
            Err(err) => return failed(&err, Verdict::Untested("the first turn failed".into())),
        };
        let Some(first_id) = first.id.get().cloned() else {
            return (
                "first answer has no id".into(),
                answer(&first),
                Verdict::Finding("no response id: turns cannot chain".into()),
            );
        };
        if let Some(backend) = &self.backend {
            if let Err(message) = backend.reset().await {
                return untested(message);
            }
        }
        let second = self.request(json!({
            "model": self.server.model, "previous_response_id": first_id,
            "input": self.user(case, "What was the code word?"),
        }));
        match self.client.create(&ep, &second).await {
            Ok(response) => {
                let echoed = response.output_text().contains(&word);
                let reached = match &self.backend {
                    Some(backend) => backend
                        .received()
                        .await
                        .ok()
                        .map(|bodies| bodies.iter().any(|b| b.to_string().contains(&word))),
                    None => None,
                };
                let seen = echoed || reached == Some(true);
                let server_did = match (seen, reached) {
                    (true, _) => "200, the first turn in context".to_owned(),
                    (false, Some(false)) => {
                        "200, the model side never received the first turn".to_owned()
                    }
                    (false, _) => "200, the answer does not show the first turn".to_owned(),
                };
                let verdict = if seen {
                    Verdict::Ok
                } else if self.server.scripting == Scripting::Fixtures {
                    Verdict::Untested("scripted answers cannot show context".into())
                } else {
                    Verdict::Finding(
                        "`previous_response_id` accepted but not honoured: replay the branch"
                            .into(),
                    )
                };
                (server_did, answer(&response), verdict)
            }
            Err(err) => failed(
                &err,
                Verdict::Finding("`previous_response_id` refused: replay the branch".into()),
            ),
        }
    }

    async fn function_tools(&self, case: Case) -> Observed {
        let ep = self.endpoint();
        let tools = json!([{
            "type": "function", "name": "get_weather",
            "description": "The weather in a city",
            "parameters": { "type": "object", "properties": { "city": { "type": "string" } },
                            "required": ["city"] },
        }]);
        let input = self.user(case, "What is the weather in Paris? Use get_weather.");
        let first = self.request(json!({
            "model": self.server.model, "input": input, "tools": tools,
        }));
        let response = match self.client.create(&ep, &first).await {
            Ok(response) => response,
            Err(err) => return failed(&err, Verdict::Finding("function tools refused".into())),
        };
        let Some(call) = response
            .output()
            .iter()
            .find(|item| item.item_type() == "function_call")
        else {
            return (
                "200, answered without calling the tool".into(),
                answer(&response),
                Verdict::Finding("the offered function was never called".into()),
            );
        };
        let call_json = match serde_json::to_value(call) {
            Ok(value) => value,
            Err(err) => return untested(format!("cannot write the call back: {err}")),
        };
        let Some(call_id) = call_json.get("call_id").and_then(Value::as_str) else {
            return (
                "200, a function call without `call_id`".into(),
                "cannot answer the call".into(),
                Verdict::Finding("function call without `call_id`".into()),
            );
        };
        // Replay style (the whole exchange as input), so this case does not
        // depend on chaining, which has its own case.
        let mut replay = input.as_array().cloned().unwrap_or_default();
        replay.push(call_json.clone());
        replay.push(json!({ "type": "function_call_output", "call_id": call_id,
                            "output": "{\"city\":\"Paris\",\"sky\":\"clear\",\"celsius\":21}" }));
        let second = self.request(json!({
            "model": self.server.model, "input": replay, "tools": tools,
        }));
        match self.client.create(&ep, &second).await {
            Ok(done) if !done.output_text().is_empty() => (
                "200, called get_weather, then answered".into(),
                answer(&done),
                Verdict::Ok,
            ),
            Ok(done) => (
                "200, no answer after the output".into(),
                format!("{} output items", done.output().len()),
                Verdict::Finding("no answer after the function output".into()),
            ),
            Err(err) => failed(
                &err,
                Verdict::Finding("the function output was refused".into()),
            ),
        }
    }

    async fn structured(&self, case: Case) -> Observed {
        let ep = self.endpoint();
        let request = self.request(json!({
            "model": self.server.model,
            "input": self.user(case, "Give a city and its country."),
            "text": { "format": { "type": "json_schema", "name": "place", "strict": true,
                "schema": { "type": "object", "additionalProperties": false,
                            "required": ["city", "country"],
                            "properties": { "city": { "type": "string" },
                                            "country": { "type": "string" } } } } },
        }));
        match self.client.create(&ep, &request).await {
            Ok(response) => {
                let text = response.output_text();
                let is_json = serde_json::from_str::<Value>(&text).is_ok_and(|v| v.is_object());
                let verdict = if is_json {
                    Verdict::Ok
                } else {
                    Verdict::Finding("the schema was ignored: the answer is not JSON".into())
                };
                let did = if is_json {
                    "200, a JSON object"
                } else {
                    "200, plain text"
                };
                (did.into(), answer(&response), verdict)
            }
            Err(err) => failed(&err, Verdict::Finding("structured output refused".into())),
        }
    }

    async fn reasoning(&self, case: Case) -> Observed {
        let ep = self.endpoint();
        let request = self.request(json!({
            "model": self.server.model, "input": self.user(case, "Think, then say 4."),
            "reasoning": { "effort": "low", "summary": "auto" },
        }));
        match self.client.create(&ep, &request).await {
            Ok(response) => {
                let has_reasoning = response
                    .output()
                    .iter()
                    .any(|item| item.item_type() == "reasoning");
                let did = if has_reasoning {
                    "200 with a reasoning item"
                } else {
                    "200, accepted, no reasoning item"
                };
                (did.into(), answer(&response), Verdict::Ok)
            }
            Err(err) => failed(
                &err,
                Verdict::Finding("`reasoning` refused: retry without it and say so".into()),
            ),
        }
    }

    async fn web_search(&self, case: Case) -> Observed {
        let ep = self.endpoint();
        let request = self.request(json!({
            "model": self.server.model, "input": self.user(case, "Search the web for today's news."),
            "tools": [{ "type": "web_search_preview" }],
        }));
        match self.client.create(&ep, &request).await {
            Ok(response) => {
                let searched = response
                    .output()
                    .iter()
                    .any(|item| item.item_type() == "web_search_call");
                if searched {
                    (
                        "200 with a web_search_call".into(),
                        answer(&response),
                        Verdict::Ok,
                    )
                } else {
                    (
                        "200, no search ran".into(),
                        answer(&response),
                        Verdict::Finding("accepted, but no search ran: say so".into()),
                    )
                }
            }
            Err(err) => failed(&err, Verdict::Finding("web search refused".into())),
        }
    }

    async fn image_input(&self, case: Case) -> Observed {
        // A 1×1 PNG.
        const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        let content = json!([
            { "type": "input_text", "text": format!("What is in this image? {}", case.marker()) },
            { "type": "input_image", "image_url": format!("data:image/png;base64,{PNG}") },
        ]);
        self.accepts(case, content, "image input refused").await
    }

    async fn pdf_input(&self, case: Case) -> Observed {
        const PDF: &str = "JVBERi0xLjEKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZy9QYWdlcyAyIDAgUj4+ZW5kb2JqCjIgMCBvYmo8PC9UeXBlL1BhZ2VzL0tpZHNbMyAwIFJdL0NvdW50IDE+PmVuZG9iagozIDAgb2JqPDwvVHlwZS9QYWdlL1BhcmVudCAyIDAgUi9NZWRpYUJveFswIDAgMyAzXT4+ZW5kb2JqCnRyYWlsZXI8PC9Sb290IDEgMCBSPj4KJSVFT0YK";
        let content = json!([
            { "type": "input_text", "text": format!("Summarise this file. {}", case.marker()) },
            { "type": "input_file", "filename": "note.pdf",
              "file_data": format!("data:application/pdf;base64,{PDF}") },
        ]);
        self.accepts(case, content, "PDF input refused").await
    }

    async fn accepts(&self, _case: Case, content: Value, refused: &str) -> Observed {
        let ep = self.endpoint();
        let request = self.request(json!({
            "model": self.server.model,
            "input": [{ "type": "message", "role": "user", "content": content }],
        }));
        match self.client.create(&ep, &request).await {
            Ok(response) => ("200".into(), answer(&response), Verdict::Ok),
            Err(err) => failed(&err, Verdict::Finding(refused.into())),
        }
    }

    async fn bad_key(&self, case: Case) -> Observed {
        let ep = Endpoint::new(
            &self.server.base_url,
            SecretString::new("sk-halley-compat-wrong-key"),
        );
        let request = self.request(json!({
            "model": self.server.model, "input": self.user(case, "Hello?"),
        }));
        match self.client.create(&ep, &request).await {
            Ok(response) => (
                "200 for any key".into(),
                answer(&response),
                Verdict::Finding("accepts any key".into()),
            ),
            Err(err) => {
                let verdict = match err.http_status() {
                    Some(401 | 403) => Verdict::Ok,
                    Some(status) => Verdict::Finding(format!(
                        "a wrong key is reported as HTTP {status}, not 401"
                    )),
                    None => Verdict::Wrong("a refused key did not come back as HTTP".into()),
                };
                (describe_error(&err), halley_error(&err), verdict)
            }
        }
    }

    async fn bad_model(&self, case: Case) -> Observed {
        let ep = self.endpoint();
        let request = self.request(json!({
            "model": "halley-no-such-model", "input": self.user(case, "Hello?"),
        }));
        match self.client.create(&ep, &request).await {
            Ok(response) => (
                "200 for an unknown model".into(),
                answer(&response),
                Verdict::Finding("answers for any model name".into()),
            ),
            Err(err) => (describe_error(&err), halley_error(&err), Verdict::Ok),
        }
    }

    async fn unknown_parameter(&self, case: Case) -> Observed {
        let ep = self.endpoint();
        let request = self.request(json!({
            "model": self.server.model, "input": self.user(case, "Hello?"),
            "halley_compat_unknown": true,
        }));
        match self.client.create(&ep, &request).await {
            Ok(response) => ("200, ignored it".into(), answer(&response), Verdict::Ok),
            Err(err) => failed(&err, Verdict::Finding("refuses unknown parameters".into())),
        }
    }

    /// What the model side answered, from llmock's journal: how a proxy's
    /// and Halley's retries add up.
    async fn model_side(&self) -> String {
        let Some(backend) = &self.backend else {
            return String::new();
        };
        match backend.statuses().await {
            Ok(statuses) => {
                let list: Vec<String> = statuses.iter().map(u64::to_string).collect();
                format!("the model side answered {}", list.join(", "))
            }
            Err(message) => message,
        }
    }

    async fn rate_limited(&self, case: Case) -> Observed {
        if self.server.scripting == Scripting::Fixtures {
            return untested("aimock answers every matched request the same way".into());
        }
        let ep = self.endpoint();
        let request = self.request(json!({
            "model": self.server.model, "input": self.user(case, "Hello?"), "stream": true,
        }));
        let streamed = self.stream(&ep, &request).await;
        let seen = self.model_side().await;
        match &streamed.outcome {
            Ok(response) => (
                format!("200 in the end; {seen}"),
                format!("retried; {}", answer(response)),
                Verdict::Ok,
            ),
            Err(err) => (
                describe_error(err),
                halley_error(err),
                Verdict::Wrong("a single 429 was not retried".into()),
            ),
        }
    }

    async fn server_error(&self, case: Case) -> Observed {
        let ep = self.endpoint();
        let request = self.request(json!({
            "model": self.server.model, "input": self.user(case, "Hello?"), "stream": true,
        }));
        let streamed = self.stream(&ep, &request).await;
        let seen = self.model_side().await;
        match &streamed.outcome {
            Ok(response) => (
                format!("200 (the fault did not reach the client); {seen}"),
                answer(response),
                if self.server.scripting == Scripting::Fixtures {
                    Verdict::Ok
                } else {
                    Verdict::Finding("hid the model's 500".into())
                },
            ),
            Err(err) => {
                let verdict = match err.http_status() {
                    Some(status) if status >= 500 => Verdict::Ok,
                    Some(status) => {
                        Verdict::Finding(format!("a model's 500 is reported as HTTP {status}"))
                    }
                    None => Verdict::Wrong("a 500 did not come back as HTTP".into()),
                };
                (
                    format!("{}; {seen}", describe_error(err)),
                    halley_error(err),
                    verdict,
                )
            }
        }
    }

    /// A stream broken on purpose after a few chunks: Halley must not call
    /// it complete, and must keep what arrived (except a frame that is not
    /// JSON, which is skipped and the stream read on).
    async fn broken(&self, case: Case) -> Observed {
        let ep = self.endpoint();
        let request = self.request(json!({
            "model": self.server.model,
            "input": self.user(case, "Tell a long story about a kiwi."), "stream": true,
        }));
        let streamed = self.stream(&ep, &request).await;
        match (&streamed.outcome, case) {
            (Ok(response), Case::Malformed) => {
                // The frame that is not JSON may have been a delta; the final
                // `response.completed` carries the whole text, which Halley
                // shows.
                let verdict = if response.output_text().is_empty() {
                    Verdict::Wrong("no text after a skipped frame".into())
                } else {
                    Verdict::Ok
                };
                let lost = if streamed.text_kept() {
                    "no delta lost"
                } else {
                    "a delta lost, the final text whole"
                };
                (
                    format!(
                        "{} frame(s) not JSON, then the end; {lost}",
                        streamed.skipped_frames
                    ),
                    format!("skipped them; {}", answer(response)),
                    verdict,
                )
            }
            (Ok(response), _) => {
                let verdict = if self.server.scripting == Scripting::Fixtures {
                    Verdict::Untested("aimock scripts this fault per fixture only".into())
                } else if self.server.proxy {
                    Verdict::Finding("the proxy ended a broken stream as completed".into())
                } else {
                    Verdict::Wrong("a broken stream was read as complete".into())
                };
                ("a complete stream".into(), answer(response), verdict)
            }
            (Err(err), _) => (
                describe_error(err),
                // What arrived before the break is kept by the caller; how
                // much depends on a proxy's buffering, so the table (rewritten
                // by every run) does not say.
                halley_error(err),
                Verdict::Ok,
            ),
        }
    }
}

/// The request failed: what the server sent, Halley's reading, the verdict.
fn failed(err: &Error, verdict: Verdict) -> Observed {
    (describe_error(err), halley_error(err), verdict)
}

fn untested(why: String) -> Observed {
    ("—".into(), "—".into(), Verdict::Untested(why))
}

fn answer(response: &Response) -> String {
    let text = response.output_text();
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("answer {short:?}…")
    } else {
        format!("answer {short:?}")
    }
}

/// What the server sent, from the error Halley built of it.
fn describe_error(err: &Error) -> String {
    match err {
        Error::HttpStatus { status, raw, .. } => {
            let short: String = raw.chars().take(80).collect();
            format!("HTTP {status}: {short}")
        }
        other => other.to_string().chars().take(100).collect(),
    }
}

/// Halley's reading of the failure: the error's kind, as the UI is told.
fn halley_error(err: &Error) -> String {
    format!("error `{}`", err.code())
}
