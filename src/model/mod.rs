//! The vocabulary of parley: names, times, kinds, events, the envelope and hash chain,
//! and the rules an event must meet in its negotiation.
//!
//! Nothing here does I/O; everything here can be tested on values alone.

mod canonical;
mod envelope;
mod event;
mod invalid;
mod kind;
mod names;
mod parse;
mod recorded;
mod rules;
mod schema;
mod stored;
mod time;
mod wire;

pub use canonical::{CanonicalFields, FieldsWriter, Sealer};
pub use envelope::{
    Digest32, ENVELOPE_FIELDS, Envelope, SCHEMA, canonical, chain_hash, chain_hash_bytes,
    fingerprint,
};
pub use event::{AgendaChange, Annotation, Body, Correction, Event, IssueDef, Move, Party};
pub use invalid::Invalid;
pub use kind::{Action, Channel, Direction, Kind, Level, PartyRole, Reversibility};
pub use names::{IssueKey, PartyCode, Slug};
pub(crate) use parse::describe;
pub use parse::{FastLine, LineCache, MAX_SUMMARY_CHARS};
pub use recorded::Recorded;
pub use rules::{
    Agenda, FieldChange, MAX_NUMBER, References, Target, amended, check_changes, check_in_context,
    check_numbers, field_changes, id_named,
};
pub use schema::{Field, Shape, fields_of};
pub(crate) use stored::raw_of;
pub use stored::{Stored, StoredBytes, decode_run};
pub use time::{
    At, Millis, ONE_DAY, SortKey, format_date, format_human, format_instant, parse_bound,
    parse_instant,
};
