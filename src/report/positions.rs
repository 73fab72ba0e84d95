//! Where each side stood on each numeric issue, from the timeline: the step series of
//! stated numbers (which of them were concessions, by the issue's `prefer`), the
//! concessions made in words only, the acceptances, and the positions, gaps and
//! concession shares at the end of the view (as `positions --json` defines them).

use crate::model::{Channel, Direction, IssueDef, IssueKey, Kind, PartyCode};
use crate::projection::{Entry, Timeline};

use super::model::{Agreement, Dance, Point, PositionRow, Series};

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

pub(super) fn dances(timeline: &Timeline) -> Vec<Dance> {
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

pub(super) fn position_row(dance: &Dance, timeline: &Timeline) -> PositionRow {
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
