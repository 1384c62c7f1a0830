use halley_core::history::{AttachmentKind, NewAttachment};
use halley_core::Error;

use crate::support::{file_history, memory_history, new_conversation, turn};

#[test]
fn branches_siblings_and_paths() {
    let history = memory_history();
    let c = new_conversation(&history, "tree");
    let (u1, a1) = turn(&history, &c, None, "first question", "first answer");
    let (u2, a2) = turn(
        &history,
        &c,
        Some(&a1.id),
        "second question",
        "second answer",
    );
    // Editing the second question makes a sibling of u2 under a1.
    let (u2b, a2b) = turn(
        &history,
        &c,
        Some(&a1.id),
        "second question, edited",
        "another answer",
    );
    // Regenerating the first answer makes a sibling of a1 under u1.
    let a1b = history
        .begin_assistant_message(&u1.id, "gpt-5")
        .expect("regenerate");

    let tree = history.get_conversation(&c).expect("tree");
    assert_eq!(
        tree.messages.len(),
        7,
        "every message of every branch is returned"
    );
    let a1_node = tree.message(&a1.id).expect("a1 present");
    assert_eq!(
        a1_node.children_ids,
        vec![u2.id.clone(), u2b.id.clone()],
        "children are listed oldest first"
    );

    let siblings = tree.siblings(&u2b.id).expect("siblings of u2b");
    assert_eq!(
        siblings.ids,
        vec![u2.id.clone(), u2b.id.clone()],
        "u2 and its edit are siblings"
    );
    assert_eq!(siblings.index, 1, "the edit is the second of two (‹ 2/2 ›)");
    let regen = tree.siblings(&a1b.id).expect("siblings of a1b");
    assert_eq!(
        (regen.ids.len(), regen.index),
        (2, 1),
        "a regenerated answer is the second sibling"
    );

    let path: Vec<&str> = tree
        .path_to(&a2b.id)
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(
        path,
        vec![
            u1.id.as_str(),
            a1.id.as_str(),
            u2b.id.as_str(),
            a2b.id.as_str()
        ],
        "root → leaf"
    );
    assert!(
        tree.path_to("nope").is_empty(),
        "an unknown leaf gives an empty path"
    );
    assert_eq!(
        tree.newest_leaf_from(&a1.id).map(|m| m.id.clone()),
        Some(a2b.id.clone()),
        "switching to a1 lands on its newest branch"
    );
    let _ = a2;

    // The last message begun is the current leaf, so reopening shows its branch.
    assert_eq!(
        tree.conversation.current_leaf_id.as_deref(),
        Some(a1b.id.as_str()),
        "current leaf follows new messages"
    );
    history
        .set_current_leaf(&c, &a2b.id)
        .expect("switch branch");
    let tree = history.get_conversation(&c).expect("tree");
    let branch: Vec<&str> = tree
        .current_branch()
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(
        branch.last().copied(),
        Some(a2b.id.as_str()),
        "the chosen branch is remembered"
    );
}

#[test]
fn parent_from_another_conversation_is_refused() {
    let history = memory_history();
    let c1 = new_conversation(&history, "one");
    let c2 = new_conversation(&history, "two");
    let (_, a1) = turn(&history, &c1, None, "q", "a");
    let error = history
        .append_user_message(&c2, Some(&a1.id), "x", &[])
        .expect_err("cross-conversation parent");
    // A tree must not span conversations: a message of c1 cannot parent one of c2.
    assert!(
        matches!(error, Error::InvalidInput(_)),
        "refused as invalid input: {error}"
    );
    let error = history
        .set_current_leaf(&c2, &a1.id)
        .expect_err("foreign leaf");
    assert!(
        matches!(error, Error::NotFound(_)),
        "a leaf of another conversation is not found: {error}"
    );
}

#[test]
fn attachments_are_stored_and_listed_by_name() {
    let history = memory_history();
    let c = new_conversation(&history, "files");
    let png = NewAttachment {
        kind: AttachmentKind::Image,
        filename: "cat.png".into(),
        mime: "image/png".into(),
        data: vec![137, 80, 78, 71],
    };
    let pdf = NewAttachment {
        kind: AttachmentKind::Pdf,
        filename: "paper.pdf".into(),
        mime: "application/pdf".into(),
        data: b"%PDF-1.7".to_vec(),
    };
    let user = history
        .append_user_message(&c, None, "look", &[png, pdf])
        .expect("stored");
    let names: Vec<&str> = user
        .attachments
        .iter()
        .map(|a| a.filename.as_str())
        .collect();
    assert_eq!(
        names,
        vec!["cat.png", "paper.pdf"],
        "attachments keep their order"
    );
    let (info, bytes) = history
        .attachment_data(&user.attachments[0].id)
        .expect("bytes");
    assert_eq!(
        (info.size, bytes),
        (4, vec![137, 80, 78, 71]),
        "the exact bytes come back"
    );
}

#[test]
fn list_order_soft_delete_undo_and_purge() {
    let (_dir, history) = file_history();
    let old = new_conversation(&history, "old");
    let pinned = new_conversation(&history, "pinned");
    let newer = new_conversation(&history, "newer");
    history.set_pinned(&pinned, true).expect("pin");
    // Activity moves a conversation up: old gets a message after newer was created.
    turn(&history, &old, None, "bump", "ok");
    let order: Vec<String> = history
        .list_conversations()
        .expect("list")
        .into_iter()
        .map(|c| c.title)
        .collect();
    assert_eq!(
        order,
        vec!["pinned", "old", "newer"],
        "pinned first, then most recently updated"
    );

    history.delete_conversation(&old).expect("delete");
    let titles: Vec<String> = history
        .list_conversations()
        .expect("list")
        .into_iter()
        .map(|c| c.title)
        .collect();
    assert!(
        !titles.contains(&"old".to_owned()),
        "a deleted conversation leaves the list"
    );
    assert_eq!(
        history.list_deleted_conversations().expect("trash").len(),
        1,
        "it waits in the trash"
    );
    assert!(
        history.search("bump", 10).expect("search").is_empty(),
        "trash is not searched"
    );

    history.undo_delete(&old).expect("undo");
    assert_eq!(
        history.list_conversations().expect("list").len(),
        3,
        "undo brings it back"
    );
    assert_eq!(
        history.search("bump", 10).expect("search").len(),
        1,
        "and makes it searchable again"
    );

    history.purge_conversation(&old).expect("purge");
    assert!(
        matches!(history.get_conversation(&old), Err(Error::NotFound(_))),
        "purged means gone"
    );
    // The FTS index follows cascaded deletes; a stale row would make this search fail or hit.
    assert!(
        history.search("bump", 10).expect("search").is_empty(),
        "purged messages leave the index"
    );
    assert!(
        history.integrity_check().expect("check"),
        "purge leaves a sound file"
    );
    assert!(
        matches!(
            history.rename_conversation("missing", "x"),
            Err(Error::NotFound(_))
        ),
        "unknown ids are NotFound"
    );
    let _ = newer;
}

#[test]
fn rename_title_and_usage_totals() {
    let history = memory_history();
    let c = new_conversation(&history, "untitled");
    turn(&history, &c, None, "q1", "a1");
    let (_, a) = turn(&history, &c, None, "q2", "a2");
    history.set_title(&c, "Auto title").expect("title");
    history.rename_conversation(&c, "My title").expect("rename");
    let tree = history.get_conversation(&c).expect("tree");
    assert_eq!(tree.conversation.title, "My title", "the last rename wins");
    let usage = history.conversation_usage(&c).expect("usage");
    // Two finished turns of 10/2/5/1 each (see support::complete).
    assert_eq!(
        (
            usage.input_tokens,
            usage.cached_tokens,
            usage.output_tokens,
            usage.reasoning_tokens
        ),
        (20, 4, 10, 2),
        "totals sum all messages"
    );
    let exchange = history.message_exchange(&a.id).expect("exchange");
    assert_eq!(
        exchange.response.as_ref().and_then(|r| r["id"].as_str()),
        Some("resp_1"),
        "the raw response is kept"
    );
}
