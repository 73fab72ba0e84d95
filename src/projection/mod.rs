//! Projections: views of a negotiation as pure functions of its [`Timeline`] (and, for
//! the audit, a rubric), with no I/O and no validation inside. Each view is a fold over
//! the timeline; any of them can be rebuilt from the log at any time.
//!
//! Reading a timeline from a log, and the caches kept beside it (positions checkpoints,
//! audit memos), live in [`crate::views`]; [`checkpoint`] here is the checkpoint's pure
//! part: building, resuming, encoding and decoding one.
//!
//! To add a view: a new file with a type that implements [`Fold`], and a function that
//! runs it over a timeline; then, if it is read from a log, a function in
//! [`crate::views`]. Nothing else changes.

pub mod audit;
pub mod checkpoint;
pub mod diff;
pub mod positions;
mod refs;
pub mod replay;
mod timeline;

pub use refs::{RefIndex, named_by};
pub use timeline::{Entry, Timeline, ViewSpec};

use crate::model::Agenda;

/// A view that is updated one event at a time, in valid-time order.
pub trait Fold {
    /// Takes one event (corrections already applied) into the view.
    fn apply(&mut self, entry: &Entry, agenda: &Agenda);
}

/// Runs `view` over every entry of `timeline`.
pub fn fold<F: Fold>(timeline: &Timeline, mut view: F) -> F {
    for entry in &timeline.entries {
        view.apply(entry, &timeline.agenda);
    }
    view
}
