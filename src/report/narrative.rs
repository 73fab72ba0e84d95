//! The replay as a narrative for the terminal: one paragraph per step, readable by
//! someone who was not in the room: when, who, what kind of move, where it was said,
//! the summary, then what it changed.

use std::fmt::Write;

use crate::format::optional;
use serde_json::Value;

use crate::model::{Body, Channel, Event, FieldChange, Move};
use crate::projection::Entry;
use crate::projection::replay::{Change, Step};

/// Renders one step as a short paragraph ending with a blank line.
pub fn step(step: &Step<'_>) -> String {
    let mut out = paragraph(step.entry);
    for change in &step.changes {
        let line = match change {
            Change::Corrected { .. } if !step.amendments.is_empty() => corrected(&step.amendments),
            _ => describe(change),
        };
        let _ = writeln!(out, "    → {line}");
    }
    out.push('\n');
    out
}

/// Renders one event as it was recorded, with the numbers it states (`states tariff 15,
/// investment 350`), as a short paragraph ending with a blank line: what `parley log`
/// says it understood.
pub fn recorded(entry: &Entry) -> String {
    let mut out = paragraph(entry);
    if let Some(m) = entry.event.as_move() {
        let stated: Vec<String> = m
            .stated()
            .filter_map(|(key, value)| value.map(|v| format!("{key} {}", crate::format::number(v))))
            .collect();
        if !stated.is_empty() {
            let _ = writeln!(out, "    states {}", stated.join(", "));
        }
    }
    out.push('\n');
    out
}

/// When, who, what and where, the summary and the move's notes.
fn paragraph(entry: &Entry) -> String {
    let event = &entry.event;
    let mut out = format!("{}  {}  · seq {}\n", event.at, headline(event), entry.seq());
    for line in wrap(&summary(event), 88) {
        let _ = writeln!(out, "    {line}");
    }
    if let Some(m) = event.as_move() {
        for note in move_notes(m) {
            let _ = writeln!(out, "    {note}");
        }
    }
    out
}

pub(crate) fn headline(event: &Event) -> String {
    match event.as_move() {
        Some(m) => {
            let mut parts = vec![format!("{} {}", m.by, event.kind)];
            if !m.to.is_empty() {
                let to: Vec<&str> = m.to.iter().map(|p| p.as_str()).collect();
                parts.push(format!("to {}", to.join(", ")));
            }
            if m.channel != Channel::Table {
                parts.push(format!("[{}]", m.channel));
            }
            let who: Vec<String> = m
                .level
                .iter()
                .map(|l| l.to_string())
                .chain(m.speaker.clone())
                .collect();
            if !who.is_empty() {
                parts.push(format!("({})", who.join(", ")));
            }
            if !m.issues.is_empty() {
                parts.push(format!(
                    "on {}",
                    m.issues
                        .iter()
                        .map(|i| i.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            parts.join(" ")
        }
        None => event.kind.to_string(),
    }
}

pub(crate) fn summary(event: &Event) -> String {
    match &event.body {
        Body::Annotation(a) => match &a.label {
            Some(label) => format!("Note ({label}): {}", a.note),
            None => format!("Note: {}", a.note),
        },
        Body::Agenda(change) => {
            let title = change
                .title
                .as_deref()
                .map(|t| format!("“{t}”. "))
                .unwrap_or_default();
            format!("{title}{}", event.summary.clone().unwrap_or_default())
        }
        _ => event.summary.clone().unwrap_or_default(),
    }
}

fn move_notes(m: &Move) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(target) = &m.responds_to {
        notes.push(format!("answers {target}"));
    }
    if let Some(package) = &m.package {
        notes.push(format!("part of package “{package}”"));
    }
    if !m.conditional_on.is_empty() {
        notes.push(format!("conditional on {}", m.conditional_on.join(", ")));
    }
    if let Some(r) = m.reversibility {
        notes.push(format!("reversibility: {r}"));
    }
    notes
}

/// One change in words: `tariff: US 25 → 20 (gap 15 → 10)`.
pub fn describe(change: &Change) -> String {
    match change {
        Change::Position {
            issue,
            party,
            before,
            after,
            gap_before,
            gap_after,
        } => {
            let gap = match (gap_before, gap_after) {
                (None, None) => String::new(),
                (b, a) => format!(" (gap {} → {})", optional(*b), optional(*a)),
            };
            format!(
                "{issue}: {party} {} → {}{gap}",
                optional(*before),
                optional(*after)
            )
        }
        Change::Status {
            issue,
            before,
            after,
        } => {
            format!("{issue}: {before} → {after}")
        }
        Change::IssueAdded { issue, title } => format!("issue added: {issue} ({title})"),
        Change::PartyAdded { party, name } => format!("party added: {party} ({name})"),
        Change::Corrected { by } => {
            let seqs: Vec<String> = by.iter().map(|s| format!("seq {s}")).collect();
            format!("as corrected by {}", seqs.join(", "))
        }
    }
}

/// The amendments applied to an event: `as corrected by seq 5 (level senior →
/// minister), seq 6 (position 10 → 12)`.
fn corrected(amendments: &[(u64, Vec<FieldChange>)]) -> String {
    let each: Vec<String> = amendments
        .iter()
        .map(|(seq, changes)| match changes.is_empty() {
            true => format!("seq {seq}"),
            false => format!("seq {seq} ({})", amendment(changes)),
        })
        .collect();
    format!("as corrected by {}", each.join(", "))
}

/// What an amendment changed, field by field: `level senior → minister; position 10 →
/// 12`; `—` stands for a field that was absent or is removed.
pub fn amendment(changes: &[FieldChange]) -> String {
    changes
        .iter()
        .map(|c| {
            format!(
                "{} {} → {}",
                c.field,
                value(c.before.as_ref()),
                value(c.after.as_ref())
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A field's value in words: numbers as every output writes them, texts as they are,
/// lists and objects (`positions`) item by item.
fn value(field: Option<&Value>) -> String {
    match field {
        None | Some(Value::Null) => crate::format::NONE.into(),
        Some(Value::Number(n)) => n
            .as_f64()
            .map_or_else(|| n.to_string(), crate::format::number),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| value(Some(item)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(key, item)| format!("{key} {}", value(Some(item))))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Greedy word wrap at `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_position_change_reads_as_before_and_after() {
        let change = Change::Position {
            issue: crate::model::IssueKey::parse("tariff").unwrap(),
            party: crate::model::PartyCode::parse("US").unwrap(),
            before: Some(25.0),
            after: Some(20.0),
            gap_before: Some(15.0),
            gap_after: Some(10.0),
        };
        assert_eq!(describe(&change), "tariff: US 25 → 20 (gap 15 → 10)");
    }

    #[test]
    fn long_summaries_wrap_on_words() {
        let lines = wrap("one two three four", 9);
        assert_eq!(lines, ["one two", "three", "four"]);
    }
}
