//! The bytes of the files a turn made (`message_files`): generated images,
//! a code interpreter's charts and files. Listed in the message's parts;
//! read one at a time when the UI shows or saves it.

use rusqlite::{params, OptionalExtension};

use super::{new_id, History};
use crate::Error;

/// A kept file's bytes with its name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFileData {
    pub name: String,
    pub mime: String,
    pub data: Vec<u8>,
}

impl History {
    /// Keeps a file of `message_id`; returns its id.
    pub fn add_message_file(
        &self,
        message_id: &str,
        position: u32,
        file: &MessageFileData,
    ) -> Result<String, Error> {
        let id = new_id();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO message_files (id, message_id, position, name, mime, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, message_id, position, file.name, file.mime, file.data],
            )?;
            Ok(())
        })?;
        Ok(id)
    }

    pub fn message_file_data(&self, id: &str) -> Result<MessageFileData, Error> {
        self.read(|conn| {
            conn.query_row(
                "SELECT name, mime, data FROM message_files WHERE id = ?1",
                [id],
                |row| {
                    Ok(MessageFileData {
                        name: row.get(0)?,
                        mime: row.get(1)?,
                        data: row.get(2)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("no file {id}")))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::NewConversation;

    #[test]
    fn a_kept_file_reads_back_and_goes_with_its_conversation() {
        let history = History::open_in_memory().expect("opens");
        let c = history
            .create_conversation(NewConversation {
                title: "t".into(),
                model: None,
                provider_id: None,
                settings: serde_json::Value::Null,
            })
            .expect("creates")
            .id;
        let user = history
            .append_user_message(&c, None, "hi", &[])
            .expect("appends");
        let answer = history
            .begin_assistant_message(&user.id, "m")
            .expect("begins");
        let file = MessageFileData {
            name: "data.csv".into(),
            mime: "text/csv".into(),
            data: b"a,b\n1,2\n".to_vec(),
        };
        let id = history
            .add_message_file(&answer.id, 0, &file)
            .expect("keeps");
        assert_eq!(history.message_file_data(&id).expect("reads"), file);
        history.purge_conversation(&c).expect("purges");
        assert!(matches!(
            history.message_file_data(&id),
            Err(Error::NotFound(_))
        ));
    }
}
