//! The Playground: send a request body the UI built, as it is, and report
//! everything that comes back — every raw stream event with its time since
//! the request started, the folded updates, and the final response — so the
//! UI can show output cards, an event timeline and the exact JSON.
//! Also validates a structured reply against the user's JSON schema.

mod background;
mod events;
mod presets;
mod provider_files;
mod recording;
mod run;
mod secrets;
mod validate;

pub use background::{is_unfinished, BackgroundRun, ResumeBookmark};
pub use events::{PlaygroundEvent, PlaygroundStatus};
pub use presets::{PresetSummary, PresetVersion, PRESET_FORMAT};
pub use provider_files::{
    create_store_from_files, store_files, FileIndexing, FileUploadProgress, ProviderFile,
    StoreFile, StoreSummary, UploadPurpose, MAX_STORE_FILES,
};
pub use recording::{fold_recording, recording_text, RecordedEvent};
pub use run::{
    count_input_tokens, new_run_id, parse_request, resume_playground, run_playground,
    PlaygroundEmit, PlaygroundOutcome,
};
pub use secrets::{
    fill_mcp_secrets, mcp_secret_id, mcp_secrets_named_by, scrub_event, SECRET_PLACEHOLDER,
};
pub use validate::{validate_json, Violation};
