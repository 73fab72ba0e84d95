//! The report's charts as inline SVG: the negotiation dance per numeric issue, the
//! timeline by side (swimlanes) and the posture index per window.
//!
//! Each chart carries a `<title>` and `<desc>` that say in words what it shows, and
//! every mark has a class and a `data-seq` so the page (and the tests) can find it.
//! Heavy journals stay light: all `responds_to` links of a timeline are one `<path>`,
//! marks are `<use>` references to one symbol per kind, and no filters are used.

use std::collections::HashMap;
use std::fmt::Write;

use crate::model::{Channel, Millis};

use super::html::escape;
use super::model::{Dance, MoveMark, Report, Series, number, with_unit};
use super::posture::{SidePosture, Window};
use super::svg::{Scale, party_style, px, time_ticks, value_ticks};

const WIDTH: f64 = 1000.0;
/// Longest summary shown in a mark's tooltip.
const TIP: usize = 180;
/// Above this many moves, a timeline mark's tooltip leaves the summary to the table
/// below the chart, which keeps a 10,000-move page a few megabytes lighter.
const FULL_TIPS: usize = 2000;

/// The slot of `party` in the agenda, for its colour and dash.
fn party_index(report: &Report, party: &str) -> usize {
    report
        .parties
        .iter()
        .position(|p| p.code == party)
        .unwrap_or(0)
}

fn clip(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit - 1).collect();
    format!("{cut}…")
}

/// Opens a chart's `<svg>` with its accessible name and description, and the data the
/// time slider needs to place its cursor.
fn open_svg(
    out: &mut String,
    id: &str,
    height: f64,
    time: (Scale, Millis, Millis),
    title: &str,
    desc: &str,
) {
    let (x, t0, t1) = time;
    let _ = write!(
        out,
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {WIDTH} {h}\" role=\"img\" \
         aria-labelledby=\"{id}-t {id}-d\" data-t0=\"{t0}\" data-t1=\"{t1}\" data-x0=\"{x0}\" \
         data-x1=\"{x1}\" preserveAspectRatio=\"xMidYMin meet\">\
         <title id=\"{id}-t\">{title}</title><desc id=\"{id}-d\">{desc}</desc>",
        h = px(height),
        x0 = px(x.time(t0)),
        x1 = px(x.time(t1)),
        title = escape(title),
        desc = escape(desc),
    );
}

/// The dimmed "future" beyond the slider's date, and the cursor line; hidden until the
/// slider moves.
fn cursor(out: &mut String, top: f64, bottom: f64, right: f64) {
    let _ = write!(
        out,
        "<rect class=\"future\" x=\"{r}\" y=\"{t}\" width=\"0\" height=\"{h}\"/>\
         <line class=\"cursor\" x1=\"{r}\" x2=\"{r}\" y1=\"{t}\" y2=\"{b}\" visibility=\"hidden\"/>",
        r = px(right),
        t = px(top),
        b = px(bottom),
        h = px(bottom - top),
    );
}

fn time_axis(out: &mut String, x: &Scale, span: (Millis, Millis), top: f64, bottom: f64) {
    out.push_str("<g class=\"axis x\" aria-hidden=\"true\">");
    for (t, label) in time_ticks(span.0, span.1) {
        let at = px(x.time(t));
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{at}\" x2=\"{at}\" y1=\"{}\" y2=\"{}\"/>\
             <text x=\"{at}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(top),
            px(bottom),
            px(bottom + 16.0),
            escape(&label)
        );
    }
    out.push_str("</g>");
}

/// The value of a step series at instant `t` (the last statement at or before it).
fn value_at(series: &Series, t: Millis) -> Option<f64> {
    series
        .points
        .iter()
        .take_while(|p| p.at <= t)
        .last()
        .map(|p| p.value)
}

/// The negotiation dance for one issue: step lines, the gap shaded, concessions ringed,
/// agreements as dashed verticals.
pub fn dance(out: &mut String, report: &Report, dance: &Dance, n: usize) {
    const HEIGHT: f64 = 270.0;
    let (left, right, top, bottom) = (64.0, WIDTH - 120.0, 44.0, HEIGHT - 30.0);
    let x = Scale::new(report.span.0 as f64, report.span.1 as f64, left, right);
    let values = dance
        .sides
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.value));
    let (lo, hi) = value_domain(values);
    let y = Scale::new(lo, hi, bottom, top);
    let unit = dance.unit.as_deref();
    let id = format!("dance-{n}");
    let title = format!("Positions on {} over time", dance.title);
    open_svg(
        out,
        &id,
        HEIGHT,
        (x, report.span.0, report.span.1),
        &title,
        &dance_desc(dance),
    );
    value_axis(out, &y, (lo, hi), unit, (left, right, top));
    time_axis(out, &x, report.span, top, bottom);
    gap_band(out, dance, &x, &y, report.span.1);
    agreements(out, report, dance, &x, top, bottom);
    for side in &dance.sides {
        step_line(out, report, side, &x, &y, report.span.1);
    }
    for side in &dance.sides {
        dance_marks(out, report, dance, side, &x, &y);
        words_marks(out, report, side, &x, &y);
    }
    end_labels(out, report, dance, &y, right);
    cursor(out, top, bottom, right);
    out.push_str("</svg>");
}

/// The y axis of a dance: grid lines with round numbers, and the unit named once on top.
fn value_axis(
    out: &mut String,
    y: &Scale,
    (lo, hi): (f64, f64),
    unit: Option<&str>,
    (left, right, top): (f64, f64, f64),
) {
    out.push_str("<g class=\"axis y\" aria-hidden=\"true\">");
    for tick in value_ticks(lo, hi, 5) {
        let at = px(y.at(tick));
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{l}\" x2=\"{r}\" y1=\"{at}\" y2=\"{at}\"/>\
             <text x=\"{tx}\" y=\"{at}\" dy=\"4\" text-anchor=\"end\">{}</text>",
            escape(&tick_label(tick, unit)),
            l = px(left),
            r = px(right),
            tx = px(left - 8.0),
        );
    }
    if let Some(unit) = unit.filter(|u| *u != "%") {
        let _ = write!(
            out,
            "<text class=\"unit-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            px(left - 8.0),
            px(top - 12.0),
            escape(unit)
        );
    }
    out.push_str("</g>");
}

/// An axis tick: the number, with `%` but without longer units (the axis names those once).
fn tick_label(value: f64, unit: Option<&str>) -> String {
    match unit {
        Some("%") => with_unit(value, unit),
        _ => number(value),
    }
}

/// The y domain of a dance: zero-based when every number is positive (tariffs, sums of
/// money read best from zero), padded so marks never sit on the frame.
fn value_domain(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return (0.0, 1.0);
    }
    let lo = if lo >= 0.0 { 0.0 } else { lo };
    let hi = if hi <= lo { lo + 1.0 } else { hi };
    let pad = (hi - lo) * 0.1;
    (if lo < 0.0 { lo - pad } else { lo }, hi + pad)
}

fn dance_desc(dance: &Dance) -> String {
    let unit = dance.unit.as_deref();
    let mut parts: Vec<String> = dance
        .sides
        .iter()
        .map(|s| {
            let first = s.points.first().map_or(0.0, |p| p.value);
            let last = s.points.last().map_or(0.0, |p| p.value);
            let conceded = s.points.iter().filter(|p| p.concession).count();
            format!(
                "{} stated {} position{} from {} to {}, {} of them a concession",
                s.party,
                s.points.len(),
                if s.points.len() == 1 { "" } else { "s" },
                with_unit(first, unit),
                with_unit(last, unit),
                conceded
            )
        })
        .collect();
    if let [a, b] = dance.sides.as_slice() {
        let last = |s: &Series| s.points.last().map_or(0.0, |p| p.value);
        parts.push(format!(
            "the gap is now {}",
            with_unit((last(a) - last(b)).abs(), unit)
        ));
    }
    parts.push(format!(
        "{} acceptance(s) on this issue",
        dance.agreements.len()
    ));
    parts.join("; ") + "."
}

fn gap_band(out: &mut String, dance: &Dance, x: &Scale, y: &Scale, end: Millis) {
    let [a, b] = dance.sides.as_slice() else {
        return;
    };
    let start = match (a.points.first(), b.points.first()) {
        (Some(pa), Some(pb)) => pa.at.max(pb.at),
        _ => return,
    };
    let mut times: Vec<Millis> = a
        .points
        .iter()
        .chain(&b.points)
        .map(|p| p.at)
        .filter(|&t| t >= start)
        .collect();
    times.sort_unstable();
    times.dedup();
    times.push(end);
    let mut d = String::new();
    for pair in times.windows(2) {
        if let (Some(va), Some(vb)) = (value_at(a, pair[0]), value_at(b, pair[0])) {
            let _ = write!(
                d,
                "M{} {}H{}V{}H{}Z",
                px(x.time(pair[0])),
                px(y.at(va)),
                px(x.time(pair[1])),
                px(y.at(vb)),
                px(x.time(pair[0]))
            );
        }
    }
    if !d.is_empty() {
        let _ = write!(
            out,
            "<path class=\"gap\" d=\"{d}\"><title>The gap between {} and {}</title></path>",
            a.party, b.party
        );
    }
}

fn step_line(out: &mut String, report: &Report, side: &Series, x: &Scale, y: &Scale, end: Millis) {
    let mut points = side.points.iter();
    let Some(first) = points.next() else {
        return;
    };
    let mut d = format!("M{} {}", px(x.time(first.at)), px(y.at(first.value)));
    for p in points {
        let _ = write!(d, "H{}V{}", px(x.time(p.at)), px(y.at(p.value)));
    }
    let _ = write!(d, "H{}", px(x.time(end)));
    let index = party_index(report, &side.party);
    let (colour, dash) = party_style(index);
    let _ = write!(
        out,
        "<path class=\"step\" d=\"{d}\" stroke=\"{colour}\" stroke-dasharray=\"{dash}\"><title>{} position</title></path>",
        escape(&side.party)
    );
}

fn dance_marks(
    out: &mut String,
    report: &Report,
    dance: &Dance,
    side: &Series,
    x: &Scale,
    y: &Scale,
) {
    let (colour, _) = party_style(party_index(report, &side.party));
    let unit = dance.unit.as_deref();
    for p in &side.points {
        let (cx, cy) = (px(x.time(p.at)), px(y.at(p.value)));
        if p.concession {
            let _ = write!(
                out,
                "<circle class=\"ring\" cx=\"{cx}\" cy=\"{cy}\" r=\"10.5\" stroke=\"{colour}\"/>"
            );
        }
        let public = if p.channel == Channel::Public {
            " pub"
        } else {
            ""
        };
        let conceded = if p.concession { " conc" } else { "" };
        let _ = write!(
            out,
            "<use href=\"#k-{kind}\" x=\"{cx}\" y=\"{cy}\" class=\"pm pos{public}{conceded}\" \
             style=\"--c:{colour}\" data-seq=\"{seq}\"><title>#{seq} {date} {party} {kind}: {value}{note}</title></use>",
            kind = p.kind,
            seq = p.seq,
            date = escape(&p.date),
            party = escape(&side.party),
            value = escape(&with_unit(p.value, unit)),
            note = if p.concession { " (a concession)" } else { "" },
        );
    }
}

/// Concessions in words (no number): a dashed ring on the line where the side stood.
fn words_marks(out: &mut String, report: &Report, side: &Series, x: &Scale, y: &Scale) {
    let (colour, _) = party_style(party_index(report, &side.party));
    for p in &side.in_words {
        let public = if p.channel == Channel::Public {
            " pub"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<g class=\"words\" data-seq=\"{seq}\"><title>#{seq} {date} {party} concession in words, no number stated</title>\
             <circle class=\"ring words\" cx=\"{cx}\" cy=\"{cy}\" r=\"10.5\" stroke=\"{colour}\"/>\
             <use href=\"#k-concession\" x=\"{cx}\" y=\"{cy}\" class=\"pm{public}\" style=\"--c:{colour}\"/></g>",
            seq = p.seq,
            date = escape(&p.date),
            party = escape(&side.party),
            cx = px(x.time(p.at)),
            cy = px(y.at(p.value)),
        );
    }
}

/// Above this many acceptances on one issue, each is a short tick on top of the chart
/// instead of a labelled line across it, so a long journal stays readable.
const LABELLED_AGREEMENTS: usize = 12;

fn agreements(out: &mut String, report: &Report, dance: &Dance, x: &Scale, top: f64, bottom: f64) {
    let labelled = dance.agreements.len() <= LABELLED_AGREEMENTS;
    if !labelled {
        let _ = write!(
            out,
            "<text class=\"agree-count\" x=\"{}\" y=\"{}\">✓ {} acceptances (ticks on top; see the table)</text>",
            px(x.time(report.span.0)),
            px(top - 22.0),
            dance.agreements.len()
        );
    }
    for (i, a) in dance.agreements.iter().enumerate() {
        let at = px(x.time(a.at));
        let (colour, _) = party_style(party_index(report, &a.by));
        let _ = write!(
            out,
            "<g class=\"agree\" data-seq=\"{seq}\"><title>#{seq} {date} {by} accepts: {summary}</title>",
            seq = a.seq,
            date = escape(&a.date),
            by = escape(&a.by),
            summary = escape(&clip(&a.summary, TIP)),
        );
        if labelled {
            let label_y = px(if i % 2 == 0 { top - 22.0 } else { top - 8.0 });
            let _ = write!(
                out,
                "<line x1=\"{at}\" x2=\"{at}\" y1=\"{t}\" y2=\"{b}\"/>\
                 <use href=\"#k-acceptance\" x=\"{at}\" y=\"{t}\" class=\"pm\" style=\"--c:{colour}\"/>\
                 <text x=\"{at}\" y=\"{label_y}\" dx=\"9\">✓ {by} accepts</text></g>",
                by = escape(&a.by),
                t = px(top),
                b = px(bottom),
            );
        } else {
            let _ = write!(
                out,
                "<line class=\"tick-mark\" x1=\"{at}\" x2=\"{at}\" y1=\"{}\" y2=\"{}\" style=\"stroke:{colour}\"/></g>",
                px(top - 12.0),
                px(top - 2.0),
            );
        }
    }
}

fn end_labels(out: &mut String, report: &Report, dance: &Dance, y: &Scale, right: f64) {
    let mut labels: Vec<(f64, String, &str)> = dance
        .sides
        .iter()
        .filter_map(|s| {
            let last = s.points.last()?;
            let (colour, _) = party_style(party_index(report, &s.party));
            Some((
                y.at(last.value),
                format!(
                    "{} {}",
                    s.party,
                    tick_label(last.value, dance.unit.as_deref())
                ),
                colour,
            ))
        })
        .collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut floor = f64::MIN;
    for (at, text, colour) in &labels {
        let place = at.max(floor + 15.0);
        floor = place;
        let _ = write!(
            out,
            "<text class=\"end\" x=\"{}\" y=\"{}\" dy=\"4\" fill=\"{colour}\">{}</text>",
            px(right + 8.0),
            px(place),
            escape(text)
        );
    }
}

/// A lane of the timeline: one party's moves in one channel group.
struct Lane {
    party: String,
    channel: Channel,
}

fn lanes(report: &Report) -> Vec<Lane> {
    let mut lanes = Vec::new();
    for party in &report.parties {
        for channel in [Channel::Table, Channel::Back, Channel::Public] {
            let used = report
                .moves
                .iter()
                .any(|m| m.by == party.code && m.channel == channel);
            if used || channel == Channel::Table {
                lanes.push(Lane {
                    party: party.code.clone(),
                    channel,
                });
            }
        }
    }
    lanes
}

/// The timeline by side: a lane per party and channel, a mark per move (shape and colour
/// by kind, hollow when public), `responds_to` drawn as links, notes as flags on top.
pub fn swimlanes(out: &mut String, report: &Report) {
    const LANE: f64 = 46.0;
    let lanes = lanes(report);
    let top = if report.notes.is_empty() { 10.0 } else { 34.0 };
    let bottom = top + LANE * lanes.len() as f64;
    let height = bottom + 30.0;
    let (left, right) = (150.0, WIDTH - 16.0);
    let x = Scale::new(report.span.0 as f64, report.span.1 as f64, left, right);
    let title = format!("Timeline of {} moves by side", report.moves.len());
    open_svg(
        out,
        "timeline",
        height,
        (x, report.span.0, report.span.1),
        &title,
        &swimlane_desc(report),
    );
    for (i, lane) in lanes.iter().enumerate() {
        let y0 = top + LANE * i as f64;
        let shade = if party_index(report, &lane.party).is_multiple_of(2) {
            "a"
        } else {
            "b"
        };
        let label = match lane.channel {
            Channel::Table => format!("{} · table", lane.party),
            Channel::Back => format!("{} · back channel", lane.party),
            Channel::Public => format!("{} · public", lane.party),
        };
        let _ = write!(
            out,
            "<rect class=\"lane {shade}\" x=\"0\" y=\"{y}\" width=\"{WIDTH}\" height=\"{LANE}\"/>\
             <text class=\"lane-label\" x=\"10\" y=\"{ty}\">{}</text>",
            escape(&label),
            y = px(y0),
            ty = px(y0 + LANE / 2.0 + 4.0),
        );
    }
    time_axis(out, &x, report.span, top, bottom);
    notes(out, report, &x, top, bottom);
    let places = place_marks(report, &lanes, &x, top, LANE);
    links(out, report, &places);
    for (m, (mx, my)) in report.moves.iter().zip(&places) {
        move_mark(out, m, (*mx, *my), report.moves.len() <= FULL_TIPS);
    }
    cursor(out, top, bottom, right);
    out.push_str("</svg>");
}

fn swimlane_desc(report: &Report) -> String {
    let mut parts = Vec::new();
    for party in &report.parties {
        let mine: Vec<&MoveMark> = report.moves.iter().filter(|m| m.by == party.code).collect();
        let public = mine.iter().filter(|m| m.channel == Channel::Public).count();
        parts.push(format!(
            "{} made {} moves, {} of them in public",
            party.code,
            mine.len(),
            public
        ));
    }
    let links = report
        .moves
        .iter()
        .filter(|m| m.responds_to.is_some())
        .count();
    parts.push(format!(
        "{links} moves answer an earlier event (drawn as links)"
    ));
    parts.join("; ") + ". The full list is in the table below."
}

/// Where each move's mark goes: x by time, y in its lane, stacked when marks would overlap.
fn place_marks(report: &Report, lanes: &[Lane], x: &Scale, top: f64, lane: f64) -> Vec<(f64, f64)> {
    const OFFSETS: [f64; 3] = [0.0, -12.0, 12.0];
    let mut taken: HashMap<(usize, i64), usize> = HashMap::new();
    report
        .moves
        .iter()
        .map(|m| {
            let index = lanes
                .iter()
                .position(|l| l.party == m.by && l.channel == m.channel)
                .unwrap_or(0);
            let mx = x.time(m.at);
            let count = taken.entry((index, (mx / 8.0) as i64)).or_insert(0);
            let my = top + lane * index as f64 + lane / 2.0 + OFFSETS[*count % OFFSETS.len()];
            *count += 1;
            (mx, my)
        })
        .collect()
}

fn links(out: &mut String, report: &Report, places: &[(f64, f64)]) {
    let index: HashMap<u64, usize> = report
        .moves
        .iter()
        .enumerate()
        .map(|(i, m)| (m.seq, i))
        .collect();
    let mut d = String::new();
    for (m, (x2, y2)) in report.moves.iter().zip(places) {
        let Some((x1, y1)) = m
            .responds_to
            .and_then(|seq| index.get(&seq))
            .and_then(|&i| places.get(i))
        else {
            continue;
        };
        let bend = ((x2 - x1).abs() / 2.0).max(10.0);
        let _ = write!(
            d,
            "M{} {}C{} {} {} {} {} {}",
            px(*x1),
            px(*y1),
            px(x1 + bend),
            px(*y1),
            px(x2 - bend),
            px(*y2),
            px(*x2),
            px(*y2)
        );
    }
    if !d.is_empty() {
        let _ = write!(
            out,
            "<path class=\"links\" d=\"{d}\"><title>responds_to links</title></path>"
        );
    }
}

fn move_mark(out: &mut String, m: &MoveMark, (x, y): (f64, f64), full_tip: bool) {
    let public = match m.channel {
        Channel::Public => " pub",
        Channel::Back => " back",
        Channel::Table => "",
    };
    let _ = write!(
        out,
        "<use href=\"#k-{kind}\" x=\"{x}\" y=\"{y}\" class=\"mv k-{kind}{public}\" data-seq=\"{seq}\" data-kind=\"{kind}\">\
         <title>#{seq} {date} {by} {kind} ({channel}){summary}</title></use>",
        kind = m.kind,
        x = px(x),
        y = px(y),
        seq = m.seq,
        date = escape(&m.date),
        by = escape(&m.by),
        channel = m.channel,
        summary = if full_tip {
            format!(": {}", escape(&clip(&m.summary, TIP)))
        } else {
            String::new()
        },
    );
}

fn notes(out: &mut String, report: &Report, x: &Scale, top: f64, bottom: f64) {
    for note in &report.notes {
        let at = px(x.time(note.at));
        let label = note.label.as_deref().unwrap_or("note");
        let _ = write!(
            out,
            "<g class=\"note\" data-seq=\"{seq}\"><title>#{seq} {date} {label}: {text}</title>\
             <line x1=\"{at}\" x2=\"{at}\" y1=\"{t0}\" y2=\"{b}\"/><path d=\"M{at} {t0}v-16h9l-3 4 3 4h-9\"/>\
             <text x=\"{at}\" y=\"{ty}\" dx=\"12\">{label}</text></g>",
            seq = note.seq,
            date = escape(&note.date),
            label = escape(label),
            text = escape(&clip(&note.text, TIP)),
            t0 = px(top),
            ty = px(top - 9.0),
            b = px(bottom),
        );
    }
}

/// The posture chart's frame: width, height and the plot's left, right, top, bottom.
const POSTURE: (f64, f64, f64, f64, f64, f64) = (460.0, 190.0, 44.0, 386.0, 14.0, 150.0);

/// One side's posture index per window: bars on [-1, 1] with the ±0.2 verdict lines,
/// each bar labelled with its index and verdict in words.
pub fn posture_windows(out: &mut String, side: &SidePosture, n: usize) {
    let (w, h, left, right, top, bottom) = POSTURE;
    let y = Scale::new(-1.0, 1.0, bottom, top);
    let id = format!("posture-{n}");
    let desc = side
        .windows
        .iter()
        .map(|w| {
            let index = index_text(w.index);
            format!(
                "{} to {}: {} ({} moves, index {index})",
                w.from, w.to, w.verdict, w.moves
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let _ = write!(
        out,
        "<svg class=\"posture-chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">Posture index of {party} per window</title><desc id=\"{id}-d\">{}</desc>",
        escape(&desc),
        party = escape(&side.party),
    );
    posture_grid(out, &y);
    let slot = (right - left) / side.windows.len().max(1) as f64;
    for (i, window) in side.windows.iter().enumerate() {
        window_bar(
            out,
            window,
            left + slot * (i as f64 + 0.5),
            (slot * 0.5).min(70.0),
            &y,
        );
    }
    out.push_str("</svg>");
}

/// The index scale with the verdict lines at ±0.2, named in words beside the plot.
fn posture_grid(out: &mut String, y: &Scale) {
    let (_, _, left, right, _, _) = POSTURE;
    let lines = [
        (1.0, "1"),
        (0.2, "0.2"),
        (0.0, "0"),
        (-0.2, "−0.2"),
        (-1.0, "−1"),
    ];
    for (value, label) in lines {
        let at = px(y.at(value));
        let class = if value == 0.0 { "zero" } else { "grid" };
        let _ = write!(
            out,
            "<line class=\"{class}\" x1=\"{l}\" x2=\"{r}\" y1=\"{at}\" y2=\"{at}\"/>\
             <text class=\"tick\" x=\"{tx}\" y=\"{at}\" dy=\"4\" text-anchor=\"end\">{label}</text>",
            l = px(left),
            r = px(right),
            tx = px(left - 6.0),
        );
    }
    let _ = write!(
        out,
        "<text class=\"band\" x=\"{x}\" y=\"{}\">proactive</text><text class=\"band\" x=\"{x}\" y=\"{}\">defensive</text>",
        px(y.at(0.6)),
        px(y.at(-0.6)),
        x = px(right + 6.0),
    );
}

/// One window's bar centred on `cx`, its index and verdict above (or below) it, and its
/// dates and move count under the axis.
fn window_bar(out: &mut String, window: &Window, cx: f64, bar: f64, y: &Scale) {
    let (_, _, _, _, _, bottom) = POSTURE;
    if let Some(index) = window.index {
        let (y0, y1) = (y.at(index.max(0.0)), y.at(index.min(0.0)));
        let _ = write!(
            out,
            "<rect class=\"bar v-{verdict}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            px(cx - bar / 2.0),
            px(y0),
            px(bar),
            px((y1 - y0).max(1.0)),
            verdict = css_word(&window.verdict),
        );
    }
    let label_y = match window.index {
        Some(v) if v < 0.0 => y.at(v) + 14.0,
        Some(v) => y.at(v) - 6.0,
        None => y.at(0.0) - 6.0,
    };
    let _ = write!(
        out,
        "<text class=\"val\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{} {}</text>\
         <text class=\"tick\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}–</text>\
         <text class=\"tick\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{} ({} moves)</text>",
        px(label_y),
        escape(&index_text(window.index)),
        escape(&window.verdict),
        px(bottom + 16.0),
        escape(&window.from),
        px(bottom + 30.0),
        escape(&window.to),
        window.moves,
        cx = px(cx),
    );
}

/// An index to two decimals with a real minus sign, or "no data".
pub fn index_text(index: Option<f64>) -> String {
    match index {
        Some(v) if v < 0.0 => format!("−{:.2}", -v),
        Some(v) => format!("{v:.2}"),
        None => "no data".into(),
    }
}

/// A verdict as a CSS class word: letters, digits and dashes only.
pub fn css_word(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}
