//! Where each side stood on each numeric issue, from the timeline: the step series of
//! stated numbers (which of them were concessions, by the issue's `prefer`), the
//! concessions made in words only, the acceptances, and the positions, gaps and
//! concession shares at the end of the view (as `positions --json` defines them).

use crate::model::{Channel, Direction, IssueDef, Kind, PartyCode};
use crate::projection::positions::{IssueView, concession_direction};
use crate::projection::{Entry, Timeline};

use super::model::{Agreement, Dance, Point, PositionRow, Series};

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
    let direction = concession_direction(issue, party);
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

/// The positions table row of an issue, from the positions projection (the same figures
/// as `parley positions`).
pub(super) fn position_row(view: &IssueView, timeline: &Timeline) -> PositionRow {
    let sides = timeline
        .agenda
        .parties
        .iter()
        .map(|p| {
            let stated = view
                .sides
                .get(&p.code)
                .and_then(|s| s.position.map(|v| (v, s.since.to_string())));
            (p.code.to_string(), stated)
        })
        .collect();
    PositionRow {
        issue: view.issue.to_string(),
        title: view.title.clone(),
        unit: view.unit.clone(),
        sides,
        gap: view.gap,
        opening_gap: view.opening_gap,
        concession_share: view
            .concession_share
            .iter()
            .map(|(party, share)| (party.to_string(), *share))
            .collect(),
        status: view.status,
        last_move: view
            .last_move
            .as_ref()
            .map(|m| (m.by.to_string(), m.kind, m.at.to_string())),
    }
}
