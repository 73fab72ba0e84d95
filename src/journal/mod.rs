//! Journals in and out of the store: the write path shared by every recording command,
//! reading and writing journal files, and proving the stored chain whole.

mod append;
mod export;
mod import;
mod lines;
mod read;
mod verify;

pub use append::{Appender, MAX_EVENT_BYTES, Outcome};
pub use export::export;
pub use import::{Added, ImportOptions, ImportSummary, import};
pub use lines::{Line, Lines, MAX_LINE_BYTES, parse_object};
pub use read::{recorded_events, recorded_events_from};
pub use verify::{Verified, verify};
