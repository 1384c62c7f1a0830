//! The text of an uploaded file, for `file_search` to quote, and the
//! passage of it that best answers a question.
//!
//! UTF-8 text is taken as it is. A PDF is read by [`pdf_text`], a tiny
//! extractor that is enough for the simple PDFs tests write and nothing
//! more. Anything else has no text the mock can search.

use std::collections::BTreeSet;

/// The longest passage quoted (about a paragraph; the API's chunks are
/// larger, but a quote in a test answer should stay readable).
pub(crate) const PASSAGE_CHARS: usize = 600;

/// The searchable text of a file's bytes, if it has any.
pub(crate) fn text_of(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(b"%PDF-") {
        return Some(pdf_text(bytes));
    }
    std::str::from_utf8(bytes).ok().map(str::to_owned)
}

/// The literal strings shown by the text operators (`(...) Tj`, `[...] TJ`,
/// `'` and `"`) of a PDF's content streams, a line per text line (`Td`,
/// `TD`, `T*`, `'`, `"` and `ET` end one).
///
/// Limits: streams with a `/Filter` (compressed, as most real PDFs' are)
/// are skipped; hex strings (`<...>`), fonts' encodings and ToUnicode maps
/// are ignored, so a literal's bytes are read as Latin-1; positions are not
/// used to order text. A test that wants a blank line between paragraphs
/// shows an empty string (`() Tj`) on a line of its own.
pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut rest = bytes;
    while let Some(at) = find(rest, b"stream") {
        let dictionary = &rest[..at];
        let body_start = at + b"stream".len();
        let body = &rest[body_start..];
        let body = body
            .strip_prefix(b"\r\n")
            .or_else(|| body.strip_prefix(b"\n"))
            .unwrap_or(body);
        let Some(end) = find(body, b"endstream") else {
            break;
        };
        // The dictionary of this stream is the last `<< ... >>` before it.
        let own_dictionary = dictionary
            .windows(2)
            .rposition(|w| w == b"<<")
            .map_or(dictionary, |start| &dictionary[start..]);
        if find(own_dictionary, b"/Filter").is_none() {
            content_text(&body[..end], &mut out);
        }
        rest = &body[end + b"endstream".len()..];
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads one content stream's text operators into `out`.
fn content_text(stream: &[u8], out: &mut String) {
    // `line` is the text line being shown, `shown` whether anything (even
    // an empty string) was shown on it, `pending` the strings read since
    // the last operator (its operands).
    let mut line = String::new();
    let mut shown = false;
    let mut pending = String::new();
    let mut in_array = false;
    let mut index = 0;
    let mut end_line = |line: &mut String, shown: &mut bool| {
        if *shown {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        line.clear();
        *shown = false;
    };
    while index < stream.len() {
        let byte = stream[index];
        match byte {
            b'(' => {
                let (text, next) = literal(stream, index + 1);
                pending.push_str(&text);
                index = next;
                continue;
            }
            b'[' => in_array = true,
            b']' => in_array = false,
            b'%' => {
                // A comment runs to the end of the line.
                while index < stream.len() && stream[index] != b'\n' {
                    index += 1;
                }
            }
            b'-' | b'.' | b'0'..=b'9' => {
                let start = index;
                while index < stream.len() && b"-.0123456789".contains(&stream[index]) {
                    index += 1;
                }
                // In a TJ array, a large negative adjustment is a gap
                // between words.
                let number = std::str::from_utf8(&stream[start..index])
                    .ok()
                    .and_then(|n| n.parse::<f64>().ok());
                if in_array && number.is_some_and(|n| n <= -200.0) && !pending.is_empty() {
                    pending.push(' ');
                }
                continue;
            }
            byte if byte.is_ascii_alphabetic() || byte == b'\'' || byte == b'"' => {
                let start = index;
                while index < stream.len()
                    && (stream[index].is_ascii_alphanumeric() || b"'\"*".contains(&stream[index]))
                {
                    index += 1;
                }
                match &stream[start..index] {
                    b"Tj" | b"TJ" => {
                        line.push_str(&std::mem::take(&mut pending));
                        shown = true;
                    }
                    // Move to the next line, then show the string.
                    b"'" | b"\"" => {
                        end_line(&mut line, &mut shown);
                        line.push_str(&std::mem::take(&mut pending));
                        shown = true;
                    }
                    b"Td" | b"TD" | b"T*" | b"ET" => {
                        pending.clear();
                        end_line(&mut line, &mut shown);
                    }
                    _ => pending.clear(),
                }
                continue;
            }
            _ => {}
        }
        index += 1;
    }
    end_line(&mut line, &mut shown);
}

/// A literal string starting after its `(`: the text and the index after
/// its closing `)`. Nested parentheses and the usual escapes are handled.
fn literal(stream: &[u8], mut index: usize) -> (String, usize) {
    let mut text = String::new();
    let mut depth = 0_u32;
    while index < stream.len() {
        let byte = stream[index];
        index += 1;
        match byte {
            b'\\' if index < stream.len() => {
                let escaped = stream[index];
                index += 1;
                match escaped {
                    b'n' => text.push('\n'),
                    b'r' => text.push('\r'),
                    b't' => text.push('\t'),
                    b'0'..=b'7' => {
                        let mut value = u32::from(escaped - b'0');
                        for _ in 0..2 {
                            match stream.get(index) {
                                Some(digit @ b'0'..=b'7') => {
                                    value = value * 8 + u32::from(digit - b'0');
                                    index += 1;
                                }
                                _ => break,
                            }
                        }
                        text.extend(char::from_u32(value & 0xff));
                    }
                    b'\n' => {}
                    other => text.push(char::from(other)),
                }
            }
            b'(' => {
                depth += 1;
                text.push('(');
            }
            b')' if depth == 0 => return (text, index),
            b')' => {
                depth -= 1;
                text.push(')');
            }
            other => text.push(char::from(other)),
        }
    }
    (text, index)
}

/// Lowercase words of three letters or more: what a question and a
/// passage are compared on.
pub(crate) fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| word.chars().count() >= 3)
        .map(str::to_lowercase)
        .collect()
}

/// The passage of `text` sharing the most words with `question` (the first
/// of equals), with how many it shares; `None` when none shares any.
/// Passages are paragraphs (blank-line separated); a text that is one
/// paragraph is split into its lines instead.
pub(crate) fn best_passage(text: &str, question: &str) -> Option<(String, usize)> {
    let asked = words(question);
    let normalized = text.replace("\r\n", "\n");
    let mut passages: Vec<&str> = normalized
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if passages.len() == 1 {
        passages = normalized
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
    }
    let mut best: Option<(&str, usize)> = None;
    for passage in passages {
        let shared = words(passage).intersection(&asked).count();
        if shared > 0 && best.is_none_or(|(_, most)| shared > most) {
            best = Some((passage, shared));
        }
    }
    best.map(|(passage, shared)| (shorten(passage), shared))
}

/// At most [`PASSAGE_CHARS`] characters, cut at a word with `…` added.
fn shorten(passage: &str) -> String {
    if passage.chars().count() <= PASSAGE_CHARS {
        return passage.to_owned();
    }
    let cut: String = passage.chars().take(PASSAGE_CHARS - 1).collect();
    let at_word = cut
        .rfind(char::is_whitespace)
        .map_or(cut.as_str(), |at| &cut[..at]);
    format!("{}…", at_word.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF as simple as the tests write: one uncompressed content stream.
    fn simple_pdf(content: &str) -> Vec<u8> {
        format!(
            "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
             4 0 obj << /Length {} >>\nstream\n{content}\nendstream\nendobj\n%%EOF\n",
            content.len()
        )
        .into_bytes()
    }

    #[test]
    fn a_simple_pdf_gives_its_shown_strings_line_by_line() {
        let pdf = simple_pdf(
            "BT /F1 12 Tf 72 720 Td (Section 3: the \\(mock\\) answer) Tj\n\
             0 -14 Td [(Tides come) -250 (twice a day.)] TJ\n0 -14 Td () Tj\n\
             0 -14 Td (Second paragraph\\051) Tj ET",
        );
        assert_eq!(
            text_of(&pdf).expect("a PDF has text"),
            "Section 3: the (mock) answer\nTides come twice a day.\n\nSecond paragraph)\n"
        );
    }

    #[test]
    fn a_compressed_stream_is_skipped_not_read_as_garbage() {
        let pdf =
            b"%PDF-1.5\n5 0 obj << /Length 4 /Filter /FlateDecode >>\nstream\n(x) Tj\nendstream";
        assert_eq!(pdf_text(pdf), "");
    }

    #[test]
    fn the_passage_sharing_most_words_wins_and_lines_stand_in_for_paragraphs() {
        let text =
            "Cats sleep a lot.\n\nTides come twice a day in most places.\n\nTides and moons.";
        let (passage, shared) =
            best_passage(text, "How often do tides come each day?").expect("a passage");
        assert_eq!(passage, "Tides come twice a day in most places.");
        assert_eq!(shared, 3, "tides, come, day");
        let one_paragraph = "alpha line\nbeta line about tides\ngamma";
        assert_eq!(
            best_passage(one_paragraph, "tides?")
                .map(|(p, _)| p)
                .as_deref(),
            Some("beta line about tides")
        );
        assert_eq!(
            best_passage(text, "zebra"),
            None,
            "nothing shared, nothing found"
        );
    }

    #[test]
    fn long_passages_are_cut_at_a_word() {
        let long = "word ".repeat(400) + "tides";
        let (passage, _) = best_passage(&long, "word").expect("a passage");
        assert!(passage.chars().count() <= PASSAGE_CHARS);
        assert!(passage.ends_with("word…"), "{passage}");
    }
}
