//! What the echo's answer says: paragraphs, each with its annotations,
//! joined into one message (a request can ask for several tools at once).

use serde_json::Value;

/// A paragraph of the answer and its annotations, whose indexes count
/// chars of `text`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Said {
    pub text: String,
    pub annotations: Vec<Value>,
}

/// The annotation fields that are char positions in the text.
const POSITIONS: [&str; 3] = ["index", "start_index", "end_index"];

impl Said {
    pub fn new(text: String, annotations: Vec<Value>) -> Self {
        Self { text, annotations }
    }

    pub fn plain(text: String) -> Self {
        Self::new(text, Vec::new())
    }

    /// The paragraphs one after the other, a blank line between them, with
    /// every annotation moved to where its paragraph now starts.
    pub fn join(parts: Vec<Said>) -> Said {
        let mut joined = Said::default();
        for part in parts {
            if !joined.text.is_empty() {
                joined.text.push_str("\n\n");
            }
            let offset = joined.text.chars().count() as u64;
            joined.text.push_str(&part.text);
            for mut annotation in part.annotations {
                for key in POSITIONS {
                    if let Some(position) = annotation.get(key).and_then(Value::as_u64) {
                        annotation[key] = (position + offset).into();
                    }
                }
                joined.annotations.push(annotation);
            }
        }
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn joined_paragraphs_keep_their_annotations_on_the_same_text() {
        let joined = Said::join(vec![
            Said::plain("héllo".into()),
            Said::new(
                "see [x](url)".into(),
                vec![json!({"type": "t", "start_index": 8, "end_index": 11})],
            ),
        ]);
        assert_eq!(joined.text, "héllo\n\nsee [x](url)");
        let annotation = &joined.annotations[0];
        let start = annotation["start_index"].as_u64().expect("start") as usize;
        let end = annotation["end_index"].as_u64().expect("end") as usize;
        // Positions are chars, so the é before them counts once.
        let cited: String = joined.text.chars().skip(start).take(end - start).collect();
        assert_eq!(cited, "url");
    }
}
