//! The report's charts as inline SVG: the negotiation dance per numeric issue, the
//! timeline by side (swimlanes), the posture index per window and the posture index over
//! time with each window's top-level share.
//!
//! Each chart carries a `<title>` and `<desc>` that say in words what it shows, and
//! every mark has a class and a `data-seq` so the page (and the tests) can find it.
//! Heavy journals stay light: all `responds_to` links of a timeline are one `<path>`,
//! marks are `<use>` references to one symbol per kind, and no filters are used.

mod dance;
mod posture;
mod timeline;
mod trend;

pub use dance::dance;
pub use posture::{css_word, index_text, posture_windows};
pub use timeline::swimlanes;
pub use trend::posture_trend;

use std::fmt::Write;

use crate::model::Millis;

use super::html::escape;
use super::model::Report;
use super::svg::{Scale, px, time_ticks};

/// Width of every time chart, in viewBox units.
const WIDTH: f64 = 1000.0;
/// Longest summary shown in a mark's tooltip.
const TIP: usize = 180;

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
            px(bottom + 19.0),
            escape(&label)
        );
    }
    out.push_str("</g>");
}

/// Rows of text labels along a chart's time axis: each label takes the first row in
/// which it does not run into the label before it, or none (then the chart leaves it
/// to the mark's tooltip and the table), so no two labels ever overprint.
struct LabelRows {
    ends: Vec<f64>,
}

impl LabelRows {
    fn new(rows: usize) -> LabelRows {
        LabelRows {
            ends: vec![f64::MIN; rows],
        }
    }

    /// The row for a label of `chars` characters at `size` units starting at `x`.
    fn place(&mut self, x: f64, chars: usize, size: f64) -> Option<usize> {
        let width = text_width(chars, size);
        let row = self.ends.iter().position(|&end| end + 4.0 <= x)?;
        self.ends[row] = x + width;
        Some(row)
    }
}

/// A generous width of a bold label: wider than any glyph run the page's fonts give.
fn text_width(chars: usize, size: f64) -> f64 {
    chars as f64 * size * 0.68
}
