//! A chat turn: build the Responses request for a branch of the history,
//! stream the answer, persist it at a bounded rate, and report small updates.
//! Knows no Tauri: the app forwards [`RunUpdate`]s over its IPC channel.

mod adapt;
mod asked;
mod background;
mod outputs;
mod persist;
mod plan;
mod request;
mod run;
mod send;
mod title;
mod tools;
mod updates;
mod uploads;

pub use adapt::{withhold_known, without};
pub use asked::{unanswered, AskedFor, AskedKind};
pub use background::{wants_background, MAX_RECONNECTS};
pub use outputs::{tool_outputs, FileSearchHit, ToolOutput, MAX_FILES_PER_TURN};
pub use plan::plan_turn;
pub use request::{
    build_request, Chaining, ChatOptions, ImageBackground, ImageOptions, ImageQuality, ImageSize,
    ReasoningEffort, Verbosity,
};
pub(crate) use run::usage_of;
pub use run::{end_unsent, resume_turn, run_turn, Emit, Turn, TurnOutcome};
pub use send::{prepare_regenerate, prepare_send, Outgoing, PreparedTurn};
pub use title::{clean_title, name_conversation, naming_request, title_from};
pub use tools::{
    offer, ApprovalAnswer, Approvals, ToolStep, ToolStepStatus, TurnTools, MAX_TOOL_ROUNDS,
};
pub use updates::{Citation, RunUpdate, ToolItemType, TurnError, TurnErrorCode};
pub use uploads::{pending_uploads, upload_and_plan, PendingUpload, TurnIds, INLINE_PDF_MAX_BYTES};
