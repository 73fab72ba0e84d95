//! SVG building blocks for the report's charts: linear and time scales, axis ticks,
//! the symbol each kind of move is drawn with, and the party palette.
//!
//! Every kind has both a colour and a shape, so the charts read without colour; public
//! moves are drawn hollow. Nothing here knows about negotiations beyond kinds and
//! channels, and nothing here escapes text (callers pass escaped text).

use std::fmt::Write;

use chrono::{DateTime, Datelike, NaiveDate};

use crate::model::{Kind, Millis};

/// Maps a domain interval onto a pixel interval.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Scale {
    /// A scale from `[d0, d1]` to `[r0, r1]`; an empty domain maps to the middle.
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Scale {
        Scale { d0, d1, r0, r1 }
    }

    /// The pixel for `value`.
    pub fn at(&self, value: f64) -> f64 {
        if (self.d1 - self.d0).abs() < f64::EPSILON {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (value - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }

    /// The domain, `(d0, d1)`.
    pub fn domain(&self) -> (f64, f64) {
        (self.d0, self.d1)
    }

    /// The pixel for an instant.
    pub fn time(&self, millis: Millis) -> f64 {
        self.at(millis as f64)
    }
}

/// A coordinate rounded to a tenth of a pixel, for compact markup.
/// A horizontal grid line at `y` from `left` to `right`, the zero line drawn as such, with
/// its `label` as a tick to the left: the value axis of the posture charts.
pub fn grid_line(out: &mut String, y: f64, label: &str, zero: bool, (left, right): (f64, f64)) {
    use std::fmt::Write;
    let class = if zero { "zero" } else { "grid" };
    let at = px(y);
    let _ = write!(
        out,
        "<line class=\"{class}\" x1=\"{l}\" x2=\"{r}\" y1=\"{at}\" y2=\"{at}\"/>\
         <text class=\"tick\" x=\"{tx}\" y=\"{at}\" dy=\"4\" text-anchor=\"end\">{label}</text>",
        l = px(left),
        r = px(right),
        tx = px(left - 6.0),
    );
}

pub fn px(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// Round numbers between `lo` and `hi`, about `count` of them.
pub fn value_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    let span = hi - lo;
    if span <= 0.0 || !span.is_finite() {
        return vec![lo];
    }
    let raw = span / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let mut ticks = Vec::new();
    let mut tick = (lo / step).ceil() * step;
    while tick <= hi + step * 1e-9 && ticks.len() < 50 {
        ticks.push(tick);
        tick += step;
    }
    ticks
}

/// Calendar ticks between two instants: days, weeks, months, quarters or years, whichever
/// gives at most about ten labels. Each is `(instant, label)`.
pub fn time_ticks(t0: Millis, t1: Millis) -> Vec<(Millis, String)> {
    let days = (t1 - t0) / 86_400_000;
    let (Some(start), Some(end)) = (date(t0), date(t1)) else {
        return Vec::new();
    };
    let months = |step: u32, format: &str| {
        let mut out = Vec::new();
        let mut month0 = start.year() * 12 + start.month0() as i32;
        month0 += (step as i32 - month0.rem_euclid(step as i32)) % step as i32;
        loop {
            let (y, m) = (month0.div_euclid(12), month0.rem_euclid(12) as u32 + 1);
            let Some(day) = NaiveDate::from_ymd_opt(y, m, 1) else {
                break;
            };
            if day > end || out.len() > 40 {
                break;
            }
            if day >= start {
                out.push((millis(day), day.format(format).to_string()));
            }
            month0 += step as i32;
        }
        out
    };
    match days {
        0..=12 => every_days(start, end, 1),
        13..=70 => every_days(start, end, 7),
        71..=400 => months(1, "%b %Y"),
        401..=1200 => months(3, "%b %Y"),
        _ => months(12 * ((days / 3650) as u32 + 1), "%Y"),
    }
}

fn every_days(start: NaiveDate, end: NaiveDate, step: u64) -> Vec<(Millis, String)> {
    start
        .iter_days()
        .step_by(step as usize)
        .take_while(|d| *d <= end)
        .map(|d| (millis(d), d.format("%d %b").to_string()))
        .collect()
}

fn date(t: Millis) -> Option<NaiveDate> {
    DateTime::from_timestamp_millis(t).map(|d| d.date_naive())
}

fn millis(day: NaiveDate) -> Millis {
    day.and_hms_opt(0, 0, 0)
        .map(|n| n.and_utc().timestamp_millis())
        .unwrap_or_default()
}

/// The path of each kind's symbol, centred on the origin, about 12 px across.
pub fn symbol_path(kind: Kind) -> &'static str {
    match kind {
        Kind::Offer => "M5.5 0A5.5 5.5 0 1 1-5.5 0A5.5 5.5 0 1 1 5.5 0Z",
        Kind::Demand => "M0-6.5L6 4.5H-6Z",
        Kind::Concession => "M0 6.5L6-4.5H-6Z",
        Kind::Acceptance => "M0-7L7 0L0 7L-7 0Z",
        Kind::Rejection => "M-5-3L-3-5L0-2L3-5L5-3L2 0L5 3L3 5L0 2L-3 5L-5 3L-2 0Z",
        Kind::Rebuttal => "M0-6L5.7-1.9L3.5 4.9H-3.5L-5.7-1.9Z",
        Kind::Threat => {
            "M0-7L1.7-2.3L6.6-2.2L2.7 0.9L4.1 5.7L0 2.9L-4.1 5.7L-2.7 0.9L-6.6-2.2L-1.7-2.3Z"
        }
        Kind::Sanction => "M-5-5H5V5H-5Z",
        Kind::Implementation => "M6 0L3 5.2H-3L-6 0L-3-5.2H3Z",
        Kind::Meeting => "M6 0A6 6 0 1 1-6 0A6 6 0 1 1 6 0ZM3 0A3 3 0 1 0-3 0A3 3 0 1 0 3 0Z",
        Kind::Statement => "M-6-2H6V2H-6Z",
        Kind::Linkage => "M-2-6H2V-2H6V2H2V6H-2V2H-6V-2H-2Z",
        Kind::Retraction => "M-6.5 0L5-6V6Z",
        Kind::Opening | Kind::Agenda | Kind::Correction | Kind::Annotation => "M-3-3H3V3H-3Z",
    }
}

/// The moves' kinds in the order the legend lists them.
pub const MOVE_KINDS: [Kind; 13] = [
    Kind::Offer,
    Kind::Demand,
    Kind::Concession,
    Kind::Acceptance,
    Kind::Rejection,
    Kind::Rebuttal,
    Kind::Threat,
    Kind::Sanction,
    Kind::Implementation,
    Kind::Meeting,
    Kind::Statement,
    Kind::Linkage,
    Kind::Retraction,
];

/// Each kind's colour: colour-blind-safe families (cooperative blues and greens,
/// coercive reds, neutral greys and browns), each at least 3:1 against white.
pub fn kind_colour(kind: Kind) -> &'static str {
    match kind {
        Kind::Offer => "#1f5fa8",
        Kind::Demand => "#c25100",
        Kind::Concession => "#00806f",
        Kind::Acceptance => "#2d6a1f",
        Kind::Rejection => "#b3202a",
        Kind::Rebuttal => "#8e3b9e",
        Kind::Threat => "#d1245a",
        Kind::Sanction => "#6d1010",
        Kind::Implementation => "#4b4fb5",
        Kind::Meeting => "#5f6368",
        Kind::Statement => "#7b8086",
        Kind::Linkage => "#8c5a0a",
        Kind::Retraction => "#a0527f",
        Kind::Opening | Kind::Agenda | Kind::Correction | Kind::Annotation => "#444",
    }
}

/// The party palette: the Okabe–Ito colours (told apart with the common colour-vision
/// deficiencies; its yellow, too faint on white, darkened to olive), each with a dash
/// pattern of its own and the ink that reads on it as a badge.
const PALETTE: [(&str, &str, &str); 8] = [
    ("#0072b2", "", "#fff"),
    ("#d55e00", "7 4", "#fff"),
    ("#009e73", "2 3", "#fff"),
    ("#cc79a7", "10 3 2 3", "#000"),
    ("#e69f00", "4 2", "#000"),
    ("#56b4e9", "12 4", "#000"),
    ("#000000", "1 3", "#fff"),
    ("#999933", "6 2 1 2 1 2", "#000"),
];

/// A party's line colour and dash pattern, by its place in the agenda: distinct for the
/// first eight parties in both colour and dash, and distinct as a pair for 64.
pub fn party_style(index: usize) -> (&'static str, &'static str) {
    let n = PALETTE.len();
    (PALETTE[index % n].0, PALETTE[(index + index / n) % n].1)
}

/// The text colour on a party's badge.
pub fn party_ink(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()].2
}

/// The `<defs>` every chart shares: one symbol per kind, used by `<use href="#k-KIND">`.
pub fn symbol_defs() -> String {
    let mut out =
        String::from("<svg class=\"defs\" aria-hidden=\"true\" width=\"0\" height=\"0\"><defs>");
    for kind in MOVE_KINDS {
        let _ = write!(
            out,
            "<path id=\"k-{kind}\" d=\"{}\" fill-rule=\"evenodd\"/>",
            symbol_path(kind)
        );
    }
    out.push_str("<pattern id=\"gap-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fbe3a6\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#e0b44c\" stroke-width=\"1.5\"/></pattern>");
    out.push_str("</defs></svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_ticks_are_round_and_cover_the_range() {
        assert_eq!(
            value_ticks(0.0, 25.0, 5),
            vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0]
        );
        assert_eq!(value_ticks(3.0, 3.0, 5), vec![3.0]);
    }

    #[test]
    fn time_ticks_pick_months_for_a_year() {
        let t0 = millis(NaiveDate::from_ymd_opt(2025, 3, 4).unwrap());
        let t1 = millis(NaiveDate::from_ymd_opt(2025, 12, 4).unwrap());
        let ticks = time_ticks(t0, t1);
        assert_eq!(ticks.first().map(|t| t.1.as_str()), Some("Apr 2025"));
        assert_eq!(ticks.len(), 9);
    }

    #[test]
    fn party_styles_stay_distinct() {
        let styles: std::collections::HashSet<_> = (0..64).map(party_style).collect();
        assert_eq!(styles.len(), 64);
        let colours: std::collections::HashSet<_> = (0..8).map(|i| party_style(i).0).collect();
        let dashes: std::collections::HashSet<_> = (0..8).map(|i| party_style(i).1).collect();
        assert_eq!((colours.len(), dashes.len()), (8, 8));
    }

    #[test]
    fn scales_map_ends_to_ends() {
        let s = Scale::new(0.0, 10.0, 100.0, 200.0);
        assert_eq!(s.at(5.0), 150.0);
        assert_eq!(Scale::new(1.0, 1.0, 0.0, 10.0).at(1.0), 5.0);
    }
}
