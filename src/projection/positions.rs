//! Positions: where each side stands on each issue in a view: its latest stated number
//! and terms, the gap between the sides, the opening gap, concession shares, who moved
//! last, and a status.
//!
//! The fold keeps, per issue and side, the first and latest stated number; everything
//! else is derived from those when asked, so a snapshot costs nothing to keep current.
//!
//! Concession share (cli.md): Δ_S is the net movement from S's first stated number to its
//! position now, toward the other side's preferred direction (0 if it moved away), and
//! share_S = Δ_S / (Δ_S + Δ_other), null while both Δ are 0. Where the other side states no
//! `prefer`, the opposite of S's own preference is used; with neither, no share is given.
//! With more than two sides, "the other" is every other side: their Δ are summed, and the
//! gap is the spread between the highest and lowest position.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Entry, Fold, Timeline, fold};
use crate::model::{Agenda, At, Body, Direction, IssueDef, IssueKey, Kind, PartyCode};

/// The positions view of a whole timeline. It serializes so that a checkpoint can keep
/// the fold's state (see [`super::checkpoint`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Positions {
    issues: BTreeMap<IssueKey, IssueState>,
    /// Every party that made a move, so a view can list those the agenda in view lacks.
    movers: BTreeSet<PartyCode>,
}

/// What the fold keeps for one issue.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct IssueState {
    sides: BTreeMap<PartyCode, SideState>,
    last_move: Option<LastMove>,
    agreed: Option<u64>,
}

/// What the fold keeps for one side on one issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct SideState {
    first: Option<f64>,
    position: Option<f64>,
    terms: Option<(String, At)>,
    since: At,
    seq: u64,
}

/// The latest move on an issue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LastMove {
    /// Who moved.
    pub by: PartyCode,
    /// The kind of move.
    pub kind: Kind,
    /// When.
    pub at: At,
    /// Its seq.
    pub seq: u64,
}

/// One side's standing on one issue, as reported.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideView {
    /// Latest stated number, if any.
    pub position: Option<f64>,
    /// Latest terms in words, if any.
    pub terms: Option<String>,
    /// When those terms were stated.
    pub terms_at: Option<At>,
    /// When the side last stated a number or terms.
    pub since: At,
    /// The seq of that move.
    pub seq: u64,
    /// The first number the side stated.
    pub first: Option<f64>,
}

/// One issue, as reported.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IssueView {
    /// The issue key.
    pub issue: IssueKey,
    /// Its title.
    pub title: String,
    /// Its unit.
    pub unit: Option<String>,
    /// Each side that has stated something.
    pub sides: BTreeMap<PartyCode, SideView>,
    /// Distance between the sides' positions.
    pub gap: Option<f64>,
    /// Distance between the sides' first positions.
    pub opening_gap: Option<f64>,
    /// Each side's share of the movement toward the other.
    pub concession_share: BTreeMap<PartyCode, Option<f64>>,
    /// `open`, `converged` or `agreed`.
    pub status: Status,
    /// The latest move on the issue.
    pub last_move: Option<LastMove>,
}

/// Where an issue stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The sides are apart (or have not both stated a number).
    Open,
    /// Both sides stated the same number.
    Converged,
    /// A side accepted the other's position.
    Agreed,
}

impl Fold for Positions {
    fn apply(&mut self, entry: &Entry, _agenda: &Agenda) {
        let Body::Move(m) = &entry.event.body else {
            return;
        };
        if !self.movers.contains(&m.by) {
            self.movers.insert(m.by.clone());
        }
        for key in &m.issues {
            // Looked up before inserting, so a key is cloned once per issue, not once
            // per move.
            if !self.issues.contains_key(key) {
                self.issues.insert(key.clone(), IssueState::default());
            }
            let Some(issue) = self.issues.get_mut(key) else {
                continue;
            };
            let number = m.position_on(key);
            // Terms of a move on several issues describe the package, not each issue.
            let terms = m.terms.as_ref().filter(|_| m.issues.len() == 1);
            if number.is_some() || terms.is_some() {
                if !issue.sides.contains_key(&m.by) {
                    issue.sides.insert(m.by.clone(), SideState::new(entry));
                }
                let Some(side) = issue.sides.get_mut(&m.by) else {
                    continue;
                };
                if let Some(value) = number {
                    side.first.get_or_insert(value);
                    side.position = Some(value);
                    issue.agreed = None;
                }
                if let Some(terms) = terms {
                    side.terms = Some((terms.clone(), entry.event.at.clone()));
                }
                side.since = entry.event.at.clone();
                side.seq = entry.seq();
            }
            if entry.event.kind == Kind::Acceptance && issue.sides.keys().any(|p| p != &m.by) {
                issue.agreed = Some(entry.seq());
            }
            issue.last_move = Some(LastMove {
                by: m.by.clone(),
                kind: entry.event.kind,
                at: entry.event.at.clone(),
                seq: entry.seq(),
            });
        }
    }
}

impl Positions {
    /// Folds a whole timeline.
    pub fn of(timeline: &Timeline) -> Positions {
        fold(timeline, Positions::default())
    }

    /// Whether some move concerns issue `key`.
    pub fn moved_on(&self, key: &IssueKey) -> bool {
        self.issues.contains_key(key)
    }

    /// Whether party `code` made a move.
    pub fn moved_by(&self, code: &PartyCode) -> bool {
        self.movers.contains(code)
    }

    /// Every issue on the agenda, in agenda order, with what the sides stated.
    pub fn report(&self, agenda: &Agenda) -> Vec<IssueView> {
        agenda.issues.iter().map(|def| self.issue(def)).collect()
    }

    /// One issue as reported.
    pub fn issue(&self, def: &IssueDef) -> IssueView {
        let empty = IssueState::default();
        let state = self.issues.get(&def.key).unwrap_or(&empty);
        let numbers: Vec<f64> = state.sides.values().filter_map(|s| s.position).collect();
        let firsts: Vec<f64> = state.sides.values().filter_map(|s| s.first).collect();
        let gap = spread(&numbers);
        let status = match (state.agreed, gap) {
            (Some(_), _) => Status::Agreed,
            (None, Some(0.0)) => Status::Converged,
            _ => Status::Open,
        };
        IssueView {
            issue: def.key.clone(),
            title: def.title.clone(),
            unit: def.unit.clone(),
            sides: state
                .sides
                .iter()
                .map(|(p, s)| (p.clone(), s.view()))
                .collect(),
            gap,
            opening_gap: spread(&firsts),
            concession_share: shares(def, state),
            status,
            last_move: state.last_move.clone(),
        }
    }
}

impl SideState {
    fn new(entry: &Entry) -> SideState {
        SideState {
            first: None,
            position: None,
            terms: None,
            since: entry.event.at.clone(),
            seq: entry.seq(),
        }
    }

    fn view(&self) -> SideView {
        SideView {
            position: self.position,
            terms: self.terms.as_ref().map(|(t, _)| t.clone()),
            terms_at: self.terms.as_ref().map(|(_, at)| at.clone()),
            since: self.since.clone(),
            seq: self.seq,
            first: self.first,
        }
    }
}

/// Highest minus lowest, once at least two sides stated a number.
fn spread(numbers: &[f64]) -> Option<f64> {
    if numbers.len() < 2 {
        return None;
    }
    let max = numbers.iter().copied().fold(f64::MIN, f64::max);
    let min = numbers.iter().copied().fold(f64::MAX, f64::min);
    Some(max - min)
}

/// Each numeric side's concession share (see the module doc).
fn shares(def: &IssueDef, state: &IssueState) -> BTreeMap<PartyCode, Option<f64>> {
    let deltas: BTreeMap<&PartyCode, f64> = state
        .sides
        .iter()
        .filter_map(|(party, side)| {
            let (first, now) = (side.first?, side.position?);
            let toward = concession_direction(def, party)?;
            let moved = match toward {
                Direction::Higher => now - first,
                Direction::Lower => first - now,
            };
            Some((party, moved.max(0.0)))
        })
        .collect();
    if deltas.len() < 2 {
        return BTreeMap::new();
    }
    let total: f64 = deltas.values().sum();
    deltas
        .into_iter()
        .map(|(party, delta)| {
            (
                party.clone(),
                (total > 0.0 && total.is_finite()).then(|| delta / total),
            )
        })
        .collect()
}

/// The direction in which a move by `party` is a concession: away from what `party`
/// itself prefers or, when it states no preference, toward what another side prefers.
/// Its own preference comes first because with three or more parties another side may
/// want what `party` wants.
pub fn concession_direction(def: &IssueDef, party: &PartyCode) -> Option<Direction> {
    let away_from_own = def.prefer.get(party).map(|own| match own {
        Direction::Lower => Direction::Higher,
        Direction::Higher => Direction::Lower,
    });
    away_from_own.or_else(|| {
        def.prefer
            .iter()
            .find(|(p, _)| *p != party)
            .map(|(_, d)| *d)
    })
}
