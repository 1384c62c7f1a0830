//! `{{variables}}` in a preset's instructions and messages, filled from a
//! dataset row. A name is letters, digits, `_`, `-` and `.` (spaces inside
//! the braces are allowed: `{{ city }}`); anything else between braces, or
//! a lone `{{`, is kept as text, so JSON or code in a prompt is never
//! mistaken for a variable. `{{{{` is not special either: there is no
//! escape, because a name can never contain a brace.

use std::collections::BTreeSet;

use serde::Serialize;
use ts_rs::TS;

/// Why a template could not be filled. Named by variable and row, so the
/// message points at the one cell to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
#[ts(export_to = "TemplateProblem.ts")]
pub enum TemplateProblem {
    /// Row `row` (1-based, as a spreadsheet counts data rows) has no
    /// column, or an empty cell, for `variable`.
    #[error("row {row} has no value for the variable {{{{{variable}}}}}")]
    Missing { variable: String, row: u32 },
}

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    Variable(&'a str),
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// The template cut into text and variables, in order.
fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            break;
        };
        let name = after[..close].trim();
        if !name.is_empty() && name.chars().all(is_name_char) {
            if open > 0 {
                out.push(Piece::Text(&rest[..open]));
            }
            out.push(Piece::Variable(name));
            rest = &after[close + 2..];
        } else {
            // Not a variable: keep the first brace as text and look again
            // from the next character (`{{{x}}` is `{` then `{{x}}`).
            out.push(Piece::Text(&rest[..=open]));
            rest = &rest[open + 1..];
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Every variable `template` names, each once.
pub fn variables_of(template: &str) -> BTreeSet<String> {
    pieces(template)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Variable(name) => Some(name.to_owned()),
            Piece::Text(_) => None,
        })
        .collect()
}

/// `template` with each variable replaced by `lookup(name)`. A variable
/// `lookup` has no value for is [`TemplateProblem::Missing`], naming `row`.
/// An empty cell counts as missing: a prompt with a hole in it is almost
/// always a mistake, and one can say "none" in the cell when it is not.
pub fn fill<'v>(
    template: &str,
    row: u32,
    lookup: impl Fn(&str) -> Option<&'v str>,
) -> Result<String, TemplateProblem> {
    let mut out = String::with_capacity(template.len());
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Variable(name) => match lookup(name) {
                Some(value) if !value.is_empty() => out.push_str(value),
                _ => {
                    return Err(TemplateProblem::Missing {
                        variable: name.to_owned(),
                        row,
                    })
                }
            },
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn row<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        move |name| map.get(name).copied()
    }

    #[test]
    fn fills_every_variable_and_keeps_the_text_around_them() {
        let filled = fill(
            "Translate {{text}} into {{ lang }}. {{text}}!",
            1,
            row(&[("text", "hello"), ("lang", "Vietnamese")]),
        )
        .expect("filled");
        assert_eq!(filled, "Translate hello into Vietnamese. hello!");
    }

    #[test]
    fn a_missing_or_empty_variable_names_the_variable_and_the_row() {
        let missing = fill("Hi {{name}} from {{city}}", 7, row(&[("name", "Ada")]))
            .expect_err("city is missing");
        assert_eq!(
            missing,
            TemplateProblem::Missing {
                variable: "city".into(),
                row: 7
            }
        );
        assert_eq!(
            missing.to_string(),
            "row 7 has no value for the variable {{city}}"
        );
        let empty = fill("{{name}}", 2, row(&[("name", "")])).expect_err("empty cell");
        assert!(matches!(empty, TemplateProblem::Missing { row: 2, .. }));
    }

    #[test]
    fn braces_that_are_not_a_variable_stay_as_they_are() {
        let text = r#"Answer as {"a": {"b": 1}} or {{ not a name }} or {{}} or {{open"#;
        assert!(variables_of(text).is_empty(), "{:?}", variables_of(text));
        assert_eq!(fill(text, 1, row(&[])).expect("nothing to fill"), text);
        // A third brace before a variable is text; the variable still fills.
        assert_eq!(
            fill("{{{x}}}", 1, row(&[("x", "v")])).expect("filled"),
            "{v}"
        );
    }

    #[test]
    fn values_are_inserted_literally_never_filled_again() {
        let filled = fill("{{a}}", 1, row(&[("a", "{{b}}"), ("b", "no")])).expect("filled");
        assert_eq!(
            filled, "{{b}}",
            "a value that looks like a variable is text"
        );
    }

    #[test]
    fn lists_each_variable_once() {
        let names: Vec<String> = variables_of("{{b}} {{a}} {{ b }} {{row.id}} {{x-y}}")
            .into_iter()
            .collect();
        assert_eq!(names, ["a", "b", "row.id", "x-y"]);
    }
}
