//! The Response object (`object: "response"`) and ids, shaped like the
//! recorded api.openai.com bodies.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::create_request::CreateRequest;

static COUNTER: AtomicU64 = AtomicU64::new(1);

/// A fresh id like `resp_…`: the process clock mixed with a counter, so ids
/// differ across runs and within one.
pub(crate) fn new_id(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as u64);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_mock{nanos:016x}{count:08x}")
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// About one token per four characters, like the usual rule of thumb.
pub(crate) fn estimate_tokens(chars: usize) -> u64 {
    (chars as u64).div_ceil(4).max(1)
}

/// A response with no output yet, echoing the request's settings.
pub(crate) fn skeleton(request: &CreateRequest, id: &str, status: &str) -> Value {
    let or = |name: &str, default: Value| match request.field(name) {
        Value::Null => default,
        value => value,
    };
    let reasoning = match request.field("reasoning") {
        Value::Object(mut settings) => {
            settings.entry("effort").or_insert(Value::Null);
            settings.entry("summary").or_insert(Value::Null);
            Value::Object(settings)
        }
        _ => json!({"effort": null, "summary": null}),
    };
    json!({
        "id": id,
        "object": "response",
        "created_at": now_secs(),
        "status": status,
        "background": request.background,
        "completed_at": null,
        "error": null,
        "incomplete_details": null,
        "instructions": request.field("instructions"),
        "max_output_tokens": request.field("max_output_tokens"),
        "max_tool_calls": request.field("max_tool_calls"),
        "model": request.model,
        "output": [],
        "parallel_tool_calls": or("parallel_tool_calls", true.into()),
        "previous_response_id": request.field("previous_response_id"),
        "prompt_cache_key": request.field("prompt_cache_key"),
        "reasoning": reasoning,
        "safety_identifier": null,
        "service_tier": "auto",
        "store": or("store", true.into()),
        "temperature": or("temperature", 1.0.into()),
        "text": or("text", json!({"format": {"type": "text"}, "verbosity": "medium"})),
        "tool_choice": or("tool_choice", "auto".into()),
        "tools": or("tools", json!([])),
        "top_logprobs": or("top_logprobs", 0.into()),
        "top_p": or("top_p", 1.0.into()),
        "truncation": or("truncation", "disabled".into()),
        "usage": null,
        "user": null,
        "metadata": or("metadata", json!({})),
    })
}

pub(crate) fn usage(input_tokens: u64, output_tokens: u64, reasoning_tokens: u64) -> Value {
    json!({
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
        "total_tokens": input_tokens + output_tokens,
    })
}
