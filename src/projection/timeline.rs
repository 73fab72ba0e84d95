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

use crate::model::{
    Action, Agenda, Body, Correction, Event, Kind, Millis, Recorded, Slug, amended,
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
    /// The event as recorded (envelope, original content, raw JSON).
    pub recorded: Recorded,
    /// The event with every applicable amendment applied.
    pub event: Event,
    /// Seqs of the corrections applied to it, in order.
    pub corrected_by: Vec<u64>,
}

impl Entry {
    /// The seq.
    pub fn seq(&self) -> u64 {
        self.recorded.envelope.seq
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
    pub corrections: Vec<Recorded>,
    /// Events voided by a correction in view: (voided seq, correction seq).
    pub voided: Vec<(u64, u64)>,
    /// The view it was built for.
    pub spec: ViewSpec,
}

impl Timeline {
    /// Builds the view from a negotiation's recorded events (in seq order).
    pub fn build(slug: Slug, records: Vec<Recorded>, spec: ViewSpec) -> Timeline {
        let known: Vec<Recorded> = records
            .into_iter()
            .filter(|r| spec.known_at.is_none_or(|k| r.envelope.recorded_at <= k))
            .collect();
        let (corrections, events): (Vec<Recorded>, Vec<Recorded>) = known
            .into_iter()
            .partition(|r| r.event.kind == Kind::Correction);
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
        for recorded in events {
            let seq = recorded.envelope.seq;
            let applied = by_target.remove(&seq).unwrap_or_default();
            if let Some((by, _)) = applied.iter().rev().find(|(_, c)| c.action == Action::Void) {
                voided.push((seq, *by));
                continue;
            }
            let (event, corrected_by) = apply(&recorded, &applied);
            if spec.as_of.is_some_and(|d| event.at.millis() > d) {
                continue;
            }
            entries.push(Entry {
                recorded,
                event,
                corrected_by,
            });
        }
        entries.sort_by_key(|e| (e.event.at.sort_key(), e.seq()));
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
            .map(|e| e.event.at.millis().max(e.recorded.envelope.recorded_at))
            .chain(self.corrections.iter().map(|c| c.envelope.recorded_at))
            .max()
            .unwrap_or(Millis::MIN)
    }

    /// The moves in view, in valid-time order.
    pub fn moves(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.event.kind.is_move())
    }
}

/// Resolves a correction's target (`ref` or `id`) to a seq.
struct Targets {
    by_label: HashMap<String, u64>,
    by_id: HashMap<String, u64>,
}

impl Targets {
    fn new(events: &[Recorded], corrections: &[Recorded]) -> Targets {
        let mut by_label = HashMap::new();
        let mut by_id = HashMap::new();
        for r in events.iter().chain(corrections) {
            if let Some(label) = &r.event.label {
                by_label.insert(label.clone(), r.envelope.seq);
            }
            by_id.insert(r.envelope.id.to_string(), r.envelope.seq);
        }
        Targets { by_label, by_id }
    }

    fn seq(&self, target: &str) -> Option<u64> {
        self.by_label
            .get(target)
            .or_else(|| self.by_id.get(&target.to_ascii_lowercase()))
            .copied()
    }
}

/// The corrections that still apply: those not voided by a later correction that itself
/// still applies. A void can only name an earlier event, so walking from the newest
/// correction back settles each one before anything it could undo: voiding a void
/// restores the first, and voiding that again undoes it once more, to any depth.
fn active_corrections<'a>(
    corrections: &'a [Recorded],
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
fn apply(recorded: &Recorded, corrections: &[&(u64, &Correction)]) -> (Event, Vec<u64>) {
    let mut applied = Vec::new();
    let mut event = recorded.event.clone();
    if corrections.iter().all(|(_, c)| c.action != Action::Amend) {
        return (event, applied);
    }
    let mut raw = recorded.raw.clone();
    for (seq, correction) in corrections {
        if correction.action != Action::Amend {
            continue;
        }
        let next = amended(&raw, &correction.changes);
        if let Ok(next_event) = Event::from_map(&next) {
            raw = next;
            event = next_event;
            applied.push(*seq);
        }
    }
    (event, applied)
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
