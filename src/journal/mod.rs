//! Journals in and out of the store: the write path shared by every recording command,
//! reading and writing journal files, proving the stored chain whole, and turning coded
//! event data (GDELT) into journals.

mod append;
pub mod cameo;
mod export;
mod gdelt;
mod id_map;
mod import;
mod line;
mod lines;
mod prepared;
mod read;
mod sync;
mod verify;

pub use append::{Appender, MAX_EVENT_BYTES, Outcome, Spent};
pub use export::export;
pub use gdelt::{Converted, GdeltOptions, RELATIONS_ISSUE, convert_gdelt};
pub use import::{Added, ImportOptions, ImportSummary, import, import_signed};
pub use line::{did_you_mean, move_kind, read_line, resolve_names, typed_number, when_text};
pub use lines::{Line, Lines, MAX_LINE_BYTES, parse_object};
pub use prepared::{Authored, Prepared};
pub use read::{recorded_events, recorded_events_from};
pub use sync::{
    FIRST_RECORDED_AT, FIRST_RECORDED_BY, Journals, Moved, Pulled, Recording, pull, push,
};
pub use verify::{Verified, verify};
