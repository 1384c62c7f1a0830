//! Checks a structured reply against the schema the user gave the model.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::Error;

/// One way the instance breaks the schema. `path` is a JSON pointer into the
/// instance (`""` for the root, `/items/0/name`), so the UI can mark the spot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Violation.ts")]
pub struct Violation {
    pub path: String,
    pub message: String,
}

/// Every violation of `schema` by `instance` (both JSON text); empty when it
/// conforms. Text that is not JSON, or a schema that is not a valid schema,
/// is `InvalidInput` with a message saying which.
pub fn validate_json(schema: &str, instance: &str) -> Result<Vec<Violation>, Error> {
    let schema: Value = serde_json::from_str(schema)
        .map_err(|e| Error::InvalidInput(format!("the schema is not JSON: {e}")))?;
    let instance: Value = serde_json::from_str(instance)
        .map_err(|e| Error::InvalidInput(format!("the reply is not JSON: {e}")))?;
    let validator = jsonschema::validator_for(&schema)
        .map_err(|e| Error::InvalidInput(format!("the schema is not a valid JSON Schema: {e}")))?;
    Ok(validator
        .iter_errors(&instance)
        .map(|error| Violation {
            path: error.instance_path().to_string(),
            message: error.to_string(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0}},"required":["name","age"],"additionalProperties":false}"#;

    #[test]
    fn conforming_instance_has_no_violations() {
        let found = validate_json(SCHEMA, r#"{"name":"Ada","age":36}"#).expect("valid inputs");
        assert!(
            found.is_empty(),
            "a reply that fits the schema must not be flagged: {found:?}"
        );
    }

    #[test]
    fn each_violation_points_at_its_place() {
        let found =
            validate_json(SCHEMA, r#"{"name":7,"age":-1,"extra":true}"#).expect("valid inputs");
        let paths: Vec<&str> = found.iter().map(|v| v.path.as_str()).collect();
        // Three separate faults: wrong type, below minimum, a property the schema forbids.
        assert!(
            paths.contains(&"/name"),
            "the wrong type is reported at /name: {paths:?}"
        );
        assert!(
            paths.contains(&"/age"),
            "the negative age is reported at /age: {paths:?}"
        );
        assert!(
            found
                .iter()
                .any(|v| v.path.is_empty() && v.message.contains("extra")),
            "the forbidden property is reported on the root object: {found:?}"
        );
    }

    #[test]
    fn missing_required_property_is_reported() {
        let found = validate_json(SCHEMA, r#"{"name":"Ada"}"#).expect("valid inputs");
        assert!(
            found.iter().any(|v| v.message.contains("age")),
            "a missing required property must be named: {found:?}"
        );
    }

    #[test]
    fn bad_json_or_bad_schema_is_invalid_input() {
        // Each says what was wrong, so the UI can show it next to the right box.
        let reply = validate_json(SCHEMA, "{not json").expect_err("reply is not JSON");
        assert!(reply.to_string().contains("reply is not JSON"), "{reply}");
        let schema = validate_json("[", "{}").expect_err("schema is not JSON");
        assert!(
            schema.to_string().contains("schema is not JSON"),
            "{schema}"
        );
        let bad = validate_json(r#"{"type":"no-such-type"}"#, "{}").expect_err("schema invalid");
        assert!(bad.to_string().contains("not a valid JSON Schema"), "{bad}");
    }
}
