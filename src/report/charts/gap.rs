//! The gap on every numeric issue over time, on one axis: each issue's gap (as the
//! positions projection gives it: the highest minus the lowest number the sides stand on)
//! as a share of its first gap, so 100 % is where the sides first stood apart and 0 % is
//! agreement. One step line per issue, labelled at its end with the issue's title.
//!
//! An issue whose first gap is 0, or on which two sides never stood on numbers at once,
//! has no share to draw; the chart says so in its description and the page in its caption.

use std::fmt::Write;

use crate::report::html::escape;
use crate::report::model::{GapSeries, Report, with_unit};
use crate::report::svg::{Scale, grid_line, party_style, px, value_ticks};

use super::{WIDTH, clip_words, cursor, min_step, open_svg, stack_labels, step_d, thin, time_axis};

/// Rows the end labels take: a 12-unit label's box, and a little air.
const LABEL_STEP: f64 = 16.0;
/// The longest issue title an end label shows.
const LABEL_CHARS: usize = 24;
/// The highest share the axis shows: a line above it runs along the top (its label and
/// tooltip give the share), so one issue whose gap grew a hundredfold does not flatten
/// every other line.
const CAP: f64 = 3.0;

/// A share as the page prints it: `100%`, `33.33%`.
pub fn share_text(share: f64) -> String {
    with_unit(share * 100.0, Some("%"))
}

/// The issues drawn, each with its first gap.
pub type Drawn<'r> = Vec<(&'r GapSeries, f64)>;
/// The issues not drawn, each with why.
pub type NotDrawn<'r> = Vec<(&'r GapSeries, &'static str)>;

/// The issues with a share to draw, each with its first gap; and those without, each with
/// the reason in words.
pub fn drawn<'r>(report: &'r Report<'_>) -> (Drawn<'r>, NotDrawn<'r>) {
    let mut drawn = Vec::new();
    let mut not = Vec::new();
    for series in &report.gaps {
        match series.opening() {
            Some((_, opening)) if opening > 0.0 => drawn.push((series, opening)),
            Some(_) => not.push((series, "their first gap was 0")),
            None => not.push((series, "two sides never stood on numbers at once")),
        }
    }
    (drawn, not)
}

/// The chart: the share of each drawn issue's first gap over time, on one axis.
pub fn gap_shares(out: &mut String, report: &Report) {
    let (drawn, not) = drawn(report);
    let (left, right, top) = (64.0, WIDTH - 200.0, 24.0);
    let plot = (LABEL_STEP * drawn.len() as f64).max(220.0);
    let bottom = top + plot;
    let height = bottom + 30.0;
    let x = Scale::new(report.span.0 as f64, report.span.1 as f64, left, right);
    let most = drawn
        .iter()
        .flat_map(|(s, opening)| s.points.iter().filter_map(move |p| Some(p.gap? / opening)))
        .fold(1.0f64, f64::max);
    let hi = most.min(CAP) * 1.05;
    let y = Scale::new(0.0, hi, bottom, top);
    open_svg(
        out,
        "gaps",
        height,
        (x, report.span.0, report.span.1),
        "The gap on every numeric issue over time, as a share of its first gap",
        &desc(&drawn, &not),
    );
    out.push_str("<g class=\"axis y\" aria-hidden=\"true\">");
    for tick in value_ticks(0.0, hi, 5) {
        grid_line(
            out,
            y.at(tick),
            &share_text(tick),
            tick == 0.0,
            (left, right),
        );
    }
    out.push_str("</g>");
    time_axis(out, &x, report.span, top, bottom);
    let min_dx = min_step(report, &x);
    let mut ends: Vec<(f64, String, usize)> = Vec::new();
    for (i, (series, opening)) in drawn.iter().enumerate() {
        let from = series
            .points
            .iter()
            .position(|p| p.gap.is_some())
            .unwrap_or(0);
        let points = thin(
            series.points[from..]
                .iter()
                .map(|p| (x.time(p.at), p.gap.map(|g| y.at((g / opening).min(CAP))))),
            min_dx,
        );
        let (colour, dash) = party_style(i);
        let _ = write!(
            out,
            "<path class=\"gap-line\" d=\"{}\" stroke=\"{colour}\" stroke-dasharray=\"{dash}\" data-issue=\"{}\"><title>{}</title></path>",
            step_d(&points, x.time(report.span.1)),
            escape(&series.issue),
            escape(&line_title(series, *opening)),
        );
        if let Some(last) = series.points.last().and_then(|p| p.gap) {
            let text = format!(
                "{} {}",
                clip_words(&series.title, LABEL_CHARS),
                share_text(last / opening)
            );
            ends.push((y.at((last / opening).min(CAP)), text, i));
        }
    }
    if most > CAP {
        let _ = write!(
            out,
            "<text class=\"agg-note\" x=\"{}\" y=\"{}\">↑ a line on top is at {} or more (its label gives the share)</text>",
            px(left),
            px(top - 10.0),
            share_text(CAP)
        );
    }
    end_labels(out, &mut ends, right, bottom);
    cursor(out, top, bottom, right);
    out.push_str("</svg>");
}

/// The issues' titles at their lines' ends, stacked so that none overprints another.
fn end_labels(out: &mut String, ends: &mut [(f64, String, usize)], right: f64, bottom: f64) {
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    let wanted: Vec<f64> = ends.iter().map(|e| e.0).collect();
    for ((_, text, i), place) in ends.iter().zip(stack_labels(&wanted, LABEL_STEP, bottom)) {
        let _ = write!(
            out,
            "<text class=\"gap-end\" x=\"{}\" y=\"{}\" dy=\"4\" fill=\"{}\">{}</text>",
            px(right + 8.0),
            px(place),
            party_style(*i).0,
            escape(text)
        );
    }
}

/// A line's tooltip: the issue, its first gap and its gap now.
fn line_title(series: &GapSeries, opening: f64) -> String {
    format!("{}: {}", series.title, first_and_now(series, opening))
}

/// "first gap 25% on 2025-04-24, now 5% (20%)".
fn first_and_now(series: &GapSeries, opening: f64) -> String {
    let unit = series.unit.as_deref();
    let first = series.opening().map_or("", |(p, _)| p.date.as_str());
    let now = series.points.last().and_then(|p| p.gap);
    format!(
        "first gap {} on {first}, now {}",
        with_unit(opening, unit),
        now.map_or_else(
            || "none (fewer than two sides stand on a number)".into(),
            |g| format!("{} ({})", with_unit(g, unit), share_text(g / opening))
        )
    )
}

fn desc(drawn: &[(&GapSeries, f64)], not: &[(&GapSeries, &str)]) -> String {
    let mut parts = vec![
        "The gap is the highest minus the lowest number the sides stand on, as in the summary; \
         100% is the first gap once two sides had stated a number, 0% is agreement"
            .to_owned(),
    ];
    for (series, opening) in drawn {
        parts.push(format!(
            "{}: {}",
            series.title,
            first_and_now(series, *opening)
        ));
    }
    if !not.is_empty() {
        parts.push(format!("not drawn, {}", not_drawn(not)));
    }
    parts.join("; ") + "."
}

/// The issues not drawn, by why: "as their first gap was 0: “Cash”, “Energy”; as …".
pub fn not_drawn(not: &[(&GapSeries, &str)]) -> String {
    let mut reasons: Vec<&str> = not.iter().map(|(_, why)| *why).collect();
    reasons.dedup();
    reasons.sort_unstable();
    reasons.dedup();
    reasons
        .iter()
        .map(|why| {
            let titles: Vec<String> = not
                .iter()
                .filter(|(_, w)| w == why)
                .map(|(s, _)| format!("“{}”", s.title))
                .collect();
            format!("as {why}: {}", titles.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
