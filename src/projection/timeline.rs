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

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::model::{
    Action, Agenda, Body, Correction, Envelope, Event, Kind, Millis, Slug, Stored, amended,
};

/// Which slice of history to look at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ViewSpec {
    /// Only events with `at` at or before this instant.
    pub as_of: Option<Millis>,
    /// Only events with `recorded_at` at or before this instant.
    pub known_at: Option<Millis>,
}

/// One event as the view sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// What the store assigned.
    pub envelope: Envelope,
    /// The event with every applicable amendment applied.
    pub event: Event,
    /// Seqs of the corrections applied to it, in order.
    pub corrected_by: Vec<u64>,
    /// The stored bytes, as recorded (before any amendment).
    bytes: Box<[u8]>,
}

impl Entry {
    /// The seq.
    pub fn seq(&self) -> u64 {
        self.envelope.seq
    }

    /// The whole object as recorded, before any amendment (unknown fields included).
    pub fn raw(&self) -> Map<String, Value> {
        crate::model::raw_of(&self.bytes)
    }
}

/// A negotiation through a [`ViewSpec`].
#[derive(Clone, Debug)]
pub struct Timeline {
    /// The negotiation.
    pub slug: Slug,
    /// Parties and issues from the opening and agenda events in view.
    pub agenda: Agenda,
    /// Every event in view except corrections, in valid-time order.
    pub entries: Vec<Entry>,
    /// The corrections in view, in seq order.
    pub corrections: Vec<Stored>,
    /// Events voided by a correction in view: (voided seq, correction seq).
    pub voided: Vec<(u64, u64)>,
    /// The view it was built for.
    pub spec: ViewSpec,
}

impl Timeline {
    /// Builds the view from a negotiation's recorded events (in seq order).
    pub fn build(slug: Slug, mut events: Vec<Stored>, spec: ViewSpec) -> Timeline {
        // In place: at a million events each copy of the list costs more than the work.
        events.retain(|r| spec.known_at.is_none_or(|k| r.envelope.recorded_at <= k));
        let corrections: Vec<Stored> = events
            .extract_if(.., |r| r.event.kind == Kind::Correction)
            .collect();
        let targets = Targets::new(&events, &corrections);
        let active = active_corrections(&corrections, &targets);
        // Each event's corrections, found once: looking them up per event made a journal
        // with many corrections quadratic.
        let mut by_target: HashMap<u64, Vec<&(u64, &Correction)>> = HashMap::new();
        for correction in &active {
            if let Some(seq) = targets.seq(&correction.1.target) {
                by_target.entry(seq).or_default().push(correction);
            }
        }
        let mut voided = Vec::new();
        let mut entries = Vec::with_capacity(events.len());
        for stored in events {
            let seq = stored.envelope.seq;
            let applied = by_target.remove(&seq).unwrap_or_default();
            if let Some((by, _)) = applied.iter().rev().find(|(_, c)| c.action == Action::Void) {
                voided.push((seq, *by));
                continue;
            }
            let entry = apply(stored, &applied);
            if spec.as_of.is_some_and(|d| entry.event.at.millis() > d) {
                continue;
            }
            entries.push(entry);
        }
        let entries = in_valid_time_order(entries);
        let agenda = agenda_of(&entries);
        Timeline {
            slug,
            agenda,
            entries,
            corrections,
            voided,
            spec,
        }
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

/// Resolves a correction's target (`ref` or `id`) to a seq. Only the names some
/// correction uses are kept: indexing every label and id of a million-event journal
/// cost more than the rest of the build.
struct Targets {
    by_label: HashMap<String, u64>,
    by_id: HashMap<Uuid, u64>,
}

impl Targets {
    fn new(events: &[Stored], corrections: &[Stored]) -> Targets {
        let named: HashSet<&str> = corrections
            .iter()
            .filter_map(|r| match &r.event.body {
                Body::Correction(c) => Some(c.target.as_str()),
                _ => None,
            })
            .collect();
        let ids: HashSet<Uuid> = named.iter().filter_map(|t| id_named(t)).collect();
        let mut by_label = HashMap::new();
        let mut by_id = HashMap::new();
        if named.is_empty() {
            return Targets { by_label, by_id };
        }
        for r in events.iter().chain(corrections) {
            if let Some(label) = &r.event.label
                && named.contains(label.as_str())
            {
                by_label.insert(label.clone(), r.envelope.seq);
            }
            if ids.contains(&r.envelope.id) {
                by_id.insert(r.envelope.id, r.envelope.seq);
            }
        }
        Targets { by_label, by_id }
    }

    fn seq(&self, target: &str) -> Option<u64> {
        self.by_label
            .get(target)
            .or_else(|| id_named(target).and_then(|id| self.by_id.get(&id)))
            .copied()
    }
}

/// The id a target names: the hyphenated form the store writes, in either case.
fn id_named(target: &str) -> Option<Uuid> {
    (target.len() == 36).then(|| Uuid::parse_str(target).ok())?
}

/// The corrections that still apply: those not voided by a later correction that itself
/// still applies. A void can only name an earlier event, so walking from the newest
/// correction back settles each one before anything it could undo: voiding a void
/// restores the first, and voiding that again undoes it once more, to any depth.
fn active_corrections<'a>(
    corrections: &'a [Stored],
    targets: &Targets,
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

/// The target with its amendments applied in seq order. The store checked every
/// amendment when it was recorded; one that no longer reads is skipped, never fatal.
fn apply(stored: Stored, corrections: &[&(u64, &Correction)]) -> Entry {
    let (envelope, mut event, bytes) = stored.into_parts();
    let mut corrected_by = Vec::new();
    if corrections.iter().any(|(_, c)| c.action == Action::Amend) {
        let mut raw = crate::model::raw_of(&bytes);
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
    Entry {
        envelope,
        event,
        corrected_by,
        bytes,
    }
}

/// The entries sorted by valid time (`at`, then `seq`). Entries are large and most
/// journals are recorded nearly in order, so this checks first, and otherwise sorts
/// small keys and then moves each entry into place once, instead of moving entries at
/// every step of a sort.
fn in_valid_time_order(mut entries: Vec<Entry>) -> Vec<Entry> {
    let key = |e: &Entry| (e.event.at.sort_key(), e.seq());
    if entries.is_sorted_by_key(key) {
        return entries;
    }
    let mut order: Vec<(_, usize)> = entries.iter().map(key).zip(0..).collect();
    order.sort_unstable();
    let source: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
    permute(&mut entries, &source);
    entries
}

/// Rearranges `items` so that position `i` holds what was at `source[i]` (a
/// permutation), by following each cycle: every item is swapped into place once.
fn permute<T>(items: &mut [T], source: &[usize]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = source[at];
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
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

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        // position i takes the item at source[i]: two cycles and a fixed point
        permute(&mut items, &[2, 0, 1, 3, 5, 4]);
        assert_eq!(items, vec!['c', 'a', 'b', 'd', 'f', 'e']);
    }
}
