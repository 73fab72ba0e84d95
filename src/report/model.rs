//! The report model: everything the HTML report shows, computed from a [`Timeline`]
//! (corrections applied) as plain data, so rendering never has to reason about the log.
//!
//! [`Report::build`] gathers the moves with their `responds_to` links, the reviewers'
//! notes, the dances and positions (`positions.rs`), the concession ledger
//! (`ledger.rs`), the gap on each numeric issue over time (as the positions projection
//! gives it after every move), the concessions each side made and the threats and
//! sanctions made to it (as the audit reads moves: `projection::audit::Moves`), and the
//! compact series the page's time slider replays. It does not
//! compute the posture audit (that is `projection::audit`'s; the report shows the
//! [`AuditReport`] it is given, as that type) and it writes no HTML.

use crate::model::IssueKey;
use crate::model::{Body, Channel, Kind, Millis, Move, Reversibility};
use crate::projection::audit::{AuditReport, Moves};
use crate::projection::positions::{Positions, Status};
use crate::projection::{Fold, Timeline};

use super::ledger::{ledger, ledger_totals};
use super::positions::{dances, position_row};
use super::provenance::Provenance;

/// One day in milliseconds.
const DAY: Millis = 86_400_000;

/// Everything the report page shows; it borrows the audit it shows.
#[derive(Clone, Debug)]
pub struct Report<'a> {
    /// The negotiation's slug.
    pub slug: String,
    /// Its title from the opening.
    pub title: String,
    /// The view in words, such as "as of 2025-07-31", when it is not the whole journal.
    pub view: Option<String>,
    /// Amendments applied to the events shown.
    pub corrections: usize,
    /// Events voided by a correction, and so not shown.
    pub voided: usize,
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
    /// Position, gap and concession shares per numeric issue at the end of the view.
    pub positions: Vec<PositionRow>,
    /// Where every issue of the agenda stands, numbers or not, in agenda order.
    pub issues: Vec<PositionRow>,
    /// Concessions and implementations, one per move.
    pub ledger: Vec<LedgerEntry>,
    /// What each side gave and received, by reversibility.
    pub ledger_totals: Vec<LedgerTotals>,
    /// The posture audit, when one was supplied.
    pub posture: Option<&'a AuditReport>,
    /// The series the time slider replays.
    pub replay: Replay,
    /// Where the page comes from: log head, view, rubric, version, time.
    pub provenance: Provenance,
    /// Above [`DETAIL`] moves, the width of the buckets (a day or a week, or more on a
    /// long span) the charts aggregate into; `None` draws one mark per move.
    pub bucket: Option<Millis>,
    /// The gap on each issue of [`Report::dances`] over time, in the same order.
    pub gaps: Vec<GapSeries>,
    /// Per party (agenda order), its concessions and the pressure made to it.
    pub pressure: Vec<Pressure>,
}

/// The gap on one numeric issue over time: after every move on the issue, the gap the
/// positions projection gives (the highest minus the lowest number the sides stand on,
/// once two do), recorded when it changes.
#[derive(Clone, Debug)]
pub struct GapSeries {
    /// The issue key.
    pub issue: String,
    /// The issue title.
    pub title: String,
    /// The unit.
    pub unit: Option<String>,
    /// Each change of the gap, oldest first; it starts at the first gap.
    pub points: Vec<GapPoint>,
}

/// The gap after one move.
#[derive(Clone, Debug, PartialEq)]
pub struct GapPoint {
    /// When.
    pub at: Millis,
    /// When, for people.
    pub date: String,
    /// The move after which the gap is this.
    pub seq: u64,
    /// The gap; `None` while fewer than two sides stand on a number.
    pub gap: Option<f64>,
}

impl GapSeries {
    /// The first gap, once two sides stood on numbers: what the shares are of.
    pub fn opening(&self) -> Option<(&GapPoint, f64)> {
        self.points.iter().find_map(|p| Some((p, p.gap?)))
    }
}

/// One party's concessions and the threats and sanctions other parties made to it, as
/// the audit reads them: moves of kind `concession` by the party, and moves of kind
/// `threat` or `sanction` made to it (by name, or with no `to` when its role is `party`).
#[derive(Clone, Debug)]
pub struct Pressure {
    /// The party.
    pub party: String,
    /// When it made each concession, in valid-time order.
    pub concessions: Vec<Millis>,
    /// When each threat was made to it.
    pub threats: Vec<Millis>,
    /// When each sanction was made to it.
    pub sanctions: Vec<Millis>,
}

/// Up to this many moves the charts draw one mark per move and the lists show every
/// row; above it the charts aggregate per bucket and the lists show their first
/// [`ROWS`] rows with a count and the command that lists the rest.
pub const DETAIL: usize = 2_000;

/// Rows a long list shows before it points to the command line.
pub const ROWS: usize = 200;

/// The bucket width for a span: a day, a week, or a multiple of weeks, whichever gives
/// at most about 120 buckets.
fn bucket_for((start, end): (Millis, Millis)) -> Millis {
    let days = (end - start) / DAY + 1;
    if days <= 120 {
        DAY
    } else {
        7 * DAY * ((days / 7) / 120 + 1)
    }
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
    /// Open, converged or agreed, as `positions` gives it.
    pub status: Status,
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

impl Report<'_> {
    /// The start of the bucket `at` falls in (buckets count from the span's start).
    pub fn bucket_start(&self, at: Millis, width: Millis) -> Millis {
        self.span.0 + (at - self.span.0).div_euclid(width) * width
    }

    /// The bucket width in words: "day", "week", "3 weeks".
    pub fn bucket_name(width: Millis) -> String {
        match width / DAY {
            1 => "day".into(),
            7 => "week".into(),
            d => format!("{} weeks", d / 7),
        }
    }
}

impl<'a> Report<'a> {
    /// Builds the report model from a timeline, the view in words (see
    /// [`Report::view`]) and, when there is one, the audit of that timeline.
    pub fn build(
        timeline: &Timeline,
        view: Option<String>,
        audit: Option<&'a AuditReport>,
    ) -> Report<'a> {
        let agenda = &timeline.agenda;
        let moves = move_marks(timeline);
        let dances = dances(timeline);
        let span = if moves.is_empty() {
            span(timeline.entries.iter().map(|e| e.event.at.millis()))
        } else {
            span(moves.iter().map(|m| m.at))
        };
        let views = Positions::of(timeline);
        let positions = dances
            .iter()
            .filter_map(|d| {
                IssueKey::parse(&d.issue)
                    .ok()
                    .and_then(|k| agenda.issue(&k))
            })
            .map(|def| position_row(&views.issue(def), timeline))
            .collect();
        let issues = agenda
            .issues
            .iter()
            .map(|def| position_row(&views.issue(def), timeline))
            .collect();
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
        let moves_len = moves.len();
        let gaps = gap_series(timeline, &dances);
        let pressure = pressure(timeline);
        Report {
            slug: timeline.slug.to_string(),
            title: agenda.title.clone(),
            view,
            corrections: timeline.amendments_applied(),
            voided: timeline.voided.len(),
            parties,
            span,
            notes: notes(timeline),
            moves,
            dances,
            positions,
            issues,
            ledger,
            ledger_totals,
            posture: audit,
            replay,
            provenance: Provenance::of(timeline),
            bucket: (moves_len > DETAIL).then(|| bucket_for(span)),
            gaps,
            pressure,
        }
    }
}

/// The UTC day of an instant, `YYYY-MM-DD`.
pub fn day_text(millis: Millis) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub use crate::format::number;

/// A number with its unit: `15%`, `350 USD bn`.
pub fn with_unit(value: f64, unit: Option<&str>) -> String {
    match unit {
        Some("%") => format!("{}%", number(value)),
        Some(unit) => format!("{} {unit}", number(value)),
        None => number(value),
    }
}

/// The gap on each dance's issue after every move on it: the positions projection folded
/// one event at a time and asked for the issue's gap, so the series ends on the gap the
/// summary and `parley positions` show.
fn gap_series(timeline: &Timeline, dances: &[Dance]) -> Vec<GapSeries> {
    let agenda = &timeline.agenda;
    let defs: Vec<&crate::model::IssueDef> = dances
        .iter()
        .filter_map(|d| {
            IssueKey::parse(&d.issue)
                .ok()
                .and_then(|k| agenda.issue(&k))
        })
        .collect();
    let index: std::collections::HashMap<&IssueKey, usize> = defs
        .iter()
        .enumerate()
        .map(|(i, def)| (&def.key, i))
        .collect();
    let mut series: Vec<GapSeries> = defs
        .iter()
        .map(|d| GapSeries {
            issue: d.key.to_string(),
            title: d.title.clone(),
            unit: d.unit.clone(),
            points: Vec::new(),
        })
        .collect();
    let mut positions = Positions::default();
    for entry in &timeline.entries {
        positions.apply(entry, agenda);
        let Some(m) = entry.event.as_move() else {
            continue;
        };
        for key in &m.issues {
            let Some(&i) = index.get(key) else {
                continue;
            };
            let gap = positions.issue(defs[i]).gap;
            let points = &mut series[i].points;
            let last = points.last().map(|p| p.gap);
            if last.is_none() && gap.is_none() || last == Some(gap) {
                continue;
            }
            points.push(GapPoint {
                at: entry.event.at.millis(),
                date: entry.event.at.to_string(),
                seq: entry.seq(),
                gap,
            });
        }
    }
    series
}

/// Each party's concessions and the threats and sanctions made to it (see [`Pressure`]).
fn pressure(timeline: &Timeline) -> Vec<Pressure> {
    let moves = Moves::new(timeline);
    timeline
        .agenda
        .parties
        .iter()
        .map(|party| {
            let mut out = Pressure {
                party: party.code.to_string(),
                concessions: Vec::new(),
                threats: Vec::new(),
                sanctions: Vec::new(),
            };
            let Some(id) = moves.party_id(&party.code) else {
                return out;
            };
            for m in &moves.all {
                match m.kind {
                    Kind::Concession if m.by == id => out.concessions.push(m.at),
                    Kind::Threat if moves.made_to(m, id) => out.threats.push(m.at),
                    Kind::Sanction if moves.made_to(m, id) => out.sanctions.push(m.at),
                    _ => {}
                }
            }
            out
        })
        .collect()
}

fn move_marks(timeline: &Timeline) -> Vec<MoveMark> {
    let mut marks = Vec::new();
    for entry in timeline.moves() {
        let Some(m) = entry.event.as_move() else {
            continue;
        };
        let responds_to = m
            .responds_to
            .as_deref()
            .and_then(|r| timeline.refs().seq(r));
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
                    // The slider moves by day: only each day's last position counts.
                    let mut points: Vec<(usize, f64)> = Vec::new();
                    for p in &s.points {
                        let day = day_of(p.at);
                        match points.last_mut() {
                            Some(last) if last.0 == day => last.1 = p.value,
                            _ => points.push((day, p.value)),
                        }
                    }
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
    fn numbers_carry_their_unit() {
        assert_eq!(with_unit(15.0, Some("%")), "15%");
        assert_eq!(with_unit(350.0, Some("USD bn")), "350 USD bn");
    }
}
