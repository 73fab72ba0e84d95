//! The HTML report: one self-contained page (inline SVG, CSS and script; no fonts, images
//! or scripts from anywhere, and a Content-Security-Policy that forbids fetching any) that
//! opens offline, prints cleanly and can be sent by mail.
//!
//! [`render`] turns a [`Report`] (built by [`Report::build`]) into the page; it computes
//! nothing about the negotiation itself. Every string from the journal goes through
//! [`escape`]. The replay data for the time slider is embedded as JSON with `<` escaped.

use std::fmt::Write;

use crate::projection::Timeline;
use crate::projection::audit::{AuditReport, Confidence, SideAudit, Verdict};

use super::audit_words;
use super::charts::{self, css_word, index_text};
use super::html_tables::tables;
use super::model::{ROWS, Report, day_text, number, with_unit};
use super::provenance::provenance_table;
use super::summary::summary;
use super::svg::{MOVE_KINDS, kind_colour, party_ink, party_style, symbol_defs};

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// Builds and renders the report for a timeline in one call; `audit` is the timeline's
/// audit when it is available.
pub fn report_html(
    timeline: &Timeline,
    view: Option<String>,
    audit: Option<&AuditReport>,
) -> String {
    render(&Report::build(timeline, view, audit))
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
    summary(&mut out, report);
    replay(&mut out, report);
    dances(&mut out, report);
    timeline(&mut out, report);
    posture(&mut out, report);
    tables(&mut out, report);
    out.push_str("</main>");
    footer(&mut out, report);
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
                "<span class=\"party\" style=\"--c:{};--i:{}\">{}</span> {}",
                party_style(i).0,
                party_ink(i),
                escape(&p.code),
                escape(&p.name)
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let _ = write!(
        out,
        "<header><p class=\"kicker\">parley report · <code>{slug}</code></p><h1>{title}</h1>\
         <p class=\"meta\">{parties}</p><p class=\"meta\">{moves} move{plural}{span}{view}.{fixes}</p>\
         <p class=\"prov\">{prov}</p>\
         <nav aria-label=\"Contents\"><a href=\"#summary\">Summary</a><a href=\"#replay\">Replay</a><a href=\"#dance\">Positions over time</a>\
         <a href=\"#timeline-section\">Timeline</a><a href=\"#posture\">Posture</a><a href=\"#tables\">Tables</a></nav></header>",
        slug = escape(&report.slug),
        title = escape(&title(report)),
        moves = report.moves.len(),
        plural = if report.moves.len() == 1 { "" } else { "s" },
        span = match (first, last) {
            (Some(f), Some(l)) => format!(" from {f} to {l}"),
            _ => String::new(),
        },
        view = report
            .view
            .as_ref()
            .map(|d| format!(", {}", escape(d)))
            .unwrap_or_default(),
        fixes = corrections(report),
        prov = escape(&report.provenance.line()),
    );
}

/// " 2 corrections applied; 1 event voided." or nothing, for the header.
fn corrections(report: &Report) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if report.corrections > 0 {
        parts.push(plural(
            report.corrections,
            "correction applied",
            "corrections applied",
        ));
    }
    if report.voided > 0 {
        parts.push(plural(report.voided, "event voided", "events voided"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" {}.", parts.join("; "))
    }
}

fn replay(out: &mut String, report: &Report) {
    let days = report.replay.days.len();
    let last_day = report
        .replay
        .days
        .last()
        .cloned()
        .unwrap_or_else(|| "no moves yet".into());
    out.push_str(
        "<section id=\"replay\" aria-labelledby=\"replay-h\"><h2 id=\"replay-h\">Replay</h2>",
    );
    out.push_str("<p class=\"hint\">Move the slider (or focus it and use the arrow keys, Home and End) to see where each side stood on each day that something happened. The charts below dim everything after the chosen date; the slider stays at the top of the window as you scroll.</p></section>");
    // The slider is a child of <main>, not of a section, so it stays in view (sticky)
    // over every chart below it.
    let _ = write!(
        out,
        "<div class=\"slider\" role=\"group\" aria-label=\"Replay the talks\"><label for=\"as-of\">Show the talks as of</label>\
         <input type=\"range\" id=\"as-of\" min=\"0\" max=\"{max}\" step=\"1\" value=\"{max}\" aria-valuetext=\"{when}\" {disabled}>\
         <output for=\"as-of\" id=\"as-of-date\">{last}</output>\
         <span id=\"as-of-moves\" aria-live=\"polite\">{moves} of {all}</span></div>",
        max = days.saturating_sub(1),
        when = if days == 0 {
            escape(&last_day)
        } else {
            format!("{} (day {days} of {days})", escape(&last_day))
        },
        last = escape(&last_day),
        disabled = if days < 2 { "disabled" } else { "" },
        moves = number(report.moves.len() as f64),
        all = crate::format::count(report.moves.len() as u64, "move"),
    );
    replay_table(out, report);
}

/// The positions and gaps the slider rewrites: one cell per issue and side.
fn replay_table(out: &mut String, report: &Report) {
    out.push_str("<section class=\"replay-table\" aria-label=\"Positions as of the chosen date\"><table class=\"replay\"><caption>Positions as of the chosen date</caption><thead><tr><th scope=\"col\">Issue</th>");
    for p in &report.parties {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"num\">{}</th>",
            escape(&p.code)
        );
    }
    out.push_str("<th scope=\"col\" class=\"num\">Gap</th></tr></thead><tbody>");
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
    gap_figure(out, report);
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
        out.push_str("<div class=\"chart-box\">");
        charts::dance(out, report, dance, n);
        out.push_str("</div>");
        dance_table(out, report, dance);
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

/// Rows of a dance's data table on a journal the charts aggregate.
const DANCE_ROWS: usize = 20;

fn dance_table(out: &mut String, report: &Report, dance: &super::model::Dance) {
    let count: usize = dance.sides.iter().map(|s| s.points.len()).sum();
    let _ = write!(
        out,
        "<details><summary>Data: {} on {}</summary><table><thead><tr>\
         <th scope=\"col\">Date</th><th scope=\"col\">Side</th><th scope=\"col\">Move</th><th scope=\"col\">Position</th><th scope=\"col\">Concession</th></tr></thead><tbody>",
        crate::format::count(count as u64, "stated position"),
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
    let total = rows.len();
    let shown = if report.bucket.is_some() {
        DANCE_ROWS
    } else {
        total
    };
    for (party, p, stated) in rows.into_iter().take(shown) {
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
    for a in dance.agreements.iter().take(shown) {
        let _ = write!(
            out,
            "<tr><td class=\"date\">{}</td><td>{}</td><td><a href=\"#ev-{seq}\">#{seq}</a> acceptance</td><td colspan=\"2\">{}</td></tr>",
            escape(&a.date),
            escape(&a.by),
            escape(&a.summary),
            seq = a.seq,
        );
    }
    out.push_str("</tbody></table>");
    rest_in_cli(
        out,
        total + dance.agreements.len(),
        shown + dance.agreements.len().min(shown),
        &format!("parley events {} --issue {}", report.slug, dance.issue),
    );
    out.push_str("</details>");
}

fn posture(out: &mut String, report: &Report) {
    out.push_str(
        "<section id=\"posture\" aria-labelledby=\"posture-h\"><h2 id=\"posture-h\">Posture</h2>",
    );
    let Some(posture) = report.posture else {
        out.push_str("<p class=\"notice\">The posture audit is not available in this report, so no verdicts, indices or flags are shown. Run <code>parley audit SLUG</code> for it.</p></section>");
        return;
    };
    let _ = write!(
        out,
        "<p class=\"hint\">The audit's index per window, in [−1, 1]: at or above 0.2 is proactive, at or below −0.2 defensive, balanced between. Top is the share of the side's table moves made at leader or minister level, beside the index and not part of it. A verdict resting on one judged window or fewer than {} moves is marked weak; a mediator or observer is shown but not judged. The rules that fired and the measures behind the index, each with the counts it comes from, are listed under each side; open a figure for the events behind it.</p><div class=\"sides\">",
        Confidence::MIN_MOVES
    );
    for (n, (party, side)) in posture.sides.iter().enumerate() {
        posture_side(out, report, party, side, n);
    }
    if posture.sides.is_empty() {
        out.push_str("<p>The audit lists no sides.</p>");
    }
    out.push_str("</div></section>");
}

fn posture_side(out: &mut String, report: &Report, party: &str, side: &SideAudit, n: usize) {
    let _ = write!(
        out,
        "<article class=\"side\"><h3>{party} {badge}</h3>\
         <p>Index over the whole talks: <strong>{index}</strong> with every move (public at reduced weight), {table} from table moves only; {moves} moves.</p><ul class=\"rules\">",
        party = escape(party),
        badge = verdict_badge(side),
        index = escape(&index_text(side.index)),
        table = escape(&index_text(side.table_index)),
        moves = side.moves,
    );
    for rule in &side.rules {
        let _ = write!(out, "<li>{}</li>", escape(&audit_words::rule(rule)));
    }
    out.push_str("</ul>");
    charts::posture_windows(out, party, side, n);
    charts::posture_trend(out, party, side, n);
    in_scroll_box(out, |out| windows_table(out, side));
    in_scroll_box(out, |out| super::posture::measures_table(out, report, side));
    if !side.left_out.is_empty() {
        let _ = write!(
            out,
            "<p>Left out of the index (no data): {}.</p>",
            escape(&audit_words::codes(&side.left_out))
        );
    }
    out.push_str("</article>");
}

/// A side's verdict badge, and beside it what a weak verdict rests on.
pub(super) fn verdict_badge(side: &SideAudit) -> String {
    // A mediator or observer is not judged, and `too-few-moves` already says it has no
    // judged window: the mark is for a verdict that rests on too little.
    let judged = side.verdict != Verdict::NotJudged && side.verdict != Verdict::TooFewMoves;
    let weak = match audit_words::weak(side.confidence) {
        Some(weak) if judged => {
            format!(" <span class=\"weak\">{}</span>", escape(&weak))
        }
        _ => String::new(),
    };
    format!(
        "<span class=\"verdict v-{}\">{}</span>{weak}",
        css_word(side.verdict.as_str()),
        escape(&audit_words::verdict_badge(side)),
    )
}

fn windows_table(out: &mut String, side: &SideAudit) {
    out.push_str("<table class=\"windows\"><caption>Windows</caption><thead><tr><th scope=\"col\">Window</th><th scope=\"col\" class=\"num\">Moves</th><th scope=\"col\" class=\"num\">Index</th><th scope=\"col\" class=\"num\" title=\"share of the side's table moves made at leader or minister level\">Top</th><th scope=\"col\">Verdict</th></tr></thead><tbody>");
    for w in &side.windows {
        // As the audit prints it: one day, or the first and last day.
        let span = if w.from == w.to {
            format!("<span class=\"date\">{}</span>", escape(&w.from))
        } else {
            format!(
                "<span class=\"date\">{}</span> … <span class=\"date\">{}</span>",
                escape(&w.from),
                escape(&w.to)
            )
        };
        let _ = write!(
            out,
            "<tr><td>{span}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            w.moves,
            escape(&index_text(w.index)),
            escape(&audit_words::top(w.top)),
            escape(w.verdict.as_str())
        );
    }
    out.push_str("</tbody></table>");
}

/// Writes a table inside a box that scrolls sideways, so that a table wider than a
/// narrow window scrolls within its box instead of widening the page. (Tables in a
/// `<details>` or in the replay's section scroll in that element: report.css.)
pub(super) fn in_scroll_box(out: &mut String, table: impl FnOnce(&mut String)) {
    out.push_str("<div class=\"scroll\">");
    table(out);
    out.push_str("</div>");
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
    out.push_str("<div class=\"chart-box\">");
    charts::swimlanes(out, report);
    out.push_str("</div>");
    moves_table(out, report);
    out.push_str("</figure>");
    weekly_figure(out, report);
    pressure_figure(out, report);
    out.push_str("</section>");
}

/// The gap on every numeric issue as a share of its first gap, with the issues it leaves
/// out named and a table of the figures.
fn gap_figure(out: &mut String, report: &Report) {
    let (drawn, not) = charts::gaps_drawn(report);
    if drawn.is_empty() && not.is_empty() {
        return;
    }
    out.push_str("<figure class=\"gaps\" aria-labelledby=\"gaps-c\"><figcaption id=\"gaps-c\"><strong>The gap on every numeric issue, as a share of its first gap</strong></figcaption>");
    let _ = write!(
        out,
        "<p class=\"hint\">The gap is the highest minus the lowest number the sides stand on, as in the summary{}. 100% is the first gap once two sides had stated a number, 0% is agreement; a line above 100% means the sides moved further apart. (The positions table's opening gap is between each side's first number instead, and is wider when a side moved before the other had stated one.){}</p>",
        if report.parties.len() > 2 {
            " (with more than two sides, the spread between the two furthest apart)"
        } else {
            ""
        },
        if !not.is_empty() {
            format!(" Not drawn, {}.", escape(&charts::gaps_not_drawn(&not)))
        } else {
            String::new()
        }
    );
    if !drawn.is_empty() {
        out.push_str("<div class=\"chart-box\">");
        charts::gap_shares(out, report);
        out.push_str("</div>");
        let _ = write!(
            out,
            "<details><summary>Data: the first and latest gap on {} issue{}</summary><table><thead><tr><th scope=\"col\">Issue</th><th scope=\"col\" class=\"num\">First gap</th><th scope=\"col\">Since</th><th scope=\"col\" class=\"num\">Gap now</th><th scope=\"col\" class=\"num\">Share of the first</th></tr></thead><tbody>",
            drawn.len(),
            if drawn.len() == 1 { "" } else { "s" }
        );
        for (series, opening) in &drawn {
            let unit = series.unit.as_deref();
            let since = series.opening().map_or("", |(p, _)| p.date.as_str());
            let now = series.points.last().and_then(|p| p.gap);
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"date\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&series.title),
                escape(&with_unit(*opening, unit)),
                escape(since),
                escape(&now.map_or_else(|| "—".into(), |g| with_unit(g, unit))),
                escape(&now.map_or_else(|| "—".into(), |g| charts::share_text(g / opening))),
            );
        }
        out.push_str("</tbody></table></details>");
    }
    out.push_str("</figure>");
}

/// Moves per ISO week by side, with a table of the weeks.
fn weekly_figure(out: &mut String, report: &Report) {
    if report.moves.is_empty() {
        return;
    }
    let weeks = charts::weeks(report);
    out.push_str("<figure class=\"weekly\" aria-labelledby=\"weekly-c\"><figcaption id=\"weekly-c\"><strong>Moves per week</strong> <span class=\"unit\">ISO weeks, Monday to Sunday (UTC), stacked by side</span></figcaption>");
    party_swatches(out, report);
    out.push_str("<div class=\"chart-box\">");
    charts::moves_per_week(out, report, &weeks);
    out.push_str("</div>");
    let _ = write!(
        out,
        "<details><summary>Data: moves in {} week{}</summary><table><thead><tr><th scope=\"col\">Week</th><th scope=\"col\">From</th>",
        weeks.len(),
        if weeks.len() == 1 { "" } else { "s" }
    );
    for p in &report.parties {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"num\">{}</th>",
            escape(&p.code)
        );
    }
    out.push_str("<th scope=\"col\" class=\"num\">All</th></tr></thead><tbody>");
    for week in &weeks {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"date\">{}</td>",
            week.name,
            day_text(week.monday)
        );
        for n in &week.moves {
            let _ = write!(out, "<td class=\"num\">{}</td>", number(*n as f64));
        }
        let _ = write!(
            out,
            "<td class=\"num\">{}</td></tr>",
            number(week.total() as f64)
        );
    }
    out.push_str("</tbody></table></details></figure>");
}

/// Each side's concessions against the threats and sanctions made to it.
fn pressure_figure(out: &mut String, report: &Report) {
    if report.pressure.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<figure class=\"pressure\" aria-labelledby=\"pressure-c\"><figcaption id=\"pressure-c\"><strong>Concessions against pressure</strong></figcaption>\
         <p class=\"hint\">Per side, its concessions so far (moves of kind concession; the line, in the side's colour) and the threats and sanctions other sides made to it so far (the shaded area), on one count scale. A threat or sanction counts for the sides it names or, when it names none, for every other side that is a party to the talks (not a mediator or observer), as the audit's measure of concessions under pressure reads them.</p>\
         <ul class=\"legend\" aria-label=\"Pressure legend\"><li><svg width=\"34\" height=\"12\" aria-hidden=\"true\"><line x1=\"1\" y1=\"6\" x2=\"33\" y2=\"6\" stroke=\"#333\" stroke-width=\"3\"/></svg>concessions so far</li>\
         <li><svg width=\"22\" height=\"14\" aria-hidden=\"true\"><rect width=\"22\" height=\"14\" fill=\"{threat}\" opacity=\".25\"/><line x1=\"0\" y1=\"1\" x2=\"22\" y2=\"1\" stroke=\"{threat}\" stroke-width=\"2\"/></svg>threats and sanctions made to the side so far</li></ul>",
        threat = kind_colour(crate::model::Kind::Threat),
    );
    out.push_str("<div class=\"chart-box\">");
    charts::pressure(out, report);
    out.push_str("</div></figure>");
}

/// The parties' colours, as the stacked bars use them.
fn party_swatches(out: &mut String, report: &Report) {
    out.push_str("<ul class=\"legend\" aria-label=\"Sides\">");
    for (i, p) in report.parties.iter().enumerate() {
        let _ = write!(
            out,
            "<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect width=\"14\" height=\"14\" fill=\"{}\"/></svg>{}</li>",
            party_style(i).0,
            escape(&p.code)
        );
    }
    out.push_str("</ul>");
}

fn moves_table(out: &mut String, report: &Report) {
    let _ = write!(
        out,
        "<details class=\"log\"{}><summary>Data: {}</summary><table><thead><tr>\
         <th scope=\"col\">#</th><th scope=\"col\">Date</th><th scope=\"col\">Side</th><th scope=\"col\">Channel</th><th scope=\"col\">Kind</th>\
         <th scope=\"col\">Issues</th><th scope=\"col\">Position</th><th scope=\"col\">Answers</th><th scope=\"col\">Summary</th></tr></thead><tbody>",
        if report.moves.len() > 400 {
            " data-print=\"closed\""
        } else {
            ""
        },
        crate::format::count(report.moves.len() as u64, "move")
    );
    for m in report.moves.iter().take(limit(report, usize::MAX)) {
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
    rest_in_cli(
        out,
        report.moves.len(),
        limit(report, usize::MAX),
        &format!("parley events {}", report.slug),
    );
}

/// How many rows a long list shows: all of them on a small journal, [`ROWS`] on one the
/// charts aggregate.
pub(super) fn limit(report: &Report, all: usize) -> usize {
    if report.bucket.is_some() { ROWS } else { all }
}

/// After a list cut to its first `shown` of `total` rows: the count and the command that
/// lists the rest.
pub(super) fn rest_in_cli(out: &mut String, total: usize, shown: usize, command: &str) {
    if total > shown {
        let _ = write!(
            out,
            "<p class=\"more\">The first {} of {} rows; <code>{}</code> lists them all.</p>",
            number(shown as f64),
            number(total as f64),
            escape(command)
        );
    }
}

fn footer(out: &mut String, report: &Report) {
    out.push_str("<footer>");
    provenance_table(out, &report.provenance);
    out.push_str("<p>Made by parley from the journal, with every correction applied. This page is self-contained: it loads nothing from any network. Kinds of move are told apart by shape as well as colour, and every chart has a data table beside it.</p></footer>");
}
