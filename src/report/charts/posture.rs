//! The posture chart: one side's index per window on [-1, 1], with the verdict lines.

use std::fmt::Write;

use crate::projection::audit::{SideAudit, WindowAudit};
use crate::report::html::escape;
use crate::report::svg::{Scale, grid_line, px};

/// The posture chart's frame: width, height and the plot's left, right, top, bottom.
const POSTURE: (f64, f64, f64, f64, f64, f64) = (460.0, 190.0, 44.0, 386.0, 14.0, 150.0);

/// One side's posture index per window: bars on [-1, 1] with the ±0.2 verdict lines,
/// each bar labelled with its index and verdict in words.
pub fn posture_windows(out: &mut String, party: &str, side: &SideAudit, n: usize) {
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
        party = escape(party),
    );
    posture_grid(out, &y);
    let slot = (right - left) / side.windows.len().max(1) as f64;
    for (i, window) in side.windows.iter().enumerate() {
        window_bar(out, window, (left + slot * (i as f64 + 0.5), slot), &y);
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
        grid_line(out, y.at(value), label, value == 0.0, (left, right));
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
fn window_bar(out: &mut String, window: &WindowAudit, (cx, slot): (f64, f64), y: &Scale) {
    let bar = (slot * 0.5).min(70.0);
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
            verdict = css_word(window.verdict.as_str()),
        );
    }
    let label_y = match window.index {
        Some(v) if v < 0.0 => y.at(v) + 14.0,
        Some(v) => y.at(v) - 6.0,
        None => y.at(0.0) - 6.0,
    };
    // Labels only where they fit their slot; the windows table gives every figure.
    if slot >= 48.0 {
        let _ = write!(
            out,
            "<text class=\"val\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(cx),
            px(label_y),
            escape(&index_text(window.index)),
        );
    }
    if slot >= 84.0 {
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}–</text>\
             <text class=\"tick\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(bottom + 16.0),
            escape(&window.from),
            px(bottom + 30.0),
            escape(&window.to),
            cx = px(cx),
        );
    }
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
