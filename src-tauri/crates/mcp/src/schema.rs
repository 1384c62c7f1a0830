//! A server's tool as a function tool for the Responses API: its input
//! schema passed through, `strict` only where the schema meets strict mode's
//! rules (the API refuses a strict tool whose schema does not), and a tool
//! whose schema is not valid JSON Schema kept out (the API would refuse the
//! whole request) with the reason, which the UI shows on that tool.

use halley_responses::request::FunctionTool;
use halley_responses::Nullable;
use serde_json::{Map, Value};

/// The longest description sent to the model; servers can send novels.
pub const MAX_DESCRIPTION_CHARS: usize = 4096;

/// Why a tool's input schema cannot be given to the model, if it cannot.
pub fn schema_problem(schema: &Map<String, Value>) -> Option<String> {
    if let Some(kind) = schema.get("type") {
        if kind != "object" {
            return Some(format!(
                "the input schema's type is {kind}, but a tool's arguments must be an object"
            ));
        }
    }
    let value = Value::Object(schema.clone());
    let checked = match jsonschema::meta::validate(&value) {
        // A `$schema` this validator does not know: check it as the current draft.
        Err(error) if error.to_string().contains("$schema") => {
            let mut without = schema.clone();
            without.remove("$schema");
            jsonschema::meta::validate(&Value::Object(without)).map_err(|e| e.to_string())
        }
        other => other.map_err(|e| e.to_string()),
    };
    checked
        .err()
        .map(|e| format!("the input schema is not valid JSON Schema: {e}"))
}

/// Where `schema` breaks OpenAI's strict mode (every object lists all its
/// properties in `required` and sets `additionalProperties: false`);
/// empty when it can be sent with `strict: true`.
pub fn strict_problems(schema: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    walk_strict(schema, "", &mut problems, 0);
    problems
}

fn walk_strict(schema: &Value, path: &str, problems: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        problems.push(format!("{path}: nested too deeply"));
        return;
    }
    let Some(object) = schema.as_object() else {
        return;
    };
    let is_object = object.get("type") == Some(&Value::String("object".into()))
        || object.contains_key("properties");
    if is_object {
        if object.get("additionalProperties") != Some(&Value::Bool(false)) {
            problems.push(format!("{}: additionalProperties must be false", at(path)));
        }
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(Value::Object(properties)) = object.get("properties") {
            for (name, property) in properties {
                if !required.contains(&name.as_str()) {
                    problems.push(format!("{}: {name} must be required", at(path)));
                }
                walk_strict(
                    property,
                    &format!("{path}/properties/{name}"),
                    problems,
                    depth + 1,
                );
            }
        }
    }
    for key in ["items", "not"] {
        if let Some(child) = object.get(key) {
            walk_strict(child, &format!("{path}/{key}"), problems, depth + 1);
        }
    }
    for key in ["anyOf", "allOf", "oneOf", "prefixItems"] {
        if let Some(Value::Array(children)) = object.get(key) {
            for (i, child) in children.iter().enumerate() {
                walk_strict(child, &format!("{path}/{key}/{i}"), problems, depth + 1);
            }
        }
    }
    for key in ["$defs", "definitions"] {
        if let Some(Value::Object(defs)) = object.get(key) {
            for (name, child) in defs {
                walk_strict(child, &format!("{path}/{key}/{name}"), problems, depth + 1);
            }
        }
    }
}

fn at(path: &str) -> &str {
    if path.is_empty() {
        "/"
    } else {
        path
    }
}

/// The function tool the model is offered for one MCP tool. `None` when the
/// schema has a [`schema_problem`].
pub fn function_tool(
    function_name: &str,
    description: Option<&str>,
    schema: &Map<String, Value>,
) -> Option<FunctionTool> {
    if schema_problem(schema).is_some() {
        return None;
    }
    let mut parameters = schema.clone();
    // The API wants an object schema; MCP allows leaving `type` out.
    parameters
        .entry("type")
        .or_insert_with(|| Value::String("object".into()));
    if !parameters.contains_key("properties") {
        parameters.insert("properties".into(), Value::Object(Map::new()));
    }
    let parameters = Value::Object(parameters);
    let strict = strict_problems(&parameters).is_empty();
    let description = description
        .map(|d| d.chars().take(MAX_DESCRIPTION_CHARS).collect::<String>())
        .filter(|d| !d.is_empty());
    Some(FunctionTool {
        name: function_name.to_owned(),
        description: description.map_or(Nullable::Absent, Nullable::Value),
        parameters: Nullable::Value(parameters),
        strict: Nullable::Value(strict),
        ..FunctionTool::default()
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().expect("an object").clone()
    }

    #[test]
    fn a_typical_mcp_schema_is_sent_non_strict() {
        let schema = object(
            json!({"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]}),
        );
        let tool = function_tool("files__read", Some("Reads a file"), &schema).expect("valid");
        assert_eq!(
            tool.strict,
            Nullable::Value(false),
            "no additionalProperties: false"
        );
        assert_eq!(tool.parameters, Nullable::Value(Value::Object(schema)));
    }

    #[test]
    fn a_strict_ready_schema_is_sent_strict() {
        let schema = object(
            json!({"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}, "required": ["b"], "additionalProperties": false}}, "required": ["a"], "additionalProperties": false}),
        );
        let tool = function_tool("s__t", None, &schema).expect("valid");
        assert_eq!(tool.strict, Nullable::Value(true));
        let mut loose = schema.clone();
        loose["properties"]["a"]["additionalProperties"] = json!(true);
        assert_eq!(
            strict_problems(&Value::Object(loose)),
            ["/properties/a: additionalProperties must be false"]
        );
    }

    #[test]
    fn an_empty_schema_becomes_an_object_with_no_properties() {
        let tool = function_tool("s__t", None, &Map::new()).expect("valid");
        assert_eq!(
            tool.parameters,
            Nullable::Value(json!({"type": "object", "properties": {}}))
        );
    }

    #[test]
    fn an_invalid_schema_is_kept_out_with_its_reason() {
        for bad in [
            json!({"type": "object", "properties": {"x": {"type": "nonsense"}}}),
            json!({"type": "object", "required": "x"}),
            json!({"type": "string"}),
        ] {
            let schema = object(bad.clone());
            let problem = schema_problem(&schema).expect("a problem");
            assert!(!problem.is_empty());
            assert!(function_tool("s__t", None, &schema).is_none(), "{bad}");
        }
        let draft7 = object(
            json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": {}}),
        );
        assert_eq!(schema_problem(&draft7), None);
    }
}
