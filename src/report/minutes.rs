//! Minutes: a Markdown memorandum of the moves of a day or a span, the thing a
//! minute-taker sends out after a meeting. Who was there (the speakers the moves name),
//! each issue with the moves on it in order and its positions before and after, what was
//! agreed and what is still open, then the entries that touch no issue.
//!
//! It renders two views of one negotiation (before the span and at its end); reading
//! them is the caller's job.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::format;
use crate::model::{Millis, PartyCode};
use crate::projection::Timeline;
use crate::projection::positions::{IssueView, Positions, Status};
use crate::projection::replay::{Change, replay};

use super::narrative::{headline, summary};

/// The minutes of the moves with `at` after `from` up to the end of `later`, whose
/// positions are compared with `earlier` (the same negotiation cut at `from`). `span`
/// says which day or days, for the title.
pub fn minutes(earlier: &Timeline, later: &Timeline, from: Millis, span: &str) -> String {
    let steps: Vec<_> = replay(later)
        .into_iter()
        .filter(|s| s.entry.event.at.millis() > from)
        .collect();
    let before = Positions::of(earlier);
    let after = Positions::of(later);
    let mut out = format!("# Minutes: {}, {span}\n\n", later.agenda.title);
    let _ = writeln!(
        out,
        "Negotiation `{}` · {} in the span · parties {}\n",
        later.slug,
        format::count(
            steps
                .iter()
                .filter(|s| s.entry.event.as_move().is_some())
                .count() as u64,
            "move"
        ),
        later
            .agenda
            .parties
            .iter()
            .map(|p| format!("{} ({})", p.code, p.name))
            .collect::<Vec<_>>()
            .join(", ")
    );
    present(&mut out, &steps);
    let mut agreed = Vec::new();
    let mut open = Vec::new();
    out.push_str("## Issues\n\n");
    let mut any = false;
    for def in &later.agenda.issues {
        let on_issue: Vec<_> = steps
            .iter()
            .filter(|s| {
                s.entry
                    .event
                    .as_move()
                    .is_some_and(|m| m.issues.contains(&def.key))
            })
            .collect();
        if on_issue.is_empty() {
            continue;
        }
        any = true;
        let (was, now) = (before.issue(def), after.issue(def));
        let unit = def
            .unit
            .as_deref()
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        let _ = writeln!(out, "### {} — {}{unit}\n", def.key, def.title);
        let _ = writeln!(out, "Before: {}\n", standing(&was));
        for step in on_issue {
            let _ = writeln!(out, "{}", entry_line(step));
            for change in &step.changes {
                if let Change::Position {
                    issue,
                    party,
                    before,
                    after,
                    ..
                } = change
                    && *issue == def.key
                {
                    let _ = writeln!(
                        out,
                        "  → {party} {} → {}",
                        format::optional(*before),
                        format::optional(*after)
                    );
                }
            }
        }
        let _ = writeln!(out, "\nAfter: {}\n", standing(&now));
        match now.status {
            Status::Agreed => agreed.push((def.key.to_string(), now)),
            _ => open.push((def.key.to_string(), now)),
        }
    }
    if !any {
        out.push_str("No move in the span touched an issue.\n\n");
    }
    outcome(&mut out, "Agreed", &agreed);
    outcome(&mut out, "Not yet agreed", &open);
    other_entries(&mut out, &steps);
    out
}

/// Who spoke for each party, as the moves name them, with their level.
fn present(out: &mut String, steps: &[crate::projection::replay::Step<'_>]) {
    let mut speakers: BTreeMap<&PartyCode, Vec<String>> = BTreeMap::new();
    for m in steps.iter().filter_map(|s| s.entry.event.as_move()) {
        let Some(who) = &m.speaker else { continue };
        let named = match m.level {
            Some(level) => format!("{who} ({level})"),
            None => who.clone(),
        };
        let list = speakers.entry(&m.by).or_default();
        if !list.contains(&named) {
            list.push(named);
        }
    }
    out.push_str("## Present\n\n");
    if speakers.is_empty() {
        out.push_str("No move in the span names a speaker.\n\n");
        return;
    }
    for (party, names) in speakers {
        let _ = writeln!(out, "- {party}: {}", names.join(", "));
    }
    out.push('\n');
}

/// Each side's number (or terms), the gap and the status: `KR 10 · US 25 · gap 15 · open`.
fn standing(view: &IssueView) -> String {
    let mut parts: Vec<String> = view
        .sides
        .iter()
        .map(|(party, side)| match (side.position, &side.terms) {
            (Some(n), _) => format!("{party} {}", format::number(n)),
            (None, Some(_)) => format!("{party} terms"),
            (None, None) => format!("{party} —"),
        })
        .collect();
    if parts.is_empty() {
        parts.push("no side has stated a position".into());
    }
    if let Some(gap) = view.gap {
        parts.push(format!("gap {}", format::number(gap)));
    }
    parts.push(view.status.to_string());
    parts.join(" · ")
}

fn outcome(out: &mut String, heading: &str, issues: &[(String, IssueView)]) {
    let _ = writeln!(out, "## {heading}\n");
    if issues.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    for (key, view) in issues {
        let _ = writeln!(out, "- {key}: {}", standing(view));
    }
    out.push('\n');
}

/// Notes, agenda changes and moves on no issue.
fn other_entries(out: &mut String, steps: &[crate::projection::replay::Step<'_>]) {
    let others: Vec<_> = steps
        .iter()
        .filter(|s| s.entry.event.as_move().is_none_or(|m| m.issues.is_empty()))
        .collect();
    if others.is_empty() {
        return;
    }
    out.push_str("## Other entries\n\n");
    for step in others {
        let _ = writeln!(out, "{}", entry_line(step));
    }
    out.push('\n');
}

/// One entry as a list item: `- 2025-07-30 US concession (leader) on tariff · seq 26: …`.
fn entry_line(step: &crate::projection::replay::Step<'_>) -> String {
    let event = &step.entry.event;
    format!(
        "- {} {} · seq {}: {}",
        event.at,
        headline(event),
        step.entry.seq(),
        summary(event)
    )
}
