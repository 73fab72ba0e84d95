//! Moves per ISO week: a bar per week (Monday to Sunday, UTC), stacked by side in agenda
//! order and coloured by party, on a count axis. Each party's bars are one `<path>`, and
//! each week one hit area with its counts as a tooltip, so a long journal costs a few
//! hundred elements, not one per move.

use std::fmt::Write;

use chrono::{DateTime, Datelike};

use crate::format::{count, number};
use crate::model::Millis;
use crate::report::html::escape;
use crate::report::model::{Report, day_text};
use crate::report::svg::{Scale, grid_line, party_style, px, value_ticks};

use super::{WIDTH, cursor, open_svg, party_index, time_axis};

/// One day in milliseconds.
const DAY: Millis = 86_400_000;

/// One ISO week with moves.
#[derive(Clone, Debug, PartialEq)]
pub struct Week {
    /// Its Monday, 00:00 UTC.
    pub monday: Millis,
    /// Its ISO name, such as `2025-W14`.
    pub name: String,
    /// Moves per party, in agenda order.
    pub moves: Vec<usize>,
}

impl Week {
    /// Every move of the week.
    pub fn total(&self) -> usize {
        self.moves.iter().sum()
    }

    /// "week 2025-W14, from 2025-03-31".
    pub fn label(&self) -> String {
        format!("week {}, from {}", self.name, day_text(self.monday))
    }
}

/// The weeks in which some party moved, oldest first.
pub fn weeks(report: &Report) -> Vec<Week> {
    let mut weeks: Vec<Week> = Vec::new();
    for m in &report.moves {
        let Some(date) = DateTime::from_timestamp_millis(m.at).map(|d| d.date_naive()) else {
            continue;
        };
        let day = m.at - m.at.rem_euclid(DAY);
        let monday = day - DAY * i64::from(date.weekday().num_days_from_monday());
        let slot = party_index(report, &m.by);
        let at = match weeks.iter().rposition(|w| w.monday == monday) {
            Some(at) => at,
            None => {
                let iso = date.iso_week();
                weeks.push(Week {
                    monday,
                    name: format!("{}-W{:02}", iso.year(), iso.week()),
                    moves: vec![0; report.parties.len().max(1)],
                });
                weeks.len() - 1
            }
        };
        if let Some(n) = weeks[at].moves.get_mut(slot) {
            *n += 1;
        }
    }
    weeks.sort_by_key(|w| w.monday);
    weeks
}

/// The chart: the week's moves as stacked bars by side.
pub fn moves_per_week(out: &mut String, report: &Report, weeks: &[Week]) {
    const HEIGHT: f64 = 250.0;
    let (left, right, top, bottom) = (64.0, WIDTH - 16.0, 30.0, HEIGHT - 30.0);
    let x = Scale::new(report.span.0 as f64, report.span.1 as f64, left, right);
    let most = weeks.iter().map(Week::total).max().unwrap_or(0).max(1);
    let ticks = value_ticks(0.0, most as f64, 4);
    let hi = ticks.last().copied().unwrap_or(1.0).max(most as f64);
    let y = Scale::new(0.0, hi, bottom, top);
    open_svg(
        out,
        "weekly",
        HEIGHT,
        (x, report.span.0, report.span.1),
        "Moves per ISO week, stacked by side",
        &desc(report, weeks),
    );
    out.push_str("<g class=\"axis y\" aria-hidden=\"true\">");
    for tick in ticks {
        grid_line(out, y.at(tick), &number(tick), tick == 0.0, (left, right));
    }
    let _ = write!(
        out,
        "<text class=\"unit-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">moves</text></g>",
        px(left - 6.0),
        px(top - 14.0),
    );
    time_axis(out, &x, report.span, top, bottom);
    let spans: Vec<(f64, f64)> = weeks.iter().map(|w| bar_span(report, &x, w)).collect();
    for (slot, party) in report.parties.iter().enumerate() {
        let mut d = String::new();
        for (week, (x0, x1)) in weeks.iter().zip(&spans) {
            let below: usize = week.moves[..slot].iter().sum();
            let n = week.moves[slot];
            if n > 0 {
                let _ = write!(
                    d,
                    "M{} {}H{}V{}H{}Z",
                    px(*x0),
                    px(y.at(below as f64)),
                    px(*x1),
                    px(y.at((below + n) as f64)),
                    px(*x0)
                );
            }
        }
        if !d.is_empty() {
            let _ = write!(
                out,
                "<path class=\"week-bars\" d=\"{d}\" fill=\"{}\" data-party=\"{}\"/>",
                party_style(party_index(report, &party.code)).0,
                escape(&party.code)
            );
        }
    }
    for (week, (x0, x1)) in weeks.iter().zip(&spans) {
        let _ = write!(
            out,
            "<rect class=\"week-hit\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" data-week=\"{}\"><title>{}</title></rect>",
            px(*x0),
            px(top),
            px(x1 - x0),
            px(bottom - top),
            week.name,
            escape(&week_tip(report, week)),
        );
    }
    cursor(out, top, bottom, right);
    out.push_str("</svg>");
}

/// The narrowest bar drawn, in units: a week of a span of years is under a unit wide.
const MIN_BAR: f64 = 3.0;

/// Where a week's bar goes: its seven days within the span, less a sliver between bars,
/// and widened about its middle to [`MIN_BAR`] when narrower.
fn bar_span(report: &Report, x: &Scale, week: &Week) -> (f64, f64) {
    let x0 = x.time(week.monday.max(report.span.0));
    let x1 = x.time((week.monday + 7 * DAY).min(report.span.1));
    let air = ((x1 - x0) * 0.12).min(2.0);
    let (x0, x1) = (x0 + air / 2.0, x1 - air / 2.0);
    let half = ((MIN_BAR - (x1 - x0)) / 2.0).max(0.0);
    (x0 - half, x1 + half)
}

/// "week 2025-W14, from 2025-03-31: 12 moves (KR 7, US 5)".
fn week_tip(report: &Report, week: &Week) -> String {
    format!(
        "{}: {} ({})",
        week.label(),
        count(week.total() as u64, "move"),
        by_party(report, &week.moves)
    )
}

/// "KR 7, US 5": each party with moves and its count.
fn by_party(report: &Report, moves: &[usize]) -> String {
    report
        .parties
        .iter()
        .zip(moves)
        .filter(|(_, n)| **n > 0)
        .map(|(p, n)| format!("{} {}", p.code, number(*n as f64)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn desc(report: &Report, weeks: &[Week]) -> String {
    let mut parts = vec![format!(
        "{} with moves out of the {} the talks span",
        count(weeks.len() as u64, "week"),
        count(span_weeks(report) as u64, "week")
    )];
    if let Some(busiest) = weeks
        .iter()
        .max_by_key(|w| (w.total(), std::cmp::Reverse(w.monday)))
    {
        parts.push(format!("the busiest was {}", week_tip(report, busiest)));
    }
    let mut totals = vec![0usize; report.parties.len()];
    for week in weeks {
        for (t, n) in totals.iter_mut().zip(&week.moves) {
            *t += n;
        }
    }
    parts.push(format!("moves in all: {}", by_party(report, &totals)));
    parts.join("; ") + ". The weeks are listed in the table below."
}

/// The ISO weeks the span touches.
fn span_weeks(report: &Report) -> i64 {
    let monday = |t: Millis| {
        let days = t.div_euclid(DAY);
        // 1970-01-01 was a Thursday: Monday is three days before.
        (days + 3).div_euclid(7)
    };
    monday(report.span.1 - 1) - monday(report.span.0) + 1
}
