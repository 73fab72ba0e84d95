//! Projections: views of a negotiation computed from its log, with no I/O and no
//! validation inside. Each view is a fold over a [`Timeline`]; any of them can be rebuilt
//! from the log at any time.
//!
//! To add a view: a new file with a type that implements [`Fold`], and a function that
//! runs it over a timeline. Nothing else changes.

pub mod audit;
pub mod checkpoint;
pub mod diff;
pub mod memo;
pub mod positions;
mod refs;
pub mod replay;
mod timeline;

pub use refs::{RefIndex, named_by};
pub use timeline::{Entry, Timeline, ViewSpec};

use crate::model::{Agenda, Slug, Stored};
use crate::store::{Log, StreamMeta};
use positions::Positions;

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
pub fn load(store: &dyn Log, slug: &str, spec: ViewSpec) -> crate::Result<Timeline> {
    let meta = store.require(slug)?;
    let records = crate::journal::recorded_events(store, &meta)?;
    Ok(Timeline::build(meta.slug, records, spec))
}

/// The positions of a negotiation in a view, with the agenda they are reported against.
#[derive(Clone, Debug, PartialEq)]
pub struct PositionsView {
    /// The negotiation.
    pub slug: Slug,
    /// Parties and issues in view.
    pub agenda: Agenda,
    /// The fold's state.
    pub positions: Positions,
    /// True when a checkpoint served the view (the tail after it was folded now).
    pub from_checkpoint: bool,
}

/// A checkpoint whose tail is longer than this is rebuilt, so the tail stays short.
const REFRESH_TAIL: usize = 65_536;

/// The positions view, from the negotiation's checkpoint when it is valid for `spec`
/// (see [`checkpoint`]), else from a full replay, which then writes a fresh checkpoint.
/// Either way the answer is the full replay's.
pub fn positions_view(store: &dyn Log, slug: &str, spec: ViewSpec) -> crate::Result<PositionsView> {
    let meta = store.require(slug)?;
    positions_in(store, &meta, spec)
}

fn positions_in(
    store: &dyn Log,
    meta: &StreamMeta,
    spec: ViewSpec,
) -> crate::Result<PositionsView> {
    if let Some(view) = from_checkpoint(store, meta, spec)? {
        return Ok(view);
    }
    let records = crate::journal::recorded_events(store, meta)?;
    // What the journal knew at an earlier time is not what a checkpoint folds, so such a
    // view is built alone; any other view is cut from the full timeline, which then
    // refreshes the checkpoint.
    if spec.known_at.is_some() {
        return Ok(positions_of(Timeline::build(
            meta.slug.clone(),
            records,
            spec,
        )));
    }
    let chain = store.keeps_caches().then(|| checkpoint::chain_of(&records));
    let full = Timeline::build(meta.slug.clone(), records, ViewSpec::default());
    // A cache, not kept in a store that keeps none (a private copy of one the user may
    // not write); failing to write it costs speed, not correctness.
    if let Some(fresh) = chain.and_then(|c| checkpoint::build_from(&c, &full, checkpoint::MARGIN)) {
        let _ = store.save_checkpoint(meta, &checkpoint::encode(&fresh));
    }
    let timeline = match spec.as_of {
        Some(as_of) => full.until(as_of),
        None => full,
    };
    Ok(positions_of(timeline))
}

fn positions_of(timeline: Timeline) -> PositionsView {
    PositionsView {
        positions: Positions::of(&timeline),
        slug: timeline.slug,
        agenda: timeline.agenda,
        from_checkpoint: false,
    }
}

/// The view from the stored checkpoint, if there is one that is intact, matches the
/// log as stored, and is valid for `spec`.
fn from_checkpoint(
    store: &dyn Log,
    meta: &StreamMeta,
    spec: ViewSpec,
) -> crate::Result<Option<PositionsView>> {
    let Some(cp) = store
        .checkpoint(meta)?
        .as_deref()
        .and_then(checkpoint::decode)
    else {
        return Ok(None);
    };
    if cp.built_at > meta.head.seq || meta.head.seq - cp.tail_from > REFRESH_TAIL as u64 {
        return Ok(None);
    }
    let tail: Vec<Stored> = crate::journal::recorded_events_from(store, meta, cp.tail_from)?;
    Ok(
        checkpoint::resume(&cp, tail, spec, &meta.agenda).map(|(agenda, positions)| {
            PositionsView {
                slug: meta.slug.clone(),
                agenda,
                positions,
                from_checkpoint: true,
            }
        }),
    )
}
