//! The negotiation dance of one numeric issue: each side's stated positions as step
//! lines, the gap between them hatched, concessions ringed, acceptances marked.

use std::fmt::Write;

use crate::model::{Channel, Millis};

use super::{
    Beside, LabelRows, TIP, WIDTH, clip, cursor, open_svg, party_index, stack_labels, time_axis,
};
use crate::report::html::escape;
use crate::report::model::{Dance, Report, Series, number, with_unit};
use crate::report::svg::{Scale, party_style, px, value_ticks};

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
    match report.bucket {
        None => {
            gap_band(out, &dance.sides, &x, &y, report.span.1);
            agreements(out, report, dance, &x, top, bottom);
            for side in &dance.sides {
                step_line(out, report, side, &x, &y, report.span.1);
            }
            for side in &dance.sides {
                dance_marks(out, report, dance, side, &x, &y);
                words_marks(out, report, side, &x, &y);
            }
        }
        Some(width) => aggregated(out, report, dance, (&x, &y), (top, bottom), width),
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

fn gap_band(out: &mut String, sides: &[Series], x: &Scale, y: &Scale, end: Millis) {
    let [a, b] = sides else {
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
    let mut rows = LabelRows::new(2);
    let mut i = 0;
    while i < dance.agreements.len() {
        // Acceptances on one spot share one label: "✓ KR, US accept".
        let at = x.time(dance.agreements[i].at);
        let group = dance.agreements[i..]
            .iter()
            .take_while(|a| x.time(a.at) - at < 2.0)
            .count();
        let label = labelled.then(|| agreement_label(&dance.agreements[i..i + group]));
        let placed = label.as_ref().and_then(|text| {
            let size = (text.chars().count(), 12.0);
            Some((rows.place_beside(at, 9.0, size, WIDTH)?, text))
        });
        for (k, a) in dance.agreements[i..i + group].iter().enumerate() {
            agreement(
                out,
                report,
                a,
                (x, top, bottom),
                labelled,
                placed.filter(|_| k == 0),
            );
        }
        i += group;
    }
}

fn agreement_label(group: &[crate::report::model::Agreement]) -> String {
    let mut by: Vec<&str> = group.iter().map(|a| a.by.as_str()).collect();
    by.dedup();
    if by.len() == 1 {
        format!("✓ {} accepts", by[0])
    } else {
        format!("✓ {} accept", by.join(", "))
    }
}

fn agreement(
    out: &mut String,
    report: &Report,
    a: &crate::report::model::Agreement,
    (x, top, bottom): (&Scale, f64, f64),
    labelled: bool,
    label: Option<(Beside, &String)>,
) {
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
        let _ = write!(
            out,
            "<line x1=\"{at}\" x2=\"{at}\" y1=\"{t}\" y2=\"{b}\"/>\
             <use href=\"#k-acceptance\" x=\"{at}\" y=\"{t}\" class=\"pm\" style=\"--c:{colour}\"/>",
            t = px(top),
            b = px(bottom),
        );
        if let Some((beside, text)) = label {
            let _ = write!(
                out,
                "<text x=\"{at}\" y=\"{}\" dx=\"{}\" text-anchor=\"{}\">{}</text>",
                px(top - 22.0 + 14.0 * beside.row as f64),
                px(beside.dx),
                beside.anchor,
                escape(text)
            );
        }
    } else {
        let _ = write!(
            out,
            "<line class=\"tick-mark\" x1=\"{at}\" x2=\"{at}\" y1=\"{}\" y2=\"{}\" style=\"stroke:{colour}\"/>",
            px(top - 12.0),
            px(top - 2.0),
        );
    }
    out.push_str("</g>");
}

/// The lowest point of a value scale's range (its foot).
fn y_floor(y: &Scale) -> f64 {
    y.domain().0
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
    // 17 units apart: a 13-unit label's box.
    let wanted: Vec<f64> = labels.iter().map(|l| l.0).collect();
    let places = stack_labels(&wanted, 17.0, y.at(y_floor(y)));
    for ((_, text, colour), place) in labels.iter().zip(places) {
        let _ = write!(
            out,
            "<text class=\"end\" x=\"{}\" y=\"{}\" dy=\"4\" fill=\"{colour}\">{}</text>",
            px(right + 8.0),
            px(place),
            escape(text)
        );
    }
}

/// One side's stated positions within one bucket.
struct Band {
    start: Millis,
    lo: f64,
    hi: f64,
    close: f64,
    count: usize,
    conceded: usize,
}

fn bands(report: &Report, side: &Series, width: Millis) -> Vec<Band> {
    let mut bands: Vec<Band> = Vec::new();
    for p in &side.points {
        let start = report.bucket_start(p.at, width);
        match bands.last_mut() {
            Some(b) if b.start == start => {
                b.lo = b.lo.min(p.value);
                b.hi = b.hi.max(p.value);
                b.close = p.value;
                b.count += 1;
                b.conceded += usize::from(p.concession);
            }
            _ => bands.push(Band {
                start,
                lo: p.value,
                hi: p.value,
                close: p.value,
                count: 1,
                conceded: usize::from(p.concession),
            }),
        }
    }
    bands
}

/// A long journal's dance: per bucket and side the range of stated numbers as a band
/// (its counts in the tooltip), a step line through each bucket's last number, the gap
/// between those lines, and one tick per bucket with acceptances.
fn aggregated(
    out: &mut String,
    report: &Report,
    dance: &Dance,
    (x, y): (&Scale, &Scale),
    (top, bottom): (f64, f64),
    width: Millis,
) {
    let unit = dance.unit.as_deref();
    let name = Report::bucket_name(width);
    let per_side: Vec<(&Series, Vec<Band>)> = dance
        .sides
        .iter()
        .map(|s| (s, bands(report, s, width)))
        .collect();
    let closes: Vec<Series> = per_side
        .iter()
        .map(|(s, bands)| Series {
            party: s.party.clone(),
            points: bands
                .iter()
                .zip(&s.points)
                .map(|(b, p)| crate::report::model::Point {
                    at: b.start,
                    value: b.close,
                    concession: false,
                    ..p.clone()
                })
                .collect(),
            in_words: Vec::new(),
        })
        .collect();
    gap_band(out, &closes, x, y, report.span.1);
    let stated: usize = dance.sides.iter().map(|s| s.points.len()).sum();
    let _ = write!(
        out,
        "<text class=\"agg-note\" x=\"{}\" y=\"{}\">{stated} stated positions; a band is one {name}'s range (its tooltip: from the day shown, counts), the line its last number</text>",
        px(x.time(report.span.0)),
        px(top - 22.0),
    );
    for (side, bands) in &per_side {
        let (colour, _) = party_style(party_index(report, &side.party));
        for b in bands {
            let (x0, x1) = (
                x.time(b.start),
                x.time(b.start + width).min(x.time(report.span.1)),
            );
            let (y0, y1) = (y.at(b.hi), y.at(b.lo));
            let _ = write!(
                out,
                "<rect class=\"range\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"><title>{party} {day}+: {n} positions, {lo}–{hi}, {c} conceded</title></rect>",
                px(x0),
                px(y0 - 2.0),
                px((x1 - x0).max(1.0)),
                px(y1 - y0 + 4.0),
                party = escape(&side.party),
                day = crate::report::model::day_text(b.start),
                n = b.count,
                lo = escape(&with_unit(b.lo, unit)),
                hi = escape(&with_unit(b.hi, unit)),
                c = b.conceded,
            );
        }
    }
    for side in &closes {
        step_line(out, report, side, x, y, report.span.1);
    }
    agreement_ticks(out, report, dance, x, (top, bottom), width);
}

/// One tick per bucket in which some side accepted, with the count in its tooltip.
fn agreement_ticks(
    out: &mut String,
    report: &Report,
    dance: &Dance,
    x: &Scale,
    (top, _bottom): (f64, f64),
    width: Millis,
) {
    let mut counts: Vec<(Millis, usize)> = Vec::new();
    for a in &dance.agreements {
        let start = report.bucket_start(a.at, width);
        match counts.last_mut() {
            Some(c) if c.0 == start => c.1 += 1,
            _ => counts.push((start, 1)),
        }
    }
    for (start, n) in counts {
        let at = px(x.time(start));
        let _ = write!(
            out,
            "<g class=\"agree\"><title>{n} acceptance(s) in the {} of {}</title><line class=\"tick-mark\" x1=\"{at}\" x2=\"{at}\" y1=\"{}\" y2=\"{}\"/></g>",
            Report::bucket_name(width),
            crate::report::model::day_text(start),
            px(top - 12.0),
            px(top - 2.0),
        );
    }
}
