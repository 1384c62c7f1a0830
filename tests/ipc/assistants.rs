//! Assistants over IPC: saved, listed, duplicated, refused when invalid,
//! deleted; a new chat sent with one, its own instructions, a switch
//! mid-conversation, and what reached the mock on each turn.

use serde_json::{json, Value};

use crate::app::{finished, TestApp};

fn tutor(name: &str, instructions: &str) -> Value {
    json!({
        "input": {
            "id": null, "name": name, "emoji": "🦉", "instructions": instructions,
            "model": "echo", "reasoningEffort": "high", "verbosity": "low",
            "tools": {"webSearch": true, "codeInterpreter": false, "imageGeneration": false,
                      "mcpServers": []},
            "starterPrompts": ["Quiz me", "  "],
        }
    })
}

fn last_body(app: &TestApp) -> Value {
    app.create_requests()
        .last()
        .and_then(|r| r.body.clone())
        .expect("a request reached the mock")
}

#[test]
fn a_chat_with_an_assistant_sends_its_instructions_and_a_switch_changes_the_next_turn() {
    let app = TestApp::start();
    let key = format!("sk-assist-{}", uuid::Uuid::new_v4().simple());
    app.add_mock_provider(&key);

    let refused = app
        .invoke("assistant_save", tutor("  ", "x"))
        .expect_err("no name");
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    assert_eq!(app.call("assistant_list", json!({})), json!([]));

    let made = app.call("assistant_save", tutor("Tutor", "Be a tutor."));
    assert_eq!(
        made["starterPrompts"],
        json!(["Quiz me"]),
        "empty ones dropped"
    );
    let copy = app.call(
        "assistant_duplicate",
        json!({"assistantId": made["id"], "suffix": "(bản sao)"}),
    );
    assert_eq!(copy["name"], "Tutor (bản sao)");
    let poet = app.call(
        "assistant_save",
        json!({"input": {"id": copy["id"], "name": "Poet", "emoji": "", "instructions": "Rhyme.",
               "model": "", "reasoningEffort": null, "verbosity": null,
               "tools": {"webSearch": false, "codeInterpreter": false, "imageGeneration": false,
                         "mcpServers": []}, "starterPrompts": []}}),
    );
    assert_eq!(poet["id"], copy["id"], "an edit keeps the id");

    // A new chat with the Tutor and its own instructions, as the UI sends it.
    let (channel, channel_arg) = app.new_channel();
    let started = app.call(
        "send_message",
        json!({
            "input": {
                "conversationId": null, "parentId": null, "text": "Quiz me",
                "attachments": [], "model": "echo", "webSearch": true,
                "reasoningEffort": "high", "verbosity": "low", "store": true,
                "assistantId": made["id"], "instructions": "In French.",
            },
            "onUpdate": channel_arg,
        }),
    );
    let conversation = started["conversationId"].as_str().expect("id").to_owned();
    let updates = app.channels.wait_finished(channel);
    assert_eq!(finished(&updates)["status"], "complete");
    let body = last_body(&app);
    assert_eq!(body["instructions"], "Be a tutor.\n\nIn French.");
    assert_eq!(body["reasoning"]["effort"], "high");
    assert_eq!(body["text"]["verbosity"], "low");
    assert_eq!(body["tools"][0]["type"], "web_search_preview");
    let view = app.conversation(&conversation);
    assert_eq!(view["assistant"]["name"], "Tutor");
    assert_eq!(view["instructions"], "In French.");
    assert_eq!(view["assistantChanges"], json!([]));

    // A composer change is kept on the conversation, until another assistant.
    app.call(
        "conversation_set_composer",
        json!({"conversationId": conversation, "changes": {
            "model": "gpt-4o", "webSearch": false, "codeInterpreter": null,
            "imageGeneration": null, "reasoningEffort": {"effort": null}}}),
    );
    let kept = &app.conversation(&conversation)["composerChanges"];
    assert_eq!(kept["model"], "gpt-4o");
    assert_eq!(kept["reasoningEffort"], json!({"effort": null}));

    // Switch to the Poet: recorded after the answer, and the next turn uses it.
    app.call(
        "conversation_set_assistant",
        json!({"conversationId": conversation, "assistantId": poet["id"]}),
    );
    let view = app.conversation(&conversation);
    assert_eq!(view["assistant"]["name"], "Poet");
    assert_eq!(
        view["composerChanges"]["model"],
        Value::Null,
        "the Poet's own settings"
    );
    let changes = view["assistantChanges"].as_array().expect("changes");
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["assistant"]["name"], "Poet");
    assert_eq!(changes[0]["afterMessageId"], view["currentLeafId"]);
    let next = app.send(
        Some(&conversation),
        view["currentLeafId"].as_str(),
        "again",
        "echo",
        true,
    );
    app.channels.wait_finished(next.channel);
    assert_eq!(last_body(&app)["instructions"], "Rhyme.\n\nIn French.");

    // The Poet deleted: the conversation keeps its copy and goes on.
    app.call("assistant_delete", json!({"assistantId": poet["id"]}));
    let gone = app
        .invoke("assistant_delete", json!({"assistantId": poet["id"]}))
        .expect_err("already gone");
    assert_eq!(gone["code"], "not_found", "{gone}");
    assert_eq!(app.conversation(&conversation)["assistant"]["name"], "Poet");
    app.call(
        "conversation_set_instructions",
        json!({"conversationId": conversation, "instructions": ""}),
    );
    let view = app.conversation(&conversation);
    let last = app.send(
        Some(&conversation),
        view["currentLeafId"].as_str(),
        "once more",
        "echo",
        true,
    );
    app.channels.wait_finished(last.channel);
    assert_eq!(last_body(&app)["instructions"], "Rhyme.");
}
