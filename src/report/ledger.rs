//! The concession ledger: every concession (by kind, or a number moved toward the other
//! side) and implementation, who gave it to whom, how hard it is to undo, and each
//! side's totals given and received.

use std::collections::HashMap;

use crate::model::{Kind, Move, Reversibility};
use crate::projection::Timeline;

use super::model::{Dance, LedgerEntry, LedgerTotals, PartySide, number, with_unit};

pub(super) fn ledger(timeline: &Timeline, dances: &[Dance]) -> Vec<LedgerEntry> {
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
fn rev_slot(reversibility: Option<Reversibility>) -> usize {
    reversibility.map_or(4, |r| usize::from(r.score()))
}

pub(super) fn ledger_totals(parties: &[PartySide], ledger: &[LedgerEntry]) -> Vec<LedgerTotals> {
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
