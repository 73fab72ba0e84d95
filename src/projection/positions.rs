//! Positions: where each side stands on each issue in a view: its latest stated number
//! and terms, the gap between the sides, the opening gap, concession shares, who moved
//! last, and a status.
//!
//! The fold keeps, per issue and side, the first and latest stated number; everything
//! else is derived from those when asked, so a snapshot costs nothing to keep current.
//!
//! Concession share (cli.md): Δ_S is the net movement from S's first stated number to its
//! position now, in S's direction of concession (0 if it moved away), and
//! share_S = Δ_S / ΣΔ over every side with a Δ, null while every Δ is 0. The direction is
//! away from S's own `prefer`, else the one every other side's `prefer` agrees on
//! ([`concession_direction`]); with neither, no share is given. The gap is the spread
//! between the highest and lowest position, the opening gap that of the first numbers.
//!
//! A `retraction` withdraws the side's standing number and terms on the issue: it has no
//! position until it states one again, and the gap is over the sides that still stand.
//!
//! Status (cli.md, "Statuses"), the one place it is decided: `agreed` when every side that
//! stands on a number stands on the same one, at least two sides assented to it, and every
//! such side but at most one (the side whose number the others took) made an `acceptance`
//! of that number; `converged` when two or more sides stand on one number short of that;
//! `open` otherwise. An acceptance accepts the number it states or, stating none, the
//! number every standing side stood on when it was made (if they stood on one). On an issue
//! where no side stands on a number, the terms on the table (the latest stated by a move
//! other than an acceptance) are `agreed` once some other side accepted them and every
//! other side that stated terms did.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Entry, Fold, Timeline, fold};
use crate::model::{Agenda, At, Body, Direction, IssueDef, IssueKey, Kind, Move, PartyCode};

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
    /// Per party, the number it accepted, until it lapses (see [`IssueState::take`]).
    accepted: BTreeMap<PartyCode, f64>,
    /// Who put the terms on the table, and the parties that accepted them since.
    tabled: Option<(PartyCode, BTreeSet<PartyCode>)>,
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
    /// The distance between each pair of sides that stand on a number, pairs in code order.
    pub pairwise_gaps: Vec<PairGap>,
    /// `open`, `converged` or `agreed` (see [`Status`]).
    pub status: Status,
    /// The latest move on the issue.
    pub last_move: Option<LastMove>,
}

/// The distance between two sides' positions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairGap {
    /// The two sides, in code order.
    pub between: [PartyCode; 2],
    /// The distance between their positions.
    pub gap: f64,
}

/// Where an issue stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The sides are apart, fewer than two stand on a number, or terms are not accepted.
    Open,
    /// Every side that stands on a number (two or more) stands on the same one.
    Converged,
    /// Every side that stands on a number stands on the same one and all but at most one
    /// of them accepted it; or, with no numbers, the terms on the table were accepted.
    Agreed,
}

impl Status {
    /// The word JSON carries and `positions`, `diff` and `replay` print.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Converged => "converged",
            Status::Agreed => "agreed",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
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
            issue.take(entry, &m.by, m.position_on(key), terms_of(m));
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
        let status = state.status();
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
            pairwise_gaps: pairwise(state),
            status,
            last_move: state.last_move.clone(),
        }
    }
}

impl IssueState {
    /// Takes one move by `by` on this issue: a retraction first withdraws what the side
    /// stood on, then the number and terms the move states stand, then an acceptance
    /// accepts what it can.
    fn take(&mut self, entry: &Entry, by: &PartyCode, number: Option<f64>, terms: Option<&String>) {
        let kind = entry.event.kind;
        if kind == Kind::Retraction {
            self.withdraw(entry, by);
        }
        if number.is_some() || terms.is_some() {
            if !self.sides.contains_key(by) {
                self.sides.insert(by.clone(), SideState::new(entry));
            }
            if let Some(value) = number {
                // An acceptance of another number lapses when its side states this one,
                // or, by a side that stands on no number, when any side does.
                let sides = &self.sides;
                self.accepted.retain(|party, accepted| {
                    *accepted == value
                        || (party != by && sides.get(party).is_some_and(|s| s.position.is_some()))
                });
            }
            if terms.is_some() && kind != Kind::Acceptance {
                self.tabled = Some((by.clone(), BTreeSet::new()));
            }
            if let Some(side) = self.sides.get_mut(by) {
                side.state(entry, number, terms);
            }
        }
        if kind == Kind::Acceptance {
            self.accept(by, number);
        }
    }

    /// A retraction: the side no longer stands on any number or terms here.
    fn withdraw(&mut self, entry: &Entry, by: &PartyCode) {
        if let Some(side) = self.sides.get_mut(by) {
            side.position = None;
            side.terms = None;
            side.since = entry.event.at.clone();
            side.seq = entry.seq();
        }
        self.accepted.remove(by);
        match &mut self.tabled {
            Some((tabler, _)) if tabler == by => self.tabled = None,
            Some((_, accepted)) => {
                accepted.remove(by);
            }
            None => {}
        }
    }

    /// An acceptance by `by`: of the number it states, else of the one number every
    /// standing side stands on, or, with no numbers, of the terms on the table.
    fn accept(&mut self, by: &PartyCode, number: Option<f64>) {
        match number.or_else(|| self.common_number()) {
            Some(value) => {
                self.accepted.insert(by.clone(), value);
            }
            None if self.standing().next().is_none() => {
                if let Some((tabler, accepted)) = &mut self.tabled
                    && tabler != by
                {
                    accepted.insert(by.clone());
                }
            }
            None => {}
        }
    }

    /// The sides that stand on a number, with it.
    fn standing(&self) -> impl Iterator<Item = (&PartyCode, f64)> {
        self.sides
            .iter()
            .filter_map(|(party, side)| side.position.map(|value| (party, value)))
    }

    /// The number every standing side stands on, when at least one does and all agree.
    fn common_number(&self) -> Option<f64> {
        let mut numbers = self.standing().map(|(_, value)| value);
        let first = numbers.next()?;
        numbers.all(|value| value == first).then_some(first)
    }

    /// Where the issue stands (see the module doc).
    fn status(&self) -> Status {
        if self.standing().next().is_none() {
            return self.terms_status();
        }
        let Some(value) = self.common_number() else {
            return Status::Open;
        };
        let took = |party: &PartyCode| self.accepted.get(party) == Some(&value);
        let standing = self.standing().count();
        let not_accepted = self.standing().filter(|(party, _)| !took(party)).count();
        let accepted_only = self
            .accepted
            .iter()
            .filter(|(party, accepted)| {
                **accepted == value && self.sides.get(*party).is_none_or(|s| s.position.is_none())
            })
            .count();
        if standing + accepted_only >= 2 && not_accepted <= 1 {
            Status::Agreed
        } else if standing >= 2 {
            Status::Converged
        } else {
            Status::Open
        }
    }

    /// With no numbers: agreed once another side accepted the terms on the table and
    /// every other side that stated terms did.
    fn terms_status(&self) -> Status {
        let Some((tabler, accepted)) = &self.tabled else {
            return Status::Open;
        };
        let stated_terms = self
            .sides
            .iter()
            .filter(|(party, side)| *party != tabler && side.terms.is_some());
        let all_took = stated_terms
            .into_iter()
            .all(|(party, _)| accepted.contains(party));
        if !accepted.is_empty() && all_took {
            Status::Agreed
        } else {
            Status::Open
        }
    }
}

/// The terms a move states on `key`: terms of a move on several issues describe the
/// package, not each issue.
fn terms_of(m: &Move) -> Option<&String> {
    m.terms.as_ref().filter(|_| m.issues.len() == 1)
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

    /// The side states `number` and `terms` in `entry`.
    fn state(&mut self, entry: &Entry, number: Option<f64>, terms: Option<&String>) {
        if let Some(value) = number {
            self.first.get_or_insert(value);
            self.position = Some(value);
        }
        if let Some(terms) = terms {
            self.terms = Some((terms.clone(), entry.event.at.clone()));
        }
        self.since = entry.event.at.clone();
        self.seq = entry.seq();
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

/// The gap between each pair of sides that stand on a number.
fn pairwise(state: &IssueState) -> Vec<PairGap> {
    let standing: Vec<(&PartyCode, f64)> = state.standing().collect();
    let mut out = Vec::new();
    for (i, (a, x)) in standing.iter().enumerate() {
        for (b, y) in &standing[i + 1..] {
            out.push(PairGap {
                between: [(*a).clone(), (*b).clone()],
                gap: (x - y).abs(),
            });
        }
    }
    out
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
    // Summed smallest first, so the total does not depend on the parties' codes.
    let mut sorted: Vec<f64> = deltas.values().copied().collect();
    sorted.sort_by(f64::total_cmp);
    let total: f64 = sorted.iter().sum();
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
/// itself prefers or, when it states no preference, the direction every other side that
/// states one prefers, when they agree (none when they disagree). Its own preference
/// comes first because with three or more parties another side may want what `party`
/// wants; no answer depends on the parties' codes.
pub fn concession_direction(def: &IssueDef, party: &PartyCode) -> Option<Direction> {
    if let Some(own) = def.prefer.get(party) {
        return Some(match own {
            Direction::Lower => Direction::Higher,
            Direction::Higher => Direction::Lower,
        });
    }
    let mut others = def
        .prefer
        .iter()
        .filter(|(p, _)| *p != party)
        .map(|(_, d)| *d);
    let first = others.next()?;
    others.all(|d| d == first).then_some(first)
}
