//! Replay: the history move by move in valid-time order (ties by seq), each step with
//! what it changed: positions and gap before → after, status, terms, issues and parties
//! added, corrections applied to the event.

use serde::Serialize;

use super::positions::{IssueView, Positions, Status};
use super::{Entry, Fold, Timeline};
use crate::model::{Body, FieldChange, IssueKey, PartyCode, amended, field_changes};

/// One step of the replay.
#[derive(Clone, Debug)]
pub struct Step<'a> {
    /// The event, corrections applied.
    pub entry: &'a Entry,
    /// What it changed.
    pub changes: Vec<Change>,
    /// The amendments applied to the event, in seq order: each correction's seq and the
    /// fields it changed, before → after.
    pub amendments: Vec<(u64, Vec<FieldChange>)>,
}

/// One thing a step changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// A side's stated number on an issue.
    Position {
        /// The issue.
        issue: IssueKey,
        /// The side.
        party: PartyCode,
        /// Before the step.
        before: Option<f64>,
        /// After the step.
        after: Option<f64>,
        /// Gap before.
        gap_before: Option<f64>,
        /// Gap after.
        gap_after: Option<f64>,
    },
    /// An issue's status.
    Status {
        /// The issue.
        issue: IssueKey,
        /// Before.
        before: Status,
        /// After.
        after: Status,
    },
    /// An issue joined the agenda.
    IssueAdded {
        /// The issue.
        issue: IssueKey,
        /// Its title.
        title: String,
    },
    /// A party joined the negotiation.
    PartyAdded {
        /// The party.
        party: PartyCode,
        /// Its name.
        name: String,
    },
    /// Corrections recorded later that this view applies to the event.
    Corrected {
        /// Their seqs.
        by: Vec<u64>,
    },
}

/// Replays `timeline`, computing each step's changes.
pub fn replay(timeline: &Timeline) -> Vec<Step<'_>> {
    let mut positions = Positions::default();
    let mut steps = Vec::with_capacity(timeline.entries.len());
    for entry in &timeline.entries {
        let touched = touched_issues(timeline, entry);
        let before: Vec<IssueView> = touched.iter().map(|def| positions.issue(def)).collect();
        positions.apply(entry, &timeline.agenda);
        let mut changes = Vec::new();
        for (def, was) in touched.iter().zip(&before) {
            changes.extend(issue_changes(was, &positions.issue(def)));
        }
        changes.extend(agenda_changes(entry));
        let corrected_by = timeline.corrected_by(entry.seq());
        if !corrected_by.is_empty() {
            changes.push(Change::Corrected {
                by: corrected_by.to_vec(),
            });
        }
        let amendments = amendments(timeline, entry);
        steps.push(Step {
            entry,
            changes,
            amendments,
        });
    }
    steps
}

/// The amendments the view applied to `entry`, each with the fields it changed from
/// the event as it stood before it (the recorded event, earlier amendments applied).
fn amendments(timeline: &Timeline, entry: &Entry) -> Vec<(u64, Vec<FieldChange>)> {
    let corrected_by = timeline.corrected_by(entry.seq());
    if corrected_by.is_empty() {
        return Vec::new();
    }
    let mut raw = entry.raw();
    let mut out = Vec::with_capacity(corrected_by.len());
    for &seq in corrected_by {
        let found = timeline
            .corrections
            .binary_search_by_key(&seq, |c| c.seq())
            .ok()
            .map(|i| &timeline.corrections[i].event.body);
        if let Some(Body::Correction(correction)) = found {
            out.push((seq, field_changes(&raw, &correction.changes)));
            raw = amended(&raw, &correction.changes);
        }
    }
    out
}

fn touched_issues<'t>(timeline: &'t Timeline, entry: &Entry) -> Vec<&'t crate::model::IssueDef> {
    let Some(m) = entry.event.as_move() else {
        return Vec::new();
    };
    m.issues
        .iter()
        .filter_map(|key| timeline.agenda.issue(key))
        .collect()
}

fn issue_changes(was: &IssueView, now: &IssueView) -> Vec<Change> {
    let mut out = Vec::new();
    for (party, side) in &now.sides {
        let before = was.sides.get(party).and_then(|s| s.position);
        if before != side.position {
            out.push(Change::Position {
                issue: now.issue.clone(),
                party: party.clone(),
                before,
                after: side.position,
                gap_before: was.gap,
                gap_after: now.gap,
            });
        }
    }
    if was.status != now.status {
        out.push(Change::Status {
            issue: now.issue.clone(),
            before: was.status,
            after: now.status,
        });
    }
    out
}

fn agenda_changes(entry: &Entry) -> Vec<Change> {
    let Body::Agenda(change) = &entry.event.body else {
        return Vec::new();
    };
    let parties = change.parties.iter().map(|p| Change::PartyAdded {
        party: p.code.clone(),
        name: p.name.clone(),
    });
    let issues = change.issues.iter().map(|i| Change::IssueAdded {
        issue: i.key.clone(),
        title: i.title.clone(),
    });
    parties.chain(issues).collect()
}
