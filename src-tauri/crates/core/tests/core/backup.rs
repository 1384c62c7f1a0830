//! A backup of everything, restored over a wiped folder (replace) and into a
//! history that has its own (merge, twice), and the files a restore refuses.

use std::path::{Path, PathBuf};

use halley_core::history::{
    AttachmentKind, BackupKind, BackupProblem, MessageFileData, NewAttachment, RestoreMode,
};
use halley_core::providers::ProviderKind;
use halley_core::settings::{Settings, Theme};
use halley_core::{Error, History};

use crate::support::{new_conversation, turn};

/// A history with one of everything a backup must carry.
fn full_history(dir: &Path) -> History {
    let history = History::open(&dir.join("history.sqlite3")).expect("opens");
    let c = new_conversation(&history, "Backed-up conversation");
    let (q, _a) = turn(&history, &c, None, "first question", "first answer");
    // An edited question: a second child of the same parent, a branch.
    let edited = history
        .append_user_message(
            &c,
            q.parent_id.as_deref(),
            "first question, edited",
            &[NewAttachment {
                kind: AttachmentKind::Image,
                filename: "dot.png".into(),
                mime: "image/png".into(),
                data: vec![0x89, b'P', b'N', b'G', 1, 2, 3],
            }],
        )
        .expect("edited question");
    let answer = history
        .begin_assistant_message(&edited.id, "gpt-5")
        .expect("begins");
    history
        .finish_assistant_message(&answer.id, &crate::support::complete("edited answer"))
        .expect("finishes");
    history
        .add_message_file(
            &answer.id,
            0,
            &MessageFileData {
                name: "chart.csv".into(),
                mime: "text/csv".into(),
                data: b"x,y\n1,2\n".to_vec(),
            },
        )
        .expect("kept file");
    let provider = history
        .add_provider(
            "Backed-up gateway",
            ProviderKind::Custom,
            Some("http://127.0.0.1:9/v1"),
        )
        .expect("provider");
    history.set_active_provider(&provider.id).expect("active");
    history
        .add_knowledge_file(&c, &provider.id, "notes.txt", 12)
        .expect("knowledge row");
    let attachment = history
        .get_message(&edited.id)
        .expect("message")
        .attachments[0]
        .id
        .clone();
    history
        .record_attachment_upload(&attachment, &provider.id, "file-backed-up")
        .expect("upload row");
    let tutor = history
        .save_assistant(halley_core::assistants::AssistantInput {
            name: "Backed-up tutor".into(),
            emoji: "🦉".into(),
            instructions: "Teach step by step.".into(),
            reasoning_effort: Some(halley_core::chat::ReasoningEffort::XHigh),
            starter_prompts: vec!["Quiz me".into()],
            ..Default::default()
        })
        .expect("assistant");
    history
        .set_conversation_assistant(&c, Some(&tutor.id))
        .expect("the conversation talks to it");
    history
        .set_conversation_instructions(&c, "In French.")
        .expect("own instructions");
    history
        .save_preset("Backed-up preset", r#"{"model":"echo"}"#)
        .expect("preset v1");
    history
        .save_preset("Backed-up preset", r#"{"model":"echo","temperature":1}"#)
        .expect("preset v2");
    history
        .save_settings(&Settings {
            theme: Theme::Dark,
            backups_kept: 3,
            ..Settings::default()
        })
        .expect("settings");
    let servers = halley_mcp::import::parse_mcp_servers(
        r#"{"mcpServers": {"files": {"command": "npx", "args": ["-y", "server-filesystem"]}}}"#,
        || "server-files".into(),
    )
    .expect("mcp config");
    history
        .save_mcp_servers(&configs(servers))
        .expect("mcp servers");
    // In the trash: a backup leaves it out.
    let trashed = new_conversation(&history, "In the trash");
    turn(
        &history,
        &trashed,
        None,
        "trashed question",
        "trashed answer",
    );
    history.delete_conversation(&trashed).expect("trash");
    history
}

/// Everything the user would see, as one comparable value.
fn everything(history: &History) -> serde_json::Value {
    let presets = history.list_presets().expect("presets");
    let versions: Vec<_> = presets
        .iter()
        .map(|p| {
            history
                .preset_versions(&p.id)
                .expect("versions")
                .into_iter()
                .map(|v| v.state)
                .collect::<Vec<_>>()
        })
        .collect();
    let providers: Vec<_> = history
        .list_providers()
        .expect("providers")
        .into_iter()
        .map(|p| (p.id, p.name, p.base_url))
        .collect();
    let conversations: Vec<_> = history
        .list_conversations()
        .expect("list")
        .into_iter()
        .map(|c| c.id)
        .collect();
    let knowledge: Vec<_> = conversations
        .iter()
        .flat_map(|c| history.list_knowledge(c).expect("knowledge"))
        .map(|k| (k.id, k.name))
        .collect();
    serde_json::json!({
        "conversations": serde_json::from_str::<serde_json::Value>(&history.export_all_json().expect("export")).expect("json"),
        "presets": presets.iter().map(|p| &p.name).collect::<Vec<_>>(),
        "assistants": serde_json::to_value(history.list_assistants().expect("assistants")).expect("json"),
        "versions": versions,
        "providers": providers,
        "active": history.active_provider_id().expect("active"),
        "settings": serde_json::to_value(history.settings().expect("settings").settings).expect("json"),
        "mcp": serde_json::to_value(history.mcp_servers().expect("mcp").servers).expect("json"),
        "knowledge": knowledge,
        "uploads": conversations
            .iter()
            .flat_map(|c| history.attachment_uploads(c).expect("uploads"))
            .map(|u| (u.attachment_id, u.provider_id, u.file_id))
            .collect::<Vec<_>>(),
    })
}

fn backup_of(history: &History, dir: &Path) -> PathBuf {
    let path = dir.join("everything.sqlite3");
    history.write_backup(&path).expect("backup written");
    path
}

#[test]
fn a_backup_restored_over_a_wiped_folder_brings_everything_back() {
    let source = tempfile::tempdir().expect("dir");
    let history = full_history(source.path());
    let before = everything(&history);
    let files = tempfile::tempdir().expect("dir");
    let backup = backup_of(&history, files.path());
    let manifest = halley_core::history::read_manifest(&backup)
        .expect("reads")
        .expect("a manifest");
    assert_eq!(manifest.contents.conversations, 1, "the trash stays out");
    assert_eq!(manifest.contents.messages, 4);
    assert_eq!(manifest.contents.attachments, 1);
    assert_eq!(manifest.contents.message_files, 1);
    assert_eq!(manifest.contents.presets, 1);
    assert_eq!(manifest.contents.assistants, 1);
    assert!(
        !contains(&std::fs::read(&backup).expect("bytes"), b"trashed question"),
        "no byte of a trashed conversation is in the file"
    );
    drop(history);

    let wiped = tempfile::tempdir().expect("dir");
    let fresh = History::open(&wiped.path().join("history.sqlite3")).expect("opens");
    let report = fresh
        .restore_backup_file(&backup, wiped.path(), RestoreMode::Replace)
        .expect("restores");
    assert_eq!(report.added.conversations, 1);
    assert_eq!(report.added.messages, 4);
    assert_eq!(
        everything(&fresh),
        before,
        "everything is back, ids and all"
    );
    let id = &fresh.list_conversations().expect("list")[0].id;
    let settings = fresh
        .get_conversation(id)
        .expect("tree")
        .conversation
        .settings;
    assert_eq!(
        halley_core::assistants::instructions_of(&settings).as_deref(),
        Some("Teach step by step.\n\nIn French."),
        "the conversation still talks to its assistant, with its own instructions"
    );
    let tree = fresh
        .get_conversation(&fresh.list_conversations().expect("list")[0].id)
        .expect("tree");
    let root = tree
        .messages
        .iter()
        .filter(|m| m.parent_id.is_none())
        .count();
    assert_eq!(
        root, 2,
        "the edited question is still a branch beside the first"
    );
    let attachment = &tree
        .messages
        .iter()
        .find(|m| !m.attachments.is_empty())
        .expect("the attachment's message")
        .attachments[0];
    assert_eq!(
        fresh.attachment_data(&attachment.id).expect("bytes").1,
        vec![0x89, b'P', b'N', b'G', 1, 2, 3]
    );
    assert_eq!(
        fresh.search("edited", 10).expect("search").len(),
        2,
        "the search index covers the restored messages"
    );
    assert!(fresh.integrity_check().expect("check"));
}

#[test]
fn merging_the_same_backup_twice_adds_nothing_the_second_time() {
    let source = tempfile::tempdir().expect("dir");
    let history = full_history(source.path());
    let files = tempfile::tempdir().expect("dir");
    let backup = backup_of(&history, files.path());
    let backed_up = everything(&history);

    let target = tempfile::tempdir().expect("dir");
    let other = History::open(&target.path().join("history.sqlite3")).expect("opens");
    let own = new_conversation(&other, "Only here");
    turn(&other, &own, None, "my own question", "my own answer");
    other
        .save_settings(&Settings {
            theme: Theme::Light,
            ..Settings::default()
        })
        .expect("own settings");
    let own_servers = halley_mcp::import::parse_mcp_servers(
        r#"{"mcpServers": {"mine": {"command": "my-server"}}}"#,
        || "server-mine".into(),
    )
    .expect("config");
    other
        .save_mcp_servers(&configs(own_servers))
        .expect("saved");

    let first = other
        .restore_backup_file(&backup, target.path(), RestoreMode::Merge)
        .expect("merges");
    assert_eq!(first.added.conversations, 1);
    assert_eq!(first.added.messages, 4);
    assert_eq!(first.added.presets, 1);
    assert_eq!(first.added.assistants, 1);
    assert_eq!(first.added.providers, 1);
    assert!(first.kept_before.is_none(), "a merge replaces nothing");
    let after_first = everything(&other);

    let second = other
        .restore_backup_file(&backup, target.path(), RestoreMode::Merge)
        .expect("merges again");
    assert_eq!(
        second.added,
        Default::default(),
        "nothing new the second time"
    );
    assert_eq!(
        everything(&other),
        after_first,
        "no duplicates, nothing changed"
    );

    let titles: Vec<_> = other
        .list_conversations()
        .expect("list")
        .into_iter()
        .map(|c| c.title)
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.contains(&"Only here".to_owned()));
    assert_eq!(
        other.settings().expect("settings").settings.theme,
        Theme::Light,
        "a setting already set here stays"
    );
    let servers: Vec<_> = other
        .mcp_servers()
        .expect("mcp")
        .servers
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(servers, ["mine", "files"], "MCP servers are merged by id");
    assert_eq!(
        after_first["conversations"]["conversations"]
            .as_array()
            .expect("list")
            .iter()
            .find(|c| c["conversation"]["title"] == "Backed-up conversation"),
        backed_up["conversations"]["conversations"]
            .as_array()
            .expect("list")
            .first(),
        "the merged conversation is the backed-up one, whole"
    );
}

#[test]
fn a_replace_keeps_a_copy_of_what_it_replaced() {
    let source = tempfile::tempdir().expect("dir");
    let history = full_history(source.path());
    let files = tempfile::tempdir().expect("dir");
    let backup = backup_of(&history, files.path());

    let target = tempfile::tempdir().expect("dir");
    let other = History::open(&target.path().join("history.sqlite3")).expect("opens");
    let own = new_conversation(&other, "Replaced");
    turn(&other, &own, None, "replaced question", "replaced answer");
    let own_state = everything(&other);
    let report = other
        .restore_backup_file(&backup, target.path(), RestoreMode::Replace)
        .expect("replaces");
    assert_eq!(other.list_conversations().expect("list").len(), 1);
    let kept = target
        .path()
        .join("backups")
        .join(report.kept_before.expect("a copy was kept"));
    assert!(kept.exists());

    other
        .restore_backup_file(&kept, target.path(), RestoreMode::Replace)
        .expect("the copy restores");
    assert_eq!(
        everything(&other),
        own_state,
        "what was replaced can be had back"
    );
}

/// What a refused file must be refused as.
type Expected = fn(&BackupProblem) -> bool;

/// Every refused file leaves the history exactly as it was.
#[test]
fn truncated_newer_and_foreign_files_are_refused_and_change_nothing() {
    let source = tempfile::tempdir().expect("dir");
    let history = full_history(source.path());
    let files = tempfile::tempdir().expect("dir");
    let backup = backup_of(&history, files.path());
    let bytes = std::fs::read(&backup).expect("bytes");

    let target = tempfile::tempdir().expect("dir");
    let other = History::open(&target.path().join("history.sqlite3")).expect("opens");
    let own = new_conversation(&other, "Untouched");
    turn(&other, &own, None, "untouched question", "untouched answer");
    let untouched = everything(&other);

    let write = |name: &str, data: &[u8]| {
        let path = files.path().join(name);
        std::fs::write(&path, data).expect("write");
        path
    };
    let newer_manifest = {
        let path = files.path().join("newer-format.sqlite3");
        std::fs::copy(&backup, &path).expect("copy");
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute(
            "UPDATE halley_backup_manifest SET manifest = json_set(manifest, '$.version', 99)",
            [],
        )
        .expect("edit");
        path
    };
    let newer_schema = {
        let path = files.path().join("newer-schema.sqlite3");
        std::fs::copy(&backup, &path).expect("copy");
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.pragma_update(None, "user_version", 999).expect("edit");
        path
    };
    let cases: Vec<(PathBuf, Expected)> = vec![
        (
            write("half.sqlite3", &bytes[..bytes.len() / 2]),
            |p| matches!(p, BackupProblem::Damaged { detail } if detail.contains("cut short")),
        ),
        (
            write("one-page-short.sqlite3", &bytes[..bytes.len() - 4096]),
            |p| matches!(p, BackupProblem::Damaged { .. }),
        ),
        (write("header-only.sqlite3", &bytes[..100]), |p| {
            matches!(p, BackupProblem::Damaged { .. })
        }),
        (write("stub.sqlite3", &bytes[..40]), |p| {
            matches!(p, BackupProblem::NotABackup)
        }),
        (
            write("notes.txt", b"not a database at all, just text"),
            |p| matches!(p, BackupProblem::NotABackup),
        ),
        (
            newer_manifest,
            |p| matches!(p, BackupProblem::Newer { found, .. } if found.contains("99")),
        ),
        (
            newer_schema,
            |p| matches!(p, BackupProblem::Newer { found, .. } if found.contains("999")),
        ),
    ];
    for (path, expected) in &cases {
        for mode in [RestoreMode::Replace, RestoreMode::Merge] {
            match other.restore_backup_file(path, target.path(), mode) {
                Err(Error::Backup(problem)) => {
                    assert!(expected(&problem), "{}: {problem:?}", path.display())
                }
                other => panic!("{} was not refused: {other:?}", path.display()),
            }
            assert_eq!(everything(&other), untouched, "{}", path.display());
        }
    }
    let left: Vec<_> = std::fs::read_dir(target.path().join("backups"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        left.iter().all(|n| !n.to_string_lossy().ends_with(".tmp")),
        "no working copy is left behind: {left:?}"
    );
}

#[test]
fn automatic_backups_come_once_a_day_and_only_the_newest_are_kept() {
    let dir = tempfile::tempdir().expect("dir");
    let history = full_history(dir.path()); // keeps 3
    let backups = dir.path().join("backups");
    let automatic = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("halley-auto-"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let first = history
        .automatic_backup_if_due(dir.path())
        .expect("runs")
        .expect("the first is due");
    assert!(first.starts_with(&backups));
    assert!(
        history
            .automatic_backup_if_due(dir.path())
            .expect("runs")
            .is_none(),
        "not again the same day"
    );
    let listed = halley_core::history::list_backups(dir.path());
    assert_eq!(
        listed.len(),
        1,
        "the start-up restore offers it: {listed:?}"
    );
    // A day passes, five times.
    for _ in 0..5 {
        let conn = rusqlite::Connection::open(dir.path().join("history.sqlite3")).expect("open");
        conn.execute(
            "UPDATE settings SET value = '0' WHERE key = 'backup_last_automatic_ms'",
            [],
        )
        .expect("a day ago");
        drop(conn);
        history
            .automatic_backup_if_due(dir.path())
            .expect("runs")
            .expect("due again");
    }
    let kept = automatic(&backups);
    assert_eq!(kept.len(), 3, "{kept:?}");
    assert!(!kept.contains(
        &first
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned()
    ));
    // Pruning one kind never touches another.
    std::fs::write(
        backups.join("halley-before-restore-20200101-000000-abcd.sqlite3"),
        b"x",
    )
    .expect("write");
    halley_core::history::prune_backups(&backups, BackupKind::Automatic, 1).expect("prunes");
    assert_eq!(automatic(&backups).len(), 1);
    assert!(backups
        .join("halley-before-restore-20200101-000000-abcd.sqlite3")
        .exists());

    let off = tempfile::tempdir().expect("dir");
    let quiet = History::open(&off.path().join("history.sqlite3")).expect("opens");
    assert!(
        quiet
            .automatic_backup_if_due(off.path())
            .expect("runs")
            .is_none(),
        "an empty history is not backed up"
    );
    new_conversation(&quiet, "now there is one");
    quiet
        .save_settings(&Settings {
            automatic_backups: false,
            ..Settings::default()
        })
        .expect("off");
    assert!(
        quiet
            .automatic_backup_if_due(off.path())
            .expect("runs")
            .is_none(),
        "off means off"
    );
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn configs(imported: halley_mcp::import::Imported) -> Vec<halley_mcp::ServerConfig> {
    imported.servers.into_iter().map(|s| s.config).collect()
}
