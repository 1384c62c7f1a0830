use halley_core::history::NewConversation;
use halley_core::keys::{KeyStore, KeyringStore, MemoryStore, SecretString};
use halley_core::providers::ProviderKind;
use halley_core::settings::Settings;
use halley_core::History;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Stores a canary key everywhere a key may go, uses the app's whole data
/// path around it, and checks the raw bytes of the database and its WAL.
#[test]
fn no_key_ever_reaches_the_database_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite3");
    let history = History::open(&path).expect("open");
    let canary = format!("sk-canary-{}", uuid::Uuid::new_v4().simple());
    // A marker we DO store, to prove the scan reads what was written.
    let marker = format!("provider-marker-{}", uuid::Uuid::new_v4().simple());

    let provider = history
        .add_provider(&marker, ProviderKind::Cometapi, None)
        .expect("provider");
    let memory = MemoryStore::new();
    memory
        .set(&provider.id, &SecretString::new(canary.clone()))
        .expect("memory key");
    let keyring = crate::keys::keyring_available().then_some(KeyringStore);
    if let Some(keyring) = &keyring {
        keyring
            .set(&provider.id, &SecretString::new(canary.clone()))
            .expect("keyring key");
    }
    let key = memory.get(&provider.id).expect("get").expect("present");
    // What the app does with a key around the database: status, logs via Debug, settings.
    let status = memory.status(&provider.id).expect("status");
    let c = history
        .create_conversation(NewConversation {
            title: format!("{key:?} {status:?}"),
            ..Default::default()
        })
        .expect("conversation");
    let user = history
        .append_user_message(&c.id, None, &format!("{key}"), &[])
        .expect("message");
    let a = history
        .begin_assistant_message(&user.id, "gpt-5")
        .expect("begin");
    history
        .update_assistant_progress(
            &a.id,
            "partial",
            "",
            &halley_core::history::MessageParts::default(),
        )
        .expect("progress");
    history
        .save_settings(&Settings::default())
        .expect("settings");
    history
        .set_active_provider(&provider.id)
        .expect("active provider");

    let mut bytes = std::fs::read(&path).expect("db bytes");
    if let Ok(wal) = std::fs::read(dir.path().join("history.sqlite3-wal")) {
        bytes.extend(wal);
    }
    assert!(
        contains(&bytes, marker.as_bytes()),
        "the scan sees stored data (else the check below proves nothing)"
    );
    assert!(
        !contains(&bytes, canary.as_bytes()),
        "the key must never be written to the history database or its WAL"
    );

    // A backup of everything and the exports of every conversation hold
    // the history, never a key.
    let backup = dir.path().join("backups").join("canary.sqlite3");
    history.write_backup(&backup).expect("backup");
    let backup_bytes = std::fs::read(&backup).expect("backup bytes");
    assert!(
        contains(&backup_bytes, marker.as_bytes()),
        "the backup holds the stored data"
    );
    for (what, bytes) in [
        ("the backup", backup_bytes),
        (
            "the JSON export",
            history.export_all_json().expect("json").into_bytes(),
        ),
        (
            "the Markdown export",
            history
                .export_all_markdown()
                .expect("markdown")
                .into_bytes(),
        ),
    ] {
        assert!(
            !contains(&bytes, canary.as_bytes()),
            "the key must never be in {what}"
        );
    }

    if let Some(keyring) = keyring {
        keyring
            .delete(&provider.id)
            .expect("clean up the keyring entry");
    }
}
