//! Checkpoints: the positions fold's state after the events up to some valid time, kept
//! so that a view at the end of a long journal, or `--as-of` a late date, folds only the
//! events after it instead of replaying from the start. A checkpoint is a cache: it must
//! give exactly the answer of a full replay, or not be used.
//!
//! # What a checkpoint holds
//!
//! Built over events 1 … S (S was the head), it folds the *settled* entries: those whose
//! valid-time key (`at`, then seq) is at most a cut `K`, chosen [`MARGIN`] before the
//! latest `at`, so moves recorded a few weeks late still land after it. Every entry
//! after `K` has a seq of at least `tail_from`; a view decodes only from there.
//!
//! ```text
//!   seq:   1 ........ tail_from ............. S ............ head
//!          only settled entries | settled and unsettled      | new events
//!   key:   settled ≤ K < unsettled, and every new entry must sort after K too
//! ```
//!
//! # When it is used
//!
//! [`resume`] folds the tail onto the checkpoint's state, or returns `None` (and the
//! caller replays in full, then writes a fresh checkpoint) unless all of these hold:
//!
//! 1. the log is the one it was built from: the first tail event's `prev_hash` and the
//!    hash of event S are the ones it recorded (the chain then proves 1 … S unchanged);
//! 2. the view holds everything it folded: `--known-at` is not before event S's
//!    `recorded_at`, and `--as-of` is not before `K`;
//! 3. no correction recorded after S (in view) targets an event at or before S, which
//!    is what could change a settled entry (corrections only ever target earlier events);
//! 4. no event recorded after S (in view) sorts at or before `K`: a late-recorded move
//!    that falls among the settled entries means the fold must be redone.
//!
//! Under 1–4 the settled entries of the view are exactly those the checkpoint folded,
//! with the same content, and every other entry sorts after them, so folding them in
//! order onto the checkpoint's state is the full replay's fold.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::positions::Positions;
use super::{Entry, Fold, Timeline, ViewSpec};
use crate::model::{Agenda, Body, Digest32, Millis, SortKey, Stored};

/// The version of the checkpointed state: bump it whenever the positions fold, the
/// timeline's rules or this file change what a view computes. A checkpoint of another
/// version is ignored and rebuilt.
pub const VERSION: u32 = 3;

/// How far before the latest `at` the settled entries end: 30 days.
pub const MARGIN: Millis = 30 * 86_400_000;

/// The positions fold over the settled entries of events 1 … `built_at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// [`VERSION`] when it was written.
    pub version: u32,
    /// S: the head it was built at.
    pub built_at: u64,
    /// The hash of event S.
    pub hash: Digest32,
    /// The `recorded_at` of event S.
    pub recorded_at: Millis,
    /// The first seq a view must decode (at most S).
    pub tail_from: u64,
    /// The hash of event `tail_from - 1` ([`Digest32::ZERO`] when it is 1).
    pub before_tail: Digest32,
    /// K: the largest key folded in.
    pub cut: (SortKey, u64),
    /// The agenda from the folded entries.
    pub agenda: Agenda,
    /// The fold's state.
    pub positions: Positions,
}

/// Builds the checkpoint for `records` (a negotiation's events 1 … S in seq order),
/// or `None` when nothing is settled yet.
pub fn build(records: &[Stored], margin: Millis) -> Option<Checkpoint> {
    let slug = records.first()?.envelope.negotiation.clone();
    let chain = chain_of(records);
    let timeline = Timeline::build(slug, records.to_vec(), ViewSpec::default());
    build_from(&chain, &timeline, margin)
}

/// Each event's hash and `recorded_at`, by seq (index seq - 1): what [`build_from`]
/// needs besides the timeline, which keeps neither voided events nor corrections' hashes.
pub fn chain_of(records: &[Stored]) -> Vec<(Digest32, Millis)> {
    records
        .iter()
        .map(|r| (r.envelope.hash, r.envelope.recorded_at))
        .collect()
}

/// Builds the checkpoint from the chain and the unbounded timeline of the same events.
pub fn build_from(
    chain: &[(Digest32, Millis)],
    timeline: &Timeline,
    margin: Millis,
) -> Option<Checkpoint> {
    let built_at = chain.len() as u64;
    let &(hash, recorded_at) = chain.last()?;
    let latest = timeline.entries.iter().map(|e| e.event.at.millis()).max()?;
    let settled = |e: &&Entry| e.event.at.millis() <= latest.saturating_sub(margin);
    let cut = timeline.entries.iter().filter(settled).map(key).max()?;
    let first_unsettled = timeline
        .entries
        .iter()
        .filter(|e| key(e) > cut)
        .map(Entry::seq)
        .min();
    let tail_from = first_unsettled.unwrap_or(built_at).min(built_at);
    let before_tail = match tail_from {
        1 => Digest32::ZERO,
        n => chain.get(usize::try_from(n - 2).ok()?)?.0,
    };
    let mut agenda = Agenda::default();
    let mut positions = Positions::default();
    for entry in timeline.entries.iter().take_while(|e| key(e) <= cut) {
        take_agenda(&mut agenda, entry);
        positions.apply(entry, &agenda);
    }
    Some(Checkpoint {
        version: VERSION,
        built_at,
        hash,
        recorded_at,
        tail_from,
        before_tail,
        cut,
        agenda,
        positions,
    })
}

fn key(entry: &Entry) -> (SortKey, u64) {
    (entry.event.at.sort_key(), entry.seq())
}

/// The view `spec` from a checkpoint and its tail (events `tail_from` … head, in seq
/// order), or `None` when the checkpoint cannot give the full replay's answer.
/// `recorded` is the agenda as recorded at the head (the stream's), from which the view
/// takes what its moves need, as a timeline does (`Agenda::take_late`).
pub fn resume(
    checkpoint: &Checkpoint,
    tail: Vec<Stored>,
    spec: ViewSpec,
    recorded: &Agenda,
) -> Option<(Agenda, Positions)> {
    let s = checkpoint.built_at;
    let first = tail.first()?;
    let at_s = usize::try_from(s.checked_sub(checkpoint.tail_from)?).ok()?;
    let unchanged = checkpoint.version == VERSION
        && first.envelope.seq == checkpoint.tail_from
        && first.envelope.prev_hash == checkpoint.before_tail
        && tail
            .get(at_s)
            .is_some_and(|r| r.envelope.seq == s && r.envelope.hash == checkpoint.hash);
    let in_view = spec.known_at.is_none_or(|k| k >= checkpoint.recorded_at)
        && spec.as_of.is_none_or(|d| d >= checkpoint.cut.0.millis());
    if !unchanged || !in_view {
        return None;
    }
    let known = |r: &&Stored| spec.known_at.is_none_or(|k| r.envelope.recorded_at <= k);
    let new: Vec<&Stored> = tail[at_s + 1..].iter().filter(known).collect();
    let targets = NewTargets::new(&new);
    for r in &new {
        if let Body::Correction(c) = &r.event.body
            && !targets.names_new(&c.target)
        {
            return None;
        }
    }
    let slug = first.envelope.negotiation.clone();
    let timeline = Timeline::build(slug, tail, spec);
    let mut agenda = checkpoint.agenda.clone();
    let mut positions = checkpoint.positions.clone();
    for entry in &timeline.entries {
        if key(entry) > checkpoint.cut {
            take_agenda(&mut agenda, entry);
            positions.apply(entry, &agenda);
        } else if entry.seq() > s {
            return None;
        }
    }
    agenda.take_late(
        recorded,
        |key| positions.moved_on(key),
        |code| positions.moved_by(code),
    );
    Some((agenda, positions))
}

/// The labels and ids of the events recorded after the checkpoint, in view.
struct NewTargets {
    labels: std::collections::HashSet<String>,
    ids: std::collections::HashSet<String>,
}

impl NewTargets {
    fn new(new: &[&Stored]) -> NewTargets {
        NewTargets {
            labels: new.iter().filter_map(|r| r.event.label.clone()).collect(),
            ids: new.iter().map(|r| r.envelope.id.to_string()).collect(),
        }
    }

    /// True when `target` names one of them, as the timeline resolves targets; a target
    /// that names nothing here may name a settled event, so it counts as unsafe.
    fn names_new(&self, target: &str) -> bool {
        self.labels.contains(target) || self.ids.contains(&target.to_ascii_lowercase())
    }
}

/// Applies an agenda entry as [`Timeline`] does: a change that no longer fits is left out.
fn take_agenda(agenda: &mut Agenda, entry: &Entry) {
    if let Body::Agenda(change) = &entry.event.body {
        let _ = agenda.apply(change);
    }
}

/// The stored form: version ‖ SHA-256 of the JSON ‖ JSON. The digest makes a torn or
/// damaged write read as "no checkpoint", never as a wrong one.
pub fn encode(checkpoint: &Checkpoint) -> Vec<u8> {
    let json = serde_json::to_vec(checkpoint).unwrap_or_default();
    let mut out = Vec::with_capacity(json.len() + 36);
    out.extend_from_slice(&checkpoint.version.to_be_bytes());
    out.extend_from_slice(&Sha256::digest(&json));
    out.extend_from_slice(&json);
    out
}

/// Reads a stored checkpoint of this [`VERSION`]; anything else is `None`.
pub fn decode(bytes: &[u8]) -> Option<Checkpoint> {
    let version = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?);
    let digest = bytes.get(4..36)?;
    let json = bytes.get(36..)?;
    if version != VERSION || Sha256::digest(json).as_slice() != digest {
        return None;
    }
    serde_json::from_slice::<Checkpoint>(json)
        .ok()
        .filter(|c| c.version == VERSION)
}
