//! The report model: everything the HTML report shows, computed from a [`Timeline`]
//! (corrections applied) as plain data, so rendering never has to reason about the log.
//!
//! It computes the position series per numeric issue (the "negotiation dance"), which
//! stated positions were concessions (a move toward the other side's preferred number),
//! the acceptances on each issue, the moves with their `responds_to` links, positions
//! and gaps at the end of the view, the concession ledger, and the compact series the
//! page's time slider replays. It does not compute the posture audit (that is
//! `projection::audit`'s; the report only shows its JSON) and it writes no HTML.

use std::collections::HashMap;

use crate::model::{
    Body, Channel, Direction, IssueDef, IssueKey, Kind, Millis, Move, PartyCode, Reversibility,
};
use crate::projection::{Entry, Timeline};

use super::posture::Posture;

/// One day in milliseconds.
const DAY: Millis = 86_400_000;

/// Everything the report page shows.
#[derive(Clone, Debug)]
pub struct Report {
    /// The negotiation's slug.
    pub slug: String,
    /// Its title from the opening.
    pub title: String,
    /// The `--as-of` date the view was cut at, as given.
    pub as_of: Option<String>,
    /// The parties, in agenda order.
    pub parties: Vec<PartySide>,
    /// Earliest and latest instant shown on every time axis.
    pub span: (Millis, Millis),
    /// Every move in view, in valid-time order.
    pub moves: Vec<MoveMark>,
    /// Reviewers' annotations in view.
    pub notes: Vec<Note>,
    /// One dance per issue on which some side stated a number.
    pub dances: Vec<Dance>,
    /// Position, gap and concession shares per issue at the end of the view.
    pub positions: Vec<PositionRow>,
    /// Concessions and implementations, one per move.
    pub ledger: Vec<LedgerEntry>,
    /// What each side gave and received, by reversibility.
    pub ledger_totals: Vec<LedgerTotals>,
    /// The posture audit, when one was supplied.
    pub posture: Option<Posture>,
    /// The series the time slider replays.
    pub replay: Replay,
}

/// A party and the slot it takes in the palette.
#[derive(Clone, Debug)]
pub struct PartySide {
    /// Party code such as `KR`.
    pub code: String,
    /// Full name.
    pub name: String,
}

/// One move, as a mark on the timeline.
#[derive(Clone, Debug)]
pub struct MoveMark {
    /// Its seq.
    pub seq: u64,
    /// When it happened (sort instant).
    pub at: Millis,
    /// When it happened, for people.
    pub date: String,
    /// What kind of move.
    pub kind: Kind,
    /// Who moved.
    pub by: String,
    /// Where it was made.
    pub channel: Channel,
    /// Issues it is about.
    pub issues: Vec<String>,
    /// Positions it states, as "issue value unit" texts.
    pub positions: Vec<String>,
    /// The record-keeper's summary.
    pub summary: String,
    /// How hard it is to undo, when stated.
    pub reversibility: Option<Reversibility>,
    /// The seq of the event it answers, when that event is in view.
    pub responds_to: Option<u64>,
}

/// A reviewer's note on the timeline.
#[derive(Clone, Debug)]
pub struct Note {
    /// Its seq.
    pub seq: u64,
    /// When.
    pub at: Millis,
    /// When, for people.
    pub date: String,
    /// Its label, such as `turning-point`.
    pub label: Option<String>,
    /// The note.
    pub text: String,
}

/// Both sides' positions over time on one numeric issue.
#[derive(Clone, Debug)]
pub struct Dance {
    /// The issue key.
    pub issue: String,
    /// The issue title.
    pub title: String,
    /// The unit numbers are in.
    pub unit: Option<String>,
    /// One series per party that stated a number, in agenda order.
    pub sides: Vec<Series>,
    /// Acceptances on this issue.
    pub agreements: Vec<Agreement>,
}

/// One side's stated positions on one issue, oldest first.
#[derive(Clone, Debug)]
pub struct Series {
    /// The party.
    pub party: String,
    /// The statements.
    pub points: Vec<Point>,
    /// Concessions on the issue that stated no number, placed at the position the side
    /// held then (after its first statement).
    pub in_words: Vec<Point>,
}

/// One stated position.
#[derive(Clone, Debug)]
pub struct Point {
    /// When.
    pub at: Millis,
    /// When, for people.
    pub date: String,
    /// The number.
    pub value: f64,
    /// The move that stated it.
    pub seq: u64,
    /// Its kind.
    pub kind: Kind,
    /// Its channel.
    pub channel: Channel,
    /// True when the number moved toward the other side's preferred direction.
    pub concession: bool,
}

/// An acceptance on an issue.
#[derive(Clone, Debug)]
pub struct Agreement {
    /// When.
    pub at: Millis,
    /// When, for people.
    pub date: String,
    /// The move.
    pub seq: u64,
    /// Who accepted.
    pub by: String,
    /// What was accepted, in the record-keeper's words.
    pub summary: String,
}

/// Where an issue stands at the end of the view.
#[derive(Clone, Debug)]
pub struct PositionRow {
    /// The issue key.
    pub issue: String,
    /// The issue title.
    pub title: String,
    /// The unit.
    pub unit: Option<String>,
    /// Per party (agenda order): latest number and the date it was stated.
    pub sides: Vec<(String, Option<(f64, String)>)>,
    /// Distance between the two sides' positions.
    pub gap: Option<f64>,
    /// Distance between the two sides' first stated numbers.
    pub opening_gap: Option<f64>,
    /// Per party: share of the net movement toward the other side (null while nobody moved).
    pub concession_share: Vec<(String, Option<f64>)>,
    /// The latest move on the issue: who, what kind, when.
    pub last_move: Option<(String, Kind, String)>,
}

/// One concession or implementation in the ledger.
#[derive(Clone, Debug)]
pub struct LedgerEntry {
    /// The move.
    pub seq: u64,
    /// When, for people.
    pub date: String,
    /// Who gave.
    pub by: String,
    /// Who received (every other party when the move names none).
    pub to: Vec<String>,
    /// The move's kind.
    pub kind: Kind,
    /// Issues.
    pub issues: Vec<String>,
    /// Numeric movements toward the other side, such as "tariff 25 → 15 %".
    pub movement: Vec<String>,
    /// How hard it is to undo.
    pub reversibility: Option<Reversibility>,
    /// The summary.
    pub summary: String,
}

/// Counts of ledger entries by reversibility: pledge, executive, binding, sunk, unstated.
pub type RevCounts = [u32; 5];

/// What one side gave and received.
#[derive(Clone, Debug)]
pub struct LedgerTotals {
    /// The party.
    pub party: String,
    /// Given, by reversibility.
    pub given: RevCounts,
    /// Received, by reversibility.
    pub received: RevCounts,
}

/// The compact series the time slider replays (embedded in the page as JSON).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Replay {
    /// The days on which something moved, `YYYY-MM-DD`.
    pub days: Vec<String>,
    /// The end of each day (exclusive), in milliseconds, for placing the cursor.
    pub ends: Vec<Millis>,
    /// Moves up to and including each day.
    pub moves: Vec<usize>,
    /// Per numeric issue, each side's positions as `[day index, value]`.
    pub issues: Vec<ReplayIssue>,
}

/// One issue's series in the replay data.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReplayIssue {
    /// The issue key.
    pub key: String,
    /// The unit.
    pub unit: Option<String>,
    /// Per party: `[day index, value]` pairs, oldest first.
    pub sides: Vec<(String, Vec<(usize, f64)>)>,
}

impl Report {
    /// Builds the report model from a timeline and, when there is one, the audit's
    /// JSON (`audit --json` shape).
    pub fn build(
        timeline: &Timeline,
        as_of: Option<String>,
        audit: Option<&serde_json::Value>,
    ) -> Report {
        let agenda = &timeline.agenda;
        let moves = move_marks(timeline);
        let dances = dances(timeline);
        let span = if moves.is_empty() {
            span(timeline.entries.iter().map(|e| e.event.at.millis()))
        } else {
            span(moves.iter().map(|m| m.at))
        };
        let positions = dances.iter().map(|d| position_row(d, timeline)).collect();
        let ledger = ledger(timeline, &dances);
        let parties: Vec<PartySide> = agenda
            .parties
            .iter()
            .map(|p| PartySide {
                code: p.code.to_string(),
                name: p.name.clone(),
            })
            .collect();
        let ledger_totals = ledger_totals(&parties, &ledger);
        let replay = replay(&moves, &dances);
        Report {
            slug: timeline.slug.to_string(),
            title: agenda.title.clone(),
            as_of,
            parties,
            span,
            notes: notes(timeline),
            moves,
            dances,
            positions,
            ledger,
            ledger_totals,
            posture: audit.map(Posture::from_json),
            replay,
        }
    }
}

/// The UTC day of an instant, `YYYY-MM-DD`.
pub fn day_text(millis: Millis) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A number as a person writes it: no trailing `.0`, at most two decimals.
pub fn number(value: f64) -> String {
    // Adding 0.0 turns a rounded -0 into 0.
    let rounded = (value * 100.0).round() / 100.0 + 0.0;
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded}")
    }
}

/// A number with its unit: `15%`, `350 USD bn`.
pub fn with_unit(value: f64, unit: Option<&str>) -> String {
    match unit {
        Some("%") => format!("{}%", number(value)),
        Some(unit) => format!("{} {unit}", number(value)),
        None => number(value),
    }
}

fn move_marks(timeline: &Timeline) -> Vec<MoveMark> {
    let mut seq_of: HashMap<String, u64> = HashMap::new();
    for entry in &timeline.entries {
        seq_of.insert(entry.recorded.envelope.id.to_string(), entry.seq());
        if let Some(label) = &entry.event.label {
            seq_of.insert(label.clone(), entry.seq());
        }
    }
    let mut marks = Vec::new();
    for entry in timeline.moves() {
        let Some(m) = entry.event.as_move() else {
            continue;
        };
        let responds_to = m
            .responds_to
            .as_ref()
            .and_then(|r| {
                seq_of
                    .get(r)
                    .or_else(|| seq_of.get(&r.to_ascii_lowercase()))
            })
            .copied();
        marks.push(MoveMark {
            seq: entry.seq(),
            at: entry.event.at.millis(),
            date: entry.event.at.to_string(),
            kind: entry.event.kind,
            by: m.by.to_string(),
            channel: m.channel,
            issues: m.issues.iter().map(|i| i.to_string()).collect(),
            positions: stated(m, timeline),
            summary: entry.event.summary.clone().unwrap_or_default(),
            reversibility: m.reversibility,
            responds_to,
        });
    }
    marks
}

fn stated(m: &Move, timeline: &Timeline) -> Vec<String> {
    m.positions
        .iter()
        .map(|(key, value)| {
            let unit = timeline.agenda.issue(key).and_then(|i| i.unit.as_deref());
            format!("{key} {}", with_unit(*value, unit))
        })
        .collect()
}

fn notes(timeline: &Timeline) -> Vec<Note> {
    timeline
        .entries
        .iter()
        .filter_map(|entry| match &entry.event.body {
            Body::Annotation(a) => Some(Note {
                seq: entry.seq(),
                at: entry.event.at.millis(),
                date: entry.event.at.to_string(),
                label: a.label.clone(),
                text: entry
                    .event
                    .summary
                    .clone()
                    .map_or_else(|| a.note.clone(), |s| format!("{s} {}", a.note)),
            }),
            _ => None,
        })
        .collect()
}

/// The days the time axes cover: from the start of the first day to the end of the last.
fn span(times: impl Iterator<Item = Millis> + Clone) -> (Millis, Millis) {
    let first = times.clone().min().unwrap_or(0);
    let last = times.max().unwrap_or(first);
    let start = first - first.rem_euclid(DAY);
    let end = (last - last.rem_euclid(DAY) + DAY).max(start + DAY);
    (start, end)
}

/// The direction in which `party`'s number moves when it gives ground on `issue`:
/// away from its own preference, or toward the other side's when it states none.
fn toward_other(issue: &IssueDef, party: &PartyCode) -> Option<Direction> {
    if let Some(own) = issue.prefer.get(party) {
        return Some(match own {
            Direction::Lower => Direction::Higher,
            Direction::Higher => Direction::Lower,
        });
    }
    issue
        .prefer
        .iter()
        .find(|(code, _)| *code != party)
        .map(|(_, d)| *d)
}

/// Net movement from `from` to `to` in `direction` (negative when it moved away).
fn moved(from: f64, to: f64, direction: Direction) -> f64 {
    match direction {
        Direction::Higher => to - from,
        Direction::Lower => from - to,
    }
}

fn dances(timeline: &Timeline) -> Vec<Dance> {
    timeline
        .agenda
        .issues
        .iter()
        .filter_map(|issue| dance(timeline, issue))
        .collect()
}

fn dance(timeline: &Timeline, issue: &IssueDef) -> Option<Dance> {
    let mut sides: Vec<Series> = Vec::new();
    for party in &timeline.agenda.parties {
        let points = series(timeline, issue, &party.code);
        if !points.is_empty() {
            sides.push(Series {
                party: party.code.to_string(),
                in_words: in_words(timeline, issue, &party.code, &points),
                points,
            });
        }
    }
    if sides.is_empty() {
        return None;
    }
    let agreements = timeline
        .moves()
        .filter(|e| e.event.kind == Kind::Acceptance)
        .filter_map(|e| {
            let m = e.event.as_move()?;
            m.issues.contains(&issue.key).then(|| Agreement {
                at: e.event.at.millis(),
                date: e.event.at.to_string(),
                seq: e.seq(),
                by: m.by.to_string(),
                summary: e.event.summary.clone().unwrap_or_default(),
            })
        })
        .collect();
    Some(Dance {
        issue: issue.key.to_string(),
        title: issue.title.clone(),
        unit: issue.unit.clone(),
        sides,
        agreements,
    })
}

fn series(timeline: &Timeline, issue: &IssueDef, party: &PartyCode) -> Vec<Point> {
    let direction = toward_other(issue, party);
    let mut points: Vec<Point> = Vec::new();
    for entry in timeline.moves() {
        let Some(m) = entry.event.as_move() else {
            continue;
        };
        if &m.by != party {
            continue;
        }
        let Some(value) = m.position_on(&issue.key) else {
            continue;
        };
        let concession = match (points.last(), direction) {
            (Some(prev), Some(d)) => moved(prev.value, value, d) > 0.0,
            _ => false,
        };
        points.push(point(entry, value, m.channel, concession));
    }
    points
}

fn in_words(
    timeline: &Timeline,
    issue: &IssueDef,
    party: &PartyCode,
    points: &[Point],
) -> Vec<Point> {
    timeline
        .moves()
        .filter(|e| e.event.kind == Kind::Concession)
        .filter_map(|e| {
            let m = e.event.as_move()?;
            let wordy = &m.by == party
                && m.issues.contains(&issue.key)
                && m.position_on(&issue.key).is_none();
            let at = e.event.at.millis();
            let held = points.iter().take_while(|p| p.at <= at).last()?;
            wordy.then(|| point(e, held.value, m.channel, true))
        })
        .collect()
}

fn point(entry: &Entry, value: f64, channel: Channel, concession: bool) -> Point {
    Point {
        at: entry.event.at.millis(),
        date: entry.event.at.to_string(),
        value,
        seq: entry.seq(),
        kind: entry.event.kind,
        channel,
        concession,
    }
}

fn position_row(dance: &Dance, timeline: &Timeline) -> PositionRow {
    let issue = IssueKey::parse(&dance.issue)
        .ok()
        .and_then(|k| timeline.agenda.issue(&k).cloned());
    let sides = timeline
        .agenda
        .parties
        .iter()
        .map(|p| {
            let last = dance
                .sides
                .iter()
                .find(|s| s.party == p.code.as_str())
                .and_then(|s| s.points.last())
                .map(|pt| (pt.value, pt.date.clone()));
            (p.code.to_string(), last)
        })
        .collect();
    let (gap, opening_gap) = match dance.sides.as_slice() {
        [a, b] => (
            Some((last_value(a) - last_value(b)).abs()),
            Some((first_value(a) - first_value(b)).abs()),
        ),
        _ => (None, None),
    };
    PositionRow {
        issue: dance.issue.clone(),
        title: dance.title.clone(),
        unit: dance.unit.clone(),
        sides,
        gap,
        opening_gap,
        concession_share: issue
            .map(|i| concession_share(dance, &i))
            .unwrap_or_default(),
        last_move: last_move(timeline, &dance.issue),
    }
}

fn first_value(series: &Series) -> f64 {
    series.points.first().map_or(0.0, |p| p.value)
}

fn last_value(series: &Series) -> f64 {
    series.points.last().map_or(0.0, |p| p.value)
}

/// Δ_S / (Δ_S + Δ_other) for two sides, as `positions --json` defines it.
fn concession_share(dance: &Dance, issue: &IssueDef) -> Vec<(String, Option<f64>)> {
    let delta = |s: &Series| {
        PartyCode::parse(&s.party)
            .ok()
            .and_then(|code| toward_other(issue, &code))
            .map_or(0.0, |d| moved(first_value(s), last_value(s), d).max(0.0))
    };
    let [a, b] = dance.sides.as_slice() else {
        return Vec::new();
    };
    let (da, db) = (delta(a), delta(b));
    let share = |mine: f64| (da + db > 0.0).then(|| mine / (da + db));
    vec![(a.party.clone(), share(da)), (b.party.clone(), share(db))]
}

fn last_move(timeline: &Timeline, issue: &str) -> Option<(String, Kind, String)> {
    timeline
        .moves()
        .filter_map(|e| {
            let m = e.event.as_move()?;
            m.issues
                .iter()
                .any(|k| k.as_str() == issue)
                .then(|| (m.by.to_string(), e.event.kind, e.event.at.to_string()))
        })
        .last()
}

fn ledger(timeline: &Timeline, dances: &[Dance]) -> Vec<LedgerEntry> {
    let mut concessions: HashMap<u64, Vec<String>> = HashMap::new();
    for dance in dances {
        for side in &dance.sides {
            for pair in side.points.windows(2) {
                if pair[1].concession {
                    concessions.entry(pair[1].seq).or_default().push(format!(
                        "{} {} → {}",
                        dance.issue,
                        number(pair[0].value),
                        with_unit(pair[1].value, dance.unit.as_deref())
                    ));
                }
            }
        }
    }
    let parties: Vec<String> = timeline
        .agenda
        .parties
        .iter()
        .map(|p| p.code.to_string())
        .collect();
    timeline
        .moves()
        .filter_map(|e| {
            let m = e.event.as_move()?;
            let movement = concessions.remove(&e.seq()).unwrap_or_default();
            let counts = matches!(e.event.kind, Kind::Concession | Kind::Implementation)
                || !movement.is_empty();
            counts.then(|| LedgerEntry {
                seq: e.seq(),
                date: e.event.at.to_string(),
                by: m.by.to_string(),
                to: receivers(m, &parties),
                kind: e.event.kind,
                issues: m.issues.iter().map(|i| i.to_string()).collect(),
                movement,
                reversibility: m.reversibility,
                summary: e.event.summary.clone().unwrap_or_default(),
            })
        })
        .collect()
}

fn receivers(m: &Move, parties: &[String]) -> Vec<String> {
    if m.to.is_empty() {
        parties
            .iter()
            .filter(|p| p.as_str() != m.by.as_str())
            .cloned()
            .collect()
    } else {
        m.to.iter().map(|p| p.to_string()).collect()
    }
}

/// The ledger column of a reversibility: 0–3 by score, 4 when unstated.
pub fn rev_slot(reversibility: Option<Reversibility>) -> usize {
    reversibility.map_or(4, |r| usize::from(r.score()))
}

fn ledger_totals(parties: &[PartySide], ledger: &[LedgerEntry]) -> Vec<LedgerTotals> {
    parties
        .iter()
        .map(|p| {
            let mut totals = LedgerTotals {
                party: p.code.clone(),
                given: [0; 5],
                received: [0; 5],
            };
            for entry in ledger {
                let slot = rev_slot(entry.reversibility);
                if entry.by == p.code {
                    totals.given[slot] += 1;
                }
                if entry.to.contains(&p.code) {
                    totals.received[slot] += 1;
                }
            }
            totals
        })
        .collect()
}

fn replay(moves: &[MoveMark], dances: &[Dance]) -> Replay {
    let mut starts: Vec<Millis> = moves.iter().map(|m| m.at - m.at.rem_euclid(DAY)).collect();
    starts.dedup();
    starts.sort_unstable();
    starts.dedup();
    let day_of = |at: Millis| starts.partition_point(|&s| s <= at).saturating_sub(1);
    let mut counts = vec![0usize; starts.len()];
    for m in moves {
        if let Some(count) = counts.get_mut(day_of(m.at)) {
            *count += 1;
        }
    }
    let mut running = 0;
    let cumulative = counts
        .iter()
        .map(|c| {
            running += c;
            running
        })
        .collect();
    let issues = dances
        .iter()
        .map(|d| ReplayIssue {
            key: d.issue.clone(),
            unit: d.unit.clone(),
            sides: d
                .sides
                .iter()
                .map(|s| {
                    let points = s.points.iter().map(|p| (day_of(p.at), p.value)).collect();
                    (s.party.clone(), points)
                })
                .collect(),
        })
        .collect();
    Replay {
        days: starts.iter().map(|&s| day_text(s)).collect(),
        ends: starts.iter().map(|&s| s + DAY).collect(),
        moves: cumulative,
        issues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(number(15.0), "15");
        assert_eq!(number(1519.2), "1519.2");
        assert_eq!(number(-0.001), "0");
        assert_eq!(with_unit(15.0, Some("%")), "15%");
        assert_eq!(with_unit(350.0, Some("USD bn")), "350 USD bn");
    }
}
