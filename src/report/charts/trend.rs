//! The posture index over time: one side's window indexes as points over the window
//! dates, joined by a line, with each window's top-level share (table moves at leader or
//! minister level) as a bar beneath.

use std::fmt::Write;

use crate::model::{Millis, parse_instant};
use crate::projection::audit::{SideAudit, WindowAudit};
use crate::report::audit_words;
use crate::report::html::escape;
use crate::report::svg::{Scale, grid_line, px};

use super::{css_word, index_text};

/// The frame: width, height, the plot's left and right, the index band's top and
/// bottom, the top-share band's top and bottom.
const FRAME: (f64, f64, f64, f64, (f64, f64), (f64, f64)) =
    (360.0, 150.0, 40.0, 344.0, (10.0, 78.0), (90.0, 120.0));

/// One side's posture index over the window dates, top-level share beneath.
pub fn posture_trend(out: &mut String, party: &str, side: &SideAudit, n: usize) {
    let (w, h, left, right, (i0, i1), (t0, t1)) = FRAME;
    let id = format!("trend-{n}");
    let desc = side
        .windows
        .iter()
        .map(|w| {
            format!(
                "{} to {}: index {}, top {}",
                w.from,
                w.to,
                index_text(w.index),
                audit_words::top(w.top)
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let _ = write!(
        out,
        "<svg class=\"posture-chart trend\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\">\
         <title id=\"{id}-t\">Posture index of {party} over time, with the share of table moves at leader or minister level beneath</title><desc id=\"{id}-d\">{}</desc>",
        escape(&desc),
        party = escape(party),
    );
    let index = Scale::new(-1.0, 1.0, i1, i0);
    let top = Scale::new(0.0, 1.0, t1, t0);
    frame(out, &index, &top);
    let xs = positions(&side.windows, left + 8.0, right - 8.0);
    let slot = (right - left) / side.windows.len().max(1) as f64;
    let bar = (slot * 0.6).clamp(2.0, 14.0);
    for (window, x) in side.windows.iter().zip(&xs) {
        if let Some(share) = window.top {
            let y = top.at(share);
            let _ = write!(
                out,
                "<rect class=\"topbar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
                px(x - bar / 2.0),
                px(y),
                px(bar),
                px((t1 - y).max(0.5)),
                escape(&format!("top {}", audit_words::top(window.top))),
            );
        }
    }
    line_and_points(out, &side.windows, &xs, &index);
    dates(out, &side.windows);
    out.push_str("</svg>");
}

/// The index band's lines at -1, 0 and 1 with their ticks, and the top band's name.
fn frame(out: &mut String, index: &Scale, top: &Scale) {
    let (_, _, left, right, _, (_, t1)) = FRAME;
    for (value, label) in [(1.0, "1"), (0.0, "0"), (-1.0, "−1")] {
        grid_line(out, index.at(value), label, value == 0.0, (left, right));
    }
    let _ = write!(
        out,
        "<line class=\"grid\" x1=\"{l}\" x2=\"{r}\" y1=\"{b}\" y2=\"{b}\"/>\
         <text class=\"tick\" x=\"{tx}\" y=\"{y}\" dy=\"4\" text-anchor=\"end\">top</text>",
        l = px(left),
        r = px(right),
        b = px(t1),
        tx = px(left - 6.0),
        y = px(top.at(0.5)),
    );
}

/// Each window's x: the middle of its dates on a time scale, or evenly spaced when a
/// date does not read as one.
fn positions(windows: &[WindowAudit], left: f64, right: f64) -> Vec<f64> {
    let times: Option<Vec<Millis>> = windows
        .iter()
        .map(|w| Some((day(&w.from)? + day(&w.to)?) / 2))
        .collect();
    match times {
        Some(times) if !times.is_empty() => {
            let (first, last) = (times[0], times[times.len() - 1]);
            let x = Scale::new(first as f64, last as f64, left, right);
            times.iter().map(|&t| x.time(t)).collect()
        }
        _ => {
            let x = Scale::new(0.0, windows.len().saturating_sub(1) as f64, left, right);
            (0..windows.len()).map(|i| x.at(i as f64)).collect()
        }
    }
}

fn day(date: &str) -> Option<Millis> {
    parse_instant(&format!("{date}T00:00:00Z")).ok()
}

/// The line through the windows that have an index, and a point per window coloured
/// by its verdict.
fn line_and_points(out: &mut String, windows: &[WindowAudit], xs: &[f64], index: &Scale) {
    let points: Vec<String> = windows
        .iter()
        .zip(xs)
        .filter_map(|(w, x)| w.index.map(|v| format!("{},{}", px(*x), px(index.at(v)))))
        .collect();
    if points.len() > 1 {
        let _ = write!(
            out,
            "<polyline class=\"trend-line\" points=\"{}\"/>",
            points.join(" ")
        );
    }
    for (window, x) in windows.iter().zip(xs) {
        let Some(v) = window.index else { continue };
        let _ = write!(
            out,
            "<circle class=\"pt v-{}\" cx=\"{}\" cy=\"{}\" r=\"3.5\"><title>{}</title></circle>",
            css_word(window.verdict.as_str()),
            px(*x),
            px(index.at(v)),
            escape(&format!(
                "{} … {}: index {} ({})",
                window.from,
                window.to,
                index_text(window.index),
                window.verdict
            )),
        );
    }
}

/// The first window's first day at the left end and the last window's last day at the
/// right end.
fn dates(out: &mut String, windows: &[WindowAudit]) {
    let (_, h, left, right, _, _) = FRAME;
    let (Some(first), Some(last)) = (windows.first(), windows.last()) else {
        return;
    };
    let _ = write!(
        out,
        "<text class=\"tick\" x=\"{l}\" y=\"{y}\">{}</text><text class=\"tick\" x=\"{r}\" y=\"{y}\" text-anchor=\"end\">{}</text>",
        escape(&first.from),
        escape(&last.to),
        l = px(left),
        r = px(right),
        y = px(h - 12.0),
    );
}
