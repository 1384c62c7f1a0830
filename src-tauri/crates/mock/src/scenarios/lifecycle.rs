//! Writes a response's whole event lifecycle the way api.openai.com streams
//! it: created (and queued for background), in_progress, then per output item
//! added → parts and deltas → done, then one terminal event that repeats the
//! full response.

use std::time::Duration;

use serde_json::{json, Value};

use super::logprobs::token_logprob;
use super::Script;
use crate::create_request::CreateRequest;
use crate::response_object::{estimate_tokens, new_id, now_secs, skeleton, usage};
use crate::sse::ScriptWriter;

/// Characters per streamed delta: small, so clients see many deltas.
pub(crate) const DELTA_CHARS: usize = 4;

/// An output item to stream.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    Reasoning {
        summary: String,
        encrypted: bool,
    },
    WebSearch {
        query: String,
    },
    /// `annotations` are whole annotation objects (`url_citation`,
    /// `file_citation`...), their indexes in chars of `text`.
    Message {
        text: String,
        annotations: Vec<Value>,
    },
    FunctionCall {
        name: String,
        arguments: String,
    },
    /// `results` is `None` unless the request's `include` asked for them.
    FileSearch {
        queries: Vec<String>,
        results: Option<Vec<Value>>,
    },
    /// `outputs` is `None` unless the request's `include` asked for them.
    CodeInterpreter {
        container_id: String,
        code: String,
        outputs: Option<Vec<Value>>,
    },
    ImageGeneration(ImageCall),
    /// Any other item, sent whole in `output_item.added` and `.done` (the
    /// `id` is filled in).
    Whole(Value),
}

/// An image generation call: its partial images, the final one, and the
/// settings used (echoed on the partial events and the item).
#[derive(Debug, Clone)]
pub(crate) struct ImageCall {
    /// Base64 PNGs, coarse to fine.
    pub partials: Vec<String>,
    /// The final image, base64.
    pub result: String,
    pub revised_prompt: String,
    pub size: String,
    pub quality: String,
    pub background: String,
    pub output_format: String,
    /// The call fails after its first partial image (after `generating`
    /// when it has none): the item ends `failed` with no result.
    pub fails: bool,
}

/// How the response ends.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Terminal {
    Completed,
    /// `max_output_tokens` reached: items end with status incomplete.
    Incomplete,
    Failed {
        code: &'static str,
        message: &'static str,
    },
}

pub(crate) struct Lifecycle {
    writer: ScriptWriter,
    response: Value,
    initial: Value,
    delay: Duration,
    output: Vec<Value>,
    output_chars: usize,
    reasoning_chars: usize,
    input_tokens: u64,
    /// Alternatives per token when the request asked for logprobs.
    logprobs: Option<usize>,
}

impl Lifecycle {
    /// Writes created (+ queued) and in_progress.
    pub fn open(request: &CreateRequest, delay: Duration) -> Self {
        let id = new_id("resp");
        let first_status = if request.background {
            "queued"
        } else {
            "in_progress"
        };
        let mut response = skeleton(request, &id, first_status);
        let initial = response.clone();
        let mut writer = ScriptWriter::default();
        writer.event(
            json!({"type": "response.created", "response": response}),
            Duration::ZERO,
        );
        if request.background {
            writer.event(
                json!({"type": "response.queued", "response": response}),
                Duration::ZERO,
            );
            response["status"] = "in_progress".into();
        }
        writer.event(
            json!({"type": "response.in_progress", "response": response}),
            // A background response stays queued for a moment, as a poller
            // would see it.
            if request.background {
                delay
            } else {
                Duration::ZERO
            },
        );
        Self {
            writer,
            response,
            initial,
            delay,
            output: Vec::new(),
            output_chars: 0,
            reasoning_chars: 0,
            input_tokens: estimate_tokens(request.input_chars),
            logprobs: request.logprobs,
        }
    }

    /// Queues an event as it is (given a sequence number).
    pub fn custom(&mut self, event: Value) {
        self.writer.event(event, Duration::ZERO);
    }

    /// Queues bytes that are not a valid event.
    pub fn raw(&mut self, text: &'static str) {
        self.writer.raw(text);
    }

    fn event(&mut self, event: Value) {
        self.writer.event(event, Duration::ZERO);
    }

    fn delta(&mut self, event: Value) {
        self.writer.event(event, self.delay);
    }

    /// Streams one output item. With `Terminal::Incomplete` a message ends
    /// with status incomplete.
    pub fn item(&mut self, item: &Item, terminal: Terminal) {
        let index = self.output.len();
        let done = match item {
            Item::Reasoning { summary, encrypted } => self.reasoning(index, summary, *encrypted),
            Item::WebSearch { query } => self.web_search(index, query),
            Item::Message { text, annotations } => {
                let status = match terminal {
                    Terminal::Incomplete => "incomplete",
                    _ => "completed",
                };
                self.message(index, text, annotations, status)
            }
            Item::FunctionCall { name, arguments } => self.function_call(index, name, arguments),
            Item::FileSearch { queries, results } => self.file_search(index, queries, results),
            Item::CodeInterpreter {
                container_id,
                code,
                outputs,
            } => self.code_interpreter(index, container_id, code, outputs),
            Item::ImageGeneration(call) => self.image_generation(index, call),
            Item::Whole(item) => self.whole(index, item),
        };
        self.output.push(done);
    }

    fn reasoning(&mut self, index: usize, summary: &str, encrypted: bool) -> Value {
        let id = new_id("rs");
        let mut item = json!({"id": id, "type": "reasoning", "summary": []});
        if encrypted {
            item["encrypted_content"] = format!("gAAAAAB-mock-{}", id.len() * 97).into();
        }
        self.event(
            json!({"type": "response.output_item.added", "item": item, "output_index": index}),
        );
        let part = json!({"type": "summary_text", "text": ""});
        self.event(
            json!({"type": "response.reasoning_summary_part.added", "item_id": id,
            "output_index": index, "summary_index": 0, "part": part}),
        );
        for chunk in chunks(summary) {
            self.delta(
                json!({"type": "response.reasoning_summary_text.delta", "item_id": id,
                "output_index": index, "summary_index": 0, "delta": chunk,
                "obfuscation": obfuscation(&chunk)}),
            );
        }
        self.event(
            json!({"type": "response.reasoning_summary_text.done", "item_id": id,
            "output_index": index, "summary_index": 0, "text": summary}),
        );
        let part = json!({"type": "summary_text", "text": summary});
        self.event(
            json!({"type": "response.reasoning_summary_part.done", "item_id": id,
            "output_index": index, "summary_index": 0, "part": part}),
        );
        item["summary"] = json!([part]);
        self.event(
            json!({"type": "response.output_item.done", "item": item, "output_index": index}),
        );
        self.reasoning_chars += summary.chars().count();
        item
    }

    fn web_search(&mut self, index: usize, query: &str) -> Value {
        let id = new_id("ws");
        let added = json!({"id": id, "type": "web_search_call", "status": "in_progress"});
        self.event(
            json!({"type": "response.output_item.added", "item": added, "output_index": index}),
        );
        for phase in ["in_progress", "searching", "completed"] {
            self.event(json!({"type": format!("response.web_search_call.{phase}"),
                "item_id": id, "output_index": index}));
        }
        let done = json!({"id": id, "type": "web_search_call", "status": "completed",
            "action": {"type": "search", "query": query, "queries": [query]}});
        self.event(
            json!({"type": "response.output_item.done", "item": done, "output_index": index}),
        );
        done
    }

    fn message(&mut self, index: usize, text: &str, annotations: &[Value], status: &str) -> Value {
        let id = new_id("msg");
        let added = json!({"id": id, "type": "message", "status": "in_progress",
            "content": [], "role": "assistant"});
        self.event(
            json!({"type": "response.output_item.added", "item": added, "output_index": index}),
        );
        let empty = json!({"type": "output_text", "annotations": [], "logprobs": [], "text": ""});
        self.event(
            json!({"type": "response.content_part.added", "content_index": 0,
            "item_id": id, "output_index": index, "part": empty}),
        );
        let mut logprobs = Vec::new();
        for chunk in chunks(text) {
            // Each delta is one "token"; its logprobs ride on the delta and
            // are repeated whole on the done events and the part.
            let token = self.logprobs.map(|top| token_logprob(&chunk, top));
            let delta_logprobs: Vec<Value> = token.iter().cloned().collect();
            logprobs.extend(token);
            self.delta(
                json!({"type": "response.output_text.delta", "content_index": 0,
                "delta": chunk, "item_id": id, "logprobs": delta_logprobs,
                "obfuscation": obfuscation(&chunk), "output_index": index}),
            );
        }
        for (annotation_index, annotation) in annotations.iter().enumerate() {
            self.event(json!({"type": "response.output_text.annotation.added",
                "annotation": annotation, "annotation_index": annotation_index,
                "content_index": 0, "item_id": id, "output_index": index}));
        }
        self.event(
            json!({"type": "response.output_text.done", "content_index": 0,
            "item_id": id, "logprobs": logprobs, "output_index": index, "text": text}),
        );
        let part = json!({"type": "output_text", "annotations": annotations, "logprobs": logprobs, "text": text});
        self.event(
            json!({"type": "response.content_part.done", "content_index": 0,
            "item_id": id, "output_index": index, "part": part}),
        );
        let done = json!({"id": id, "type": "message", "status": status,
            "content": [part], "role": "assistant"});
        self.event(
            json!({"type": "response.output_item.done", "item": done, "output_index": index}),
        );
        self.output_chars += text.chars().count();
        done
    }

    fn function_call(&mut self, index: usize, name: &str, arguments: &str) -> Value {
        let id = new_id("fc");
        let call_id = new_id("call");
        let added = json!({"id": id, "type": "function_call", "status": "in_progress",
            "arguments": "", "call_id": call_id, "name": name});
        self.event(
            json!({"type": "response.output_item.added", "item": added, "output_index": index}),
        );
        for chunk in chunks(arguments) {
            self.delta(
                json!({"type": "response.function_call_arguments.delta", "delta": chunk,
                "item_id": id, "obfuscation": obfuscation(&chunk), "output_index": index}),
            );
        }
        self.event(json!({"type": "response.function_call_arguments.done",
            "arguments": arguments, "item_id": id, "output_index": index}));
        let done = json!({"id": id, "type": "function_call", "status": "completed",
            "arguments": arguments, "call_id": call_id, "name": name});
        self.event(
            json!({"type": "response.output_item.done", "item": done, "output_index": index}),
        );
        self.output_chars += arguments.chars().count();
        done
    }

    fn file_search(
        &mut self,
        index: usize,
        queries: &[String],
        results: &Option<Vec<Value>>,
    ) -> Value {
        let id = new_id("fs");
        let added = json!({"id": id, "type": "file_search_call", "status": "in_progress",
            "queries": [], "results": null});
        self.event(
            json!({"type": "response.output_item.added", "item": added, "output_index": index}),
        );
        for phase in ["in_progress", "searching", "completed"] {
            self.event(json!({"type": format!("response.file_search_call.{phase}"),
                "item_id": id, "output_index": index}));
        }
        let done = json!({"id": id, "type": "file_search_call", "status": "completed",
            "queries": queries, "results": results});
        self.event(
            json!({"type": "response.output_item.done", "item": done, "output_index": index}),
        );
        done
    }

    fn code_interpreter(
        &mut self,
        index: usize,
        container_id: &str,
        code: &str,
        outputs: &Option<Vec<Value>>,
    ) -> Value {
        let id = new_id("ci");
        // Outputs start empty when they were asked for, and stay null when not.
        let no_outputs_yet = outputs.as_ref().map(|_| json!([]));
        let added = json!({"id": id, "type": "code_interpreter_call", "status": "in_progress",
            "code": "", "container_id": container_id, "outputs": no_outputs_yet});
        self.event(
            json!({"type": "response.output_item.added", "item": added, "output_index": index}),
        );
        self.event(json!({"type": "response.code_interpreter_call.in_progress",
            "item_id": id, "output_index": index}));
        for chunk in chunks(code) {
            self.delta(json!({"type": "response.code_interpreter_call_code.delta",
                "item_id": id, "output_index": index, "delta": chunk,
                "obfuscation": obfuscation(&chunk)}));
        }
        self.event(json!({"type": "response.code_interpreter_call_code.done",
            "item_id": id, "output_index": index, "code": code}));
        for phase in ["interpreting", "completed"] {
            self.event(
                json!({"type": format!("response.code_interpreter_call.{phase}"),
                "item_id": id, "output_index": index}),
            );
        }
        let done = json!({"id": id, "type": "code_interpreter_call", "status": "completed",
            "code": code, "container_id": container_id, "outputs": outputs});
        self.event(
            json!({"type": "response.output_item.done", "item": done, "output_index": index}),
        );
        self.output_chars += code.chars().count();
        done
    }

    fn image_generation(&mut self, index: usize, call: &ImageCall) -> Value {
        let id = new_id("ig");
        let added = json!({"id": id, "type": "image_generation_call", "status": "in_progress"});
        self.event(
            json!({"type": "response.output_item.added", "item": added, "output_index": index}),
        );
        for phase in ["in_progress", "generating"] {
            self.event(
                json!({"type": format!("response.image_generation_call.{phase}"),
                "item_id": id, "output_index": index}),
            );
        }
        let shown = if call.fails {
            call.partials.len().min(1)
        } else {
            call.partials.len()
        };
        for (partial_index, partial) in call.partials.iter().take(shown).enumerate() {
            self.delta(
                json!({"type": "response.image_generation_call.partial_image",
                "item_id": id, "output_index": index, "partial_image_index": partial_index,
                "partial_image_b64": partial, "size": call.size, "quality": call.quality,
                "background": call.background, "output_format": call.output_format}),
            );
        }
        let (status, result) = if call.fails {
            ("failed", Value::Null)
        } else {
            self.event(json!({"type": "response.image_generation_call.completed",
                "item_id": id, "output_index": index}));
            ("completed", Value::from(call.result.as_str()))
        };
        let done = json!({"id": id, "type": "image_generation_call", "status": status,
            "background": call.background, "output_format": call.output_format,
            "quality": call.quality, "result": result, "revised_prompt": call.revised_prompt,
            "size": call.size});
        self.event(
            json!({"type": "response.output_item.done", "item": done, "output_index": index}),
        );
        self.output_chars += call.revised_prompt.chars().count();
        done
    }

    /// The response's id (for ids derived from it, like a container's).
    pub fn response_id(&self) -> &str {
        self.response["id"].as_str().unwrap_or_default()
    }

    fn whole(&mut self, index: usize, item: &Value) -> Value {
        let mut item = item.clone();
        let prefix = match item["type"].as_str() {
            Some("mcp_approval_request") => "mcpr",
            Some("mcp_call") => "mcp",
            _ => "item",
        };
        item["id"] = new_id(prefix).into();
        self.event(
            json!({"type": "response.output_item.added", "item": item, "output_index": index}),
        );
        self.event(
            json!({"type": "response.output_item.done", "item": item, "output_index": index}),
        );
        self.output_chars += item.to_string().chars().count();
        item
    }

    /// Writes the terminal event and hands back the script.
    /// Leaves the finished items out of the terminal response, as a gateway
    /// whose `response.failed` carries an empty `output` does.
    pub fn forget_output(&mut self) {
        self.output.clear();
    }

    pub fn close(mut self, terminal: Terminal) -> Script {
        let output_tokens = estimate_tokens(self.output_chars + self.reasoning_chars);
        let reasoning_tokens = if self.reasoning_chars > 0 {
            estimate_tokens(self.reasoning_chars)
        } else {
            0
        };
        let response = &mut self.response;
        response["output"] = Value::Array(std::mem::take(&mut self.output));
        response["usage"] = usage(self.input_tokens, output_tokens, reasoning_tokens);
        let kind = match terminal {
            Terminal::Completed => {
                response["status"] = "completed".into();
                response["completed_at"] = now_secs().into();
                "response.completed"
            }
            Terminal::Incomplete => {
                response["status"] = "incomplete".into();
                response["incomplete_details"] = json!({"reason": "max_output_tokens"});
                "response.incomplete"
            }
            Terminal::Failed { code, message } => {
                response["status"] = "failed".into();
                response["error"] = json!({"code": code, "message": message});
                "response.failed"
            }
        };
        let event = json!({"type": kind, "response": response});
        let id = self.response["id"].as_str().unwrap_or_default().to_owned();
        self.writer.event(event, Duration::ZERO);
        Script {
            id,
            initial: self.initial,
            steps: self.writer.steps,
        }
    }
}

/// Splits text into deltas of a few characters, on char boundaries.
fn chunks(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(DELTA_CHARS)
        .map(|chunk| chunk.iter().collect())
        .collect()
}

/// The API pads deltas with random characters (`obfuscation`) so their size
/// does not leak the token; clients must ignore it. A fixed filler will do.
fn obfuscation(delta: &str) -> String {
    "mOcKpAdDiNg"
        .chars()
        .take(11 - delta.len().min(10))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::chunks;

    #[test]
    fn chunks_cover_the_text_on_char_boundaries() {
        let text = "héllo wörld ✓";
        let parts = chunks(text);
        // Deltas concatenated must give back the text, multi-byte chars whole.
        assert_eq!(parts.concat(), text);
        assert!(
            parts.len() > 2,
            "a short text still streams in several deltas"
        );
    }
}
