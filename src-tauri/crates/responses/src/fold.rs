//! Folding stream events into a live [`Response`].
//!
//! Deltas are routed by `output_index` / `content_index` / `summary_index` /
//! `annotation_index`, never by item id (proxies rewrite ids) and never by
//! "the current item" (several items can be in flight). Annotations are
//! placed by index, so the copies repeated in `content_part.done`,
//! `output_item.done` and the final response replace rather than duplicate.
//! The terminal event's `output` wins when present.

use crate::error::Error;
use crate::events::{ErrorEvent, ResponseEvent, StreamEvent};
use crate::items::{
    Annotation, ContentPart, MessageItem, OutputItem, OutputText, SummaryPart, TextPart,
};
use crate::nullable::Nullable;
use crate::response::{Response, Usage};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A small, UI-sized change, forwarded over IPC as `{"kind": "textDelta", ...}`.
/// Reads back from that JSON too (the playground scrubs secrets from it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum FoldUpdate {
    /// The response's status changed (`queued`, `in_progress`...).
    Status {
        status: String,
        response_id: Option<String>,
    },
    ItemAdded {
        output_index: u32,
        item_type: String,
        item_id: Option<String>,
        /// Function / MCP tool name, when the item has one.
        name: Option<String>,
        role: Option<String>,
        call_id: Option<String>,
    },
    /// A content part was opened (`output_text`, `refusal`, `reasoning_text`).
    PartAdded {
        output_index: u32,
        content_index: u32,
        part_type: String,
    },
    TextDelta {
        output_index: u32,
        content_index: u32,
        delta: String,
    },
    /// The part's full text, sent only when it differs from the deltas
    /// (text that arrived only in `.done`).
    TextReplaced {
        output_index: u32,
        content_index: u32,
        text: String,
    },
    RefusalDelta {
        output_index: u32,
        content_index: u32,
        delta: String,
    },
    ReasoningSummaryDelta {
        output_index: u32,
        summary_index: u32,
        delta: String,
    },
    ReasoningTextDelta {
        output_index: u32,
        content_index: u32,
        delta: String,
    },
    /// Function / MCP call arguments or custom tool input.
    ArgumentsDelta {
        output_index: u32,
        delta: String,
    },
    /// Code interpreter code.
    CodeDelta {
        output_index: u32,
        delta: String,
    },
    Annotation {
        output_index: u32,
        content_index: u32,
        annotation_index: u32,
        annotation: Annotation,
    },
    /// A hosted tool's progress, from its `*.in_progress` / `*.searching` /
    /// ... / `*.completed` events.
    ItemStatus {
        output_index: u32,
        status: ToolProgress,
    },
    PartialImage {
        output_index: u32,
        index: u32,
        image_b64: String,
    },
    ItemDone {
        output_index: u32,
        item: OutputItem,
    },
    Usage {
        usage: Usage,
    },
    /// An `error` event; `response.failed` usually follows.
    StreamError {
        code: Option<String>,
        message: String,
    },
    Completed {
        response_id: Option<String>,
    },
    Failed {
        code: Option<String>,
        message: String,
    },
    Incomplete {
        reason: Option<String>,
    },
}

/// How far a hosted tool call (web search, code interpreter, MCP...) has
/// got. Only these are ever reported: each comes from a named stream event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "ToolProgress.ts"))]
pub enum ToolProgress {
    InProgress,
    Searching,
    Interpreting,
    Generating,
    Completed,
    Failed,
}

impl ToolProgress {
    /// The wire spelling, as in an item's `status` field.
    pub fn as_str(self) -> &'static str {
        match self {
            ToolProgress::InProgress => "in_progress",
            ToolProgress::Searching => "searching",
            ToolProgress::Interpreting => "interpreting",
            ToolProgress::Generating => "generating",
            ToolProgress::Completed => "completed",
            ToolProgress::Failed => "failed",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Terminal {
    Completed,
    Failed,
    Incomplete,
}

#[derive(Debug, Default)]
pub struct Accumulator {
    response: Response,
    /// `output_index` of each entry of `response.output`, ascending.
    indices: Vec<u32>,
    terminal: Option<Terminal>,
    stream_error: Option<ErrorEvent>,
    events: u64,
}

impl Accumulator {
    pub fn new() -> Self {
        Accumulator::default()
    }

    /// Goes on from `snapshot`, a response folded earlier up to some event
    /// (kept while its stream was read, before the app closed): the events
    /// after that one fold onto it as if the stream had never stopped. Its
    /// items are taken to be at output indices `0..n`, as streams number them.
    pub fn resuming(snapshot: Response) -> Self {
        let items = u32::try_from(snapshot.output().len()).unwrap_or(u32::MAX);
        Accumulator {
            response: snapshot,
            indices: (0..items).collect(),
            ..Accumulator::default()
        }
    }

    /// The response as folded so far.
    pub fn snapshot(&self) -> &Response {
        &self.response
    }

    pub fn events_seen(&self) -> u64 {
        self.events
    }

    /// A terminal event (`completed` / `failed` / `incomplete`) has arrived.
    pub fn is_finished(&self) -> bool {
        self.terminal.is_some()
    }

    /// The folded item at `output_index`.
    pub fn item(&self, output_index: u32) -> Option<&OutputItem> {
        let pos = self.indices.binary_search(&output_index).ok()?;
        self.response.output().get(pos)
    }

    /// The outcome: the response when completed, else the matching error.
    pub fn finish(self) -> Result<Response, Error> {
        match self.terminal {
            Some(Terminal::Completed) => Ok(self.response),
            Some(Terminal::Failed) => {
                let (code, message) = match (self.response.error.get(), self.stream_error) {
                    (Some(e), _) => (e.code.as_str().map(str::to_owned), e.message.clone()),
                    (None, Some(e)) => (e.code, e.message),
                    (None, None) => (None, "the response failed without an error message".into()),
                };
                Err(Error::ResponseFailed {
                    code,
                    message,
                    response: Box::new(self.response),
                })
            }
            Some(Terminal::Incomplete) => Err(Error::Incomplete {
                reason: self
                    .response
                    .incomplete_details
                    .get()
                    .and_then(|d| d.reason.as_str())
                    .map(str::to_owned),
                response: Box::new(self.response),
            }),
            None => match self.stream_error {
                Some(e) => Err(Error::Stream {
                    code: e.code,
                    message: e.message,
                    param: e.param,
                }),
                None => Err(Error::ConnectionDropped {
                    events_received: self.events,
                    message: "the stream ended without a terminal event".into(),
                }),
            },
        }
    }

    /// Folds one event, returning what changed.
    pub fn apply(&mut self, event: &StreamEvent) -> Vec<FoldUpdate> {
        self.events += 1;
        let mut updates = Vec::new();
        match event {
            StreamEvent::Created(e) | StreamEvent::InProgress(e) | StreamEvent::Queued(e) => {
                self.adopt(e);
                if let Some(status) = self.response.status.as_str() {
                    updates.push(FoldUpdate::Status {
                        status: status.to_owned(),
                        response_id: self.response.id.as_str().map(str::to_owned),
                    });
                }
            }
            StreamEvent::Completed(e) => {
                self.finish_with(e, Terminal::Completed, &mut updates);
                updates.push(FoldUpdate::Completed {
                    response_id: self.response.id.as_str().map(str::to_owned),
                });
            }
            StreamEvent::Failed(e) => {
                self.finish_with(e, Terminal::Failed, &mut updates);
                let error = self.response.error.get();
                updates.push(FoldUpdate::Failed {
                    code: error.and_then(|e| e.code.as_str()).map(str::to_owned),
                    message: error.map(|e| e.message.clone()).unwrap_or_default(),
                });
            }
            StreamEvent::Incomplete(e) => {
                self.finish_with(e, Terminal::Incomplete, &mut updates);
                let reason = self
                    .response
                    .incomplete_details
                    .get()
                    .and_then(|d| d.reason.as_str());
                updates.push(FoldUpdate::Incomplete {
                    reason: reason.map(str::to_owned),
                });
            }
            StreamEvent::OutputItemAdded(e) => {
                updates.push(item_added(e.output_index, &e.item));
                *self.slot(e.output_index, || OutputItem::Other(Value::Null)) = (*e.item).clone();
            }
            StreamEvent::OutputItemDone(e) => {
                *self.slot(e.output_index, || OutputItem::Other(Value::Null)) = (*e.item).clone();
                updates.push(FoldUpdate::ItemDone {
                    output_index: e.output_index,
                    item: (*e.item).clone(),
                });
            }
            StreamEvent::ContentPartAdded(e) | StreamEvent::ContentPartDone(e) => {
                let added = matches!(event, StreamEvent::ContentPartAdded(_));
                if let Some(slot) = self.part(e.output_index, e.content_index, e.part.part_type()) {
                    *slot = (*e.part).clone();
                }
                if added {
                    updates.push(FoldUpdate::PartAdded {
                        output_index: e.output_index,
                        content_index: e.content_index,
                        part_type: e.part.part_type().to_owned(),
                    });
                }
            }
            StreamEvent::OutputTextDelta(e) => {
                if let Some(ContentPart::OutputText(t)) =
                    self.part(e.output_index, e.content_index, "output_text")
                {
                    t.text.push_str(&e.delta);
                    if let Some(logprobs) = &e.logprobs {
                        if !logprobs.is_empty() {
                            t.logprobs
                                .get_or_insert_with(Vec::new)
                                .extend(logprobs.iter().cloned());
                        }
                    }
                }
                updates.push(FoldUpdate::TextDelta {
                    output_index: e.output_index,
                    content_index: e.content_index,
                    delta: e.delta.clone(),
                });
            }
            StreamEvent::OutputTextDone(e) => {
                if let Some(ContentPart::OutputText(t)) =
                    self.part(e.output_index, e.content_index, "output_text")
                {
                    if let Some(logprobs) = &e.logprobs {
                        if !logprobs.is_empty() || t.logprobs.is_absent() {
                            t.logprobs = Nullable::Value(logprobs.clone());
                        }
                    }
                    if t.text != e.text {
                        t.text.clone_from(&e.text);
                        updates.push(FoldUpdate::TextReplaced {
                            output_index: e.output_index,
                            content_index: e.content_index,
                            text: e.text.clone(),
                        });
                    }
                }
            }
            StreamEvent::OutputTextAnnotationAdded(e) => {
                if let Some(ContentPart::OutputText(t)) =
                    self.part(e.output_index, e.content_index, "output_text")
                {
                    let list = t.annotations.get_or_insert_with(Vec::new);
                    let index = e.annotation_index.map_or(list.len(), |i| i as usize);
                    if let Some(existing) = list.get_mut(index) {
                        *existing = e.annotation.clone();
                    } else {
                        list.push(e.annotation.clone());
                    }
                    updates.push(FoldUpdate::Annotation {
                        output_index: e.output_index,
                        content_index: e.content_index,
                        annotation_index: u32::try_from(index).unwrap_or(u32::MAX),
                        annotation: e.annotation.clone(),
                    });
                }
            }
            StreamEvent::RefusalDelta(e) => {
                if let Some(ContentPart::Refusal(r)) =
                    self.part(e.output_index, e.content_index, "refusal")
                {
                    r.refusal.push_str(&e.delta);
                }
                updates.push(FoldUpdate::RefusalDelta {
                    output_index: e.output_index,
                    content_index: e.content_index,
                    delta: e.delta.clone(),
                });
            }
            StreamEvent::RefusalDone(e) => {
                if let Some(ContentPart::Refusal(r)) =
                    self.part(e.output_index, e.content_index, "refusal")
                {
                    r.refusal.clone_from(&e.refusal);
                }
            }
            StreamEvent::ReasoningSummaryPartAdded(e)
            | StreamEvent::ReasoningSummaryPartDone(e) => {
                if let Some(part) = self.summary(e.output_index, e.summary_index) {
                    *part = e.part.clone();
                }
            }
            StreamEvent::ReasoningSummaryTextDelta(e) => {
                if let Some(part) = self.summary(e.output_index, e.summary_index) {
                    part.text.push_str(&e.delta);
                }
                updates.push(FoldUpdate::ReasoningSummaryDelta {
                    output_index: e.output_index,
                    summary_index: e.summary_index,
                    delta: e.delta.clone(),
                });
            }
            StreamEvent::ReasoningSummaryTextDone(e) => {
                if let Some(part) = self.summary(e.output_index, e.summary_index) {
                    part.text.clone_from(&e.text);
                }
            }
            StreamEvent::ReasoningTextDelta(e) => {
                if let Some(ContentPart::ReasoningText(t)) =
                    self.part(e.output_index, e.content_index, "reasoning_text")
                {
                    t.text.push_str(&e.delta);
                }
                updates.push(FoldUpdate::ReasoningTextDelta {
                    output_index: e.output_index,
                    content_index: e.content_index,
                    delta: e.delta.clone(),
                });
            }
            StreamEvent::ReasoningTextDone(e) => {
                if let Some(ContentPart::ReasoningText(t)) =
                    self.part(e.output_index, e.content_index, "reasoning_text")
                {
                    t.text.clone_from(&e.text);
                }
            }
            StreamEvent::FunctionCallArgumentsDelta(e)
            | StreamEvent::McpCallArgumentsDelta(e)
            | StreamEvent::CustomToolCallInputDelta(e) => {
                if let Some(text) = self.call_text(e.output_index) {
                    text.push_str(&e.delta);
                }
                updates.push(FoldUpdate::ArgumentsDelta {
                    output_index: e.output_index,
                    delta: e.delta.clone(),
                });
            }
            StreamEvent::FunctionCallArgumentsDone(e) | StreamEvent::McpCallArgumentsDone(e) => {
                if let Some(text) = self.call_text(e.output_index) {
                    text.clone_from(&e.arguments);
                }
            }
            StreamEvent::CustomToolCallInputDone(e) => {
                if let Some(text) = self.call_text(e.output_index) {
                    text.clone_from(&e.input);
                }
            }
            StreamEvent::CodeInterpreterCallCodeDelta(e) => {
                if let Some(OutputItem::CodeInterpreterCall(c)) = self.existing(e.output_index) {
                    c.code.get_or_insert_with(String::new).push_str(&e.delta);
                }
                updates.push(FoldUpdate::CodeDelta {
                    output_index: e.output_index,
                    delta: e.delta.clone(),
                });
            }
            StreamEvent::CodeInterpreterCallCodeDone(e) => {
                if let Some(OutputItem::CodeInterpreterCall(c)) = self.existing(e.output_index) {
                    c.code = Nullable::Value(e.code.clone());
                }
            }
            StreamEvent::WebSearchCallInProgress(e)
            | StreamEvent::FileSearchCallInProgress(e)
            | StreamEvent::CodeInterpreterCallInProgress(e)
            | StreamEvent::ImageGenerationCallInProgress(e)
            | StreamEvent::McpListToolsInProgress(e)
            | StreamEvent::McpCallInProgress(e) => {
                self.progress(e.output_index, ToolProgress::InProgress, &mut updates)
            }
            StreamEvent::WebSearchCallSearching(e) | StreamEvent::FileSearchCallSearching(e) => {
                self.progress(e.output_index, ToolProgress::Searching, &mut updates)
            }
            StreamEvent::CodeInterpreterCallInterpreting(e) => {
                self.progress(e.output_index, ToolProgress::Interpreting, &mut updates)
            }
            StreamEvent::ImageGenerationCallGenerating(e) => {
                self.progress(e.output_index, ToolProgress::Generating, &mut updates)
            }
            StreamEvent::WebSearchCallCompleted(e)
            | StreamEvent::FileSearchCallCompleted(e)
            | StreamEvent::CodeInterpreterCallCompleted(e)
            | StreamEvent::ImageGenerationCallCompleted(e)
            | StreamEvent::McpListToolsCompleted(e)
            | StreamEvent::McpCallCompleted(e) => {
                self.progress(e.output_index, ToolProgress::Completed, &mut updates)
            }
            StreamEvent::McpListToolsFailed(e) | StreamEvent::McpCallFailed(e) => {
                self.progress(e.output_index, ToolProgress::Failed, &mut updates)
            }
            StreamEvent::ImageGenerationCallPartialImage(e) => {
                updates.push(FoldUpdate::PartialImage {
                    output_index: e.output_index,
                    index: e.partial_image_index,
                    image_b64: e.partial_image_b64.clone(),
                })
            }
            StreamEvent::Error(e) => {
                self.stream_error = Some(e.clone());
                updates.push(FoldUpdate::StreamError {
                    code: e.code.clone(),
                    message: e.message.clone(),
                });
            }
            StreamEvent::Unknown(_) => {}
        }
        updates
    }

    /// Takes a lifecycle event's response, keeping the folded output when the
    /// event's own output is empty or missing.
    fn adopt(&mut self, event: &ResponseEvent) {
        let folded = std::mem::take(&mut self.response.output);
        self.response = (*event.response).clone();
        let theirs = self.response.output().len();
        if theirs == 0 && folded.get().is_some_and(|items| !items.is_empty()) {
            self.response.output = folded;
        } else {
            // Their output is the source of truth; positions are indices.
            self.indices = (0..u32::try_from(theirs).unwrap_or(u32::MAX)).collect();
        }
    }

    fn finish_with(
        &mut self,
        event: &ResponseEvent,
        terminal: Terminal,
        updates: &mut Vec<FoldUpdate>,
    ) {
        self.adopt(event);
        self.terminal = Some(terminal);
        if let Some(usage) = self.response.usage.get() {
            updates.push(FoldUpdate::Usage {
                usage: usage.clone(),
            });
        }
    }

    fn progress(&mut self, output_index: u32, status: ToolProgress, updates: &mut Vec<FoldUpdate>) {
        if let Some(item) = self.existing(output_index) {
            item.set_status(status.as_str());
        }
        updates.push(FoldUpdate::ItemStatus {
            output_index,
            status,
        });
    }

    fn existing(&mut self, output_index: u32) -> Option<&mut OutputItem> {
        let pos = self.indices.binary_search(&output_index).ok()?;
        self.response.output.get_mut()?.get_mut(pos)
    }

    /// The item at `output_index`, inserted in order with `make` if missing.
    fn slot(&mut self, output_index: u32, make: impl FnOnce() -> OutputItem) -> &mut OutputItem {
        let output = self.response.output.get_or_insert_with(Vec::new);
        if self.indices.len() != output.len() {
            // Someone replaced output wholesale; positions are indices again.
            self.indices = (0..u32::try_from(output.len()).unwrap_or(u32::MAX)).collect();
        }
        let pos = match self.indices.binary_search(&output_index) {
            Ok(pos) => pos,
            Err(pos) => {
                self.indices.insert(pos, output_index);
                output.insert(pos, make());
                pos
            }
        };
        &mut output[pos]
    }

    /// The content part at (`output_index`, `content_index`) of a message or
    /// reasoning item, created (with the item, if need be) when a delta
    /// arrives before its `added` event.
    fn part(
        &mut self,
        output_index: u32,
        content_index: u32,
        part_type: &str,
    ) -> Option<&mut ContentPart> {
        let item = self.slot(output_index, || {
            if part_type == "reasoning_text" {
                OutputItem::Reasoning(Default::default())
            } else {
                OutputItem::Message(MessageItem {
                    role: "assistant".into(),
                    ..MessageItem::default()
                })
            }
        });
        let parts = match item {
            OutputItem::Message(m) => &mut m.content,
            OutputItem::Reasoning(r) => r.content.get_or_insert_with(Vec::new),
            _ => return None,
        };
        let index = content_index as usize;
        if index > parts.len() + MAX_INDEX_GAP {
            return None;
        }
        while parts.len() <= index {
            parts.push(empty_part(part_type));
        }
        Some(&mut parts[index])
    }

    fn summary(&mut self, output_index: u32, summary_index: u32) -> Option<&mut SummaryPart> {
        let OutputItem::Reasoning(r) =
            self.slot(output_index, || OutputItem::Reasoning(Default::default()))
        else {
            return None;
        };
        let index = summary_index as usize;
        if index > r.summary.len() + MAX_INDEX_GAP {
            return None;
        }
        while r.summary.len() <= index {
            r.summary.push(SummaryPart {
                kind: "summary_text".into(),
                ..SummaryPart::default()
            });
        }
        Some(&mut r.summary[index])
    }

    /// The streamed string of a call item: function or MCP arguments, custom tool input.
    fn call_text(&mut self, output_index: u32) -> Option<&mut String> {
        match self.existing(output_index)? {
            OutputItem::FunctionCall(f) => Some(&mut f.arguments),
            OutputItem::CustomToolCall(c) => Some(&mut c.input),
            OutputItem::McpCall(m) => Some(m.arguments.get_or_insert_with(String::new)),
            _ => None,
        }
    }
}

/// How far past the last part an index may point before the event is
/// ignored: gaps are padded with empty parts, and a garbage index must not
/// allocate gigabytes.
const MAX_INDEX_GAP: usize = 64;

fn empty_part(part_type: &str) -> ContentPart {
    match part_type {
        "refusal" => ContentPart::Refusal(Default::default()),
        "reasoning_text" => ContentPart::ReasoningText(TextPart::default()),
        _ => ContentPart::OutputText(OutputText::default()),
    }
}

fn item_added(output_index: u32, item: &OutputItem) -> FoldUpdate {
    let (name, role, call_id) = match item {
        OutputItem::Message(m) => (None, m.role.as_str(), None),
        OutputItem::FunctionCall(f) => (f.name.as_str(), None, f.call_id.as_str()),
        OutputItem::CustomToolCall(c) => (c.name.as_str(), None, c.call_id.as_str()),
        OutputItem::McpCall(m) => (m.name.as_str(), None, None),
        OutputItem::McpApprovalRequest(m) => (m.name.as_str(), None, None),
        OutputItem::McpListTools(m) => (m.server_label.as_str(), None, None),
        _ => (None, None, None),
    };
    FoldUpdate::ItemAdded {
        output_index,
        item_type: item.item_type().to_owned(),
        item_id: item.id().map(str::to_owned),
        name: name.map(str::to_owned),
        role: role.map(str::to_owned),
        call_id: call_id.map(str::to_owned),
    }
}
