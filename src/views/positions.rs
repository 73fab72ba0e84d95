//! The positions view read from a log: from the negotiation's checkpoint when it is
//! valid for the view, else from a full replay, which then writes a fresh checkpoint.
//! Either way the answer is the full replay's ([`crate::projection::checkpoint`] says
//! when a checkpoint is valid).

use crate::Result;
use crate::model::{Agenda, Slug, Stored};
use crate::projection::positions::Positions;
use crate::projection::{Timeline, ViewSpec, checkpoint};
use crate::store::{Log, StreamMeta};

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

/// The positions view `spec` of negotiation `slug`, from its checkpoint when that is
/// valid for `spec`, else from a full replay, which then writes a fresh checkpoint (in a
/// log that keeps caches).
pub fn positions(log: &dyn Log, slug: &str, spec: ViewSpec) -> Result<PositionsView> {
    let meta = log.require(slug)?;
    if let Some(view) = from_checkpoint(log, &meta, spec)? {
        return Ok(view);
    }
    let records = crate::journal::recorded_events(log, &meta)?;
    // What the journal knew at an earlier time is not what a checkpoint folds, so such a
    // view is built alone; any other view is cut from the full timeline, which then
    // refreshes the checkpoint.
    if spec.known_at.is_some() {
        return Ok(positions_of(Timeline::build(meta.slug, records, spec)));
    }
    let chain = log.keeps_caches().then(|| checkpoint::chain_of(&records));
    let full = Timeline::build(meta.slug.clone(), records, ViewSpec::default());
    // A cache, not kept in a log that keeps none (a private copy of one the user may
    // not write); failing to write it costs speed, not correctness.
    if let Some(fresh) = chain.and_then(|c| checkpoint::build_from(&c, &full, checkpoint::MARGIN)) {
        let _ = log.save_checkpoint(&meta, &checkpoint::encode(&fresh));
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
    log: &dyn Log,
    meta: &StreamMeta,
    spec: ViewSpec,
) -> Result<Option<PositionsView>> {
    let Some(cp) = log
        .checkpoint(meta)?
        .as_deref()
        .and_then(checkpoint::decode)
    else {
        return Ok(None);
    };
    if cp.built_at > meta.head.seq || meta.head.seq - cp.tail_from > REFRESH_TAIL as u64 {
        return Ok(None);
    }
    let tail: Vec<Stored> = crate::journal::recorded_events_from(log, meta, cp.tail_from)?;
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
