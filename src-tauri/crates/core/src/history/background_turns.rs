//! Chat answers running in background mode at the provider
//! (`background: true`): which response an assistant message is, and the
//! last stream event its kept text includes. The event number is written
//! in the same transaction as the text (see
//! [`History::update_assistant_progress_at`]), so the two always agree: the
//! answer is picked up after exactly the events the kept text has.

use rusqlite::{params, OptionalExtension, Row};

use super::now_ms;
use crate::{Error, History};

/// A background answer as stored while its message streams.
#[derive(Debug, Clone, PartialEq)]
pub struct BackgroundTurn {
    pub message_id: String,
    pub provider_id: String,
    pub response_id: String,
    /// The last `sequence_number` the kept text includes; `None` before
    /// the first progress write (the answer is then read from its start).
    pub last_sequence: Option<u64>,
    /// The request as sent (JSON text), kept on the message at its end.
    pub request: String,
}

const COLUMNS: &str = "b.message_id, b.provider_id, b.response_id, b.last_sequence, b.request";

fn read_row(row: &Row<'_>) -> rusqlite::Result<BackgroundTurn> {
    Ok(BackgroundTurn {
        message_id: row.get(0)?,
        provider_id: row.get(1)?,
        response_id: row.get(2)?,
        last_sequence: row
            .get::<_, Option<i64>>(3)?
            .and_then(|n| u64::try_from(n).ok()),
        request: row.get(4)?,
    })
}

impl History {
    /// Remembers that `message_id` is the background response
    /// `response_id`, as soon as the provider names it.
    pub fn record_background_turn(
        &self,
        message_id: &str,
        provider_id: &str,
        response_id: &str,
        request: &str,
    ) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO background_turns (message_id, provider_id, response_id, request, started_at)
                 SELECT ?1, ?2, ?3, ?4, ?5 FROM messages WHERE id = ?1 AND status = 'streaming'
                 ON CONFLICT (message_id) DO UPDATE SET response_id = excluded.response_id,
                     last_sequence = NULL",
                params![message_id, provider_id, response_id, request, now_ms()],
            )?;
            Ok(())
        })
    }

    pub fn background_turn(&self, message_id: &str) -> Result<Option<BackgroundTurn>, Error> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    &format!("SELECT {COLUMNS} FROM background_turns b WHERE b.message_id = ?1"),
                    params![message_id],
                    read_row,
                )
                .optional()?)
        })
    }

    /// A background answer that cannot be picked up (its provider or key
    /// is gone): interrupted, keeping its text, like any answer a closed
    /// app cut off.
    pub fn give_up_background_turn(&self, message_id: &str) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "UPDATE messages SET status = 'interrupted' WHERE id = ?1 AND status = 'streaming'",
                params![message_id],
            )?;
            tx.execute(
                "DELETE FROM background_turns WHERE message_id = ?1",
                params![message_id],
            )?;
            Ok(())
        })
    }

    /// Background answers whose message still streams: the ones to pick up
    /// at start-up, oldest first.
    pub fn streaming_background_turns(&self) -> Result<Vec<BackgroundTurn>, Error> {
        self.read(|conn| {
            let mut statement = conn.prepare(&format!(
                "SELECT {COLUMNS} FROM background_turns b JOIN messages m ON m.id = b.message_id
                 WHERE m.status = 'streaming' ORDER BY b.started_at"
            ))?;
            let rows = statement.query_map([], read_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::history::{AssistantOutcome, MessageParts, MessageStatus, NewConversation, Usage};
    use crate::History;

    fn streaming_answer(history: &History) -> String {
        let conversation = history
            .create_conversation(NewConversation {
                title: "t".into(),
                model: None,
                provider_id: None,
                settings: serde_json::Value::Null,
            })
            .expect("conversation");
        let user = history
            .append_user_message(&conversation.id, None, "hi", &[])
            .expect("user");
        history
            .begin_assistant_message(&user.id, "m")
            .expect("assistant")
            .id
    }

    #[test]
    fn the_event_number_is_kept_with_the_text_and_survives_a_restart_only_while_streaming() {
        let history = History::open_in_memory().expect("opens");
        let id = streaming_answer(&history);
        history
            .record_background_turn(&id, "p", "resp_1", "{}")
            .expect("recorded");
        let turn = history.background_turn(&id).expect("reads").expect("row");
        assert_eq!(
            (turn.response_id.as_str(), turn.last_sequence),
            ("resp_1", None)
        );

        history
            .update_assistant_progress_at(&id, "Hello", "", &MessageParts::default(), Some(7))
            .expect("progress");
        let turn = history.background_turn(&id).expect("reads").expect("row");
        assert_eq!(turn.last_sequence, Some(7));
        assert_eq!(history.get_message(&id).expect("message").text, "Hello");

        // A restart leaves a background answer streaming, and only that one.
        let other = streaming_answer(&history);
        assert_eq!(history.mark_interrupted_on_startup().expect("marks"), 1);
        assert_eq!(
            history.get_message(&id).expect("m").status,
            MessageStatus::Streaming
        );
        assert_eq!(
            history.get_message(&other).expect("m").status,
            MessageStatus::Interrupted
        );
        assert_eq!(history.streaming_background_turns().expect("rows").len(), 1);

        // Finished, it is no longer one to pick up, and its row is gone.
        history
            .finish_assistant_message(
                &id,
                &AssistantOutcome {
                    status: MessageStatus::Complete,
                    text: "Hello there".into(),
                    reasoning: String::new(),
                    parts: MessageParts::default(),
                    response_id: Some("resp_1".into()),
                    request: None,
                    response: None,
                    usage: Usage::default(),
                    error: None,
                },
            )
            .expect("finishes");
        assert!(history
            .streaming_background_turns()
            .expect("rows")
            .is_empty());
        assert_eq!(history.background_turn(&id).expect("reads"), None);
    }
}
