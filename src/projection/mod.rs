//! Projections: views of a negotiation computed from its log, with no I/O and no
//! validation inside. Each view is a fold over a [`Timeline`]; any of them can be rebuilt
//! from the log at any time.
//!
//! To add a view: a new file with a type that implements [`Fold`], and a function that
//! runs it over a timeline. Nothing else changes.

pub mod audit;
pub mod diff;
pub mod positions;
pub mod replay;
mod timeline;

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

/// Loads a negotiation from the store and builds its timeline.
pub fn load(store: &crate::store::Store, slug: &str, spec: ViewSpec) -> crate::Result<Timeline> {
    let meta = store.require(slug)?;
    let records = crate::journal::recorded_events(store, &meta)?;
    Ok(Timeline::build(meta.slug, records, spec))
}
