//! The audit for the terminal: per side the verdict, the rules that fired, the index per
//! window on a small scale from -1 to +1, every measure with its counts (all moves and
//! table moves only, side by side), the flags, and with `explain` the events behind
//! each figure.

use std::fmt::Write;

use crate::format::number as format_count;
use crate::projection::audit::{AuditReport, Code, FlagKind, Measure, SideAudit};
use crate::report::Table;
use crate::report::audit_words;

/// What the renderer needs to know about an event to list it.
pub struct EventLine {
    /// When.
    pub at: String,
    /// The kind.
    pub kind: String,
    /// The summary.
    pub summary: String,
}

/// Renders the whole audit.
pub fn render(
    report: &AuditReport,
    names: &dyn Fn(&str) -> String,
    lookup: &dyn Fn(u64) -> Option<EventLine>,
    explain: bool,
) -> String {
    let mut out = String::new();
    for (party, side) in &report.sides {
        out.push_str(&render_side(party, &names(party), side, lookup, explain));
    }
    out
}

fn render_side(
    party: &str,
    name: &str,
    side: &SideAudit,
    lookup: &dyn Fn(u64) -> Option<EventLine>,
    explain: bool,
) -> String {
    let confidence = side.confidence;
    let mut out = format!(
        "{party}  {name}: {}   ({}, {}{})
",
        side.verdict.as_str().to_uppercase(),
        crate::format::count(confidence.moves as u64, "move"),
        crate::format::count(confidence.windows as u64, "judged window"),
        if confidence.weak { "; weak" } else { "" }
    );
    let _ = writeln!(
        out,
        "  index {} with every move (public at reduced weight) · {} from table moves only",
        signed(side.index),
        signed(side.table_index)
    );
    for rule in &side.rules {
        let _ = writeln!(out, "  · {}", audit_words::rule(rule));
    }
    out.push('\n');
    let mut windows = Table::new(&[
        "window",
        "moves",
        "index",
        "top",
        "verdict",
        "-1 ─── 0 ─── +1",
    ])
    .right(&[1, 2, 3]);
    for w in &side.windows {
        let span = if w.from == w.to {
            w.from.clone()
        } else {
            format!("{} … {}", w.from, w.to)
        };
        windows.row(vec![
            span,
            format_count(w.moves as f64),
            signed(w.index),
            audit_words::top(w.top),
            w.verdict.to_string(),
            bar(w.index),
        ]);
    }
    out.push_str(&indent(&windows.render()));
    out.push('\n');
    let mut measures =
        Table::new(&["measure", "value", "counts, all moves", "table moves only"]).right(&[1]);
    for (code, m) in side.measures.iter() {
        measures.row(vec![
            format!("{code} {}", audit_words::name(code)),
            value(code, m),
            audit_words::reading(code, &m.all),
            table_only(code, m),
        ]);
    }
    out.push_str(&indent(&measures.render()));
    if !side.left_out.is_empty() {
        let _ = writeln!(
            out,
            "  left out of the index (no data): {}",
            audit_words::codes(&side.left_out)
        );
    }
    out.push_str(&flags(side, explain));
    if explain {
        out.push_str(&explanation(side, lookup));
    }
    out.push('\n');
    out
}

/// Flags of one kind shown without `--explain`: a long history can raise tens of
/// thousands, and a reviewer reads the count and a few examples, not every one.
const FLAGS_SHOWN: usize = 10;

fn flags(side: &SideAudit, explain: bool) -> String {
    if side.flags.is_empty() {
        return "\n  no flags\n".into();
    }
    let mut kinds: Vec<(FlagKind, usize)> = Vec::new();
    let mut table = Table::new(&["flag", "events", "finding"]);
    for flag in &side.flags {
        let shown = match kinds.iter_mut().find(|(kind, _)| *kind == flag.kind()) {
            Some((_, count)) => {
                *count += 1;
                *count
            }
            None => {
                kinds.push((flag.kind(), 1));
                1
            }
        };
        if explain || shown <= FLAGS_SHOWN {
            let events: Vec<String> = flag.events().iter().map(u64::to_string).collect();
            table.row(vec![
                flag.kind().to_string(),
                events.join(", "),
                audit_words::note(flag),
            ]);
        }
    }
    let total = side.flags.len();
    let cut = !explain && kinds.iter().any(|(_, count)| *count > FLAGS_SHOWN);
    let summary = if cut {
        flag_counts(&kinds, total)
    } else {
        String::new()
    };
    format!(
        "\n  flags ({})\n{summary}{}",
        format_count(total as f64),
        indent(&table.render())
    )
}

/// How many flags of each kind, with their share, and what the table below leaves out.
fn flag_counts(kinds: &[(FlagKind, usize)], total: usize) -> String {
    let mut counts = Table::new(&["flag", "count", "share"]).right(&[1, 2]);
    for (kind, count) in kinds {
        counts.row(vec![
            kind.to_string(),
            format_count(*count as f64),
            format!("{:.1}%", 100.0 * *count as f64 / total as f64),
        ]);
    }
    format!(
        "{}\n  the first {FLAGS_SHOWN} of each kind; --explain or --json lists all {}\n",
        indent(&counts.render()),
        format_count(total as f64)
    )
}

fn explanation(side: &SideAudit, lookup: &dyn Fn(u64) -> Option<EventLine>) -> String {
    let mut out = String::from("\n  the events behind each figure\n");
    for (code, m) in side.measures.iter() {
        let reading = audit_words::reading(code, &m.all);
        let _ = writeln!(out, "  {code} {}: {reading}", audit_words::name(code));
        let mut table = Table::new(&["seq", "at", "kind", "counted as", "weight", "summary"])
            .right(&[0, 4])
            .limit(5, 70);
        for counted in &m.all.events {
            let line = lookup(counted.seq);
            let (at, kind, summary) =
                line.map_or_else(Default::default, |l| (l.at, l.kind, l.summary));
            table.row(vec![
                counted.seq.to_string(),
                at,
                kind,
                audit_words::role(counted.role).into(),
                format!("{:.2}", counted.weight),
                summary,
            ]);
        }
        if table.is_empty() {
            out.push_str("      (none)\n");
        } else {
            out.push_str(&indent(&indent(&table.render())));
        }
    }
    out
}

/// A measure's value with all moves: `0.26`, `+1.5` for RV, `—` without data.
pub(crate) fn value(code: Code, m: &Measure) -> String {
    figure(code, m.value())
}

/// A measure's figure as the audit writes it: shares with two decimals, RV signed with
/// one, `—` without data.
pub(crate) fn figure(code: Code, value: Option<f64>) -> String {
    match (code, value) {
        (_, None) => "—".into(),
        (Code::Rv, Some(v)) => format!("{v:+.1}"),
        (_, Some(v)) => format!("{v:.2}"),
    }
}

/// A measure's value from table moves only with its counts: `0.25 (2 of 8)`.
pub(crate) fn table_only(code: Code, m: &Measure) -> String {
    let f = &m.table;
    match (code, f.value) {
        (_, None) => "no data".into(),
        (Code::Rv, Some(v)) => format!(
            "{v:+.1} ({} given, {} received)",
            format_count(f.numerator),
            format_count(f.denominator)
        ),
        (_, Some(v)) => format!(
            "{v:.2} ({} of {})",
            format_count(f.numerator),
            format_count(f.denominator)
        ),
    }
}

/// An index as the audit writes it: `+0.47`, `—` without one.
pub(crate) fn signed(index: Option<f64>) -> String {
    index.map_or("—".into(), |i| format!("{i:+.2}"))
}

/// A 13-character scale from -1 to +1 with the index marked.
fn bar(index: Option<f64>) -> String {
    let Some(i) = index else { return String::new() };
    let slot = (((i.clamp(-1.0, 1.0) + 1.0) / 2.0) * 12.0).round() as usize;
    (0..=12)
        .map(|k| match k {
            _ if k == slot => '●',
            6 => '┼',
            0 | 12 => '│',
            _ => '─',
        })
        .collect()
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_marks_the_index_on_the_scale() {
        assert_eq!(bar(Some(0.0)), "│─────●─────│");
        assert_eq!(bar(Some(-1.0)), "●─────┼─────│");
        assert_eq!(bar(Some(1.0)), "│─────┼─────●");
        assert_eq!(bar(None), "");
    }
}
