//! The posture section's rows, read from the audit's own types
//! ([`AuditReport`](crate::projection::audit::AuditReport)): each measure's value with
//! the counts behind it, in the words and figures `parley audit` prints, and on the page
//! the events behind each figure one click away (a `<details>` under it, the list
//! `parley audit --explain` prints, cut to its first 50, or 20 on a journal the charts
//! aggregate).
//!
//! The report computes nothing of the audit's: it takes the audit as the audit made it,
//! so a field the audit renames or drops is a compile error here, not a blank cell.

use std::collections::HashMap;
use std::fmt::Write;

use crate::projection::audit::{Counted, SideAudit};
use crate::report::{audit_text, audit_words};

use super::html::{escape, rest_in_cli};
use super::model::{MoveMark, Report};
use super::summary::moves_by_seq;

/// Events listed under a figure: a measure of a long history counts tens of thousands,
/// and the page stays small enough to mail.
const EVENTS: usize = 50;
/// Events listed under a figure on a journal the charts aggregate.
const EVENTS_AGGREGATED: usize = 20;

/// One measure as the page's table shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureRow {
    /// Its code, such as `INI`.
    pub code: &'static str,
    /// Its name, such as `initiative share`.
    pub name: &'static str,
    /// The value with all moves (public ones weighted) and its counts:
    /// `0.26 · 3.5 of 13.5 moves initiated`, or `no data`.
    pub all: String,
    /// The value from table moves only with its counts: `0.25 (2 of 8)`, or `no data`.
    pub table: String,
}

/// One side's measures in the method's order.
pub fn measure_rows(side: &SideAudit) -> Vec<MeasureRow> {
    side.measures
        .iter()
        .map(|(code, m)| {
            let reading = audit_words::reading(code, &m.all);
            MeasureRow {
                code: code.as_str(),
                name: audit_words::name(code),
                all: match m.value() {
                    Some(_) => format!("{} · {reading}", audit_text::value(code, m)),
                    None => reading,
                },
                table: audit_text::table_only(code, m),
            }
        })
        .collect()
}

/// A side's measures table: each measure's value and counts with all moves, the events
/// behind it one click away, and its value from table moves only.
pub(super) fn measures_table(out: &mut String, report: &Report, side: &SideAudit) {
    out.push_str("<table class=\"measures\"><caption>Measures, each value with the counts it comes from</caption><thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">All moves (public at reduced weight)</th><th scope=\"col\">Table moves only</th></tr></thead><tbody>");
    let moves = moves_by_seq(report);
    for ((_, m), row) in side.measures.iter().zip(measure_rows(side)) {
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><abbr>{}</abbr> {}</th><td>{}",
            escape(row.code),
            escape(row.name),
            escape(&row.all),
        );
        events_behind(out, report, &moves, &m.all.events);
        let _ = write!(out, "</td><td>{}</td></tr>", escape(&row.table));
    }
    out.push_str("</tbody></table>");
}

/// The events a figure counts, as `parley audit --explain` lists them: seq (a link to
/// its row in the log), date, side, kind, what it counted as, its weight and summary.
fn events_behind(
    out: &mut String,
    report: &Report,
    moves: &HashMap<u64, &MoveMark>,
    events: &[Counted],
) {
    if events.is_empty() {
        return;
    }
    let total = events.len();
    let shown = total.min(if report.bucket.is_some() {
        EVENTS_AGGREGATED
    } else {
        EVENTS
    });
    let command = format!("parley audit {} --explain", report.slug);
    let _ = write!(
        out,
        "<details class=\"why\" data-print=\"closed\"><summary>{} behind it<span class=\"print-only\">, listed by <code>{}</code></span></summary><ol class=\"events\">",
        if total == 1 {
            "the event".to_owned()
        } else {
            format!("the {} events", crate::format::number(total as f64))
        },
        escape(&command),
    );
    for counted in &events[..shown] {
        let seq = counted.seq;
        let role = audit_words::role(counted.role);
        let weight = counted.weight;
        let _ = match moves.get(&seq) {
            Some(m) => write!(
                out,
                "<li><a href=\"#ev-{seq}\">#{seq}</a> <span class=\"date\">{}</span> {} {}, {role}, weight {weight:.2}: {}</li>",
                escape(&m.date),
                escape(&m.by),
                m.kind,
                escape(&m.summary),
            ),
            None => write!(out, "<li>#{seq}, {role}, weight {weight:.2}</li>"),
        };
    }
    out.push_str("</ol>");
    rest_in_cli(out, total, shown, &command);
    out.push_str("</details>");
}
