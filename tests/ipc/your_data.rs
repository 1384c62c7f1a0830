//! Settings → Your data through the commands: a backup written, restored
//! into a wiped data folder (replace), merged twice (nothing the second
//! time), a cut-off file refused with its own code, and the importers.

use std::path::PathBuf;

use base64::Engine as _;
use halley_core::history::NewConversation;
use serde_json::{json, Value};

use crate::app::TestApp;

fn file_source(path: &PathBuf) -> Value {
    let bytes = std::fs::read(path).expect("the backup file");
    json!({"kind": "file", "dataBase64": base64::engine::general_purpose::STANDARD.encode(bytes)})
}

fn titles(app: &TestApp) -> Vec<String> {
    let mut titles: Vec<String> = app
        .call("list_conversations", json!({}))
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| c["title"].as_str().expect("title").to_owned())
        .collect();
    titles.sort();
    titles
}

#[test]
fn a_backup_comes_back_into_a_wiped_folder_and_merging_it_twice_adds_nothing() {
    let app = TestApp::start();
    for title in ["Kept one", "Kept two"] {
        let history = &app.state().history;
        let c = history
            .create_conversation(NewConversation {
                title: title.into(),
                ..Default::default()
            })
            .expect("conversation");
        history
            .append_user_message(&c.id, None, &format!("{title}: question"), &[])
            .expect("message");
    }
    let written = app.call("data_backup_now", json!({}));
    assert_eq!(written["manifest"]["format"], "halley.backup", "{written}");
    assert_eq!(written["manifest"]["contents"]["conversations"], 2);
    let path = PathBuf::from(written["path"].as_str().expect("path"));
    assert!(path.starts_with(app.export_dir()), "{path:?}");
    let before = titles(&app);
    drop(app);

    let wiped = TestApp::start();
    assert!(titles(&wiped).is_empty());
    let replaced = wiped.call(
        "data_restore",
        json!({"source": file_source(&path), "mode": "replace"}),
    );
    assert_eq!(replaced["added"]["conversations"], 2, "{replaced}");
    assert_eq!(titles(&wiped), before);
    for _ in 0..2 {
        let merged = wiped.call(
            "data_restore",
            json!({"source": file_source(&path), "mode": "merge"}),
        );
        assert_eq!(merged["added"]["conversations"], 0, "{merged}");
        assert_eq!(merged["added"]["messages"], 0, "{merged}");
    }
    assert_eq!(titles(&wiped), before, "no duplicates");
    let listed = wiped.call("data_list_backups", json!({}));
    let kept = listed
        .as_array()
        .expect("a list")
        .iter()
        .find(|b| {
            b["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("halley-before-restore-"))
        })
        .unwrap_or_else(|| panic!("the copy taken before the replace is listed: {listed}"))
        .clone();
    let back = wiped.call(
        "data_restore",
        json!({"source": {"kind": "local", "name": kept["name"]}, "mode": "replace"}),
    );
    assert_eq!(
        back["added"]["conversations"], 0,
        "the wiped folder was empty: {back}"
    );
    assert!(titles(&wiped).is_empty());

    let bytes = std::fs::read(&path).expect("bytes");
    let cut = base64::engine::general_purpose::STANDARD.encode(&bytes[..bytes.len() / 2]);
    let refused = wiped
        .invoke(
            "data_restore",
            json!({"source": {"kind": "file", "dataBase64": cut}, "mode": "replace"}),
        )
        .expect_err("a cut-off backup is refused");
    assert_eq!(refused["code"], "backup_damaged", "{refused}");
    let foreign = wiped
        .invoke(
            "data_restore",
            json!({"source": {"kind": "file", "dataBase64": "aGVsbG8="}, "mode": "merge"}),
        )
        .expect_err("a text file is refused");
    assert_eq!(foreign["code"], "not_a_backup", "{foreign}");
    let unknown = wiped
        .invoke(
            "data_restore",
            json!({"source": {"kind": "local", "name": "../history.sqlite3"}, "mode": "merge"}),
        )
        .expect_err("only listed backups");
    assert_eq!(unknown["code"], "not_found", "{unknown}");
}

#[test]
fn imports_say_what_they_did_and_refuse_the_wrong_file_by_code() {
    let app = TestApp::start();
    let export = include_str!("../chatgpt-export/conversations.json");
    let report = app.call("data_import", json!({"source": "chatgpt", "text": export}));
    assert_eq!(report["conversationsAdded"], 5, "{report}");
    assert_eq!(report["leftOut"][0]["what"]["kind"], "image", "{report}");
    assert_eq!(
        report["leftOut"][1]["what"],
        json!({"kind": "unknownContent", "name": "future_widget"}),
        "{report}"
    );
    let again = app.call("data_import", json!({"source": "chatgpt", "text": export}));
    assert_eq!(again["conversationsAlreadyHere"], 5, "{again}");
    let wrong = app
        .invoke("data_import", json!({"source": "halley", "text": export}))
        .expect_err("a ChatGPT export is not a Halley one");
    assert_eq!(wrong["code"], "import_not_recognised", "{wrong}");
    let not_json = app
        .invoke(
            "data_import",
            json!({"source": "chatgpt", "text": "PK\u{3}\u{4}"}),
        )
        .expect_err("a zip is not conversations.json");
    assert_eq!(not_json["code"], "import_not_json", "{not_json}");
    let path = app.call("data_export_all", json!({"format": "json"}));
    let text = std::fs::read_to_string(path.as_str().expect("path")).expect("written");
    assert!(text.contains("\"format\": \"halley.conversations\""));
    assert!(text.contains("Thời tiết Hà Nội"));
}
