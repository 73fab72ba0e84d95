//! The summary at the top of the page, made to fit the first screen at 1400 × 900 with
//! up to eight parties: a grid of cards, one per side, each with the side's verdict
//! (marked weak when it rests on little; a mediator's or observer's role and "not
//! judged" instead), the rules that produced it and its index per window as a small
//! chart titled with each window's index and top-level share; then the most important
//! audit flags with their events, a count of the reviewers' notes, and where every issue
//! of the agenda stands (numbers or not), one line each, in a box that scrolls when the
//! agenda is long.
//!
//! It restates what the sections below show in full; it computes nothing new.

use std::collections::HashMap;
use std::fmt::Write;

use crate::projection::audit::{AuditReport, Flag, SideAudit};

use super::audit_words;
use super::charts::{css_word, index_text};
use super::html::escape;
use super::model::{MoveMark, PositionRow, Report, with_unit};
use super::svg::{party_ink, party_style, px};

/// Rules shown per side: the ones that decided the verdict come first.
const RULES: usize = 2;
/// Audit flags shown in the summary.
const FLAGS: usize = 3;
/// Issues listed before the summary points to `parley positions` for the rest.
pub(super) const ISSUES: usize = 12;

/// The summary section: the sides as a grid of cards, then the flags and the issues
/// one line each (the full text of anything cut short in its tooltip).
pub(super) fn summary(out: &mut String, report: &Report) {
    out.push_str("<section id=\"summary\" aria-labelledby=\"summary-h\"><h2 id=\"summary-h\">Summary</h2><div class=\"summary\">");
    match report.posture {
        Some(audit) => {
            sides(out, report, audit);
            out.push_str("<div class=\"sum-flags-box\">");
            top_flags(out, report, audit);
        }
        None => out.push_str(
            "<div class=\"sum-flags-box\"><p class=\"notice\">No posture audit in this report: no verdicts or audit flags.</p>",
        ),
    }
    notes_line(out, report);
    out.push_str("</div><div class=\"sum-issues-box\">");
    issues(out, report);
    out.push_str("</div></div></section>");
}

fn sides(out: &mut String, report: &Report, audit: &AuditReport) {
    out.push_str("<ul class=\"sum-sides\">");
    for (party, side) in &audit.sides {
        let slot = report
            .parties
            .iter()
            .position(|p| &p.code == party)
            .unwrap_or(0);
        let rules = side
            .rules
            .iter()
            .take(RULES)
            .map(audit_words::rule)
            .collect::<Vec<_>>()
            .join("; ");
        let _ = write!(
            out,
            "<li class=\"card\"><p class=\"card-head\"><span class=\"party\" style=\"--c:{colour};--i:{ink}\">{code}</span> {badge}</p><p class=\"card-idx\">",
            colour = party_style(slot).0,
            ink = party_ink(slot),
            code = escape(party),
            badge = super::html::verdict_badge(side),
        );
        sparkline(out, party, side);
        let _ = write!(
            out,
            " <span class=\"idx\">index {}</span></p><p class=\"why\" title=\"{rules}\">{rules}</p></li>",
            escape(&index_text(side.index)),
            rules = escape(&rules)
        );
    }
    out.push_str("</ul>");
}

/// The index per window as a tiny bar chart in screen pixels (it does not scale, so it
/// reads the same at any width); the ±0.2 verdict lines dotted.
fn sparkline(out: &mut String, party: &str, side: &SideAudit) {
    const H: f64 = 28.0;
    let n = side.windows.len().max(1);
    let width = (n as f64 * 14.0).clamp(64.0, 160.0);
    let slot = width / n as f64;
    let y = |v: f64| H / 2.0 - v * (H / 2.0 - 1.0);
    let desc = side
        .windows
        .iter()
        .map(|w| format!("{} (top {})", index_text(w.index), audit_words::top(w.top)))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = write!(
        out,
        "<svg class=\"spark\" width=\"{w}\" height=\"{H}\" viewBox=\"0 0 {w} {H}\" role=\"img\" aria-label=\"{party}: index per window (top: share of table moves at leader or minister level) {desc}\"><title>{party}: index per window (top: share of table moves at leader or minister level) {desc}</title>\
         <line class=\"zero\" x1=\"0\" x2=\"{w}\" y1=\"{z}\" y2=\"{z}\"/>\
         <line class=\"band\" x1=\"0\" x2=\"{w}\" y1=\"{p}\" y2=\"{p}\"/><line class=\"band\" x1=\"0\" x2=\"{w}\" y1=\"{d}\" y2=\"{d}\"/>",
        w = px(width),
        party = escape(party),
        desc = escape(&desc),
        z = px(y(0.0)),
        p = px(y(0.2)),
        d = px(y(-0.2)),
    );
    for (i, w) in side.windows.iter().enumerate() {
        let Some(v) = w.index else { continue };
        let (top, bottom) = (y(v.max(0.0)), y(v.min(0.0)));
        let _ = write!(
            out,
            "<rect class=\"bar v-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            css_word(w.verdict.as_str()),
            px(slot * i as f64 + slot * 0.15),
            px(top),
            px((slot * 0.7).max(1.0)),
            px((bottom - top).max(1.0)),
        );
    }
    out.push_str("</svg>");
}

/// How much a reviewer should look at a flag first: pressure and lopsided trades
/// before loose ends.
fn weight(flag: &Flag) -> u8 {
    match flag {
        Flag::ConcessionUnderThreat { .. } => 0,
        Flag::IrreversibleForReversible { .. } => 1,
        Flag::UnreciprocatedConcession { .. } => 2,
        Flag::IssuePeeledOffPackage { .. } => 3,
        Flag::RhetoricWithoutFollowUp { .. } => 4,
        Flag::NoTopLevelDirection { .. } => 5,
    }
}

fn top_flags(out: &mut String, report: &Report, audit: &AuditReport) {
    let mut all: Vec<(&String, &Flag)> = audit
        .sides
        .iter()
        .flat_map(|(party, side)| side.flags.iter().map(move |f| (party, f)))
        .collect();
    all.sort_by_key(|(_, f)| (weight(f), f.events().first().copied()));
    let _ = write!(
        out,
        "<h3>Audit flags <span class=\"count\">{} of {}</span></h3>",
        all.len().min(FLAGS),
        all.len()
    );
    if all.is_empty() {
        out.push_str("<p>No audit flag fired.</p>");
        return;
    }
    let moves = moves_by_seq(report);
    out.push_str("<ol class=\"sum-flags\">");
    for (party, flag) in all.iter().take(FLAGS) {
        let events = flag
            .events()
            .into_iter()
            .map(|seq| short_ref(&moves, seq))
            .collect::<Vec<_>>()
            .join(", ");
        // One line each: the events before the finding, so that a narrow line cuts the
        // finding, which the tooltip then gives in full.
        let note = audit_words::note(flag);
        let _ = write!(
            out,
            "<li title=\"{party} {kind}: {note}\"><strong>{party} {kind}</strong> <span class=\"evs\">{events}</span>: {note}</li>",
            party = escape(party),
            kind = escape(flag.kind().as_str()),
            note = escape(&note),
        );
    }
    out.push_str("</ol>");
    if all.len() > FLAGS {
        let _ = write!(
            out,
            "<p class=\"more\">Every flag: <a href=\"#flags\">the audit flags table</a>, or <code>parley audit {} --explain</code>.</p>",
            escape(&report.slug)
        );
    }
}

/// Every move in view by its seq, to name the events behind a flag.
pub(super) fn moves_by_seq<'r>(report: &'r Report) -> HashMap<u64, &'r MoveMark> {
    report.moves.iter().map(|m| (m.seq, m)).collect()
}

/// `#14 (2025-04-09 US concession)` linking to the move, its summary as the tooltip.
fn short_ref(moves: &HashMap<u64, &MoveMark>, seq: u64) -> String {
    match moves.get(&seq) {
        Some(m) => format!(
            "<a href=\"#ev-{seq}\" title=\"{}\">#{seq}</a> ({} {} {})",
            escape(&m.summary),
            escape(&super::model::day_text(m.at)),
            escape(&m.by),
            m.kind
        ),
        None => format!("#{seq}"),
    }
}

fn notes_line(out: &mut String, report: &Report) {
    let n = report.notes.len();
    let _ = write!(
        out,
        "<p class=\"sum-notes\"><strong>Reviewers' notes</strong>: {n} {} in the timeline{}</p>",
        if n == 1 { "note" } else { "notes" },
        match report.notes.last() {
            Some(last) => format!(
                ", the latest {} “{}”",
                escape(&super::model::day_text(last.at)),
                escape(last.label.as_deref().unwrap_or("note"))
            ),
            None => String::new(),
        }
    );
}

fn issues(out: &mut String, report: &Report) {
    let _ = write!(
        out,
        "<h3>Issues <span class=\"count\">{}</span></h3><div class=\"scroll sum-scroll\"><table class=\"sum-issues\"><thead><tr>\
         <th scope=\"col\">Issue</th><th scope=\"col\">Positions</th><th scope=\"col\" class=\"gap\">Gap</th><th scope=\"col\">Status</th><th scope=\"col\">Last move</th></tr></thead><tbody>",
        report.issues.len()
    );
    for row in report.issues.iter().take(ISSUES) {
        issue_row(out, row);
    }
    if report.issues.is_empty() {
        out.push_str("<tr><td colspan=\"5\">The agenda names no issue.</td></tr>");
    }
    out.push_str("</tbody></table></div>");
    if report.issues.len() > ISSUES {
        let _ = write!(
            out,
            "<p class=\"more\">First {ISSUES} of {} issues; <code>parley positions {}</code> lists them all.</p>",
            report.issues.len(),
            escape(&report.slug)
        );
    }
}

/// One issue on one line: its title and the positions cut to their cell's width, each
/// with its full text as the tooltip.
fn issue_row(out: &mut String, row: &PositionRow) {
    let unit = row.unit.as_deref();
    let stated: Vec<String> = row
        .sides
        .iter()
        .filter_map(|(party, side)| {
            side.as_ref()
                .map(|(v, _)| format!("{party} {}", with_unit(*v, unit)))
        })
        .collect();
    let positions = if stated.is_empty() {
        "<td class=\"pos none\">no number stated</td>".to_owned()
    } else {
        let all = escape(&stated.join(" · "));
        format!("<td class=\"pos\" title=\"{all}\">{all}</td>")
    };
    let last = row
        .last_move
        .as_ref()
        .map(|(by, kind, at)| {
            format!(
                "{} {kind} <span class=\"date\">{}</span>",
                escape(by),
                escape(at.get(..10).unwrap_or(at))
            )
        })
        .unwrap_or_else(|| "—".into());
    let _ = write!(
        out,
        "<tr><th scope=\"row\" title=\"{title}\">{title}</th>{positions}<td class=\"gap\">{}</td><td><span class=\"status s-{status}\">{status}</span></td><td class=\"last\">{last}</td></tr>",
        escape(&row.gap.map_or_else(|| "—".into(), |g| with_unit(g, unit))),
        title = escape(&row.title),
        status = row.status,
    );
}
