//! What a refused request means, read from whichever error shape the server
//! sent. The API's own shape is `{"error": {message, type, param, code}}`,
//! but gateways send others: the code as a string of the HTTP status
//! (`"code": "400"`), the upstream provider's JSON flattened into the
//! message (`litellm.RateLimitError: … OpenAIException - {"error": …}`),
//! FastAPI's `{"detail": …}`, a bare `{"message": …}`, plain text or an HTML
//! page. [`read`] turns each into one [`ErrorReading`] whose [`ErrorKind`]
//! the UI says in the user's language and the request adapter acts on (drop
//! the refused parameter and retry once).

use serde::Serialize;
use serde_json::Value;

/// What kind of refusal it is, whatever words the server used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The key is wrong, missing or revoked.
    BadKey,
    /// The key is good but may not use this model or endpoint.
    NoAccess,
    /// The model does not exist here (or this key cannot see it).
    ModelNotFound,
    /// Nothing at this path: usually a base URL without `/v1`, or a server
    /// without the Responses API.
    NotFound,
    /// One request parameter is not supported by this model or gateway.
    UnsupportedParameter,
    /// The conversation is longer than the model's context window.
    ContextTooLong,
    /// Too many requests for now; waiting helps.
    RateLimited,
    /// The account is out of credit; waiting does not help.
    QuotaExceeded,
    /// The request or the uploaded file is larger than the server takes.
    TooLarge,
    /// Any other request the server would not take.
    InvalidRequest,
    /// The server or the model behind it is overloaded.
    Overloaded,
    /// The server or the model behind it failed.
    ServerError,
    /// Nothing above fits.
    Unknown,
}

/// A refused request, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorReading {
    pub kind: ErrorKind,
    /// The most specific human text found (an upstream message unwrapped
    /// from a gateway's), at most [`MAX_MESSAGE_CHARS`].
    pub message: String,
    /// The refused parameter, when the server named it (in `param` or in
    /// its words), as a request field path (`reasoning`, `reasoning.effort`).
    pub param: Option<String>,
    /// The API's own code (`rate_limit_exceeded`), never a stringified
    /// HTTP status.
    pub code: Option<String>,
}

/// Enough for any real message; a body is untrusted and may be huge.
pub const MAX_MESSAGE_CHARS: usize = 400;

/// How deep flattened upstream errors are unwrapped (a gateway in front of a
/// gateway in front of a provider is two).
const MAX_UNWRAP: usize = 4;

/// Reads an error body of any shape for an HTTP `status`.
pub fn read(status: u16, body: &str) -> ErrorReading {
    let fields = fields_of(body.trim());
    let message = clean_message(&fields.message, status);
    let code = fields.code.filter(|c| !is_status_number(c));
    let named_param = fields.param.filter(|p| !p.is_empty());
    let kind = classify(status, &message, code.as_deref(), fields.kind.as_deref());
    let param = match kind {
        ErrorKind::UnsupportedParameter => named_param.or_else(|| param_in_words(&message)),
        _ => named_param,
    };
    ErrorReading {
        kind,
        message: truncate(&message),
        param,
        code,
    }
}

/// The fields every shape can carry, as found.
#[derive(Default)]
struct Fields {
    message: String,
    kind: Option<String>,
    param: Option<String>,
    code: Option<String>,
}

fn fields_of(body: &str) -> Fields {
    let mut fields = match serde_json::from_str::<Value>(body) {
        Ok(json) => fields_of_json(&json),
        Err(_) => Fields {
            message: text_of_non_json(body),
            ..Fields::default()
        },
    };
    // A gateway that flattened the provider's JSON error into its message:
    // the inner error says what really happened.
    for _ in 0..MAX_UNWRAP {
        let Some(inner) = embedded_json(&fields.message) else {
            break;
        };
        let inner = fields_of_json(&inner);
        if inner.message.is_empty() {
            break;
        }
        fields = Fields {
            message: inner.message,
            kind: inner.kind.or(fields.kind),
            param: inner.param.or(fields.param),
            code: match inner.code {
                Some(code) if !is_status_number(&code) => Some(code),
                _ => fields.code,
            },
        };
    }
    fields
}

fn fields_of_json(json: &Value) -> Fields {
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    match json {
        Value::Object(map) => {
            if let Some(error) = map.get("error") {
                return match error {
                    Value::Object(inner) => Fields {
                        message: text(inner.get("message")).unwrap_or_default(),
                        kind: text(inner.get("type")),
                        param: text(inner.get("param")),
                        code: text(inner.get("code")),
                    },
                    Value::String(message) => Fields {
                        message: message.clone(),
                        code: text(map.get("code")),
                        ..Fields::default()
                    },
                    _ => Fields::default(),
                };
            }
            if let Some(detail) = map.get("detail") {
                return Fields {
                    message: detail_text(detail),
                    ..Fields::default()
                };
            }
            Fields {
                message: text(map.get("message")).unwrap_or_default(),
                kind: text(map.get("type")),
                param: text(map.get("param")),
                code: text(map.get("code")),
            }
        }
        Value::String(message) => Fields {
            message: message.clone(),
            ..Fields::default()
        },
        _ => Fields::default(),
    }
}

/// FastAPI's `detail`: a string, or a list of `{loc, msg}`.
fn detail_text(detail: &Value) -> String {
    match detail {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| {
                let msg = item.get("msg")?.as_str()?;
                let loc: Vec<String> = item
                    .get("loc")
                    .and_then(Value::as_array)
                    .map(|parts| {
                        parts
                            .iter()
                            .filter_map(|p| match p {
                                Value::String(s) if s != "body" => Some(s.clone()),
                                Value::Number(n) => Some(n.to_string()),
                                _ => None,
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Some(if loc.is_empty() {
                    msg.to_owned()
                } else {
                    format!("{}: {msg}", loc.join("."))
                })
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// Plain text as is; an HTML page by its title (its markup is no message).
fn text_of_non_json(body: &str) -> String {
    let lower = body.to_ascii_lowercase();
    if !(lower.starts_with("<!doctype html") || lower.starts_with("<html")) {
        return body.to_owned();
    }
    let title = lower
        .find("<title>")
        .map(|start| start + "<title>".len())
        .and_then(|start| {
            lower[start..]
                .find("</title>")
                .map(|len| body[start..start + len].trim().to_owned())
        })
        .filter(|t| !t.is_empty());
    match title {
        Some(title) => format!("the server answered with a web page: {title}"),
        None => "the server answered with a web page, not the API".to_owned(),
    }
}

/// The first JSON object inside a message (`… OpenAIException - {"error": …}`).
fn embedded_json(message: &str) -> Option<Value> {
    let start = message.find('{')?;
    let mut values = serde_json::Deserializer::from_str(&message[start..]).into_iter::<Value>();
    match values.next() {
        Some(Ok(value @ Value::Object(_))) => Some(value),
        _ => None,
    }
}

/// Drops gateway decoration: `litellm.BadRequestError: ` prefixes, the
/// proxy's "model group … failed" trailer; an empty message says the status.
fn clean_message(message: &str, status: u16) -> String {
    let mut text = message.trim();
    if let Some(cut) = text.find("\n\nLiteLLM:") {
        text = text[..cut].trim_end();
    }
    // `litellm.RateLimitError: RateLimitError: OpenAIException - …`
    while let Some((head, rest)) = text.split_once(": ") {
        if !is_exception_name(head) {
            break;
        }
        text = rest.trim_start();
    }
    if let Some((head, rest)) = text.split_once(" - ") {
        if is_exception_name(head) {
            text = rest.trim_start();
        }
    }
    if text.is_empty() {
        format!("HTTP {status} with no message")
    } else {
        text.to_owned()
    }
}

/// `litellm.RateLimitError`, `OpenAIException`, `BadRequestError`.
fn is_exception_name(word: &str) -> bool {
    let last = word.rsplit('.').next().unwrap_or(word);
    !word.contains(' ')
        && (last.ends_with("Error") || last.ends_with("Exception"))
        && last.chars().next().is_some_and(char::is_uppercase)
}

fn is_status_number(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

fn classify(status: u16, message: &str, code: Option<&str>, kind: Option<&str>) -> ErrorKind {
    let lower = message.to_ascii_lowercase();
    let has = |needle: &str| lower.contains(needle);
    let tag = |wanted: &[&str]| {
        [code, kind]
            .into_iter()
            .flatten()
            .any(|value| wanted.iter().any(|w| value.eq_ignore_ascii_case(w)))
    };
    if tag(&["insufficient_quota", "billing_hard_limit_reached"])
        || has("exceeded your current quota")
    {
        return ErrorKind::QuotaExceeded;
    }
    if tag(&["context_length_exceeded", "string_above_max_length"])
        || has("maximum context length")
        || has("context window")
        || has("prompt is too long")
    {
        return ErrorKind::ContextTooLong;
    }
    if tag(&[
        "unsupported_parameter",
        "unsupported_value",
        "unknown_parameter",
    ]) || has("unsupportedparamserror")
        || has("unsupported parameter")
        || has("does not support parameters")
        || has("doesn't support `")
        || has("unrecognized request argument")
        || has("unknown parameter")
    {
        return ErrorKind::UnsupportedParameter;
    }
    if status == 413
        || tag(&["file_too_large", "request_too_large", "payload_too_large"])
        || has("file too large")
        || has("file is too large")
        || has("request entity too large")
        || has("exceeds the maximum file size")
    {
        return ErrorKind::TooLarge;
    }
    if tag(&["model_not_found"])
        || has("invalid model name")
        || (has("model") && (has("does not exist") || has("not found")))
    {
        return ErrorKind::ModelNotFound;
    }
    if tag(&["invalid_api_key", "authentication_error", "no_db_connection"])
        || has("incorrect api key")
        || has("invalid api key")
        // LiteLLM without a database answers any key it cannot check this way.
        || has("no connected db")
    {
        return ErrorKind::BadKey;
    }
    match status {
        401 => ErrorKind::BadKey,
        403 => ErrorKind::NoAccess,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        400 | 409 | 415 | 422 => ErrorKind::InvalidRequest,
        503 | 529 => ErrorKind::Overloaded,
        500..=599 => ErrorKind::ServerError,
        _ if tag(&[
            "rate_limit_exceeded",
            "rate_limit_error",
            "throttling_error",
        ]) =>
        {
            ErrorKind::RateLimited
        }
        400..=499 => ErrorKind::InvalidRequest,
        _ => ErrorKind::Unknown,
    }
}

/// The parameter a message names: `Unsupported parameter: 'reasoning.effort'`,
/// ``doesn't support `reasoning.effort` ``, `does not support parameters:
/// ['reasoning']`, `Unrecognized request argument supplied: foo`.
fn param_in_words(message: &str) -> Option<String> {
    const LEADS: [&str; 5] = [
        "unsupported parameter:",
        "does not support parameters:",
        "unrecognized request argument supplied:",
        "unknown parameter:",
        "doesn't support",
    ];
    let lower = message.to_ascii_lowercase();
    LEADS.iter().find_map(|lead| {
        let at = lower.find(lead)? + lead.len();
        let rest = message[at..].trim_start_matches([' ', '[']);
        let name: String = rest
            .trim_start_matches(['\'', '"', '`'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_param(status: u16, body: &str) -> (ErrorKind, Option<String>) {
        let reading = read(status, body);
        (reading.kind, reading.param)
    }

    #[test]
    fn the_api_shape_keeps_its_fields() {
        let reading = read(
            400,
            r#"{"error":{"message":"Unsupported parameter: 'temperature' is not supported with this model.","type":"invalid_request_error","param":"temperature","code":"unsupported_parameter"}}"#,
        );
        assert_eq!(reading.kind, ErrorKind::UnsupportedParameter);
        assert_eq!(reading.param.as_deref(), Some("temperature"));
        assert_eq!(reading.code.as_deref(), Some("unsupported_parameter"));
        assert!(reading.message.starts_with("Unsupported parameter"));
    }

    #[test]
    fn a_gateway_refusing_reasoning_names_the_parameter() {
        // LiteLLM proxy's answer to `reasoning` for a model without it.
        let body = r#"{"error":{"message":"litellm.UnsupportedParamsError: gpt-4o-mini doesn't support `reasoning.effort` (its model cost map entry lacks `supports_reasoning`). To drop unsupported params set `litellm.drop_params = True`\n\nLiteLLM: model group 'pass' failed with the error above. No fallback was attempted.","type":"invalid_request_error","param":null,"code":"400"}}"#;
        let reading = read(400, body);
        assert_eq!(reading.kind, ErrorKind::UnsupportedParameter);
        assert_eq!(reading.param.as_deref(), Some("reasoning.effort"));
        assert_eq!(
            reading.code, None,
            "a stringified status is not an API code"
        );
        assert!(reading.message.starts_with("gpt-4o-mini doesn't support"));
        assert!(!reading.message.contains("LiteLLM:"));
    }

    #[test]
    fn older_wordings_of_an_unsupported_parameter() {
        assert_eq!(
            kind_param(
                400,
                r#"{"error":{"message":"litellm.UnsupportedParamsError: openai does not support parameters: ['reasoning'], for model=gpt-4o-mini.","code":"400"}}"#
            ),
            (ErrorKind::UnsupportedParameter, Some("reasoning".into()))
        );
        assert_eq!(
            kind_param(
                400,
                "Unrecognized request argument supplied: halley_unknown"
            ),
            (
                ErrorKind::UnsupportedParameter,
                Some("halley_unknown".into())
            )
        );
    }

    #[test]
    fn an_upstream_error_flattened_into_the_message_is_unwrapped() {
        // LiteLLM proxy passing on its upstream's 429.
        let body = r#"{"error":{"message":"litellm.RateLimitError: RateLimitError: OpenAIException - {\"error\":{\"message\":\"Rate limit exceeded.\",\"type\":\"rate_limit_error\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}\n\nLiteLLM: model group 'pass' failed with the error above. No fallback was attempted.","type":"throttling_error","param":null,"code":"429"}}"#;
        let reading = read(429, body);
        assert_eq!(reading.kind, ErrorKind::RateLimited);
        assert_eq!(reading.message, "Rate limit exceeded.");
        assert_eq!(reading.code.as_deref(), Some("rate_limit_exceeded"));
    }

    #[test]
    fn a_wrong_key_whatever_the_status() {
        assert_eq!(
            read(401, r#"{"error":{"message":"Incorrect API key provided: sk-…abcd.","type":"invalid_request_error","code":"invalid_api_key"}}"#).kind,
            ErrorKind::BadKey
        );
        // LiteLLM proxy without a database.
        assert_eq!(
            read(
                400,
                r#"{"error":{"message":"No connected db.","type":"no_db_connection","param":null,"code":"400"}}"#
            )
            .kind,
            ErrorKind::BadKey
        );
        assert_eq!(read(401, "").kind, ErrorKind::BadKey);
        assert_eq!(read(401, "").message, "HTTP 401 with no message");
    }

    #[test]
    fn quota_is_not_a_rate_limit() {
        let reading = read(
            429,
            r#"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#,
        );
        assert_eq!(reading.kind, ErrorKind::QuotaExceeded);
    }

    #[test]
    fn context_model_and_path() {
        assert_eq!(
            read(400, r#"{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130001 tokens.","code":"context_length_exceeded"}}"#).kind,
            ErrorKind::ContextTooLong
        );
        assert_eq!(
            read(400, r#"{"error":{"message":"/responses: Invalid model name passed in model=halley-no-such-model. Call `/v1/models` to view available models for your key.","code":"400"}}"#).kind,
            ErrorKind::ModelNotFound
        );
        assert_eq!(
            read(404, r#"{"error":{"message":"The model `gpt-9` does not exist or you do not have access to it.","code":"model_not_found"}}"#).kind,
            ErrorKind::ModelNotFound
        );
        assert_eq!(
            read(404, r#"{"detail":"Not Found"}"#).kind,
            ErrorKind::NotFound
        );
    }

    #[test]
    fn fastapi_details_and_bare_messages() {
        let reading = read(
            422,
            r#"{"detail":[{"loc":["body","input",0,"content"],"msg":"Field required","type":"missing"}]}"#,
        );
        assert_eq!(reading.kind, ErrorKind::InvalidRequest);
        assert_eq!(reading.message, "input.0.content: Field required");
        assert_eq!(
            read(500, r#"{"message":"upstream timed out"}"#).message,
            "upstream timed out"
        );
        assert_eq!(read(400, r#"{"error":"bad input"}"#).message, "bad input");
        assert_eq!(read(503, "Service Unavailable").kind, ErrorKind::Overloaded);
    }

    #[test]
    fn an_html_page_is_named_not_dumped() {
        let reading = read(
            502,
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>",
        );
        assert_eq!(reading.kind, ErrorKind::ServerError);
        assert_eq!(
            reading.message,
            "the server answered with a web page: 502 Bad Gateway"
        );
    }

    #[test]
    fn hostile_bodies_stay_bounded() {
        let long = format!(r#"{{"error":{{"message":"{}"}}}}"#, "a".repeat(100_000));
        assert!(read(400, &long).message.chars().count() <= MAX_MESSAGE_CHARS + 1);
        // Nesting deeper than the unwrap bound ends; it does not recurse on.
        // (Each level escapes the one inside, so the text doubles per level.)
        let mut nested = r#"{"error":{"message":"core"}}"#.to_owned();
        for _ in 0..10 {
            nested =
                serde_json::json!({ "error": { "message": format!("E - {nested}") } }).to_string();
        }
        let reading = read(500, &nested);
        assert_eq!(reading.kind, ErrorKind::ServerError);
        assert!(reading.message.len() < nested.len());
        assert_eq!(read(400, "{").message, "{");
        assert_eq!(read(400, "   ").message, "HTTP 400 with no message");
    }
}
