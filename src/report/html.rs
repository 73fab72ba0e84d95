//! The HTML report: one self-contained page (inline SVG, CSS and script; no fonts, images
//! or scripts from anywhere, and a Content-Security-Policy that forbids fetching any) that
//! opens offline, prints cleanly and can be sent by mail.
//!
//! [`render`] turns a [`Report`] (built by [`Report::build`]) into the page; it computes
//! nothing about the negotiation itself. Every string from the journal goes through
//! [`escape`]. The replay data for the time slider is embedded as JSON with `<` escaped.

use std::fmt::Write;

use crate::model::{Channel, Kind};
use crate::projection::Timeline;

use super::charts::{self, css_word, index_text};
use super::model::{PositionRow, Report, day_text, number, with_unit};
use super::posture::{MEASURES, SidePosture};
use super::svg::{MOVE_KINDS, kind_colour, party_style, symbol_defs};

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Builds and renders the report for a timeline in one call; `audit` is the
/// `audit --json` document when the audit is available.
pub fn report_html(
    timeline: &Timeline,
    as_of: Option<String>,
    audit: Option<&serde_json::Value>,
) -> String {
    render(&Report::build(timeline, as_of, audit))
}

/// Escapes text for HTML content and attribute values (`&`, `<`, `>`, `"`, `'`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Renders the whole page.
pub fn render(report: &Report) -> String {
    let mut out = String::with_capacity(4096 + report.moves.len() * 700);
    head(&mut out, report);
    header(&mut out, report);
    out.push_str("<main>");
    replay(&mut out, report);
    dances(&mut out, report);
    timeline(&mut out, report);
    posture(&mut out, report);
    tables(&mut out, report);
    out.push_str("</main>");
    footer(&mut out);
    let _ = writeln!(
        out,
        "<script type=\"application/json\" id=\"replay-data\">{}</script><script>{SCRIPT}</script></body></html>",
        replay_json(report)
    );
    out
}

/// The replay series as JSON that cannot close its `<script>` element.
fn replay_json(report: &Report) -> String {
    serde_json::to_string(&report.replay)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c")
}

fn head(out: &mut String, report: &Report) {
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\
         <meta name=\"generator\" content=\"parley\">\
         <title>{} — parley report</title><style>{STYLE}{}</style></head><body>",
        escape(&title(report)),
        kind_css()
    );
    out.push_str(&symbol_defs());
}

/// One rule per kind: its colour, used by every mark of that kind.
fn kind_css() -> String {
    MOVE_KINDS
        .iter()
        .map(|k| format!(".k-{k}{{--c:{}}}", kind_colour(*k)))
        .collect()
}

fn title(report: &Report) -> String {
    if report.title.is_empty() {
        report.slug.clone()
    } else {
        report.title.clone()
    }
}

fn header(out: &mut String, report: &Report) {
    let first = report.moves.first().map(|m| day_text(m.at));
    let last = report.moves.last().map(|m| day_text(m.at));
    let parties = report
        .parties
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "<span class=\"party\" style=\"--c:{}\">{}</span> {}",
                party_style(i).0,
                escape(&p.code),
                escape(&p.name)
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let _ = write!(
        out,
        "<header><p class=\"kicker\">parley report · <code>{slug}</code></p><h1>{title}</h1>\
         <p class=\"meta\">{parties}</p><p class=\"meta\">{moves} moves{span}{as_of}.</p>\
         <nav aria-label=\"Contents\"><a href=\"#replay\">Replay</a><a href=\"#dance\">Positions over time</a>\
         <a href=\"#timeline-section\">Timeline</a><a href=\"#posture\">Posture</a><a href=\"#tables\">Tables</a></nav></header>",
        slug = escape(&report.slug),
        title = escape(&title(report)),
        moves = report.moves.len(),
        span = match (first, last) {
            (Some(f), Some(l)) => format!(" from {f} to {l}"),
            _ => String::new(),
        },
        as_of = report
            .as_of
            .as_ref()
            .map(|d| format!(", as of {}", escape(d)))
            .unwrap_or_default(),
    );
}

fn replay(out: &mut String, report: &Report) {
    let days = report.replay.days.len();
    let last_day = report.replay.days.last().cloned().unwrap_or_default();
    out.push_str(
        "<section id=\"replay\" aria-labelledby=\"replay-h\"><h2 id=\"replay-h\">Replay</h2>",
    );
    out.push_str("<p class=\"hint\">Move the slider (or focus it and use the arrow keys, Home and End) to see where each side stood on each day that something happened. The charts below dim everything after the chosen date; the slider stays at the top of the window as you scroll.</p></section>");
    // The slider is a child of <main>, not of a section, so it stays in view (sticky)
    // over every chart below it.
    let _ = write!(
        out,
        "<div class=\"slider\" role=\"group\" aria-label=\"Replay the talks\"><label for=\"as-of\">Show the talks as of</label>\
         <input type=\"range\" id=\"as-of\" min=\"0\" max=\"{max}\" step=\"1\" value=\"{max}\" aria-valuetext=\"{last} (day {days} of {days})\" {disabled}>\
         <output for=\"as-of\" id=\"as-of-date\">{last}</output>\
         <span id=\"as-of-moves\" aria-live=\"polite\">{moves} of {moves} moves</span></div>",
        max = days.saturating_sub(1),
        last = escape(&last_day),
        disabled = if days < 2 { "disabled" } else { "" },
        moves = report.moves.len(),
    );
    replay_table(out, report);
}

/// The positions and gaps the slider rewrites: one cell per issue and side.
fn replay_table(out: &mut String, report: &Report) {
    out.push_str("<section class=\"replay-table\" aria-label=\"Positions as of the chosen date\"><table class=\"replay\"><caption>Positions as of the chosen date</caption><thead><tr><th scope=\"col\">Issue</th>");
    for p in &report.parties {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(&p.code));
    }
    out.push_str("<th scope=\"col\">Gap</th></tr></thead><tbody>");
    for (i, row) in report.positions.iter().enumerate() {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape(&row.title));
        for (party, side) in &row.sides {
            let text = side
                .as_ref()
                .map(|(v, _)| with_unit(*v, row.unit.as_deref()))
                .unwrap_or_else(|| "—".into());
            let _ = write!(
                out,
                "<td class=\"num\" data-issue=\"{i}\" data-party=\"{}\">{}</td>",
                escape(party),
                escape(&text)
            );
        }
        let gap = row
            .gap
            .map(|g| with_unit(g, row.unit.as_deref()))
            .unwrap_or_else(|| "—".into());
        let _ = write!(
            out,
            "<td class=\"num gap-cell\" data-issue=\"{i}\">{}</td></tr>",
            escape(&gap)
        );
    }
    if report.positions.is_empty() {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\">No side has stated a number on any issue.</td></tr>",
            report.parties.len() + 2
        );
    }
    out.push_str("</tbody></table></section>");
}

fn dances(out: &mut String, report: &Report) {
    out.push_str("<section id=\"dance\" aria-labelledby=\"dance-h\"><h2 id=\"dance-h\">Positions over time</h2>");
    out.push_str("<p class=\"hint\">Each side's stated position as a step line; the hatched band is the gap between them. A ring marks a concession (a number moved toward the other side's preferred one), a dashed ring a concession in words with no number; ✓ lines mark acceptances. Mark shapes follow the legend in the timeline; hollow marks were made in public.</p>");
    dance_legend(out, report);
    if report.dances.is_empty() {
        out.push_str(
            "<p>No side has stated a number on any issue yet, so there is no dance to draw.</p>",
        );
    }
    for (n, dance) in report.dances.iter().enumerate() {
        let _ = write!(
            out,
            "<figure class=\"dance\" aria-labelledby=\"dance-{n}-c\"><figcaption id=\"dance-{n}-c\"><strong>{}</strong> <span class=\"key\">{}</span>{}</figcaption>",
            escape(&dance.title),
            escape(&dance.issue),
            dance
                .unit
                .as_ref()
                .map(|u| format!(" <span class=\"unit\">in {}</span>", escape(u)))
                .unwrap_or_default()
        );
        charts::dance(out, report, dance, n);
        dance_table(out, dance);
        out.push_str("</figure>");
    }
    out.push_str("</section>");
}

fn dance_legend(out: &mut String, report: &Report) {
    out.push_str("<ul class=\"legend\" aria-label=\"Line legend\">");
    for (i, p) in report.parties.iter().enumerate() {
        let (colour, dash) = party_style(i);
        let _ = write!(
            out,
            "<li><svg width=\"34\" height=\"12\" aria-hidden=\"true\"><line x1=\"1\" y1=\"6\" x2=\"33\" y2=\"6\" stroke=\"{colour}\" stroke-width=\"3\" stroke-dasharray=\"{dash}\"/></svg>{}</li>",
            escape(&p.code)
        );
    }
    out.push_str("<li><svg width=\"22\" height=\"14\" aria-hidden=\"true\"><rect width=\"22\" height=\"14\" fill=\"url(#gap-hatch)\"/></svg>gap</li>\
        <li><svg width=\"24\" height=\"24\" viewBox=\"-12 -12 24 24\" aria-hidden=\"true\"><circle class=\"ring\" r=\"10\" stroke=\"#333\"/><use href=\"#k-offer\" class=\"pm\" style=\"--c:#333\"/></svg>concession</li>
        <li><svg width=\"24\" height=\"24\" viewBox=\"-12 -12 24 24\" aria-hidden=\"true\"><circle class=\"ring words\" r=\"10\" stroke=\"#333\"/><use href=\"#k-concession\" class=\"pm\" style=\"--c:#333\"/></svg>concession in words (no number)</li>\
        <li><svg width=\"16\" height=\"24\" aria-hidden=\"true\"><line class=\"agree-key\" x1=\"8\" x2=\"8\" y1=\"0\" y2=\"24\"/></svg>✓ acceptance</li></ul>");
}

fn dance_table(out: &mut String, dance: &super::model::Dance) {
    let count: usize = dance.sides.iter().map(|s| s.points.len()).sum();
    let _ = write!(
        out,
        "<details><summary>Data: {count} stated positions on {}</summary><table><thead><tr>\
         <th scope=\"col\">Date</th><th scope=\"col\">Side</th><th scope=\"col\">Move</th><th scope=\"col\">Position</th><th scope=\"col\">Concession</th></tr></thead><tbody>",
        escape(&dance.issue)
    );
    let mut rows: Vec<(&str, &super::model::Point, bool)> = dance
        .sides
        .iter()
        .flat_map(|s| {
            let stated = s.points.iter().map(move |p| (s.party.as_str(), p, true));
            stated.chain(s.in_words.iter().map(move |p| (s.party.as_str(), p, false)))
        })
        .collect();
    rows.sort_by_key(|(_, p, _)| (p.at, p.seq));
    for (party, p, stated) in rows {
        let value = with_unit(p.value, dance.unit.as_deref());
        let _ = write!(
            out,
            "<tr><td class=\"date\">{}</td><td>{}</td><td><a href=\"#ev-{seq}\">#{seq}</a> {}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&p.date),
            escape(party),
            p.kind,
            escape(&if stated {
                value
            } else {
                format!("(held at {value})")
            }),
            match (p.concession, stated) {
                (true, true) => "yes",
                (true, false) => "in words",
                _ => "",
            },
            seq = p.seq,
        );
    }
    for a in &dance.agreements {
        let _ = write!(
            out,
            "<tr><td class=\"date\">{}</td><td>{}</td><td><a href=\"#ev-{seq}\">#{seq}</a> acceptance</td><td colspan=\"2\">{}</td></tr>",
            escape(&a.date),
            escape(&a.by),
            escape(&a.summary),
            seq = a.seq,
        );
    }
    out.push_str("</tbody></table></details>");
}

fn posture(out: &mut String, report: &Report) {
    out.push_str(
        "<section id=\"posture\" aria-labelledby=\"posture-h\"><h2 id=\"posture-h\">Posture</h2>",
    );
    let Some(posture) = &report.posture else {
        out.push_str("<p class=\"notice\">The posture audit is not available in this report, so no verdicts, indices or flags are shown. Run <code>parley audit SLUG</code> for it.</p></section>");
        return;
    };
    out.push_str("<p class=\"hint\">The audit's index per window, in [−1, 1]: at or above 0.2 is proactive, at or below −0.2 defensive, balanced between. The measures behind it and the rules that fired are listed under each side.</p><div class=\"sides\">");
    for (n, side) in posture.sides.iter().enumerate() {
        posture_side(out, side, n);
    }
    if posture.sides.is_empty() {
        out.push_str("<p>The audit lists no sides.</p>");
    }
    out.push_str("</div></section>");
}

fn posture_side(out: &mut String, side: &SidePosture, n: usize) {
    let _ = write!(
        out,
        "<article class=\"side\"><h3>{party} <span class=\"verdict v-{class}\">{verdict}</span></h3><p>Index over the whole talks: <strong>{index}</strong></p>",
        party = escape(&side.party),
        class = css_word(&side.verdict),
        verdict = escape(&side.verdict),
        index = escape(&index_text(side.index)),
    );
    charts::posture_windows(out, side, n);
    out.push_str("<table><caption>Windows</caption><thead><tr><th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\">Moves</th><th scope=\"col\">Index</th><th scope=\"col\">Verdict</th></tr></thead><tbody>");
    for w in &side.windows {
        let _ = write!(
            out,
            "<tr><td class=\"date\">{}</td><td class=\"date\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&w.from),
            escape(&w.to),
            w.moves,
            escape(&index_text(w.index)),
            escape(&w.verdict)
        );
    }
    out.push_str("</tbody></table><table><caption>Measures</caption><thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">Value</th></tr></thead><tbody>");
    for (code, value) in &side.measures {
        let name = MEASURES
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, name)| format!(" {name}"))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><abbr>{}</abbr>{}</th><td>{}</td></tr>",
            escape(code),
            escape(&name),
            escape(value)
        );
    }
    out.push_str("</tbody></table></article>");
}

fn timeline(out: &mut String, report: &Report) {
    out.push_str("<section id=\"timeline-section\" aria-labelledby=\"timeline-h\"><h2 id=\"timeline-h\">Timeline by side</h2>");
    out.push_str("<p class=\"hint\">One lane per side and channel; public moves sit in their own lane and are drawn hollow. Grey curves link a move to the earlier event it answers (<code>responds_to</code>). Flags on top are reviewers' notes.</p>");
    out.push_str("<ul class=\"legend\" aria-label=\"Kinds of move\">");
    for kind in MOVE_KINDS {
        let _ = write!(
            out,
            "<li><svg width=\"16\" height=\"16\" viewBox=\"-8 -8 16 16\" aria-hidden=\"true\"><use href=\"#k-{kind}\" class=\"key k-{kind}\"/></svg>{kind}</li>"
        );
    }
    out.push_str("<li><svg width=\"16\" height=\"16\" viewBox=\"-8 -8 16 16\" aria-hidden=\"true\"><use href=\"#k-offer\" class=\"key pub k-offer\"/></svg>hollow: public</li></ul>");
    out.push_str("<figure class=\"swim\">");
    charts::swimlanes(out, report);
    moves_table(out, report);
    out.push_str("</figure></section>");
}

fn moves_table(out: &mut String, report: &Report) {
    let _ = write!(
        out,
        "<details class=\"log\"{}><summary>Data: all {} moves</summary><table><thead><tr>\
         <th scope=\"col\">#</th><th scope=\"col\">Date</th><th scope=\"col\">Side</th><th scope=\"col\">Channel</th><th scope=\"col\">Kind</th>\
         <th scope=\"col\">Issues</th><th scope=\"col\">Position</th><th scope=\"col\">Answers</th><th scope=\"col\">Summary</th></tr></thead><tbody>",
        if report.moves.len() > 400 {
            " data-print=\"closed\""
        } else {
            ""
        },
        report.moves.len()
    );
    for m in &report.moves {
        let _ = write!(
            out,
            "<tr id=\"ev-{seq}\"><td class=\"num\">{seq}</td><td class=\"date\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&m.date),
            escape(&m.by),
            m.channel,
            m.kind,
            escape(&m.issues.join(", ")),
            escape(&m.positions.join(", ")),
            m.responds_to
                .map(|s| format!("<a href=\"#ev-{s}\">#{s}</a>"))
                .unwrap_or_default(),
            escape(&m.summary),
            seq = m.seq,
        );
    }
    out.push_str("</tbody></table></details>");
}

fn tables(out: &mut String, report: &Report) {
    out.push_str(
        "<section id=\"tables\" aria-labelledby=\"tables-h\"><h2 id=\"tables-h\">Tables</h2>",
    );
    positions_table(out, report);
    channels_table(out, report);
    ledger_totals(out, report);
    ledger(out, report);
    flags(out, report);
    out.push_str("</section>");
}

fn positions_table(out: &mut String, report: &Report) {
    let last = report.replay.days.last().cloned().unwrap_or_default();
    let _ = write!(
        out,
        "<h3>Positions now</h3><table><caption>Each side's latest stated number per issue as of {}, the gap between them, and each side's share of the net movement toward the other.</caption><thead><tr><th scope=\"col\">Issue</th>",
        escape(&last)
    );
    for p in &report.parties {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(&p.code));
    }
    out.push_str("<th scope=\"col\">Gap</th><th scope=\"col\">Opening gap</th><th scope=\"col\">Concession share</th><th scope=\"col\">Last move</th></tr></thead><tbody>");
    for row in &report.positions {
        positions_row(out, row);
    }
    out.push_str("</tbody></table>");
}

/// One issue: each side's number and since when, the gaps, shares and the last move.
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
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
        escape(&row.gap.map_or_else(|| "—".into(), |g| with_unit(g, unit))),
        escape(
            &row.opening_gap
                .map_or_else(|| "—".into(), |g| with_unit(g, unit))
        ),
        escape(&share),
        escape(&last_move)
    );
}

/// Moves per side and kind, at the table and in public side by side (the audit weighs
/// public moves less: rhetoric is not substance).
fn channels_table(out: &mut String, report: &Report) {
    let mut channels = vec![Channel::Table];
    if report.moves.iter().any(|m| m.channel == Channel::Back) {
        channels.push(Channel::Back);
    }
    channels.push(Channel::Public);
    out.push_str("<h3>Moves by channel</h3><table><caption>Each side's moves by kind, at the table and in public side by side.</caption><thead><tr><th scope=\"col\">Kind</th>");
    for p in &report.parties {
        for c in &channels {
            let _ = write!(
                out,
                "<th scope=\"col\" class=\"num\">{} {c}</th>",
                escape(&p.code)
            );
        }
    }
    out.push_str("</tr></thead><tbody>");
    let kinds: Vec<Option<Kind>> = MOVE_KINDS
        .iter()
        .filter(|k| report.moves.iter().any(|m| m.kind == **k))
        .map(|k| Some(*k))
        .chain([None])
        .collect();
    for kind in kinds {
        let name = kind.map_or("all moves", |k| k.as_str());
        let _ = write!(out, "<tr><th scope=\"row\">{name}</th>");
        for p in &report.parties {
            for c in &channels {
                let n = report
                    .moves
                    .iter()
                    .filter(|m| {
                        m.by == p.code && m.channel == *c && kind.is_none_or(|k| m.kind == k)
                    })
                    .count();
                let _ = write!(out, "<td class=\"num\">{n}</td>");
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

const REV_NAMES: [&str; 5] = ["pledge", "executive", "binding", "sunk", "unstated"];

fn ledger_totals(out: &mut String, report: &Report) {
    out.push_str("<h3>Concession ledger</h3><table><caption>Concessions and implementations given and received per side, by how hard they are to undo (pledge: words only; executive: undone by one decision; binding: law or treaty; sunk: money spent).</caption><thead><tr><th scope=\"col\">Side</th><th scope=\"col\"></th>");
    for name in REV_NAMES {
        let _ = write!(out, "<th scope=\"col\">{name}</th>");
    }
    out.push_str("<th scope=\"col\">total</th></tr></thead><tbody>");
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
    for e in &report.ledger {
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
}

fn flags(out: &mut String, report: &Report) {
    out.push_str("<h3>Flags</h3>");
    let Some(posture) = &report.posture else {
        out.push_str("<p class=\"notice\">Flags come from the posture audit, which is not available in this report.</p>");
        return;
    };
    out.push_str("<table><caption>The audit's flags, each with the events behind it</caption><thead><tr><th scope=\"col\">Side</th><th scope=\"col\">Flag</th><th scope=\"col\">Events</th></tr></thead><tbody>");
    let mut any = false;
    for side in &posture.sides {
        for flag in &side.flags {
            any = true;
            let events = flag
                .events
                .iter()
                .map(|seq| event_ref(report, *seq))
                .collect::<Vec<_>>()
                .join("<br>");
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{events}</td></tr>",
                escape(&side.party),
                escape(&flag.flag)
            );
        }
    }
    if !any {
        out.push_str("<tr><td colspan=\"3\">No flags fired.</td></tr>");
    }
    out.push_str("</tbody></table>");
}

/// A link to an event in the log with its date, kind and summary, when it is in view.
fn event_ref(report: &Report, seq: u64) -> String {
    match report.moves.iter().find(|m| m.seq == seq) {
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

fn footer(out: &mut String) {
    out.push_str("<footer><p>Made by parley from the journal, with every correction applied. This page is self-contained: it loads nothing from any network. Kinds of move are told apart by shape as well as colour, and every chart has a data table beside it.</p></footer>");
}
