//! PDFs too large to send inline. A request carries an inline file as
//! base64 (a third larger than the file), and providers cap a request's
//! size well below what a long PDF weighs; such a PDF is uploaded once to
//! the provider's file storage (`purpose: user_data`) and every later turn
//! sends its file id instead. The ids are kept per provider
//! (`attachment_uploads`) and deleted there with the conversation
//! (`crate::knowledge::Knowledge::forget_conversation`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use halley_responses::files::{FilePurpose, Upload};
use halley_responses::{Client, Endpoint};
use tokio_util::sync::CancellationToken;

use super::plan::plan_turn;
use super::request::ChatOptions;
use super::run::{Emit, Turn};
use super::updates::{RunUpdate, TurnError};
use crate::history::{AttachmentKind, ConversationTree, TurnErrorCode};
use crate::knowledge::on_pool;
use crate::History;

/// The largest PDF sent inline. Its base64 (about 11 MB) stays under the
/// request limits seen at providers and gateways; anything larger goes by
/// file id.
pub const INLINE_PDF_MAX_BYTES: u32 = 8 * 1024 * 1024;

/// How often an upload's progress is told: smooth enough for a bar.
const PROGRESS_EVERY: Duration = Duration::from_millis(150);

/// An attachment on the turn's branch that must be uploaded before the
/// turn can be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUpload {
    pub attachment_id: String,
    pub filename: String,
    pub mime: String,
}

/// The PDFs on the branch up to `user_message_id` that are too large to
/// send inline and have no file at the turn's provider yet (`uploaded`).
pub fn pending_uploads(
    tree: &ConversationTree,
    user_message_id: &str,
    uploaded: &BTreeMap<String, String>,
) -> Vec<PendingUpload> {
    tree.path_to(user_message_id)
        .iter()
        .flat_map(|message| &message.attachments)
        .filter(|a| {
            a.kind == AttachmentKind::Pdf
                && a.size > INLINE_PDF_MAX_BYTES
                && !uploaded.contains_key(&a.id)
        })
        .map(|a| PendingUpload {
            attachment_id: a.id.clone(),
            filename: a.filename.clone(),
            mime: a.mime.clone(),
        })
        .collect()
}

/// Uploads each pending PDF to the provider and records its file id,
/// telling the answer's progress as [`RunUpdate::Uploading`]. The first
/// failure ends the uploads: the turn cannot be sent without the file, and
/// the error names it. Files uploaded before it are kept (the next try
/// sends them by id).
async fn upload_pending(
    history: &Arc<History>,
    client: &Client,
    endpoint: &Endpoint,
    provider_id: &str,
    pending: Vec<PendingUpload>,
    cancel: &CancellationToken,
    emit: &Emit,
) -> Result<(), TurnError> {
    for file in pending {
        let bytes = {
            let (history, id) = (history.clone(), file.attachment_id.clone());
            on_pool(move || history.attachment_data(&id))
                .await
                .map_err(|e| storage_error(&e))?
                .1
        };
        let upload = Upload {
            filename: file.filename.clone(),
            mime: file.mime.clone(),
            bytes: bytes.into(),
            purpose: FilePurpose::UserData,
        };
        let progress = {
            let (emit, filename) = (emit.clone(), file.filename.clone());
            let last = Arc::new(Mutex::new(None::<Instant>));
            Arc::new(move |sent: u64, total: u64| {
                let mut last = last.lock().unwrap_or_else(PoisonError::into_inner);
                if sent < total && last.is_some_and(|t| t.elapsed() < PROGRESS_EVERY) {
                    return;
                }
                *last = Some(Instant::now());
                emit(RunUpdate::Uploading {
                    filename: filename.clone(),
                    sent_bytes: sent,
                    total_bytes: total,
                });
            }) as halley_responses::client::UploadProgress
        };
        let uploaded = client
            .upload_file(endpoint, &upload, Some(progress), cancel)
            .await
            .map_err(|error| upload_error(&file.filename, &error))?;
        let (history, provider_id) = (history.clone(), provider_id.to_owned());
        on_pool(move || {
            history.record_attachment_upload(&file.attachment_id, &provider_id, &uploaded.id)
        })
        .await
        .map_err(|e| storage_error(&e))?;
    }
    Ok(())
}

/// The messages of a turn whose request is planned once its uploads are in.
#[derive(Debug, Clone)]
pub struct TurnIds {
    pub conversation_id: String,
    pub user_message_id: String,
    pub assistant_message_id: String,
    pub provider_id: String,
}

/// Uploads the turn's pending PDFs, then plans its request with their file
/// ids (the plan reads the history again: the ids are in it now).
#[allow(clippy::too_many_arguments)]
pub async fn upload_and_plan(
    history: &Arc<History>,
    client: &Client,
    endpoint: &Endpoint,
    ids: TurnIds,
    mut options: ChatOptions,
    pending: Vec<PendingUpload>,
    cancel: &CancellationToken,
    emit: &Emit,
) -> Result<Turn, TurnError> {
    upload_pending(
        history,
        client,
        endpoint,
        &ids.provider_id,
        pending,
        cancel,
        emit,
    )
    .await?;
    let history = history.clone();
    on_pool(move || {
        options.uploaded_files =
            history.uploaded_attachments(&ids.conversation_id, &ids.provider_id)?;
        let tree = history.get_conversation(&ids.conversation_id)?;
        plan_turn(
            &history,
            &tree,
            &ids.user_message_id,
            &options,
            &ids.provider_id,
            &ids.assistant_message_id,
        )
    })
    .await
    .map_err(|e| storage_error(&e))
}

/// The turn's error for an upload that failed, naming the file; the
/// provider's words stay beside it (the UI says the code in the user's
/// language).
fn upload_error(filename: &str, error: &halley_responses::Error) -> TurnError {
    let mut turn_error = TurnError::from_api(error);
    if turn_error.code != TurnErrorCode::Cancelled {
        turn_error.code = TurnErrorCode::UploadFailed;
        turn_error.message = format!(
            "{filename} could not be uploaded to the provider: {}",
            turn_error.message
        );
    }
    turn_error
}

fn storage_error(error: &crate::Error) -> TurnError {
    TurnError {
        code: TurnErrorCode::Storage,
        message: error.to_string(),
        status: None,
        api_code: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{NewAttachment, NewConversation};

    fn pdf(name: &str, size: usize) -> NewAttachment {
        NewAttachment {
            kind: AttachmentKind::Pdf,
            filename: name.to_owned(),
            mime: "application/pdf".to_owned(),
            data: vec![b'%'; size],
        }
    }

    #[test]
    fn only_large_pdfs_without_a_file_at_the_provider_are_pending() {
        let history = History::open_in_memory().expect("opens");
        let conversation = history
            .create_conversation(NewConversation {
                title: "t".into(),
                model: None,
                provider_id: None,
                settings: serde_json::Value::Null,
            })
            .expect("stored");
        let big = INLINE_PDF_MAX_BYTES as usize + 1;
        let first = history
            .append_user_message(
                &conversation.id,
                None,
                "read these",
                &[pdf("small.pdf", 1024), pdf("big.pdf", big)],
            )
            .expect("stored");
        let answer = history
            .begin_assistant_message(&first.id, "m")
            .expect("stored");
        let second = history
            .append_user_message(
                &conversation.id,
                Some(&answer.id),
                "and this",
                &[pdf("b2.pdf", big)],
            )
            .expect("stored");
        let tree = history.get_conversation(&conversation.id).expect("stored");

        let names = |pending: Vec<PendingUpload>| {
            pending.into_iter().map(|p| p.filename).collect::<Vec<_>>()
        };
        assert_eq!(
            names(pending_uploads(&tree, &second.id, &BTreeMap::new())),
            ["big.pdf", "b2.pdf"],
            "the whole branch, small PDFs inline"
        );
        let big_id = tree.path_to(&first.id)[0].attachments[1].id.clone();
        history
            .record_attachment_upload(&big_id, "p1", "file_1")
            .expect("stored");
        let uploaded = history
            .uploaded_attachments(&conversation.id, "p1")
            .expect("stored");
        assert_eq!(uploaded.get(&big_id).map(String::as_str), Some("file_1"));
        assert_eq!(
            names(pending_uploads(&tree, &second.id, &uploaded)),
            ["b2.pdf"]
        );
        assert!(
            history
                .uploaded_attachments(&conversation.id, "p2")
                .expect("stored")
                .is_empty(),
            "a file at one provider is not one at another"
        );
        assert_eq!(
            names(pending_uploads(&tree, &first.id, &uploaded)),
            Vec::<String>::new()
        );
    }
}
