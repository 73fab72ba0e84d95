//! Diff: what moved between two dates. Positions at the first date against positions at
//! the second, per issue and side, with the moves made in between.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Timeline;
use super::positions::{Positions, Status};
use crate::model::{IssueKey, Millis, PartyCode};

/// The difference on one issue. Its fields are in key order, as `diff --json` prints them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IssueDiff {
    /// Gap at the first date.
    pub gap_from: Option<f64>,
    /// Gap at the second date.
    pub gap_to: Option<f64>,
    /// The issue.
    pub issue: IssueKey,
    /// Seqs of the moves on the issue in between.
    pub moves: Vec<u64>,
    /// Per side: position at the first date and at the second.
    pub sides: BTreeMap<PartyCode, SideDiff>,
    /// Status at the first date.
    pub status_from: Status,
    /// Status at the second date.
    pub status_to: Status,
    /// Its unit.
    pub unit: Option<String>,
}

/// One side's movement on an issue, fields in key order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SideDiff {
    /// `to - from` when both are known.
    pub change: Option<f64>,
    /// Position at the first date.
    pub from: Option<f64>,
    /// Moves by the side on the issue in between.
    pub moves: usize,
    /// Position at the second date.
    pub to: Option<f64>,
}

/// Compares `earlier` and `later`, two views of one negotiation; `from` is the first
/// date's bound, so the moves in between are those with `at` after it.
pub fn diff(earlier: &Timeline, later: &Timeline, from: Millis) -> Vec<IssueDiff> {
    let before = Positions::of(earlier);
    let after = Positions::of(later);
    later
        .agenda
        .issues
        .iter()
        .map(|def| {
            let was = before.issue(def);
            let now = after.issue(def);
            let between: Vec<(&PartyCode, u64)> = later
                .moves()
                .filter(|e| e.event.at.millis() > from)
                .filter_map(|e| e.event.as_move().map(|m| (m, e.seq())))
                .filter(|(m, _)| m.issues.contains(&def.key))
                .map(|(m, seq)| (&m.by, seq))
                .collect();
            let parties = was.sides.keys().chain(now.sides.keys()).cloned();
            let sides = parties
                .map(|party| {
                    let from = was.sides.get(&party).and_then(|s| s.position);
                    let to = now.sides.get(&party).and_then(|s| s.position);
                    let moves = between.iter().filter(|(by, _)| **by == party).count();
                    let change = from.zip(to).map(|(a, b)| b - a);
                    (
                        party,
                        SideDiff {
                            from,
                            to,
                            change,
                            moves,
                        },
                    )
                })
                .collect();
            IssueDiff {
                issue: def.key.clone(),
                unit: def.unit.clone(),
                sides,
                gap_from: was.gap,
                gap_to: now.gap,
                status_from: was.status,
                status_to: now.status,
                moves: between.iter().map(|(_, seq)| *seq).collect(),
            }
        })
        .collect()
}
