//! The Playground: send a request body the UI built, as it is, and report
//! everything that comes back — every raw stream event with its time since
//! the request started, the folded updates, and the final response — so the
//! UI can show output cards, an event timeline and the exact JSON.
//! Also validates a structured reply against the user's JSON schema.

mod events;
mod run;
mod validate;

pub use events::PlaygroundEvent;
pub use run::{new_run_id, parse_request, run_playground, PlaygroundEmit, PlaygroundOutcome};
pub use validate::{validate_json, Violation};
