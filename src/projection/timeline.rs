//! The timeline: a negotiation as a view sees it. Corrections are applied, voided events
//! are gone, and what is left is sorted by valid time (`at`, then `seq`).
//!
//! Two bounds choose the view (cli.md):
//!
//! ```text
//! known_at K : only events with recorded_at ≤ K exist, corrections included
//!              (what the journal held at K; later corrections not applied)
//! as_of    D : of those, only events with (corrected) at ≤ D
//!              (the world as of D, every correction recorded so far applied)
//! ```
//!
//! A correction's own `at` is when it was made; it never filters the correction out.
//! Voiding a correction undoes it.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::refs::{RefIndex, named_by};

use crate::model::{
    Action, Agenda, Body, Correction, Envelope, Event, Kind, Millis, Slug, SortKey, Stored,
    StoredBytes, amended,
};

/// Which slice of history to look at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewSpec {
    /// Only events with `at` at or before this instant.
    pub as_of: Option<Millis>,
    /// Only events with `recorded_at` at or before this instant.
    pub known_at: Option<Millis>,
}

/// One event as the view sees it: a [`Stored`] event with its corrections applied.
///
/// It has the same fields as `Stored`, so that building the entries reuses the memory
/// the events were read into: at a million events a fresh list costs more in page
/// faults than the work done on it. Which corrections were applied is kept in the
/// [`Timeline`] ([`Timeline::corrected_by`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// What the store assigned.
    pub envelope: Envelope,
    /// The event with every applicable amendment applied.
    pub event: Event,
    /// The stored bytes, as recorded (before any amendment).
    bytes: StoredBytes,
}

const _: () = assert!(std::mem::size_of::<Entry>() <= std::mem::size_of::<Stored>());

impl Entry {
    /// The seq.
    pub fn seq(&self) -> u64 {
        self.envelope.seq
    }

    /// The whole object as recorded, before any amendment (unknown fields included).
    pub fn raw(&self) -> Map<String, Value> {
        crate::model::raw_of(self.bytes.as_slice())
    }
}

/// A negotiation through a [`ViewSpec`].
#[derive(Clone, Debug)]
pub struct Timeline {
    /// The negotiation.
    pub slug: Slug,
    /// Parties and issues from the opening and agenda events in view, and those a move in
    /// view concerns that an agenda event dated later added (see `Agenda::take_late`).
    pub agenda: Agenda,
    /// Every agenda event recorded (up to `--known-at`), in seq order: where the late
    /// ones come from.
    recorded_agenda: Agenda,
    /// Every event in view except corrections, in valid-time order.
    pub entries: Vec<Entry>,
    /// The corrections in view, in seq order.
    pub corrections: Vec<Stored>,
    /// Events voided by a correction in view: (voided seq, correction seq).
    pub voided: Vec<(u64, u64)>,
    /// The seqs of the amendments applied to each amended event, in order.
    amended: HashMap<u64, Vec<u64>>,
    /// The view it was built for.
    pub spec: ViewSpec,
    /// The references the events in view make, resolved on first use ([`Timeline::refs`]).
    refs: OnceLock<RefIndex>,
}

impl Timeline {
    /// Builds the view from a negotiation's recorded events (in seq order).
    pub fn build(slug: Slug, mut events: Vec<Stored>, spec: ViewSpec) -> Timeline {
        // In place: at a million events each copy of the list costs more than the work.
        events.retain(|r| spec.known_at.is_none_or(|k| r.envelope.recorded_at <= k));
        // Copied out rather than extracted: they are few, and extracting would move
        // every event after the first one.
        let corrections: Vec<Stored> = events
            .iter()
            .filter(|r| r.event.kind == Kind::Correction)
            .cloned()
            .collect();
        // Only the targets of corrections: the rest waits for `refs`.
        let targets = RefIndex::of(
            corrections.iter().filter_map(|r| named_by(&r.event)),
            events.iter().map(|r| (&r.envelope, &r.event)),
        );
        let active = active_corrections(&corrections, &targets);
        // Each event's corrections, found once, in seq order: the events come in seq
        // order, so each takes its own from the front.
        let mut by_target: BTreeMap<u64, Vec<&(u64, &Correction)>> = BTreeMap::new();
        for correction in &active {
            if let Some(seq) = targets.seq(&correction.1.target) {
                by_target.entry(seq).or_default().push(correction);
            }
        }
        let mut voided = Vec::new();
        let mut amended = HashMap::new();
        // The agenda as recorded, in seq order as the store built it: agenda events
        // cannot be corrected, so every one counts. Taken in the pass below.
        let mut recorded_agenda = Agenda::default();
        // One pass that reuses the events' memory (see `Entry`).
        let mut entries: Vec<Entry> = events
            .into_iter()
            .filter_map(|stored| {
                if stored.event.kind == Kind::Correction {
                    return None;
                }
                if let Body::Agenda(change) = &stored.event.body {
                    let _ = recorded_agenda.apply(change);
                }
                let seq = stored.envelope.seq;
                let applied = corrections_of(&mut by_target, seq);
                if let Some((by, _)) = applied.iter().rev().find(|(_, c)| c.action == Action::Void)
                {
                    voided.push((seq, *by));
                    return None;
                }
                let (entry, corrected_by) = apply(stored, &applied);
                if spec.as_of.is_some_and(|d| entry.event.at.millis() > d) {
                    return None;
                }
                if !corrected_by.is_empty() {
                    amended.insert(seq, corrected_by);
                }
                Some(entry)
            })
            .collect();
        in_valid_time_order(&mut entries);
        let mut agenda = agenda_of(&entries);
        take_late(&mut agenda, &recorded_agenda, &entries);
        Timeline {
            slug,
            agenda,
            recorded_agenda,
            entries,
            corrections,
            voided,
            amended,
            spec,
            refs: OnceLock::new(),
        }
    }

    /// This view cut at `as_of`: the same as building it with that `--as-of`, because
    /// every correction in view is already applied and only entries with a later `at`
    /// (and the agenda they carried) drop out.
    pub fn until(mut self, as_of: Millis) -> Timeline {
        let as_of = self.spec.as_of.map_or(as_of, |d| d.min(as_of));
        let mut dropped = HashSet::new();
        self.entries.retain(|e| {
            let keep = e.event.at.millis() <= as_of;
            if !keep {
                dropped.insert(e.seq());
            }
            keep
        });
        self.amended.retain(|seq, _| !dropped.contains(seq));
        self.agenda = agenda_of(&self.entries);
        take_late(&mut self.agenda, &self.recorded_agenda, &self.entries);
        self.spec.as_of = Some(as_of);
        self.refs = OnceLock::new();
        self
    }

    /// The references the entries make (a move's `responds_to`, an annotation's
    /// `target`), resolved among the entries by the one rule of [`RefIndex`]: the seq
    /// each names, if that event is in view (not voided, not a correction, not after
    /// `as_of`). Built on first use: most views never ask.
    pub fn refs(&self) -> &RefIndex {
        self.refs
            .get_or_init(|| RefIndex::within(self.entries.iter().map(|e| (&e.envelope, &e.event))))
    }

    /// The seqs of the amendments applied to the event `seq`, in order.
    pub fn corrected_by(&self, seq: u64) -> &[u64] {
        self.amended.get(&seq).map_or(&[], Vec::as_slice)
    }

    /// Every agenda event recorded in view of `--known-at`, applied in seq order: the
    /// stream's agenda as the store keeps it at the head.
    pub fn recorded_agenda(&self) -> &Agenda {
        &self.recorded_agenda
    }

    /// How many distinct amendments are applied to the events in view.
    pub fn amendments_applied(&self) -> usize {
        let seqs: HashSet<u64> = self.amended.values().flatten().copied().collect();
        seqs.len()
    }

    /// How far the view reaches in valid time: `--as-of` when given, else the latest
    /// instant the journal speaks of (an event's `at`, or when it recorded anything), so
    /// that "nothing followed within 60 days" can be said of talks that went quiet.
    pub fn horizon(&self) -> Millis {
        if let Some(as_of) = self.spec.as_of {
            return as_of;
        }
        self.entries
            .iter()
            .map(|e| e.event.at.millis().max(e.envelope.recorded_at))
            .chain(self.corrections.iter().map(|c| c.envelope.recorded_at))
            .max()
            .unwrap_or(Millis::MIN)
    }

    /// The moves in view, in valid-time order.
    pub fn moves(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.event.kind.is_move())
    }
}

/// The corrections that still apply: those not voided by a later correction that itself
/// still applies. A void can only name an earlier event, so walking from the newest
/// correction back settles each one before anything it could undo: voiding a void
/// restores the first, and voiding that again undoes it once more, to any depth.
fn active_corrections<'a>(
    corrections: &'a [Stored],
    targets: &RefIndex,
) -> Vec<(u64, &'a Correction)> {
    let all: Vec<(u64, &Correction)> = corrections
        .iter()
        .filter_map(|r| match &r.event.body {
            Body::Correction(c) => Some((r.envelope.seq, c)),
            _ => None,
        })
        .collect();
    let mut undone: HashSet<u64> = HashSet::new();
    let mut active = Vec::with_capacity(all.len());
    for (seq, correction) in all.into_iter().rev() {
        if undone.contains(&seq) {
            continue;
        }
        if correction.action == Action::Void
            && let Some(target) = targets.seq(&correction.target)
        {
            undone.insert(target);
        }
        active.push((seq, correction));
    }
    active.reverse();
    active
}

/// The corrections of the event `seq`, taken from the front of `by_target`; entries
/// before `seq` name no event in view (a correction, or an event not yet known).
fn corrections_of<'c, 'a>(
    by_target: &mut BTreeMap<u64, Vec<&'c (u64, &'a Correction)>>,
    seq: u64,
) -> Vec<&'c (u64, &'a Correction)> {
    while let Some(entry) = by_target.first_entry() {
        match entry.key().cmp(&seq) {
            Ordering::Less => drop(entry.remove()),
            Ordering::Equal => return entry.remove(),
            Ordering::Greater => break,
        }
    }
    Vec::new()
}

/// The target with its amendments applied in seq order, and the seqs of those applied.
/// The store checked every amendment when it was recorded; one that no longer reads is
/// skipped, never fatal.
fn apply(stored: Stored, corrections: &[&(u64, &Correction)]) -> (Entry, Vec<u64>) {
    let (envelope, mut event, bytes) = stored.into_parts();
    let mut corrected_by = Vec::new();
    if corrections.iter().any(|(_, c)| c.action == Action::Amend) {
        let mut raw = crate::model::raw_of(bytes.as_slice());
        for (seq, correction) in corrections {
            if correction.action != Action::Amend {
                continue;
            }
            let next = amended(&raw, &correction.changes);
            if let Ok(next_event) = Event::from_map(&next) {
                raw = next;
                event = next_event;
                corrected_by.push(*seq);
            }
        }
    }
    let entry = Entry {
        envelope,
        event,
        bytes,
    };
    (entry, corrected_by)
}

/// Sorts entries, built in seq order, by valid time (`at`, then `seq`). Most journals
/// are recorded nearly in order and entries are large, so the few recorded late are
/// taken out and sorted, and put back as one sorted run after the rest: the standard
/// stable sort merges two sorted runs in linear time, moving little more than the late
/// entries, where sorting the whole list would move every entry many times.
fn in_valid_time_order(entries: &mut Vec<Entry>) {
    if entries.is_sorted_by_key(valid_time) {
        return;
    }
    let mut latest = None;
    let mut late: Vec<Entry> = entries
        .extract_if(.., |entry| {
            let key = valid_time(entry);
            if latest.is_some_and(|l| key < l) {
                return true;
            }
            latest = Some(key);
            false
        })
        .collect();
    late.sort_unstable_by_key(valid_time);
    entries.append(&mut late);
    entries.sort_by_key(valid_time);
}

/// The order of a view: `at`, then `seq` (unique, so no two entries tie).
fn valid_time(entry: &Entry) -> (SortKey, u64) {
    (entry.event.at.sort_key(), entry.seq())
}

fn agenda_of(entries: &[Entry]) -> Agenda {
    let mut agenda = Agenda::default();
    for entry in entries {
        if let Body::Agenda(change) = &entry.event.body {
            // Each change was accepted against the agenda before it; a change that no
            // longer fits (its opening fell outside the view) is left out.
            let _ = agenda.apply(change);
        }
    }
    agenda
}

/// Adds to `agenda` what the moves among `entries` need from `full`, the agenda as
/// recorded (see `Agenda::take_late`).
fn take_late(agenda: &mut Agenda, full: &Agenda, entries: &[Entry]) {
    if full.issues.len() == agenda.issues.len() && full.parties.len() == agenda.parties.len() {
        return;
    }
    let moves: Vec<&crate::model::Move> =
        entries.iter().filter_map(|e| e.event.as_move()).collect();
    agenda.take_late(
        full,
        |key| moves.iter().any(|m| m.issues.contains(key)),
        |code| moves.iter().any(|m| &m.by == code),
    );
}
