use halley_core::history::{fts_query, Role, HIGHLIGHT_END, HIGHLIGHT_START};

use crate::support::{memory_history, new_conversation, turn};

#[test]
fn finds_words_newest_first_with_markers() {
    let history = memory_history();
    let c = new_conversation(&history, "Rust chat");
    turn(
        &history,
        &c,
        None,
        "how do lifetimes work",
        "Lifetimes describe how long references live.",
    );
    turn(
        &history,
        &c,
        None,
        "what about borrowing",
        "Borrowing creates references without taking ownership.",
    );
    let hits = history.search("references", 10).expect("search");
    assert_eq!(hits.len(), 2, "both answers mention references");
    assert!(
        hits[0].snippet.contains("ownership"),
        "newest first: the borrowing answer leads: {:?}",
        hits[0].snippet
    );
    assert_eq!(
        hits[0].conversation_title, "Rust chat",
        "hits carry the conversation title"
    );
    assert_eq!(hits[0].role, Role::Assistant, "an answer is marked as one");
    let question = history.search("lifetimes", 10).expect("search");
    assert_eq!(
        question.last().map(|h| h.role),
        Some(Role::User),
        "the oldest hit for lifetimes is the user's question"
    );
    let marked = format!("{HIGHLIGHT_START}references{HIGHLIGHT_END}");
    assert!(
        hits[0].snippet.contains(&marked),
        "matches are wrapped in the markers: {:?}",
        hits[0].snippet
    );
    assert_eq!(
        history.search("lifet", 10).expect("prefix").len(),
        2,
        "the last word matches as a prefix (question and answer)"
    );
    assert_eq!(
        history
            .search("borrowing ownership", 10)
            .expect("two terms")
            .len(),
        1,
        "all words must match"
    );
    assert_eq!(
        history.search("references", 1).expect("limit").len(),
        1,
        "the limit is honoured"
    );
}

#[test]
fn odd_input_never_errors() {
    let history = memory_history();
    let c = new_conversation(&history, "odd");
    turn(
        &history,
        &c,
        None,
        "cats and dogs",
        "NEAR the end: a-b test \"quoted\" 100% *stars*",
    );
    for input in [
        "\"",
        "\"\"",
        "AND",
        "OR",
        "NOT",
        "*",
        "-",
        "-cats",
        "cats*",
        "NEAR(",
        "a:b",
        "'",
        ")",
        "(",
        "^",
        "{x}",
        "cats AND",
        "; DROP TABLE messages; --",
        "col:cats",
        "\\",
        "   ",
        "",
        "🙂",
        "\u{2}",
        "a\"b",
        "NEAR(cats dogs, 2)",
    ] {
        let result = history.search(input, 10);
        assert!(
            result.is_ok(),
            "input {input:?} must not be a syntax error: {result:?}"
        );
    }
    // Operators are plain words: "and" is in the user's message.
    assert_eq!(
        history.search("AND", 10).expect("and").len(),
        1,
        "AND is searched as the word 'and'"
    );
    assert_eq!(
        history.search("a-b", 10).expect("hyphen").len(),
        1,
        "a-b is a phrase, not a NOT"
    );
    assert!(
        history.search("-", 10).expect("dash").is_empty(),
        "punctuation alone searches nothing"
    );
    assert_eq!(
        history.search("\"quoted\"", 10).expect("quotes").len(),
        1,
        "quotes inside input are literal"
    );
}

#[test]
fn vietnamese_with_and_without_diacritics() {
    let history = memory_history();
    let c = new_conversation(&history, "Tiếng Việt");
    turn(
        &history,
        &c,
        None,
        "Xin chào, tôi học tiếng Việt ở Hà Nội",
        "Rất tốt! Đường phố Hà Nội rất đẹp.",
    );
    assert_eq!(
        history.search("tiếng việt", 10).expect("exact").len(),
        1,
        "exact diacritics match"
    );
    // remove_diacritics 2 folds the tone and vowel marks.
    assert_eq!(
        history.search("tieng viet", 10).expect("folded").len(),
        1,
        "plain letters find the accented words"
    );
    assert_eq!(
        history.search("HÀ NỘI", 10).expect("case").len(),
        2,
        "case-insensitive, both messages"
    );
    assert_eq!(
        history.search("đường", 10).expect("d-stroke").len(),
        1,
        "đ matches itself"
    );
}

#[test]
fn fts_query_shapes() {
    // Each word quoted, the last one a prefix; words without letters dropped.
    assert_eq!(fts_query("foo bar").as_deref(), Some("\"foo\" \"bar\"*"));
    assert_eq!(
        fts_query("say \"hi\"").as_deref(),
        Some("\"say\" \"\"\"hi\"\"\"*")
    );
    assert_eq!(fts_query(" - * \" ").as_deref(), None, "nothing searchable");
}

#[test]
fn hostile_queries_are_bounded_and_answer_fast() {
    use halley_core::history::{bound_query, MAX_QUERY_TERMS};
    use std::time::{Duration, Instant};

    let (_dir, history) = crate::support::file_history();
    let c = new_conversation(&history, "Many words");
    let answer = (0..400)
        .map(|i| format!("word{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    for i in 0..300 {
        turn(&history, &c, None, &format!("question {i} word1"), &answer);
    }

    // NUL and other control characters are separators, never an FTS error.
    let with_nul = history
        .search_bounded("word1\0word2\u{1}\u{7f}", 10)
        .expect("a query with NUL bytes searches instead of failing");
    assert!(
        !with_nul.hits.is_empty(),
        "the words around the NUL are searched"
    );
    assert!(!with_nul.cut, "nothing was left out");
    assert_eq!(
        bound_query("a\0b").fts.as_deref(),
        Some("\"a\" \"b\""),
        "NUL became a space"
    );

    // 20,000 words: cut to the bound, said so, and fast.
    let huge = (0..20_000)
        .map(|i| format!("word{}", i % 400))
        .collect::<Vec<_>>()
        .join(" ");
    let started = Instant::now();
    let results = history
        .search_bounded(&huge, 50)
        .expect("a huge query searches");
    let took = started.elapsed();
    assert!(results.cut, "the UI is told the query was cut");
    assert!(
        !results.hits.is_empty(),
        "the first words still find the answers"
    );
    assert!(
        took < Duration::from_millis(500),
        "a 20,000-word query answers in {took:?}, not seconds"
    );
    let fts = bound_query(&huge).fts.expect("terms");
    assert_eq!(fts.matches('"').count() / 2, MAX_QUERY_TERMS, "{fts}");

    // One word made of thousands of tokens is bounded too.
    let glued = "a-".repeat(10_000);
    let started = Instant::now();
    let glued_results = history.search_bounded(&glued, 50).expect("searches");
    assert!(glued_results.cut, "a word of 10,000 tokens is cut");
    assert!(started.elapsed() < Duration::from_millis(500));
}
