//! The timeline by side: a lane per party and channel, one mark per move, the
//! `responds_to` links as one path, reviewers' notes as flags.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use crate::model::{Channel, Millis};

use super::{LabelRows, TIP, WIDTH, clip, cursor, open_svg, party_index, time_axis};
use crate::report::html::escape;
use crate::report::model::{MoveMark, Report, day_text};
use crate::report::svg::{Scale, px};

/// Above this many moves, a timeline mark's tooltip leaves the summary to the table
/// below the chart, which keeps a 10,000-move page a few megabytes lighter.
const FULL_TIPS: usize = 2000;

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
    match report.bucket {
        None => {
            notes(out, report, &x, top, bottom);
            let places = place_marks(report, &lanes, &x, top, LANE);
            links(out, report, &places);
            for (m, (mx, my)) in report.moves.iter().zip(&places) {
                move_mark(out, m, (*mx, *my), report.moves.len() <= FULL_TIPS);
            }
        }
        Some(width) => {
            note_counts(out, report, &x, top, width);
            lane_counts(out, report, &lanes, (&x, top, LANE), width);
        }
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
    let mut rows = LabelRows::new(1);
    for note in &report.notes {
        let at = x.time(note.at);
        let label = note.label.as_deref().unwrap_or("note");
        let _ = write!(
            out,
            "<g class=\"note\" data-seq=\"{seq}\"><title>#{seq} {date} {label}: {text}</title>\
             <line x1=\"{x}\" x2=\"{x}\" y1=\"{t0}\" y2=\"{b}\"/><path d=\"M{x} {t0}v-16h9l-3 4 3 4h-9\"/>",
            seq = note.seq,
            date = escape(&note.date),
            label = escape(label),
            text = escape(&clip(&note.text, TIP)),
            x = px(at),
            t0 = px(top),
            b = px(bottom),
        );
        let size = (label.chars().count(), 12.0);
        if let Some(beside) = rows.place_beside(at, 12.0, size, WIDTH) {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" dx=\"{}\" text-anchor=\"{}\">{}</text>",
                px(at),
                px(top - 9.0),
                px(beside.dx),
                beside.anchor,
                escape(label)
            );
        }
        out.push_str("</g>");
    }
}

/// A long journal's notes: one flag per bucket that has any, the count in its tooltip.
fn note_counts(out: &mut String, report: &Report, x: &Scale, top: f64, width: Millis) {
    for (start, n) in counts(report.notes.iter().map(|n| n.at), report, width) {
        let at = px(x.time(start));
        let _ = write!(
            out,
            "<g class=\"note\"><title>{n} reviewers' note(s) in the {} of {}</title><path d=\"M{at} {t0}v-16h9l-3 4 3 4h-9\"/></g>",
            Report::bucket_name(width),
            day_text(start),
            t0 = px(top),
        );
    }
}

/// How many of `times` (in order) fall in each bucket: `(bucket start, count)`.
fn counts(
    times: impl Iterator<Item = Millis>,
    report: &Report,
    width: Millis,
) -> Vec<(Millis, usize)> {
    let mut out: Vec<(Millis, usize)> = Vec::new();
    for at in times {
        let start = report.bucket_start(at, width);
        match out.iter_mut().rev().find(|c| c.0 == start) {
            Some(c) => c.1 += 1,
            None => out.push((start, 1)),
        }
    }
    out
}

/// A long journal's lanes: per lane and bucket a bar whose height is its share of the
/// busiest bucket, with the count by kind in its tooltip.
fn lane_counts(
    out: &mut String,
    report: &Report,
    lanes: &[Lane],
    (x, top, lane): (&Scale, f64, f64),
    width: Millis,
) {
    let mut buckets: HashMap<(usize, Millis), BTreeMap<&'static str, usize>> = HashMap::new();
    for m in &report.moves {
        let index = lanes
            .iter()
            .position(|l| l.party == m.by && l.channel == m.channel)
            .unwrap_or(0);
        let kinds = buckets
            .entry((index, report.bucket_start(m.at, width)))
            .or_default();
        *kinds.entry(m.kind.as_str()).or_default() += 1;
    }
    let most = buckets
        .values()
        .map(|k| k.values().sum::<usize>())
        .max()
        .unwrap_or(1);
    let mut keys: Vec<&(usize, Millis)> = buckets.keys().collect();
    keys.sort_unstable();
    let name = Report::bucket_name(width);
    for key in keys {
        let (index, start) = *key;
        let kinds = &buckets[key];
        let n: usize = kinds.values().sum();
        let h = (lane - 8.0) * n as f64 / most as f64;
        let y0 = top + lane * index as f64 + lane - 4.0 - h;
        let (x0, x1) = (
            x.time(start),
            x.time(start + width).min(x.time(report.span.1)),
        );
        let by_kind = kinds
            .iter()
            .map(|(k, c)| format!("{c} {k}"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = write!(
            out,
            "<rect class=\"mvb\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} {}, {name} of {}: {n} moves ({by_kind})</title></rect>",
            px(x0 + 0.5),
            px(y0),
            px((x1 - x0 - 1.0).max(1.0)),
            px(h.max(1.0)),
            escape(&lanes[index].party),
            lanes[index].channel,
            day_text(start),
        );
    }
}
