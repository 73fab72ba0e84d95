//! The moves as the audit reads them: resolved references, issue tracks, channel weight,
//! and each side's stated numbers over time.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::{Agenda, Channel, Direction, IssueKey, Kind, Millis, PartyCode, Reversibility};
use crate::projection::Timeline;
use crate::projection::positions::concession_direction;

/// A number a side stated, where it stands in the talks, and what it weighs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// The stating move's place in valid-time order ([`AuditMove::index`]).
    pub index: usize,
    /// The move's seq.
    pub seq: u64,
    /// The number.
    pub value: f64,
    /// The move's channel weight (public moves count at the rubric's weight).
    pub weight: f64,
}

/// Stated numbers over time, in valid-time order.
pub type Points = Vec<Point>;

/// Each side's stated numbers on each issue.
pub type Series = BTreeMap<(IssueKey, PartyCode), Points>;

/// One day in milliseconds.
pub const DAY: Millis = 86_400_000;

/// A move, with what every measure needs at hand.
#[derive(Clone, Debug)]
pub struct AuditMove {
    /// Its place among all moves in valid-time order: windows are ranges of it, so a
    /// move falls in exactly one window even when several share one `at`.
    pub index: usize,
    /// Its seq.
    pub seq: u64,
    /// Its `at`, as an instant.
    pub at: Millis,
    /// Its `at` as written.
    pub at_text: String,
    /// The kind.
    pub kind: Kind,
    /// Who moved.
    pub by: PartyCode,
    /// Whom it addressed; empty means every other party.
    pub to: Vec<PartyCode>,
    /// The issues.
    pub issues: Vec<IssueKey>,
    /// The tracks of those issues (and of the rest of its package).
    pub tracks: BTreeSet<String>,
    /// Where it was made: at the table, in public, or through a back channel.
    pub channel: Channel,
    /// The seq of the event it answers, if that resolves.
    pub responds_to: Option<u64>,
    /// Its package label.
    pub package: Option<String>,
    /// True when it is conditional on something.
    pub conditional: bool,
    /// How hard what it gives is to undo.
    pub reversibility: Option<Reversibility>,
    /// Stated numbers per issue.
    pub positions: Vec<(IssueKey, f64)>,
    /// The summary.
    pub summary: String,
}

impl AuditMove {
    /// True for rhetoric: `channel: public`.
    pub fn is_public(&self) -> bool {
        self.channel == Channel::Public
    }

    /// True when the move was made to `party`: by someone else, and to everyone or to it.
    pub fn addresses(&self, party: &PartyCode) -> bool {
        &self.by != party && (self.to.is_empty() || self.to.contains(party))
    }
}

/// Every move of a timeline, in valid-time order, with lookups.
pub struct Moves {
    /// The moves.
    pub all: Vec<AuditMove>,
    by_seq: HashMap<u64, usize>,
    agenda: Agenda,
    /// How far the view reaches ([`Timeline::horizon`]).
    pub horizon: Millis,
}

impl Moves {
    /// Reads the moves of `timeline`.
    pub fn new(timeline: &Timeline) -> Moves {
        let mut labels: HashMap<String, u64> = HashMap::new();
        for entry in &timeline.entries {
            if let Some(label) = &entry.event.label {
                labels.insert(label.clone(), entry.seq());
            }
            labels.insert(entry.envelope.id.to_string(), entry.seq());
        }
        let track_of = |key: &IssueKey| timeline.agenda.issue(key).and_then(|i| i.track.clone());
        let mut all: Vec<AuditMove> = timeline
            .moves()
            .filter_map(|entry| {
                let m = entry.event.as_move()?;
                Some(AuditMove {
                    index: 0,
                    seq: entry.seq(),
                    at: entry.event.at.millis(),
                    at_text: entry.event.at.to_string(),
                    kind: entry.event.kind,
                    by: m.by.clone(),
                    to: m.to.clone(),
                    issues: m.issues.clone(),
                    tracks: m.issues.iter().filter_map(track_of).collect(),
                    channel: m.channel,
                    responds_to: m.responds_to.as_ref().and_then(|r| {
                        // Refs are exact; ids are matched as the store writes them, lower case.
                        labels
                            .get(r)
                            .or_else(|| labels.get(&r.to_ascii_lowercase()))
                            .copied()
                    }),
                    package: m.package.clone(),
                    conditional: !m.conditional_on.is_empty(),
                    reversibility: m.reversibility,
                    positions: m.positions.clone(),
                    summary: entry.event.summary.clone().unwrap_or_default(),
                })
            })
            .collect();
        for (index, m) in all.iter_mut().enumerate() {
            m.index = index;
        }
        widen_package_tracks(&mut all);
        let by_seq = all.iter().enumerate().map(|(i, m)| (m.seq, i)).collect();
        Moves {
            all,
            by_seq,
            agenda: timeline.agenda.clone(),
            horizon: timeline.horizon(),
        }
    }

    /// The moves with `at` in `from ..= to`. `all` is in valid-time order, so this is a
    /// slice found by binary search: the measures that look for a move near another
    /// (pressure, reciprocity) stay linear in the journal instead of quadratic.
    pub fn within(&self, from: Millis, to: Millis) -> &[AuditMove] {
        within(&self.all, |m| m.at, from, to)
    }

    /// The move with `seq`.
    pub fn get(&self, seq: u64) -> Option<&AuditMove> {
        self.by_seq.get(&seq).map(|&i| &self.all[i])
    }

    /// The agenda.
    pub fn agenda(&self) -> &Agenda {
        &self.agenda
    }

    /// The move `m` answers, when it was made by another side.
    pub fn answers_counterpart(&self, m: &AuditMove) -> Option<&AuditMove> {
        m.responds_to
            .and_then(|seq| self.get(seq))
            .filter(|t| t.by != m.by)
    }

    /// The direction in which `party` concedes on `issue`, if the issue has numbers and a preference.
    pub fn concession_direction(&self, issue: &IssueKey, party: &PartyCode) -> Option<Direction> {
        self.agenda
            .issue(issue)
            .and_then(|def| concession_direction(def, party))
    }

    /// Each side's stated numbers on each issue over time, public ones at `public_weight`
    /// (0 leaves them out).
    pub fn series(&self, public_weight: f64) -> Series {
        let mut out = Series::new();
        for m in &self.all {
            let weight = if m.is_public() { public_weight } else { 1.0 };
            if weight == 0.0 {
                continue;
            }
            for (issue, value) in &m.positions {
                out.entry((issue.clone(), m.by.clone()))
                    .or_default()
                    .push(Point {
                        index: m.index,
                        seq: m.seq,
                        value: *value,
                        weight,
                    });
            }
        }
        out
    }
}

/// A package's moves share their tracks: bundling security with trade across several
/// moves under one label is still a cross-track package.
fn widen_package_tracks(moves: &mut [AuditMove]) {
    let mut by_package: HashMap<(PartyCode, String), BTreeSet<String>> = HashMap::new();
    for m in moves.iter() {
        if let Some(p) = &m.package {
            by_package
                .entry((m.by.clone(), p.clone()))
                .or_default()
                .extend(m.tracks.iter().cloned());
        }
    }
    for m in moves.iter_mut() {
        if let Some(p) = &m.package
            && let Some(tracks) = by_package.get(&(m.by.clone(), p.clone()))
        {
            m.tracks.extend(tracks.iter().cloned());
        }
    }
}

/// The items of `sorted` (sorted by `at`) whose `at` lies in `from ..= to`.
pub fn within<T>(sorted: &[T], at: impl Fn(&T) -> Millis, from: Millis, to: Millis) -> &[T] {
    let start = sorted.partition_point(|m| at(m) < from);
    let end = sorted.partition_point(|m| at(m) <= to);
    &sorted[start..end.max(start)]
}
