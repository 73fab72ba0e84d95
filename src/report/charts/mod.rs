//! The report's charts as inline SVG: the negotiation dance per numeric issue, the gap
//! on every numeric issue as a share of its first gap, the timeline by side
//! (swimlanes), moves per ISO week by side, each side's concessions against the threats
//! and sanctions made to it, the posture index per window and the posture index over
//! time with each window's top-level share.
//!
//! Each chart carries a `<title>` and `<desc>` that say in words what it shows, and
//! every mark has a class and a `data-seq` so the page (and the tests) can find it.
//! Heavy journals stay light: all `responds_to` links of a timeline are one `<path>`,
//! marks are `<use>` references to one symbol per kind, series are one `<path>` each
//! (thinned to a bucket's width on a long journal), and no filters are used.
//!
//! Every chart of the time axis is [`WIDTH`] units wide and writes its text at 12 units
//! or more, so that with report.css's minimum width of its `svg.chart` the text stays at
//! least 10 px on a narrow screen.

mod dance;
mod gap;
mod posture;
mod pressure;
mod timeline;
mod trend;
mod weekly;

pub use dance::dance;
pub use gap::{drawn as gaps_drawn, gap_shares, not_drawn as gaps_not_drawn, share_text};
pub use posture::{css_word, index_text, posture_windows};
pub use pressure::pressure;
pub use timeline::swimlanes;
pub use trend::posture_trend;
pub use weekly::{moves_per_week, weeks};

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

/// `text` cut after its last whole word within `limit` characters, with `…`; cut as
/// [`clip`] does when its first word is longer than that.
fn clip_words(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let head: String = text.chars().take(limit - 1).collect();
    // The head ends on a whole word when the character after it is a space.
    let whole = text.chars().nth(limit - 1) == Some(' ');
    let end = if whole {
        Some(head.len())
    } else {
        head.rfind(' ')
    };
    match end {
        Some(at) if at > 0 => format!("{}…", head[..at].trim_end_matches([',', ';', ':'])),
        _ => clip(text, limit),
    }
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
    // A label that would run into the one before it is left out; its grid line stays.
    let mut last_end = f64::MIN;
    for (t, label) in time_ticks(span.0, span.1) {
        let at = x.time(t);
        let half = label.chars().count() as f64 * 12.0 * 0.6 / 2.0;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{a}\" x2=\"{a}\" y1=\"{}\" y2=\"{}\"/>",
            px(top),
            px(bottom),
            a = px(at),
        );
        if at - half < last_end + 4.0 {
            continue;
        }
        last_end = at + half;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            px(at),
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

    /// Where a label of `chars` characters at `size` units goes beside the mark at
    /// `mark`, `gap` units away: to its right, or to its left when it would run past
    /// `right` (the chart's end); `None` when every row is taken there.
    fn place_beside(
        &mut self,
        mark: f64,
        gap: f64,
        (chars, size): (usize, f64),
        right: f64,
    ) -> Option<Beside> {
        let width = text_width(chars, size);
        let leftwards = mark + gap + width > right;
        let start = if leftwards {
            mark - gap - width
        } else {
            mark + gap
        };
        let row = self.ends.iter().position(|&end| end + 4.0 <= start)?;
        self.ends[row] = start + width;
        Some(Beside {
            row,
            dx: if leftwards { -gap } else { gap },
            anchor: if leftwards { "end" } else { "start" },
        })
    }
}

/// A label placed beside its mark: its row, its offset from the mark and its anchor.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Beside {
    row: usize,
    dx: f64,
    anchor: &'static str,
}

/// A generous width of a bold label: wider than any glyph run the page's fonts give.
fn text_width(chars: usize, size: f64) -> f64 {
    chars as f64 * size * 0.68
}

/// The places of labels wanted at `wanted` (ascending y): each at least `step` below the
/// one before, then the whole stack pulled up by as much as it runs past `floor`, so no
/// two labels of a column overprint.
fn stack_labels(wanted: &[f64], step: f64, floor: f64) -> Vec<f64> {
    let mut places: Vec<f64> = Vec::with_capacity(wanted.len());
    for at in wanted {
        let lowest = places.last().map_or(f64::MIN, |p| p + step);
        places.push(at.max(lowest));
    }
    let overrun = places.last().map_or(0.0, |p| (p - floor).max(0.0));
    places.iter().map(|p| p - overrun).collect()
}

/// The `d` of a step line through `points` (x, y; `None` lifts the pen until the next
/// point), held level to `end`.
fn step_d(points: &[(f64, Option<f64>)], end: f64) -> String {
    let mut d = String::new();
    let mut down = false;
    for (x, y) in points {
        match (y, down) {
            (Some(y), true) => {
                let _ = write!(d, "H{}V{}", px(*x), px(*y));
            }
            (Some(y), false) => {
                let _ = write!(d, "M{} {}", px(*x), px(*y));
            }
            (None, true) => {
                let _ = write!(d, "H{}", px(*x));
            }
            (None, false) => {}
        }
        down = y.is_some();
    }
    if down {
        let _ = write!(d, "H{}", px(end));
    }
    d
}

/// A step series thinned for drawing: a point closer than `min_dx` to the last one kept
/// replaces it (the first point is always kept as it is), and a point that does not
/// change the value is dropped, so a series has at most one vertex per `min_dx`.
fn thin(points: impl Iterator<Item = (f64, Option<f64>)>, min_dx: f64) -> Vec<(f64, Option<f64>)> {
    let mut kept: Vec<(f64, Option<f64>)> = Vec::new();
    for (x, y) in points {
        match kept.as_mut_slice() {
            [.., before, last] if x - last.0 < min_dx => {
                last.1 = y;
                if before.1 == y {
                    kept.pop();
                }
            }
            [.., last] if last.1 == y => {}
            _ => kept.push((x, y)),
        }
    }
    kept
}

/// The narrowest step a chart draws on `x`: a bucket's width on a journal the charts
/// aggregate, else a unit.
fn min_step(report: &Report, x: &Scale) -> f64 {
    report.bucket.map_or(1.0, |width| {
        x.time(report.span.0 + width) - x.time(report.span.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_cut_after_a_whole_word() {
        assert_eq!(
            clip_words("US reciprocal tariff on Korean goods", 24),
            "US reciprocal tariff on…"
        );
        assert_eq!(clip_words("Cost sharing, and more", 16), "Cost sharing…");
        assert_eq!(clip_words("Tariff", 24), "Tariff");
        assert_eq!(clip_words("Supercalifragilistic", 8), "Superca…");
    }

    #[test]
    fn a_label_that_would_pass_the_chart_end_turns_to_the_left_of_its_mark() {
        let mut rows = LabelRows::new(1);
        let right = rows.place_beside(100.0, 9.0, (10, 12.0), 1000.0);
        assert_eq!(
            right,
            Some(Beside {
                row: 0,
                dx: 9.0,
                anchor: "start"
            })
        );
        let left = rows.place_beside(990.0, 9.0, (10, 12.0), 1000.0);
        assert_eq!(
            left,
            Some(Beside {
                row: 0,
                dx: -9.0,
                anchor: "end"
            })
        );
        assert_eq!(rows.place_beside(985.0, 9.0, (10, 12.0), 1000.0), None);
    }

    #[test]
    fn stacked_labels_keep_their_step_and_stay_above_the_floor() {
        assert_eq!(
            stack_labels(&[10.0, 12.0, 50.0], 16.0, 100.0),
            [10.0, 26.0, 50.0]
        );
        assert_eq!(stack_labels(&[95.0, 95.0], 16.0, 100.0), [84.0, 100.0]);
    }

    #[test]
    fn a_step_line_lifts_its_pen_where_the_value_is_missing() {
        let points = [
            (0.0, Some(5.0)),
            (10.0, Some(2.0)),
            (20.0, None),
            (30.0, Some(4.0)),
        ];
        assert_eq!(step_d(&points, 40.0), "M0 5H10V2H20M30 4H40");
        assert_eq!(step_d(&[], 40.0), "");
    }

    #[test]
    fn thinning_keeps_the_first_point_and_one_per_step() {
        let points = [
            (0.0, Some(1.0)),
            (0.5, Some(2.0)),
            (0.8, Some(3.0)),
            (5.0, Some(3.0)),
            (9.0, Some(4.0)),
            (9.5, Some(3.0)),
        ];
        assert_eq!(
            thin(points.into_iter(), 2.0),
            [(0.0, Some(1.0)), (0.5, Some(3.0))]
        );
    }
}
