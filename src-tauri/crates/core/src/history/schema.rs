//! The schema and its migrations.

use rusqlite::Connection;

use crate::Error;

/// Append-only: never edit a shipped migration, add a new one at the end.
/// (The first one may still change until the first release ships.)
pub(super) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    -- Soft delete: set on delete, cleared by undo, the row removed by purge.
    deleted_at REAL,
    model TEXT,
    provider_id TEXT,
    settings TEXT NOT NULL DEFAULT '{}',
    -- The message the UI showed last, so reopening shows the same branch.
    -- No foreign key: the leaf is a hint, checked when read.
    current_leaf_id TEXT
);
CREATE INDEX conversations_by_listing ON conversations (pinned DESC, updated_at DESC) WHERE deleted_at IS NULL;

CREATE TABLE messages (
    -- Integer key so the full-text index can point at rows stably; it also
    -- orders messages by the time they were stored.
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    parent_id TEXT REFERENCES messages (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('complete', 'streaming', 'interrupted', 'stopped', 'error')),
    model TEXT,
    response_id TEXT,
    -- The visible text (user input, or the assistant's output text): what search finds.
    text TEXT NOT NULL DEFAULT '',
    reasoning TEXT NOT NULL DEFAULT '',
    -- JSON, read and written only as MessageParts (history/parts.rs):
    -- {"output": [output items, kept to replay], "citations": [{url, title}]}.
    -- The default '[]' (and '[]' in older rows) means no parts.
    parts TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    cached_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    request TEXT,
    response TEXT
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, seq);
CREATE INDEX messages_by_parent ON messages (parent_id, seq);
CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('image', 'pdf')),
    filename TEXT NOT NULL,
    mime TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX attachments_by_message ON attachments (message_id, position);

-- External-content index over messages.text, kept in sync by the triggers
-- below. remove_diacritics 2 lets "tieng viet" find "Tiếng Việt". The
-- prefix indexes serve the while-typing prefix on the last word: without
-- them a short prefix merges the postings of every matching word.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text,
    content = 'messages',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages WHEN old.text IS NOT new.text BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
END;

CREATE TABLE providers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('cometapi', 'openai', 'custom')),
    base_url TEXT NOT NULL,
    created_at REAL NOT NULL
    -- Never a key column: keys live in the OS keyring.
);

-- Small app settings, one JSON value per key.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#,
    r#"
-- Playground background runs: where each stream got to, so a run started
-- before the app closed can be picked up again with `starting_after`.
CREATE TABLE playground_runs (
    response_id TEXT PRIMARY KEY,
    model TEXT NOT NULL DEFAULT '',
    -- The body as sent (JSON), to show what the run was.
    request TEXT NOT NULL,
    -- The response's own status: queued, in_progress, completed, failed, ...
    status TEXT NOT NULL,
    -- The last stream event's sequence_number seen; NULL before any.
    last_sequence INTEGER,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX playground_runs_unfinished ON playground_runs (created_at) WHERE status IN ('queued', 'in_progress');

-- Playground presets: a name, and every saved state of the form under it.
CREATE TABLE playground_presets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE playground_preset_versions (
    preset_id TEXT NOT NULL REFERENCES playground_presets (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    -- The whole form as JSON, as the UI saved it.
    state TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (preset_id, version)
);
"#,
    r#"
-- What each provider (and model behind it) really does, with the evidence
-- (halley_core::capabilities). `model` is '' for provider-wide features.
CREATE TABLE capabilities (
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    feature TEXT NOT NULL,
    verdict TEXT NOT NULL,
    evidence TEXT NOT NULL,
    status INTEGER,
    source TEXT NOT NULL,
    learned_at REAL NOT NULL,
    PRIMARY KEY (provider_id, model, feature)
);
"#,
    r#"
-- Files a turn made (generated images, a code interpreter's images and
-- files), kept here so a reopened conversation shows them after the
-- provider has let them expire. `parts` lists them (MessageParts::files).
CREATE TABLE message_files (
    id TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX message_files_by_message ON message_files (message_id, position);

-- A conversation's knowledge: files uploaded to a provider and indexed in
-- one vector store per conversation and provider (halley_core::knowledge).
CREATE TABLE knowledge_files (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL,
    name TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('uploading', 'indexing', 'ready', 'failed')),
    -- JSON KnowledgeError when state is 'failed'.
    error TEXT,
    file_id TEXT,
    vector_store_id TEXT,
    created_at REAL NOT NULL
);
CREATE INDEX knowledge_by_conversation ON knowledge_files (conversation_id, created_at);
"#,
    r#"
-- PDFs too large to send inline, uploaded once per provider and sent by
-- file id from then on (halley_core::chat::uploads). Deleted at the
-- provider with the conversation's knowledge (KnowledgeCleanup).
CREATE TABLE attachment_uploads (
    attachment_id TEXT NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL,
    file_id TEXT NOT NULL,
    uploaded_at REAL NOT NULL,
    PRIMARY KEY (attachment_id, provider_id)
);
"#,
    r#"
-- Chat answers running in background mode at the provider: which response
-- an assistant message is and the last stream event its kept text
-- includes, so the answer is picked up after that event when the stream
-- drops or the app restarts (halley_core::chat::background). A row lives
-- only while its message streams.
CREATE TABLE background_turns (
    message_id TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL,
    response_id TEXT NOT NULL,
    last_sequence INTEGER,
    -- The request as sent (JSON), kept on the message when it finishes.
    request TEXT NOT NULL,
    started_at REAL NOT NULL
);
"#,
    r#"
-- Assistants (halley_core::assistants): what a chat runs with. A
-- conversation keeps a copy of its assistant in its settings, so deleting
-- a row here changes no conversation.
CREATE TABLE assistants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    emoji TEXT NOT NULL DEFAULT '',
    instructions TEXT NOT NULL DEFAULT '',
    -- Empty: the model the composer has.
    model TEXT NOT NULL DEFAULT '',
    -- The wire spellings (reasoning.effort, text.verbosity); NULL: the model's default.
    reasoning_effort TEXT,
    verbosity TEXT,
    -- JSON: AssistantTools.
    tools TEXT NOT NULL DEFAULT '{}',
    -- JSON: an array of strings.
    starter_prompts TEXT NOT NULL DEFAULT '[]',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
"#,
    r#"
-- Evaluations (halley_core::eval): datasets imported from CSV or JSONL,
-- versioned like presets (each import under a name adds a version), and
-- runs of preset variants over one version, with every row's result.
CREATE TABLE eval_datasets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE eval_dataset_versions (
    dataset_id TEXT NOT NULL REFERENCES eval_datasets (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    -- JSON array of the column names, in file order.
    columns TEXT NOT NULL,
    -- The column holding the expected output, if any.
    expected_column TEXT,
    row_count INTEGER NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('csv', 'jsonl')),
    created_at REAL NOT NULL,
    PRIMARY KEY (dataset_id, version)
);
CREATE TABLE eval_dataset_rows (
    dataset_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    -- 1-based, the row's place in the file.
    position INTEGER NOT NULL,
    -- JSON array of the cells, in column order.
    cells TEXT NOT NULL,
    PRIMARY KEY (dataset_id, version, position),
    FOREIGN KEY (dataset_id, version) REFERENCES eval_dataset_versions (dataset_id, version) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE eval_runs (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL,
    dataset_version INTEGER NOT NULL,
    -- JSON eval::StoredRun: the variants resolved (each preset version's
    -- form copied), the graders, the concurrency.
    spec TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'paused', 'cancelled', 'completed')),
    -- JSON array of eval::PendingBatch: the Batch API batches sent and
    -- not yet read back, so a resume polls them instead of sending again.
    batches TEXT NOT NULL DEFAULT '[]',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    FOREIGN KEY (dataset_id, dataset_version) REFERENCES eval_dataset_versions (dataset_id, version) ON DELETE CASCADE
);
CREATE TABLE eval_results (
    run_id TEXT NOT NULL REFERENCES eval_runs (id) ON DELETE CASCADE,
    variant INTEGER NOT NULL,
    position INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('answered', 'failed')),
    passed INTEGER NOT NULL,
    output TEXT NOT NULL DEFAULT '',
    -- The request as sent and the final response (JSON), for the exchange view.
    request TEXT,
    response TEXT,
    error TEXT,
    latency_ms REAL,
    model TEXT,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    cached_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL,
    -- JSON array of eval::Grade.
    grades TEXT NOT NULL DEFAULT '[]',
    grader_requests INTEGER NOT NULL DEFAULT 0,
    grader_cost_usd REAL,
    -- JSON eval::HumanGrade, set later by a person.
    human_grade TEXT,
    finished_at REAL NOT NULL,
    PRIMARY KEY (run_id, variant, position)
) WITHOUT ROWID;
"#,
    r#"
-- Requests made for a conversation that are not its turns — the one that
-- names it (halley_core::chat::title) — kept for what they cost: their
-- tokens count in the usage view and in the conversation's total. One per
-- purpose, so a backup restored twice adds nothing.
CREATE TABLE side_requests (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('naming')),
    model TEXT NOT NULL,
    created_at REAL NOT NULL,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    cached_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conversation_id, purpose)
) WITHOUT ROWID;
"#,
];

/// Brings the schema up to date in one transaction, refusing a database
/// written by a newer app (running our older migrations could damage it).
pub(super) fn migrate(conn: &mut Connection) -> Result<(), Error> {
    let known = MIGRATIONS.len() as u32;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Read inside the write transaction so two processes cannot both migrate.
    let current: u32 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > known {
        return Err(Error::History(super::HistoryProblem::Newer {
            found: current,
            known,
        }));
    }
    for sql in &MIGRATIONS[current as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", known)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;
    use crate::History;
    use rusqlite::{params, Connection};

    /// A file as the first released schema left it, holding a conversation
    /// with a question and an answer.
    fn version_1_file_with_data(path: &std::path::Path) {
        let conn = Connection::open(path).expect("open");
        conn.execute_batch(MIGRATIONS[0]).expect("schema 1");
        conn.pragma_update(None, "user_version", 1)
            .expect("version 1");
        conn.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at, current_leaf_id)
             VALUES ('c1', 'Kept across upgrades', 1.0, 2.0, 'm2')",
            [],
        )
        .expect("conversation");
        for (seq, id, parent, role, text) in [
            (
                1,
                "m1",
                None,
                "user",
                "Which platypus facts survive an upgrade?",
            ),
            (
                2,
                "m2",
                Some("m1"),
                "assistant",
                "All of them, platypus included.",
            ),
        ] {
            conn.execute(
                "INSERT INTO messages (seq, id, conversation_id, parent_id, role, created_at, updated_at, status, text)
                 VALUES (?1, ?2, 'c1', ?3, ?4, ?1, ?1, 'complete', ?5)",
                params![seq, id, parent, role, text],
            )
            .expect("message");
        }
    }

    #[test]
    fn a_version_1_file_with_history_upgrades_without_losing_any() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        version_1_file_with_data(&path);

        let history = History::open(&path).expect("a version 1 file opens");
        assert_eq!(
            history.schema_version().expect("version"),
            MIGRATIONS.len() as u32,
            "every later migration ran"
        );
        let listed = history.list_conversations().expect("list");
        assert_eq!(listed.len(), 1, "the old conversation is still listed");
        assert_eq!(listed[0].title, "Kept across upgrades");
        let tree = history.get_conversation("c1").expect("tree");
        let texts: Vec<&str> = tree.messages.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Which platypus facts survive an upgrade?",
                "All of them, platypus included."
            ],
            "both messages survive, in order"
        );
        let hits = history.search("platypus", 10).expect("search");
        assert_eq!(
            hits.len(),
            2,
            "the full-text index built under schema 1 still answers"
        );
        // A table the later migrations added is usable on the upgraded file.
        history
            .record_background_run("resp_1", "echo", "{}", "queued", None)
            .expect("the version 2 tables work");
        // Assistants, and a conversation of schema 1 talking to one.
        let tutor = history
            .save_assistant(crate::assistants::AssistantInput {
                name: "Tutor".into(),
                ..Default::default()
            })
            .expect("the assistants table works");
        history
            .set_conversation_assistant("c1", Some(&tutor.id))
            .expect("an old conversation takes an assistant");
        assert!(
            history.integrity_check().expect("check"),
            "the upgraded file is sound"
        );
    }
}
