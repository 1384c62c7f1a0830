//! Graders: what decides whether one row's output passes. Several run on
//! every row; a row passes when each of them passes. The model grader sends
//! a request of its own and is run by [`super::run`]; this module builds
//! its prompt and reads its answer, so both are tested without a network.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::Error;

/// Where a text grader reads the value it compares with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "from", rename_all = "camelCase")]
#[ts(export_to = "EvalReference.ts", rename = "EvalReference")]
pub enum Reference {
    /// The dataset's expected-output column.
    Expected,
    /// Another column of the row.
    Column { name: String },
    /// A fixed value.
    Literal { value: String },
}

/// How a value found at a JSON path is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "EvalComparison.ts", rename = "EvalComparison")]
pub enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
}

/// One grader of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[ts(export_to = "GraderSpec.ts")]
pub enum GraderSpec {
    /// The output equals the reference (after trimming both; optionally
    /// ignoring case).
    Exact {
        reference: Reference,
        #[serde(default)]
        ignore_case: bool,
    },
    Contains {
        reference: Reference,
        #[serde(default)]
        ignore_case: bool,
    },
    /// The output matches a regular expression; `{{column}}` variables in
    /// the pattern are filled from the row and escaped.
    Regex { pattern: String },
    /// The output is JSON that fits a JSON Schema (the preset's reply
    /// schema when `schema` is `None`).
    JsonSchema {
        #[serde(default)]
        schema: Option<String>,
    },
    /// The output is JSON and the value at `path` (`$.a.b[0]`) compares
    /// with `value` (JSON: a number compares as a number, a string as text;
    /// a value that is `{{column}}` is read from the row).
    JsonPath {
        path: String,
        op: Comparison,
        #[ts(type = "unknown")]
        value: Value,
    },
    /// Another model reads the output and gives a score on `scale`.
    Model(ModelGrader),
}

/// A model grader: its own provider and model, a rubric, a score scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "ModelGrader.ts")]
pub struct ModelGrader {
    /// `None`: the variant's provider.
    #[serde(default)]
    pub provider_id: Option<String>,
    pub model: String,
    /// What to judge. `{{output}}`, `{{expected}}` and the row's columns
    /// are filled in.
    pub rubric: String,
    pub min: i32,
    pub max: i32,
    /// A score at or above this passes.
    pub pass_at: i32,
}

impl GraderSpec {
    pub fn name(&self) -> String {
        match self {
            GraderSpec::Exact { .. } => "exact".into(),
            GraderSpec::Contains { .. } => "contains".into(),
            GraderSpec::Regex { .. } => "regex".into(),
            GraderSpec::JsonSchema { .. } => "json_schema".into(),
            GraderSpec::JsonPath { path, .. } => format!("json_path {path}"),
            GraderSpec::Model(m) => format!("model {}", m.model),
        }
    }

    /// Checks what can be checked before any request: the pattern compiles,
    /// the path reads, the scale is a scale.
    pub fn check(&self) -> Result<(), Error> {
        match self {
            GraderSpec::Regex { pattern } => {
                // With variables filled by a placeholder, the pattern must compile.
                let probe = super::template::fill(pattern, 0, |_| Some("x")).unwrap_or_default();
                regex::Regex::new(&probe).map_err(|e| {
                    Error::InvalidInput(format!("the regex grader's pattern is not valid: {e}"))
                })?;
            }
            GraderSpec::JsonPath { path, .. } => {
                pointer_of(path)?;
            }
            GraderSpec::JsonSchema {
                schema: Some(schema),
            } => {
                super::super::playground::validate_json(schema, "null")?;
            }
            GraderSpec::Model(m) => {
                if m.min >= m.max || m.pass_at < m.min || m.pass_at > m.max {
                    return Err(Error::InvalidInput(format!(
                        "the model grader's scale {}–{} (passing at {}) is not a scale",
                        m.min, m.max, m.pass_at
                    )));
                }
                if m.model.trim().is_empty() || m.rubric.trim().is_empty() {
                    return Err(Error::InvalidInput(
                        "the model grader needs a model and a rubric".into(),
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// What one grader said about one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "Grade.ts")]
pub struct Grade {
    pub grader: String,
    pub passed: bool,
    /// 0–1 (a model grader's score scaled onto it); `None` for yes/no graders.
    pub score: Option<f64>,
    /// Why it did not pass, or why it could not grade (`passed` is false).
    pub note: Option<String>,
    /// The grader could not grade (not JSON, an off-scale answer): the row
    /// does not pass, and this says it was the grading that failed.
    #[serde(default)]
    pub error: bool,
}

impl Grade {
    fn yes_no(grader: String, passed: bool, note: impl FnOnce() -> String) -> Self {
        Grade {
            grader,
            passed,
            score: None,
            note: (!passed).then(note),
            error: false,
        }
    }

    pub fn failed(grader: String, note: String) -> Self {
        Grade {
            grader,
            passed: false,
            score: None,
            note: Some(note),
            error: true,
        }
    }
}

/// A person's grade of a row, stored later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
#[ts(export_to = "HumanGrade.ts")]
pub enum HumanGrade {
    Thumb(bool),
    Stars(u8),
}

impl HumanGrade {
    pub fn check(self) -> Result<Self, Error> {
        match self {
            HumanGrade::Stars(n) if !(1..=5).contains(&n) => Err(Error::InvalidInput(format!(
                "a grade is 1 to 5 stars, not {n}"
            ))),
            grade => Ok(grade),
        }
    }
}

/// What a grader needs of a row.
pub struct RowView<'a> {
    pub output: &'a str,
    pub expected: Option<&'a str>,
    pub cell: &'a (dyn Fn(&str) -> Option<&'a str> + Sync),
    /// The preset's reply schema, for a schema grader without its own.
    pub reply_schema: Option<&'a str>,
}

fn reference_of(reference: &Reference, row: &RowView<'_>) -> Result<String, String> {
    match reference {
        Reference::Expected => row
            .expected
            .map(str::to_owned)
            .ok_or_else(|| "the dataset has no expected-output column".to_owned()),
        Reference::Column { name } => (row.cell)(name)
            .map(str::to_owned)
            .ok_or_else(|| format!("the row has no column \"{name}\"")),
        Reference::Literal { value } => Ok(value.clone()),
    }
}

/// A regex grader's pattern compiled once for the whole run, when it names
/// no column (a pattern with `{{columns}}` differs by row).
pub fn compile_once(spec: &GraderSpec) -> Option<regex::Regex> {
    match spec {
        GraderSpec::Regex { pattern } if super::template::variables_of(pattern).is_empty() => {
            regex::Regex::new(pattern).ok()
        }
        _ => None,
    }
}

/// Grades `row` by a grader that needs no request (all but the model
/// grader, which [`super::run`] handles with [`model_prompt`] and
/// [`read_score`]). `compiled` is [`compile_once`]'s regex, if any.
pub fn grade_locally(
    spec: &GraderSpec,
    compiled: Option<&regex::Regex>,
    row: &RowView<'_>,
) -> Grade {
    let name = spec.name();
    let output = row.output.trim();
    if let (GraderSpec::Regex { .. }, Some(re)) = (spec, compiled) {
        return Grade::yes_no(name, re.is_match(row.output), || {
            format!("does not match /{}/", re.as_str())
        });
    }
    match spec {
        GraderSpec::Exact {
            reference,
            ignore_case,
        }
        | GraderSpec::Contains {
            reference,
            ignore_case,
        } => {
            let wanted = match reference_of(reference, row) {
                Ok(value) => value,
                Err(note) => return Grade::failed(name, note),
            };
            let wanted = wanted.trim();
            let (a, b) = if *ignore_case {
                (output.to_lowercase(), wanted.to_lowercase())
            } else {
                (output.to_owned(), wanted.to_owned())
            };
            let passed = if matches!(spec, GraderSpec::Exact { .. }) {
                a == b
            } else {
                a.contains(&b)
            };
            Grade::yes_no(name, passed, || format!("expected \"{wanted}\""))
        }
        GraderSpec::Regex { pattern } => {
            // A column the pattern names and the row lacks is the row's
            // problem, said as the template says it.
            if let Err(problem) = super::template::fill(pattern, 0, |c| (row.cell)(c)) {
                return Grade::failed(name, problem.to_string());
            }
            let filled = fill_escaped(pattern, row);
            match regex::Regex::new(&filled) {
                Ok(re) => Grade::yes_no(name, re.is_match(row.output), || {
                    format!("does not match /{filled}/")
                }),
                Err(e) => Grade::failed(name, format!("the pattern is not valid: {e}")),
            }
        }
        GraderSpec::JsonSchema { schema } => {
            let Some(schema) = schema.as_deref().or(row.reply_schema) else {
                return Grade::failed(name, "no schema: the preset asks for no JSON schema".into());
            };
            match super::super::playground::validate_json(schema, output) {
                Ok(violations) if violations.is_empty() => Grade::yes_no(name, true, String::new),
                Ok(violations) => Grade::yes_no(name, false, || {
                    violations
                        .iter()
                        .take(3)
                        .map(|v| {
                            format!(
                                "{}: {}",
                                if v.path.is_empty() { "/" } else { &v.path },
                                v.message
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                }),
                Err(error) => Grade::failed(name, error.to_string()),
            }
        }
        GraderSpec::JsonPath { path, op, value } => json_path(name, path, *op, value, row),
        GraderSpec::Model(_) => Grade::failed(name, "a model grader needs a request".into()),
    }
}

/// The pattern with `{{column}}` filled by the row's cells, each escaped so
/// a cell's `.` or `(` is matched as itself.
fn fill_escaped(pattern: &str, row: &RowView<'_>) -> String {
    let escaped: std::collections::HashMap<String, String> = super::template::variables_of(pattern)
        .into_iter()
        .filter_map(|name| (row.cell)(&name).map(|v| (name, regex::escape(v))))
        .collect();
    super::template::fill(pattern, 0, |name| escaped.get(name).map(String::as_str))
        .unwrap_or_default()
}

/// `$.a.b[0]`, `a.b.0` or a JSON pointer `/a/b/0` as a JSON pointer.
fn pointer_of(path: &str) -> Result<String, Error> {
    let path = path.trim();
    if path.starts_with('/') || path.is_empty() {
        return Ok(path.to_owned());
    }
    let body = path.strip_prefix('$').unwrap_or(path);
    let mut pointer = String::new();
    for segment in body.split('.').filter(|s| !s.is_empty()) {
        let (key, mut rest) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !key.is_empty() {
            pointer.push('/');
            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let Some(end) = inner.find(']') else {
                return Err(Error::InvalidInput(format!(
                    "the JSON path {path} has an open ["
                )));
            };
            let index = inner[..end].trim_matches(|c| c == '"' || c == '\'');
            pointer.push('/');
            pointer.push_str(index);
            rest = &inner[end + 1..];
        }
        if !rest.is_empty() {
            return Err(Error::InvalidInput(format!(
                "the JSON path {path} cannot be read"
            )));
        }
    }
    Ok(pointer)
}

fn json_path(name: String, path: &str, op: Comparison, value: &Value, row: &RowView<'_>) -> Grade {
    let pointer = match pointer_of(path) {
        Ok(p) => p,
        Err(e) => return Grade::failed(name, e.to_string()),
    };
    let output: Value = match serde_json::from_str(row.output.trim()) {
        Ok(v) => v,
        Err(e) => return Grade::failed(name, format!("the output is not JSON: {e}")),
    };
    let Some(found) = output.pointer(&pointer) else {
        return Grade::yes_no(name, false, || format!("nothing at {path}"));
    };
    // A wanted value of "{{column}}" is read from the row.
    let wanted = match value {
        Value::String(s) => {
            let vars = super::template::variables_of(s);
            if vars.is_empty() {
                value.clone()
            } else {
                match super::template::fill(s, 0, |c| (row.cell)(c)) {
                    Ok(filled) => Value::String(filled),
                    Err(problem) => return Grade::failed(name, problem.to_string()),
                }
            }
        }
        other => other.clone(),
    };
    let as_number = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let as_text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let ordering = match (as_number(found), as_number(&wanted)) {
        (Some(a), Some(b)) if found.is_number() || wanted.is_number() => a.partial_cmp(&b),
        _ => Some(as_text(found).cmp(&as_text(&wanted))),
    };
    use std::cmp::Ordering::*;
    let passed = match op {
        Comparison::Eq => ordering == Some(Equal),
        Comparison::Ne => ordering != Some(Equal),
        Comparison::Lt => ordering == Some(Less),
        Comparison::Le => matches!(ordering, Some(Less | Equal)),
        Comparison::Gt => ordering == Some(Greater),
        Comparison::Ge => matches!(ordering, Some(Greater | Equal)),
        Comparison::Contains => as_text(found).contains(&as_text(&wanted)),
    };
    Grade::yes_no(name, passed, || {
        format!(
            "{path} is {} ({op:?} {} fails)",
            as_text(found),
            as_text(&wanted)
        )
    })
}

/// The model grader's instructions and input for one row.
pub fn model_prompt(grader: &ModelGrader, row: &RowView<'_>) -> Result<(String, String), String> {
    let rubric = super::template::fill(&grader.rubric, 0, |name| match name {
        "output" => Some(row.output),
        "expected" => row.expected.or(Some("")),
        other => (row.cell)(other),
    })
    .map_err(|p| p.to_string())?;
    let instructions = format!(
        "You grade an answer. {rubric}\n\nReply with one whole number from {} to {} and nothing else.",
        grader.min, grader.max
    );
    let mut input = format!("Answer to grade:\n{}", row.output);
    if let Some(expected) = row.expected {
        input.push_str(&format!("\n\nReference answer:\n{expected}"));
    }
    Ok((instructions, input))
}

/// Reads the grader model's reply: the last whole number in it, which must
/// lie on the scale. Anything else is a grading error for the row.
pub fn read_score(grader: &ModelGrader, reply: &str) -> Grade {
    let name = format!("model {}", grader.model);
    let number = regex::Regex::new(r"-?\d+(?:\.\d+)?")
        .ok()
        .and_then(|re| re.find_iter(reply).last().map(|m| m.as_str().to_owned()));
    let Some(number) = number else {
        return Grade::failed(
            name,
            format!("the grader's reply has no score: {}", short(reply)),
        );
    };
    let Ok(score) = number.parse::<f64>() else {
        return Grade::failed(name, format!("the grader's score {number} is not a number"));
    };
    if score.fract() != 0.0 || score < f64::from(grader.min) || score > f64::from(grader.max) {
        return Grade::failed(
            name,
            format!(
                "the grader answered {number}, outside the scale {}–{}",
                grader.min, grader.max
            ),
        );
    }
    let passed = score >= f64::from(grader.pass_at);
    Grade {
        grader: name,
        passed,
        score: Some((score - f64::from(grader.min)) / f64::from(grader.max - grader.min)),
        note: (!passed).then(|| format!("scored {number} of {}", grader.max)),
        error: false,
    }
}

fn short(text: &str) -> String {
    let cut: String = text.chars().take(80).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn grade(spec: &GraderSpec, output: &str, expected: Option<&str>) -> Grade {
        let cell = |name: &str| match name {
            "city" => Some("St. Louis"),
            "n" => Some("4"),
            _ => None,
        };
        spec.check().expect("a valid grader");
        let compiled = compile_once(spec);
        grade_locally(
            spec,
            compiled.as_ref(),
            &RowView {
                output,
                expected,
                cell: &cell,
                reply_schema: None,
            },
        )
    }

    #[test]
    fn exact_and_contains_compare_with_the_reference() {
        let exact = GraderSpec::Exact {
            reference: Reference::Expected,
            ignore_case: false,
        };
        assert!(grade(&exact, " Paris\n", Some("Paris")).passed, "trimmed");
        let miss = grade(&exact, "paris", Some("Paris"));
        assert!(!miss.passed && !miss.error);
        assert_eq!(miss.note.as_deref(), Some("expected \"Paris\""));
        let folded = GraderSpec::Exact {
            reference: Reference::Expected,
            ignore_case: true,
        };
        assert!(grade(&folded, "paris", Some("PARIS")).passed);
        let no_column = grade(&exact, "x", None);
        assert!(no_column.error, "no expected column is a grading error");

        let contains = GraderSpec::Contains {
            reference: Reference::Column {
                name: "city".into(),
            },
            ignore_case: false,
        };
        assert!(grade(&contains, "I live in St. Louis.", None).passed);
        assert!(!grade(&contains, "I live in Paris.", None).passed);
    }

    #[test]
    fn regex_fills_columns_escaped() {
        let spec = GraderSpec::Regex {
            pattern: r"^Welcome to {{city}}!$".into(),
        };
        assert!(grade(&spec, "Welcome to St. Louis!", None).passed);
        // The '.' of "St. Louis" is literal, not "any character".
        assert!(!grade(&spec, "Welcome to StX Louis!", None).passed);
        let bad = GraderSpec::Regex {
            pattern: "(".into(),
        };
        assert!(
            bad.check().is_err(),
            "a broken pattern is refused before the run"
        );
    }

    #[test]
    fn json_schema_names_the_violation_and_non_json_is_a_grading_error() {
        let spec = GraderSpec::JsonSchema {
            schema: Some(
                r#"{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}"#
                    .into(),
            ),
        };
        assert!(grade(&spec, r#"{"n": 3}"#, None).passed);
        let wrong = grade(&spec, r#"{"n": "three"}"#, None);
        assert!(!wrong.passed && !wrong.error);
        assert!(
            wrong.note.as_deref().is_some_and(|n| n.contains("/n")),
            "{wrong:?}"
        );
        let prose = grade(&spec, "three", None);
        assert!(prose.error, "{prose:?}");
    }

    #[test]
    fn json_path_compares_numbers_as_numbers_and_text_as_text() {
        let path = |path: &str, op, value| GraderSpec::JsonPath {
            path: path.into(),
            op,
            value,
        };
        let output = r#"{"items": [{"price": 10}, {"price": 9.5}], "name": "Lan"}"#;
        assert!(
            grade(
                &path("$.items[0].price", Comparison::Gt, json!(9.75)),
                output,
                None
            )
            .passed
        );
        assert!(
            grade(
                &path("$.items[1].price", Comparison::Lt, json!("10")),
                output,
                None
            )
            .passed
        );
        assert!(grade(&path("/name", Comparison::Eq, json!("Lan")), output, None).passed);
        assert!(
            grade(
                &path("name", Comparison::Contains, json!("a")),
                output,
                None
            )
            .passed
        );
        // "10" > "9.5" as numbers even though not as text.
        assert!(
            grade(
                &path("$.items[0].price", Comparison::Ge, json!(9.5)),
                output,
                None
            )
            .passed
        );
        // A wanted value read from the row.
        assert!(
            !grade(
                &path("$.items[0].price", Comparison::Eq, json!("{{n}}")),
                output,
                None
            )
            .passed
        );
        assert!(
            grade(
                &path("$.items[0].price", Comparison::Gt, json!("{{n}}")),
                output,
                None
            )
            .passed
        );
        let missing = grade(&path("$.nope", Comparison::Eq, json!(1)), output, None);
        assert!(!missing.passed && !missing.error);
        assert!(grade(&path("$.a", Comparison::Eq, json!(1)), "not json", None).error);
        assert!(path("$.a[0", Comparison::Eq, json!(1)).check().is_err());
    }

    #[test]
    fn a_model_graders_score_is_read_and_an_off_scale_answer_is_a_grading_error() {
        let grader = ModelGrader {
            provider_id: None,
            model: "judge".into(),
            rubric: "Is {{output}} polite?".into(),
            min: 1,
            max: 5,
            pass_at: 4,
        };
        let four = read_score(&grader, "Score: 4");
        assert!(four.passed && !four.error);
        assert_eq!(four.score, Some(0.75));
        let two = read_score(&grader, "2");
        assert!(!two.passed && !two.error);
        for reply in ["9", "0", "3.5", "I cannot say", ""] {
            let grade = read_score(&grader, reply);
            assert!(grade.error && !grade.passed, "{reply:?} → {grade:?}");
        }
        assert!(read_score(&grader, "9")
            .note
            .as_deref()
            .is_some_and(|n| n.contains("outside the scale 1–5")));
        let bad_scale = GraderSpec::Model(ModelGrader {
            min: 5,
            max: 1,
            ..grader.clone()
        });
        assert!(bad_scale.check().is_err());
        let cell = |_: &str| None;
        let (instructions, input) = model_prompt(
            &grader,
            &RowView {
                output: "Thanks!",
                expected: Some("Thank you"),
                cell: &cell,
                reply_schema: None,
            },
        )
        .expect("prompt");
        assert!(
            instructions.contains("Is Thanks! polite?") && instructions.contains("from 1 to 5")
        );
        assert!(input.contains("Thanks!") && input.contains("Thank you"));
    }

    #[test]
    fn graders_read_from_the_json_the_ui_and_graders_json_send() {
        let graders: Vec<GraderSpec> = serde_json::from_value(json!([
            {"kind": "exact", "reference": {"from": "expected"}, "ignoreCase": true},
            {"kind": "contains", "reference": {"from": "column", "name": "city"}},
            {"kind": "json_path", "path": "$.n", "op": "ge", "value": 3},
            {"kind": "model", "model": "judge", "rubric": "Polite?", "min": 1, "max": 5, "passAt": 4}
        ]))
        .expect("graders");
        assert!(matches!(
            graders[0],
            GraderSpec::Exact {
                ignore_case: true,
                ..
            }
        ));
        assert!(
            matches!(&graders[1], GraderSpec::Contains { reference: Reference::Column { name }, ignore_case: false } if name == "city")
        );
        assert!(
            matches!(&graders[3], GraderSpec::Model(m) if m.pass_at == 4 && m.provider_id.is_none())
        );
        let back = serde_json::to_value(&graders[0]).expect("json");
        assert_eq!(back["ignoreCase"], true);
    }

    #[test]
    fn human_grades_are_thumbs_or_one_to_five_stars() {
        assert!(HumanGrade::Stars(5).check().is_ok());
        assert!(HumanGrade::Thumb(false).check().is_ok());
        assert!(HumanGrade::Stars(0).check().is_err());
        assert!(HumanGrade::Stars(6).check().is_err());
    }
}
