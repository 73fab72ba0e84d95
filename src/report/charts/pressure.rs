//! Concessions against pressure: a panel per party on one time axis and one count scale,
//! with its concessions so far as a step line (in its colour and dash) and the threats and
//! sanctions other parties made to it so far as a shaded step area beneath.
//!
//! What counts is the audit's reading of moves ([`Pressure`]): this module only counts
//! and draws.

use std::fmt::Write;

use crate::format::{count, number};
use crate::model::{Kind, Millis};
use crate::report::html::escape;
use crate::report::model::{Pressure, Report};
use crate::report::svg::{Scale, grid_line, kind_colour, party_style, px};

use super::{
    WIDTH, cursor, min_step, open_svg, party_index, stack_labels, step_d, thin, time_axis,
};

/// A panel's height: its title, its plot and the air below.
const PANEL: f64 = 112.0;
/// The plot within a panel.
const PLOT: f64 = 70.0;
/// The title's height above the plot.
const HEAD: f64 = 22.0;

/// The chart: one panel per party, concessions against the pressure on it.
pub fn pressure(out: &mut String, report: &Report) {
    let (left, right, top) = (64.0, WIDTH - 190.0, 4.0);
    let bottom = top + PANEL * report.pressure.len() as f64 - (PANEL - HEAD - PLOT);
    let height = bottom + 30.0;
    let x = Scale::new(report.span.0 as f64, report.span.1 as f64, left, right);
    let most = report
        .pressure
        .iter()
        .map(|p| p.concessions.len().max(pressed(p).len()))
        .max()
        .unwrap_or(0)
        .max(1);
    open_svg(
        out,
        "pressure",
        height,
        (x, report.span.0, report.span.1),
        "Each side's concessions so far against the threats and sanctions made to it so far",
        &desc(report),
    );
    time_axis(out, &x, report.span, top + HEAD, bottom);
    let min_dx = min_step(report, &x);
    for (k, side) in report.pressure.iter().enumerate() {
        let plot_top = top + PANEL * k as f64 + HEAD;
        let y = Scale::new(0.0, most as f64, plot_top + PLOT, plot_top);
        panel(
            out,
            report,
            side,
            (&x, &y),
            (left, right, plot_top),
            (most, min_dx),
        );
    }
    cursor(out, top, bottom, right);
    out.push_str("</svg>");
}

/// One party's panel: title, count axis, pressure area, concessions line, end labels.
fn panel(
    out: &mut String,
    report: &Report,
    side: &Pressure,
    (x, y): (&Scale, &Scale),
    (left, right, plot_top): (f64, f64, f64),
    (most, min_dx): (usize, f64),
) {
    let index = party_index(report, &side.party);
    let (colour, dash) = party_style(index);
    let pressed = pressed(side);
    let _ = write!(
        out,
        "<g class=\"panel\" data-party=\"{party}\"><text class=\"panel-title\" x=\"{l}\" y=\"{ty}\">{}</text>",
        escape(&panel_title(side)),
        party = escape(&side.party),
        l = px(left),
        ty = px(plot_top - 8.0),
    );
    out.push_str("<g class=\"axis y\" aria-hidden=\"true\">");
    grid_line(out, y.at(0.0), "0", true, (left, right));
    grid_line(
        out,
        y.at(most as f64),
        &number(most as f64),
        false,
        (left, right),
    );
    out.push_str("</g>");
    let end = x.time(report.span.1);
    let base = y.at(0.0);
    let area = cumulative(&pressed, report.span.0, (x, y), min_dx);
    if !pressed.is_empty() {
        let _ = write!(
            out,
            "<path class=\"cum-pressure\" d=\"{}V{}H{}Z\" fill=\"{threat}\"/><path class=\"cum-pressure-edge\" d=\"{}\" stroke=\"{threat}\"><title>{} threats and {} sanctions made to {} so far</title></path>",
            step_d(&area, end),
            px(base),
            px(x.time(report.span.0)),
            step_d(&area, end),
            side.threats.len(),
            side.sanctions.len(),
            escape(&side.party),
            threat = kind_colour(Kind::Threat),
        );
    }
    let line = cumulative(&side.concessions, report.span.0, (x, y), min_dx);
    let _ = write!(
        out,
        "<path class=\"cum\" d=\"{}\" stroke=\"{colour}\" stroke-dasharray=\"{dash}\"><title>{} concessions by {} so far</title></path>",
        step_d(&line, end),
        side.concessions.len(),
        escape(&side.party),
    );
    let mut labels = [
        (
            y.at(side.concessions.len() as f64),
            format!("{} conceded", number(side.concessions.len() as f64)),
            colour,
        ),
        (
            y.at(pressed.len() as f64),
            match pressed.len() {
                1 => "1 threat/sanction".to_owned(),
                n => format!("{} threats/sanctions", number(n as f64)),
            },
            kind_colour(Kind::Threat),
        ),
    ];
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let wanted: Vec<f64> = labels.iter().map(|l| l.0).collect();
    for ((_, text, fill), place) in labels.iter().zip(stack_labels(&wanted, 16.0, base)) {
        let _ = write!(
            out,
            "<text class=\"cum-end\" x=\"{}\" y=\"{}\" dy=\"4\" fill=\"{fill}\">{}</text>",
            px(right + 8.0),
            px(place),
            escape(text)
        );
    }
    out.push_str("</g>");
}

/// The threats and sanctions made to a side, in time order.
fn pressed(side: &Pressure) -> Vec<Millis> {
    let mut all: Vec<Millis> = side
        .threats
        .iter()
        .chain(&side.sanctions)
        .copied()
        .collect();
    all.sort_unstable();
    all
}

/// The step series of a running count: 0 at `start`, one more at each instant.
fn cumulative(
    times: &[Millis],
    start: Millis,
    (x, y): (&Scale, &Scale),
    min_dx: f64,
) -> Vec<(f64, Option<f64>)> {
    let counts = times
        .iter()
        .enumerate()
        .map(|(i, &t)| (x.time(t), Some(y.at((i + 1) as f64))));
    thin(
        std::iter::once((x.time(start), Some(y.at(0.0)))).chain(counts),
        min_dx,
    )
}

/// "KR: 5 concessions; 3 threats and 1 sanction made to it".
fn panel_title(side: &Pressure) -> String {
    let n = |items: &[Millis], noun: &str| count(items.len() as u64, noun);
    format!(
        "{}: {}; {} and {} made to it",
        side.party,
        n(&side.concessions, "concession"),
        n(&side.threats, "threat"),
        n(&side.sanctions, "sanction"),
    )
}

fn desc(report: &Report) -> String {
    let mut parts: Vec<String> = report.pressure.iter().map(panel_title).collect();
    parts.push(
        "a concession is a move of kind concession; a threat or sanction counts for the \
         party it was made to (by name, or, when it names none, every other party whose role is party), as the audit reads them"
            .into(),
    );
    parts.join("; ") + "."
}
