//! The capability probe: cheap requests that find out what a provider and
//! model really do, each judged by what came back rather than by the status
//! alone (a gateway that drops `previous_response_id` answers 200).
//!
//! Every check is differential: a plain request must work first, so a later
//! refusal (400/404/422) can only be about the one feature added to it. A
//! check that hits a rate limit, a server error, a timeout or a network
//! failure says "untested" with the reason and never "unsupported": a
//! transient failure must not turn a feature off. A refused key stops the
//! probe (every later check would say the same).

use std::time::Duration;

use futures_util::StreamExt;
use halley_responses::request::ReasoningConfig;
use halley_responses::request::{
    CodeInterpreterTool, JsonSchemaFormat, TextConfig, TextFormat, WebSearchTool,
};
use halley_responses::{
    Client, CreateResponse, Endpoint, Error as WireError, ErrorKind, Nullable, OutputItem,
    RetryPolicy, StreamOptions, Tool,
};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::capabilities::{Feature, Finding, FindingSource, Verdict};
use crate::redact::Secrets;

/// One check's bound: long enough for a slow model's short answer.
const CHECK_LIMIT: Duration = Duration::from_secs(60);

/// Small answers: enough for a reasoning model to reach its text.
const SMALL: u64 = 256;

/// What one probe found, feature by feature, in [`Feature::ALL`] order
/// (features it does not check are left out, not reported untested).
pub async fn probe(
    client: &Client,
    endpoint: &Endpoint,
    model: &str,
    cancel: &CancellationToken,
) -> Vec<Finding> {
    let probe = Probe {
        client,
        endpoint,
        model,
        cancel,
        secrets: Secrets::of_endpoint(endpoint),
    };
    probe.run().await
}

struct Probe<'a> {
    client: &'a Client,
    endpoint: &'a Endpoint,
    model: &'a str,
    cancel: &'a CancellationToken,
    secrets: Secrets,
}

/// How a request ended, for judging.
enum Answer<T> {
    Ok(T),
    /// Refused for what it asked (400, 404, 422): the feature, when the
    /// same request without it worked.
    Refused(u16, String),
    /// Could not tell: rate limit, server error, network, timeout, Stop.
    Unclear(String),
    /// The key was refused: nothing more can be found out.
    BadKey(String),
}

impl Probe<'_> {
    async fn run(&self) -> Vec<Finding> {
        let mut findings = vec![self.model_list().await];

        let plain = self
            .ask(self.request("Reply with the single word: ready"))
            .await;
        match plain {
            Answer::Ok(_) => findings.push(self.found(
                Feature::Responses,
                Verdict::Supported,
                "a plain request was answered",
                Some(200),
            )),
            Answer::Refused(status, message) => {
                findings.push(self.found(
                    Feature::Responses,
                    Verdict::Unsupported,
                    message,
                    Some(status),
                ));
                return findings;
            }
            Answer::Unclear(reason) | Answer::BadKey(reason) => {
                findings.push(self.found(Feature::Responses, Verdict::Untested, reason, None));
                return findings;
            }
        }

        findings.extend(self.streaming().await);
        findings.extend(self.chaining().await);
        findings.push(self.reasoning().await);
        findings.push(self.reasoning_summary().await);
        findings.push(self.encrypted_reasoning().await);
        findings.push(self.structured_output().await);
        findings.push(self.logprobs().await);
        findings.push(self.web_search().await);
        findings.push(self.background().await);
        findings.push(self.input_tokens().await);
        findings.push(self.hosted_tool(Feature::CodeInterpreter).await);
        findings.push(self.hosted_tool(Feature::ImageGeneration).await);
        findings.push(self.file_search().await);
        findings
    }

    fn found(
        &self,
        feature: Feature,
        verdict: Verdict,
        evidence: impl Into<String>,
        status: Option<u16>,
    ) -> Finding {
        let mut evidence = evidence.into();
        self.secrets.scrub_in_place(&mut evidence);
        Finding::new(
            feature,
            self.model,
            verdict,
            evidence,
            status,
            FindingSource::Probe,
        )
    }

    fn request(&self, text: &str) -> CreateResponse {
        let mut request = CreateResponse::new(self.model, text);
        request.max_output_tokens = Nullable::Value(SMALL);
        request.store = Nullable::Value(false);
        request
    }

    fn options(&self) -> StreamOptions {
        StreamOptions {
            cancel: self.cancel.clone(),
            // One try: a probe that waits out retries blocks nothing, but
            // a rate limit is an answer in itself ("untested").
            retry: RetryPolicy::none(),
            on_retry: None,
        }
    }

    async fn bounded<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, WireError>>,
    ) -> Answer<T> {
        let result = tokio::select! {
            result = tokio::time::timeout(CHECK_LIMIT, work) => result,
            () = self.cancel.cancelled() => return Answer::Unclear("stopped".into()),
        };
        match result {
            Err(_) => Answer::Unclear(format!("no answer within {} s", CHECK_LIMIT.as_secs())),
            Ok(Ok(value)) => Answer::Ok(value),
            Ok(Err(error)) => judge(&error),
        }
    }

    async fn ask(&self, request: CreateResponse) -> Answer<halley_responses::Response> {
        let options = self.options();
        self.bounded(self.client.create_with(self.endpoint, &request, &options))
            .await
    }

    async fn model_list(&self) -> Finding {
        match self.bounded(self.client.list_models(self.endpoint)).await {
            Answer::Ok(models) => self.found(
                Feature::ModelList,
                Verdict::Supported,
                format!("{} models listed", models.len()),
                Some(200),
            ),
            Answer::Refused(status, message) => self.found(
                Feature::ModelList,
                Verdict::Unsupported,
                message,
                Some(status),
            ),
            Answer::Unclear(reason) | Answer::BadKey(reason) => {
                self.found(Feature::ModelList, Verdict::Untested, reason, None)
            }
        }
    }

    async fn streaming(&self) -> Vec<Finding> {
        let request = self.request("Reply with the single word: ready");
        let opened = self
            .bounded(
                self.client
                    .create_stream(self.endpoint, &request, self.options()),
            )
            .await;
        let mut events = match opened {
            Answer::Ok(events) => events,
            Answer::Refused(status, message) => {
                return vec![self.found(
                    Feature::Streaming,
                    Verdict::Unsupported,
                    message,
                    Some(status),
                )]
            }
            Answer::Unclear(reason) | Answer::BadKey(reason) => {
                return vec![self.found(Feature::Streaming, Verdict::Untested, reason, None)]
            }
        };
        let (mut seen, mut numbered, mut terminal) = (0u32, 0u32, false);
        let read = tokio::time::timeout(CHECK_LIMIT, async {
            while let Some(event) = events.next().await {
                let Ok(event) = event else { break };
                seen += 1;
                numbered += u32::from(event.sequence_number().is_some());
                if event.is_terminal() {
                    terminal = true;
                    break;
                }
            }
        })
        .await;
        if read.is_err() || !terminal {
            return vec![self.found(
                Feature::Streaming,
                Verdict::Untested,
                format!("the stream ended after {seen} events without a final one"),
                Some(200),
            )];
        }
        let sequence = if numbered == seen {
            self.found(
                Feature::SequenceNumbers,
                Verdict::Supported,
                format!("all {seen} events numbered"),
                Some(200),
            )
        } else {
            self.found(
                Feature::SequenceNumbers,
                Verdict::Unsupported,
                format!("{numbered} of {seen} events carry a sequence_number"),
                Some(200),
            )
        };
        vec![
            self.found(
                Feature::Streaming,
                Verdict::Supported,
                format!("{seen} events, then a final one"),
                Some(200),
            ),
            sequence,
        ]
    }

    /// A two-turn check whose second answer depends on the first: a code
    /// word only the first turn holds.
    async fn chaining(&self) -> Vec<Finding> {
        let word = code_word();
        let mut first = self.request(&format!(
            "Remember this code word: {word}. Reply only with OK."
        ));
        first.store = Nullable::Value(true);
        let first = match self.ask(first).await {
            Answer::Ok(response) => response,
            Answer::Refused(status, message) => {
                return vec![self.found(
                    Feature::StoredResponses,
                    Verdict::Unsupported,
                    message,
                    Some(status),
                )]
            }
            Answer::Unclear(reason) | Answer::BadKey(reason) => {
                return vec![self.found(Feature::Chaining, Verdict::Untested, reason, None)]
            }
        };
        let Some(id) = first.id.as_str().map(str::to_owned) else {
            return vec![self.found(
                Feature::Chaining,
                Verdict::Unsupported,
                "the first answer has no id to chain on",
                Some(200),
            )];
        };
        let mut findings = Vec::new();
        let stored = self.bounded(self.client.retrieve(self.endpoint, &id)).await;
        findings.push(match stored {
            Answer::Ok(_) => self.found(
                Feature::StoredResponses,
                Verdict::Supported,
                "the first answer could be fetched again by its id",
                Some(200),
            ),
            Answer::Refused(status, message) => self.found(
                Feature::StoredResponses,
                Verdict::Unsupported,
                message,
                Some(status),
            ),
            Answer::Unclear(reason) | Answer::BadKey(reason) => {
                self.found(Feature::StoredResponses, Verdict::Untested, reason, None)
            }
        });

        let mut second = self.request("What was the code word? Reply with the word only.");
        second.store = Nullable::Value(true);
        second.previous_response_id = Nullable::Value(id);
        findings.push(match self.ask(second).await {
            Answer::Ok(response) => {
                let text = response.output_text();
                if text.to_ascii_lowercase().contains(&word) {
                    self.found(Feature::Chaining, Verdict::Supported, "the second turn knew the first turn's code word", Some(200))
                } else {
                    self.found(
                        Feature::Chaining,
                        Verdict::Ignored,
                        format!(
                            "accepted, but the second answer did not know the first turn (answered “{}”)",
                            text.chars().take(80).collect::<String>()
                        ),
                        Some(200),
                    )
                }
            }
            Answer::Refused(status, message) => self.found(Feature::Chaining, Verdict::Unsupported, message, Some(status)),
            Answer::Unclear(reason) | Answer::BadKey(reason) => self.found(Feature::Chaining, Verdict::Untested, reason, None),
        });
        findings
    }

    async fn reasoning(&self) -> Finding {
        let mut request = self.request("Reply with the single word: ready");
        request.reasoning = Nullable::Value(ReasoningConfig {
            effort: Nullable::Value("low".into()),
            ..ReasoningConfig::default()
        });
        self.accepted(Feature::ReasoningEffort, request, |_| None)
            .await
    }

    /// Accepting `summary` is what counts: a model that thinks little on a
    /// one-word task may write no summary, and a missing one must not turn
    /// summaries off for the questions that need them.
    async fn reasoning_summary(&self) -> Finding {
        let mut request = self.request("Reply with the single word: ready");
        request.reasoning = Nullable::Value(ReasoningConfig {
            summary: Nullable::Value("auto".into()),
            ..ReasoningConfig::default()
        });
        self.accepted(Feature::ReasoningSummary, request, |_| None)
            .await
    }

    /// Asked for with `store: false`, as a stateless reasoning turn does.
    async fn encrypted_reasoning(&self) -> Finding {
        let mut request = self.request("Reply with the single word: ready");
        request.include = Nullable::Value(vec!["reasoning.encrypted_content".into()]);
        self.accepted(Feature::EncryptedReasoning, request, |_| None)
            .await
    }

    /// A background run must be fetched again until it ends; a gateway
    /// that answers at once without saying `background: true` ignored it.
    /// A second run is cancelled straight away: Stop on a long answer
    /// relies on it.
    async fn background(&self) -> Finding {
        let started = match self.ask(self.background_request()).await {
            Answer::Ok(response) => response,
            Answer::Refused(status, message) => {
                return self.found(
                    Feature::Background,
                    Verdict::Unsupported,
                    message,
                    Some(status),
                )
            }
            Answer::Unclear(reason) | Answer::BadKey(reason) => {
                return self.found(Feature::Background, Verdict::Untested, reason, None)
            }
        };
        let status = started.status.as_str().unwrap_or_default().to_owned();
        let Some(id) = started.id.as_str().map(str::to_owned) else {
            return self.found(
                Feature::Background,
                Verdict::Ignored,
                "accepted, but the answer has no id to fetch it by",
                Some(200),
            );
        };
        if !matches!(status.as_str(), "queued" | "in_progress") {
            return if started.background.get() == Some(&true) {
                self.found(
                    Feature::Background,
                    Verdict::Supported,
                    format!("accepted; the run had already ended ({status})"),
                    Some(200),
                )
            } else {
                self.found(
                    Feature::Background,
                    Verdict::Ignored,
                    format!("accepted, but answered at once ({status}) without running in the background"),
                    Some(200),
                )
            };
        }
        // Picking the run's stream up again is what a dropped long answer
        // needs; fetching it until it ends is the fallback.
        let ended = match self.resume_until_done(&id).await {
            Some(status) => format!("resumed as a stream until {status}"),
            None => match self.poll_until_done(&id).await {
                Ok(status) => format!("not resumable as a stream, fetched again until {status}"),
                Err(finding) => return finding,
            },
        };
        let cancel = self.cancel_check().await;
        self.found(
            Feature::Background,
            Verdict::Supported,
            format!("{status}, {ended}; {cancel}"),
            Some(200),
        )
    }

    fn background_request(&self) -> CreateResponse {
        let mut request = self.request("Reply with the single word: ready");
        request.background = Nullable::Value(true);
        request.store = Nullable::Value(true);
        request
    }

    /// Reads a background run's stream from the start to its terminal
    /// event; its final status, or `None` when it cannot be read so.
    async fn resume_until_done(&self, id: &str) -> Option<String> {
        let opened = self
            .bounded(
                self.client
                    .resume_stream(self.endpoint, id, None, self.options()),
            )
            .await;
        let Answer::Ok(mut events) = opened else {
            return None;
        };
        let read = tokio::time::timeout(CHECK_LIMIT, async {
            while let Some(Ok(event)) = events.next().await {
                if event.is_terminal() {
                    return event
                        .response()
                        .and_then(|r| r.status.as_str().map(str::to_owned));
                }
            }
            None
        });
        read.await.ok().flatten()
    }

    /// Fetches a background run until it ends, within [`CHECK_LIMIT`].
    async fn poll_until_done(&self, id: &str) -> Result<String, Finding> {
        let deadline = tokio::time::Instant::now() + CHECK_LIMIT;
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            match self.bounded(self.client.retrieve(self.endpoint, id)).await {
                Answer::Ok(response) => {
                    let status = response.status.as_str().unwrap_or_default();
                    if !matches!(status, "queued" | "in_progress") {
                        return Ok(status.to_owned());
                    }
                }
                Answer::Refused(status, message) => {
                    return Err(self.found(
                        Feature::Background,
                        Verdict::Unsupported,
                        format!("started, but could not be fetched again: {message}"),
                        Some(status),
                    ))
                }
                Answer::Unclear(reason) | Answer::BadKey(reason) => {
                    return Err(self.found(Feature::Background, Verdict::Untested, reason, None))
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(self.found(
                    Feature::Background,
                    Verdict::Untested,
                    format!("still running after {} s", CHECK_LIMIT.as_secs()),
                    None,
                ));
            }
        }
    }

    async fn input_tokens(&self) -> Finding {
        let request = self.request("Reply with the single word: ready");
        match self
            .bounded(self.client.input_tokens(self.endpoint, &request))
            .await
        {
            Answer::Ok(counted) if counted.input_tokens > 0 => self.found(
                Feature::InputTokens,
                Verdict::Supported,
                format!("counted {} input tokens", counted.input_tokens),
                Some(200),
            ),
            Answer::Ok(_) => self.found(
                Feature::InputTokens,
                Verdict::Ignored,
                "answered, but counted no tokens",
                Some(200),
            ),
            Answer::Refused(status, message) => self.found(
                Feature::InputTokens,
                Verdict::Unsupported,
                message,
                Some(status),
            ),
            Answer::Unclear(reason) | Answer::BadKey(reason) => {
                self.found(Feature::InputTokens, Verdict::Untested, reason, None)
            }
        }
    }

    /// A hosted tool offered on a request that does not need it: a refusal
    /// says the provider cannot run it. Making the model run it would cost
    /// a container or an image on every probe, so "supported" here means
    /// "accepted", and the evidence says so.
    async fn hosted_tool(&self, feature: Feature) -> Finding {
        let tool = match feature {
            Feature::CodeInterpreter => Tool::CodeInterpreter(CodeInterpreterTool {
                container: Nullable::Value(json!({"type": "auto"})),
                ..CodeInterpreterTool::default()
            }),
            _ => Tool::Other(json!({"type": "image_generation"})),
        };
        let mut request = self.request("Reply with the single word: ready");
        request.tools = Nullable::Value(vec![tool]);
        match self.accepted(feature, request, |_| None).await {
            finding if finding.verdict == Verdict::Supported => self.found(
                feature,
                Verdict::Supported,
                "accepted when offered (not run: running it would be billed)",
                Some(200),
            ),
            finding => finding,
        }
    }

    /// `file_search` needs a vector store, and making one for a probe
    /// would leave files behind: the tool is offered with a store id that
    /// does not exist. A provider that runs file search refuses the id (a
    /// refusal naming the vector store says the tool is known); one that
    /// cannot refuses the tool; a 200 means nobody looked at the store.
    async fn file_search(&self) -> Finding {
        let mut request = self.request("Reply with the single word: ready");
        request.tools = Nullable::Value(vec![Tool::Other(json!({
            "type": "file_search",
            "vector_store_ids": ["vs_halley_probe_does_not_exist"],
        }))]);
        match self.ask(request).await {
            Answer::Refused(status, message) => {
                let lower = message.to_ascii_lowercase();
                if lower.contains("vector store") || lower.contains("vector_store") {
                    self.found(
                        Feature::FileSearch,
                        Verdict::Supported,
                        format!(
                            "the tool is known; the probe's made-up store was refused ({message})"
                        ),
                        Some(status),
                    )
                } else {
                    self.found(
                        Feature::FileSearch,
                        Verdict::Unsupported,
                        message,
                        Some(status),
                    )
                }
            }
            Answer::Ok(response) => {
                let searched = response
                    .output()
                    .iter()
                    .any(|item| matches!(item, OutputItem::FileSearchCall(_)));
                if searched {
                    self.found(
                        Feature::FileSearch,
                        Verdict::Supported,
                        "accepted and used",
                        Some(200),
                    )
                } else {
                    self.found(
                        Feature::FileSearch,
                        Verdict::Ignored,
                        "accepted a vector store that does not exist: nothing looked at it",
                        Some(200),
                    )
                }
            }
            Answer::Unclear(reason) | Answer::BadKey(reason) => {
                self.found(Feature::FileSearch, Verdict::Untested, reason, None)
            }
        }
    }

    /// Starts a second background run and cancels it: what happened, in
    /// words for the evidence (a failed cancel does not make background
    /// mode unsupported; the run still ends).
    async fn cancel_check(&self) -> String {
        let id = match self.ask(self.background_request()).await {
            Answer::Ok(response) => match response.id.as_str() {
                Some(id) => id.to_owned(),
                None => return "cancel not checked: no id".into(),
            },
            _ => return "cancel not checked".into(),
        };
        match self.bounded(self.client.cancel(self.endpoint, &id)).await {
            Answer::Ok(response) => match response.status.as_str().unwrap_or_default() {
                "cancelled" => "a second run was cancelled".into(),
                other => format!("cancel answered, the run was {other}"),
            },
            Answer::Refused(status, message) => {
                format!("cancel refused (HTTP {status}: {message})")
            }
            Answer::Unclear(reason) | Answer::BadKey(reason) => {
                format!("cancel not checked: {reason}")
            }
        }
    }

    async fn structured_output(&self) -> Finding {
        let mut request = self.request("Is water wet? Answer in the requested format.");
        request.text = Nullable::Value(TextConfig {
            format: Nullable::Value(TextFormat::JsonSchema(JsonSchemaFormat {
                name: "answer".into(),
                schema: json!({
                    "type": "object",
                    "properties": {"yes": {"type": "boolean"}},
                    "required": ["yes"],
                    "additionalProperties": false
                }),
                strict: Nullable::Value(true),
                ..JsonSchemaFormat::default()
            })),
            ..TextConfig::default()
        });
        self.accepted(Feature::StructuredOutput, request, |response| {
            let text = response.output_text();
            let fits = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .is_some_and(|v| v.get("yes").is_some_and(serde_json::Value::is_boolean));
            (!fits).then(|| {
                format!(
                    "accepted, but the answer does not follow the schema (“{}”)",
                    text.chars().take(80).collect::<String>()
                )
            })
        })
        .await
    }

    async fn logprobs(&self) -> Finding {
        let mut request = self.request("Reply with the single word: ready");
        request.include = Nullable::Value(vec!["message.output_text.logprobs".into()]);
        request.top_logprobs = Nullable::Value(2);
        self.accepted(Feature::Logprobs, request, |response| {
            let any = response.output().iter().any(|item| match item {
                OutputItem::Message(message) => message.content.iter().any(|part| {
                    matches!(part, halley_responses::ContentPart::OutputText(text)
                        if text.logprobs.get().is_some_and(|l| !l.is_empty()))
                }),
                _ => false,
            });
            (!any).then(|| "accepted, but the answer carries no logprobs".to_owned())
        })
        .await
    }

    async fn web_search(&self) -> Finding {
        let mut request = self.request("Search the web for today's date and reply with it.");
        request.tools = Nullable::Value(vec![Tool::WebSearchPreview(WebSearchTool::default())]);
        self.accepted(Feature::WebSearch, request, |response| {
            let searched = response
                .output()
                .iter()
                .any(|item| matches!(item, OutputItem::WebSearchCall(_)));
            (!searched).then(|| "accepted, but no search ran".to_owned())
        })
        .await
    }

    /// Sends `request` (the plain one plus `feature`): refused means
    /// unsupported; answered means supported unless `ignored` finds the
    /// feature had no effect (then it says what was missing).
    async fn accepted(
        &self,
        feature: Feature,
        request: CreateResponse,
        ignored: impl Fn(&halley_responses::Response) -> Option<String>,
    ) -> Finding {
        match self.ask(request).await {
            Answer::Ok(response) => match ignored(&response) {
                None => self.found(feature, Verdict::Supported, "accepted and used", Some(200)),
                Some(what) => self.found(feature, Verdict::Ignored, what, Some(200)),
            },
            Answer::Refused(status, message) => {
                self.found(feature, Verdict::Unsupported, message, Some(status))
            }
            Answer::Unclear(reason) | Answer::BadKey(reason) => {
                self.found(feature, Verdict::Untested, reason, None)
            }
        }
    }
}

/// How an error is judged: only a refusal of the request itself (400, 404,
/// 422 that is not about the key or the rate) counts against a feature.
fn judge<T>(error: &WireError) -> Answer<T> {
    let detail = error.detail();
    match (error.http_status(), error.reading().map(|r| r.kind)) {
        (_, Some(ErrorKind::BadKey | ErrorKind::NoAccess)) | (Some(401 | 403), _) => {
            Answer::BadKey(format!("the key was refused: {detail}"))
        }
        (_, Some(ErrorKind::RateLimited | ErrorKind::QuotaExceeded | ErrorKind::Overloaded)) => {
            Answer::Unclear(format!("could not tell: {detail}"))
        }
        (Some(status @ (400 | 404 | 405 | 422)), _) => Answer::Refused(status, detail),
        _ => Answer::Unclear(format!("could not tell: {detail}")),
    }
}

/// A word no model would guess: eight letters from the clock and the
/// process, without a random-number dependency.
fn code_word() -> String {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
        ^ u128::from(std::process::id());
    let mut n = seed;
    (0..8)
        .map(|_| {
            let letter = (b'a' + (n % 26) as u8) as char;
            n /= 26;
            letter
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16, body: &str) -> WireError {
        WireError::from_status(status, body.as_bytes(), None)
    }

    #[test]
    fn only_a_refusal_counts_against_a_feature() {
        assert!(matches!(
            judge::<()>(&http(
                400,
                r#"{"error":{"message":"reasoning is not supported","param":"reasoning"}}"#
            )),
            Answer::Refused(400, _)
        ));
        assert!(matches!(
            judge::<()>(&http(429, "slow down")),
            Answer::Unclear(_)
        ));
        assert!(matches!(
            judge::<()>(&http(500, "oops")),
            Answer::Unclear(_)
        ));
        assert!(matches!(
            judge::<()>(&http(503, "busy")),
            Answer::Unclear(_)
        ));
        assert!(matches!(
            judge::<()>(&http(401, r#"{"error":{"message":"Incorrect API key"}}"#)),
            Answer::BadKey(_)
        ));
    }

    #[test]
    fn code_words_are_eight_letters() {
        let word = code_word();
        assert_eq!(word.len(), 8);
        assert!(word.chars().all(|c| c.is_ascii_lowercase()));
    }
}
