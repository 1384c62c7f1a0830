//! Which attachments went to which provider's file storage
//! (`attachment_uploads`): a PDF too large to send inline is uploaded once
//! per provider and sent by file id on every later turn. The uploads
//! themselves are `crate::chat::uploads`'.

use std::collections::BTreeMap;

use rusqlite::params;

use super::{now_ms, History};
use crate::Error;

/// An attachment's file at one provider, with what the user knows it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentUpload {
    pub attachment_id: String,
    pub provider_id: String,
    pub file_id: String,
    pub filename: String,
}

impl History {
    pub fn record_attachment_upload(
        &self,
        attachment_id: &str,
        provider_id: &str,
        file_id: &str,
    ) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO attachment_uploads (attachment_id, provider_id, file_id, uploaded_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![attachment_id, provider_id, file_id, now_ms()],
            )?;
            Ok(())
        })
    }

    /// The file ids of a conversation's attachments at `provider_id`, by
    /// attachment id: what a request there sends instead of the bytes.
    pub fn uploaded_attachments(
        &self,
        conversation_id: &str,
        provider_id: &str,
    ) -> Result<BTreeMap<String, String>, Error> {
        Ok(self
            .attachment_uploads(conversation_id)?
            .into_iter()
            .filter(|u| u.provider_id == provider_id)
            .map(|u| (u.attachment_id, u.file_id))
            .collect())
    }

    /// Every provider file a conversation's attachments have.
    pub fn attachment_uploads(
        &self,
        conversation_id: &str,
    ) -> Result<Vec<AttachmentUpload>, Error> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT u.attachment_id, u.provider_id, u.file_id, a.filename
                 FROM attachment_uploads u
                 JOIN attachments a ON a.id = u.attachment_id
                 JOIN messages m ON m.id = a.message_id
                 WHERE m.conversation_id = ?1 ORDER BY u.uploaded_at",
            )?;
            let rows = statement.query_map([conversation_id], |row| {
                Ok(AttachmentUpload {
                    attachment_id: row.get(0)?,
                    provider_id: row.get(1)?,
                    file_id: row.get(2)?,
                    filename: row.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Forgets a file the provider no longer has (deleted with the
    /// conversation's knowledge, or gone when a turn sent it).
    pub fn remove_attachment_upload(
        &self,
        attachment_id: &str,
        provider_id: &str,
    ) -> Result<(), Error> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM attachment_uploads WHERE attachment_id = ?1 AND provider_id = ?2",
                [attachment_id, provider_id],
            )?;
            Ok(())
        })
    }
}
