use halley_core::history::{AttachmentKind, MessageStatus, NewAttachment};
use halley_core::Error;
use serde_json::Value;

use crate::support::{complete, file_history, new_conversation, turn};

/// Replaces ids by their first-seen order and drops the conversation's
/// `updatedAt`: the documented differences between an export and the export
/// of its import.
fn normalized(json: &str) -> Value {
    let mut doc: Value = serde_json::from_str(json).expect("export is JSON");
    let mut ids: Vec<String> = vec![doc["conversation"]["id"]
        .as_str()
        .expect("conversation id")
        .to_owned()];
    for m in doc["messages"].as_array().expect("messages") {
        ids.push(m["id"].as_str().expect("message id").to_owned());
    }
    let rename = |v: &mut Value, ids: &[String]| {
        if let Some(s) = v.as_str() {
            let index = ids
                .iter()
                .position(|id| id == s)
                .expect("every id reference points at a known id");
            *v = Value::String(format!("#{index}"));
        }
    };
    rename(&mut doc["conversation"]["id"], &ids);
    rename(&mut doc["conversation"]["currentLeafId"], &ids);
    doc["conversation"]["updatedAt"] = Value::Null;
    for m in doc["messages"].as_array_mut().expect("messages") {
        rename(&mut m["id"], &ids);
        rename(&mut m["parentId"], &ids);
    }
    doc
}

#[test]
fn json_round_trip_is_lossless() {
    let (_dir, history) = file_history();
    let c = new_conversation(&history, "Round trip");
    let image = NewAttachment {
        kind: AttachmentKind::Image,
        filename: "a.png".into(),
        mime: "image/png".into(),
        data: vec![0, 1, 2, 255],
    };
    let u1 = history
        .append_user_message(&c, None, "first", &[image])
        .expect("user");
    let a1 = history
        .begin_assistant_message(&u1.id, "gpt-5")
        .expect("begin");
    let mut outcome = complete("answer with **markdown**");
    outcome.reasoning = "I thought".into();
    history
        .finish_assistant_message(&a1.id, &outcome)
        .expect("finish");
    turn(&history, &c, Some(&a1.id), "branch one", "one");
    let (_, leaf) = turn(&history, &c, Some(&a1.id), "branch two", "two");
    let stopped = history
        .begin_assistant_message(&u1.id, "gpt-5-mini")
        .expect("regenerate");
    let mut stop = complete("partial");
    stop.status = MessageStatus::Stopped;
    history
        .finish_assistant_message(&stopped.id, &stop)
        .expect("stop");
    history.set_current_leaf(&c, &leaf.id).expect("leaf");

    let first = history.export_json(&c).expect("export");
    let doc: Value = serde_json::from_str(&first).expect("json");
    assert_eq!(
        (doc["format"].as_str(), doc["version"].as_u64()),
        (Some("halley.conversation"), Some(1)),
        "header"
    );
    assert_eq!(
        doc["messages"].as_array().map(Vec::len),
        Some(7),
        "all branches are exported"
    );

    let imported = history.import_json(&first).expect("import");
    assert_ne!(imported.id, c, "an import is a new conversation");
    let second = history.export_json(&imported.id).expect("export again");
    assert_eq!(
        normalized(&first),
        normalized(&second),
        "export → import → export differs only in ids and updatedAt"
    );

    let tree = history
        .get_conversation(&imported.id)
        .expect("imported tree");
    let original = history.get_conversation(&c).expect("original tree");
    assert!(
        tree.messages
            .iter()
            .all(|m| original.message(&m.id).is_none()),
        "every message got a new id"
    );
    let (_, bytes) = history
        .attachment_data(&tree.messages[0].attachments[0].id)
        .expect("bytes");
    assert_eq!(
        bytes,
        vec![0, 1, 2, 255],
        "attachment bytes survive the round trip"
    );
    assert_eq!(
        history.search("markdown", 10).expect("search").len(),
        2,
        "imported text is searchable"
    );
}

#[test]
fn import_rejects_foreign_or_newer_documents() {
    let (_dir, history) = file_history();
    for bad in [
        "not json",
        r#"{"format":"other","version":1,"conversation":{},"messages":[]}"#,
        r#"{"format":"halley.conversation","version":99,"conversation":{"id":"x","title":"t","pinned":false,"createdAt":0,"updatedAt":0,"model":null,"providerId":null,"settings":{},"currentLeafId":null},"messages":[]}"#,
    ] {
        assert!(
            matches!(history.import_json(bad), Err(Error::InvalidInput(_))),
            "refused: {bad}"
        );
    }
    assert!(
        history.list_conversations().expect("list").is_empty(),
        "a refused import stores nothing"
    );
}

#[test]
fn markdown_shows_the_current_branch() {
    let (_dir, history) = file_history();
    let c = new_conversation(&history, "Notes");
    let attachment = NewAttachment {
        kind: AttachmentKind::Pdf,
        filename: "spec.pdf".into(),
        mime: "application/pdf".into(),
        data: vec![1],
    };
    let u1 = history
        .append_user_message(&c, None, "Summarise", &[attachment])
        .expect("user");
    let a1 = history
        .begin_assistant_message(&u1.id, "gpt-5")
        .expect("begin");
    history
        .finish_assistant_message(&a1.id, &complete("Kept answer"))
        .expect("finish");
    let other = history
        .begin_assistant_message(&u1.id, "gpt-5")
        .expect("regenerate");
    history
        .finish_assistant_message(&other.id, &complete("Other branch"))
        .expect("finish");
    history.set_current_leaf(&c, &a1.id).expect("leaf");

    let markdown = history.export_markdown(&c).expect("markdown");
    assert!(
        markdown.starts_with("# Notes\n"),
        "the title heads the document: {markdown}"
    );
    assert!(
        markdown.contains("## You") && markdown.contains("## Assistant · gpt-5"),
        "roles are headings"
    );
    assert!(
        markdown.contains("Kept answer"),
        "the current branch is exported"
    );
    assert!(!markdown.contains("Other branch"), "other branches are not");
    assert!(
        markdown.contains("`spec.pdf`"),
        "attachments appear by name"
    );
}
