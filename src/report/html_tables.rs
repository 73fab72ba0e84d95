//! The report's tables section: positions now, moves by side and channel per kind, the
//! concession ledger (given and received by reversibility, then every entry), and the
//! audit's flags with their findings and events, each table in a box that scrolls
//! sideways. Every journal string is escaped.

use std::collections::HashMap;
use std::fmt::Write;

use crate::model::{Channel, Kind};
use crate::projection::audit::AuditReport;

use super::audit_words;
use super::html::{escape, in_scroll_box, limit, rest_in_cli};
use super::model::{MoveMark, PositionRow, Report, number, with_unit};
use super::summary::moves_by_seq;
use super::svg::MOVE_KINDS;

/// The tables section: positions now, moves by channel, the ledger and the flags.
pub(super) fn tables(out: &mut String, report: &Report) {
    out.push_str(
        "<section id=\"tables\" aria-labelledby=\"tables-h\"><h2 id=\"tables-h\">Tables</h2>",
    );
    out.push_str("<h3>Positions now</h3>");
    in_scroll_box(out, |out| positions_table(out, report));
    out.push_str("<h3>Moves by channel</h3>");
    in_scroll_box(out, |out| channels_table(out, report));
    out.push_str("<h3>Concession ledger</h3>");
    in_scroll_box(out, |out| ledger_totals(out, report));
    in_scroll_box(out, |out| ledger(out, report));
    out.push_str("<h3 id=\"flags\">Audit flags</h3>");
    match report.posture {
        Some(posture) => in_scroll_box(out, |out| flags(out, report, posture)),
        None => out.push_str("<p class=\"notice\">Audit flags come from the posture audit, which is not available in this report.</p>"),
    }
    out.push_str("</section>");
}

fn positions_table(out: &mut String, report: &Report) {
    let as_of = report.replay.days.last().map_or_else(
        || "so far".to_owned(),
        |day| format!("as of {}", escape(day)),
    );
    let _ = write!(
        out,
        "<table><caption>Each side's latest stated number per issue {as_of}, the gap between them, each side's share of the net movement toward the other, and the status (open, converged, agreed).</caption><thead><tr><th scope=\"col\">Issue</th>"
    );
    for p in &report.parties {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"num\">{}</th>",
            escape(&p.code)
        );
    }
    out.push_str("<th scope=\"col\" class=\"num\">Gap</th><th scope=\"col\" class=\"num\">Opening gap</th><th scope=\"col\">Concession share</th><th scope=\"col\">Status</th><th scope=\"col\">Last move</th></tr></thead><tbody>");
    for row in &report.positions {
        positions_row(out, row);
    }
    out.push_str("</tbody></table>");
}

/// One issue: each side's number and since when, the gaps, shares, status and the last
/// move.
fn positions_row(out: &mut String, row: &PositionRow) {
    let unit = row.unit.as_deref();
    let _ = write!(
        out,
        "<tr><th scope=\"row\">{} <span class=\"key\">{}</span></th>",
        escape(&row.title),
        escape(&row.issue)
    );
    for (_, side) in &row.sides {
        let cell = side
            .as_ref()
            .map(|(v, since)| {
                format!(
                    "{} <span class=\"since\">since {}</span>",
                    escape(&with_unit(*v, unit)),
                    escape(since)
                )
            })
            .unwrap_or_else(|| "—".into());
        let _ = write!(out, "<td class=\"num\">{cell}</td>");
    }
    let share = if row.concession_share.is_empty() {
        "—".to_owned()
    } else if row.concession_share.iter().all(|(_, s)| s.is_none()) {
        "nobody moved".to_owned()
    } else {
        row.concession_share
            .iter()
            .map(|(p, s)| format!("{p} {}%", number(s.unwrap_or(0.0) * 100.0)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let last_move = row
        .last_move
        .as_ref()
        .map(|(by, kind, at)| format!("{by} {kind}, {at}"))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        escape(&row.gap.map_or_else(|| "—".into(), |g| with_unit(g, unit))),
        escape(
            &row.opening_gap
                .map_or_else(|| "—".into(), |g| with_unit(g, unit))
        ),
        escape(&share),
        row.status,
        escape(&last_move)
    );
}

/// Moves per side and kind, at the table and in public one above the other (the audit
/// weighs public moves less: rhetoric is not substance). A row per side and channel and
/// a column per kind, so that the table is as wide with eight parties as with two.
fn channels_table(out: &mut String, report: &Report) {
    let mut channels = vec![Channel::Table];
    if report.moves.iter().any(|m| m.channel == Channel::Back) {
        channels.push(Channel::Back);
    }
    channels.push(Channel::Public);
    let kinds: Vec<Option<Kind>> = MOVE_KINDS
        .iter()
        .filter(|k| report.moves.iter().any(|m| m.kind == **k))
        .map(|k| Some(*k))
        .chain([None])
        .collect();
    out.push_str("<table class=\"channels\"><caption>Each side's moves by kind, at the table and in public one above the other.</caption><thead><tr><th scope=\"col\">Side</th><th scope=\"col\">Channel</th>");
    for kind in &kinds {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"num\">{}</th>",
            kind.map_or("all moves", |k| k.as_str())
        );
    }
    out.push_str("</tr></thead><tbody>");
    for p in &report.parties {
        for c in &channels {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{c}</td>",
                escape(&p.code)
            );
            for kind in &kinds {
                let n = report
                    .moves
                    .iter()
                    .filter(|m| {
                        m.by == p.code && m.channel == *c && kind.is_none_or(|k| m.kind == k)
                    })
                    .count();
                let _ = write!(out, "<td class=\"num\">{n}</td>");
            }
            out.push_str("</tr>");
        }
    }
    out.push_str("</tbody></table>");
}

const REV_NAMES: [&str; 5] = ["pledge", "executive", "binding", "sunk", "unstated"];

fn ledger_totals(out: &mut String, report: &Report) {
    out.push_str("<table><caption>Concessions and implementations given and received per side, by how hard they are to undo (pledge: words only; executive: undone by one decision; binding: law or treaty; sunk: money spent).</caption><thead><tr><th scope=\"col\">Side</th><td></td>");
    for name in REV_NAMES {
        let _ = write!(out, "<th scope=\"col\" class=\"num\">{name}</th>");
    }
    out.push_str("<th scope=\"col\" class=\"num\">total</th></tr></thead><tbody>");
    for t in &report.ledger_totals {
        for (label, counts) in [("gave", &t.given), ("received", &t.received)] {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{label}</td>",
                escape(&t.party)
            );
            for c in counts {
                let _ = write!(out, "<td class=\"num\">{c}</td>");
            }
            let _ = write!(
                out,
                "<td class=\"num\"><strong>{}</strong></td></tr>",
                counts.iter().sum::<u32>()
            );
        }
    }
    out.push_str("</tbody></table>");
}

fn ledger(out: &mut String, report: &Report) {
    out.push_str("<table class=\"ledger\"><caption>Every concession (by kind, or a number moved toward the other side) and implementation</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">Date</th><th scope=\"col\">Gave</th><th scope=\"col\">To</th><th scope=\"col\">Kind</th><th scope=\"col\">Movement</th><th scope=\"col\">Reversibility</th><th scope=\"col\">Summary</th></tr></thead><tbody>");
    for e in report.ledger.iter().take(limit(report, usize::MAX)) {
        let _ = write!(
            out,
            "<tr><td class=\"num\"><a href=\"#ev-{seq}\">{seq}</a></td><td class=\"date\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&e.date),
            escape(&e.by),
            escape(&e.to.join(", ")),
            e.kind,
            escape(&if e.movement.is_empty() {
                e.issues.join(", ")
            } else {
                e.movement.join("; ")
            }),
            e.reversibility.map_or("unstated", |r| r.as_str()),
            escape(&e.summary),
            seq = e.seq,
        );
    }
    if report.ledger.is_empty() {
        out.push_str("<tr><td colspan=\"8\">No concessions or implementations in view.</td></tr>");
    }
    out.push_str("</tbody></table>");
    let (total, shown) = (report.ledger.len(), limit(report, usize::MAX));
    if total > shown {
        let _ = write!(
            out,
            "<p class=\"more\">The first {} of {} rows; <code>parley events {} --kind \
             concession,implementation</code> lists the concessions and implementations among \
             them; the others are moves that took a number toward the other side.</p>",
            number(shown as f64),
            number(total as f64),
            escape(report.slug.as_str()),
        );
    }
}

fn flags(out: &mut String, report: &Report, posture: &AuditReport) {
    out.push_str("<table class=\"flags\"><caption>The audit's flags, each with its finding and the events behind it</caption><thead><tr><th scope=\"col\">Side</th><th scope=\"col\">Flag</th><th scope=\"col\">Finding</th><th scope=\"col\">Events</th></tr></thead><tbody>");
    let moves = moves_by_seq(report);
    let total: usize = posture.sides.values().map(|s| s.flags.len()).sum();
    let shown = limit(report, total);
    let all = posture
        .sides
        .iter()
        .flat_map(|(party, side)| side.flags.iter().map(move |f| (party, f)));
    for (party, flag) in all.take(shown) {
        let events = flag
            .events()
            .into_iter()
            .map(|seq| event_ref(&moves, seq))
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{events}</td></tr>",
            escape(party),
            escape(flag.kind().as_str()),
            escape(&audit_words::note(flag))
        );
    }
    if total == 0 {
        out.push_str("<tr><td colspan=\"4\">No flags fired.</td></tr>");
    }
    out.push_str("</tbody></table>");
    rest_in_cli(
        out,
        total,
        shown,
        &format!("parley audit {} --explain", report.slug),
    );
}

/// A link to an event in the log with its date, kind and summary, when it is in view.
fn event_ref(moves: &HashMap<u64, &MoveMark>, seq: u64) -> String {
    match moves.get(&seq) {
        Some(m) => format!(
            "<a href=\"#ev-{seq}\">#{seq}</a> {} {} {}: {}",
            escape(&m.date),
            escape(&m.by),
            m.kind,
            escape(&m.summary)
        ),
        None => format!("#{seq}"),
    }
}
