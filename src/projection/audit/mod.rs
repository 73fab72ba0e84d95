//! The posture audit (docs/audit-method.md): per side, six measures with their counts
//! and events, a posture index per window, window verdicts, a whole-talks verdict with the
//! rules that fired, and flags with the events behind them.
//!
//! The audit is a pure function of a [`Timeline`] and a [`Rubric`]; it reads no store
//! and writes nothing. It does not judge whether a side *should* have conceded: it
//! describes posture, and every figure can be checked by hand from the events it names.
//!
//! The audit's results are typed ([`vocab`]): verdicts, measure codes, flag kinds and
//! rules are enums carrying the figures they rest on, not sentences. The audit puts
//! nothing in words; the report does (`report::audit_words`), for the terminal, the
//! HTML page and `audit --json` (`report::audit_json`) alike.

mod flags;
mod measures;
mod moves;
pub mod rubric;
pub mod vocab;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Millis, PartyCode, PartyRole, format_date};
use crate::projection::Timeline;
pub use flags::Flag;
use measures::{Context, Slice};
pub use measures::{Counted, Figure, Measure};
pub use moves::{AuditMove, Id, Moves};
pub use rubric::Rubric;
pub use vocab::{ByMeasure, Code, FlagKind, Role, Verdict, WindowVerdict};

/// The audit of a negotiation.
#[derive(Clone, Debug)]
pub struct AuditReport {
    /// The negotiation.
    pub negotiation: String,
    /// Per side.
    pub sides: BTreeMap<String, SideAudit>,
}

/// The audit of one side.
#[derive(Clone, Debug)]
pub struct SideAudit {
    /// Flags, each with its events.
    pub flags: Vec<Flag>,
    /// The posture index over all the side's moves, in [-1, 1].
    pub index: Option<f64>,
    /// Measures with no data, left out of the index.
    pub left_out: Vec<Code>,
    /// Each measure over the whole talks.
    pub measures: ByMeasure<Measure>,
    /// How many moves the side made.
    pub moves: usize,
    /// The rules that produced the verdict.
    pub rules: Vec<Rule>,
    /// The same index from table moves only (public moves left out).
    pub table_index: Option<f64>,
    /// The whole-talks verdict.
    pub verdict: Verdict,
    /// What the verdict rests on.
    pub confidence: Confidence,
    /// Per window.
    pub windows: Vec<WindowAudit>,
}

/// What a verdict rests on: its judged windows and the side's moves; weak when one
/// window or fewer than [`Confidence::MIN_MOVES`] moves.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Confidence {
    /// The side's moves.
    pub moves: usize,
    /// True when the verdict rests on one judged window or fewer than 9 moves.
    pub weak: bool,
    /// Its judged windows.
    pub windows: usize,
}

impl Confidence {
    /// The fewest moves a verdict that is not weak rests on.
    pub const MIN_MOVES: usize = 9;

    fn of(windows: &[WindowAudit], moves: usize) -> Confidence {
        let judged = windows.iter().filter(|w| w.verdict.is_judged()).count();
        Confidence {
            moves,
            weak: judged <= 1 || moves < Confidence::MIN_MOVES,
            windows: judged,
        }
    }
}

/// One window of a side's moves.
///
/// Its fields are in alphabetical order: `audit --json` writes it straight from them,
/// keys sorted.
#[derive(Clone, Debug, Serialize)]
pub struct WindowAudit {
    /// Each component of the index (None: no data).
    pub components: ByMeasure<Option<f64>>,
    /// `at` of its first move (the start of its span, for an empty calendar window).
    pub from: String,
    /// Its posture index.
    pub index: Option<f64>,
    /// How many of the side's moves it holds.
    pub moves: usize,
    /// `at` of its last move (the end of its span, for an empty calendar window).
    pub to: String,
    /// The share of the side's table moves in it made at leader or minister level (None:
    /// no table moves). Not a component of the index.
    pub top: Option<f64>,
    /// Its verdict.
    pub verdict: WindowVerdict,
}

/// A rule that fired for a side's whole-talks verdict, with the figures it compared.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// No window is judged: the side made `moves` moves, and a verdict needs a window
    /// with `min_moves` and data.
    TooFewMoves {
        /// The side's moves.
        moves: usize,
        /// The rubric's `min_moves`.
        min_moves: usize,
    },
    /// No judged window has this verdict.
    NoWindow(WindowVerdict),
    /// The first judged window has this verdict.
    FirstWindow(WindowVerdict),
    /// The last judged window has this verdict, past `threshold`.
    LastWindow {
        /// Proactive or defensive.
        verdict: WindowVerdict,
        /// The rubric's `proactive_at` or `defensive_at`.
        threshold: f64,
    },
    /// The index went from `first` (first judged window) to `last` (last judged window).
    Change {
        /// The first judged window's index.
        first: f64,
        /// The last judged window's index.
        last: f64,
    },
    /// The index fell from `first` to `last`, by at least `drift`.
    Fell {
        /// The first judged window's index.
        first: f64,
        /// The last judged window's index.
        last: f64,
        /// The rubric's `drift`.
        drift: f64,
    },
    /// The index rose from `first` to `last`, by at least `drift`.
    Rose {
        /// The first judged window's index.
        first: f64,
        /// The last judged window's index.
        last: f64,
        /// The rubric's `drift`.
        drift: f64,
    },
    /// The judged windows' verdicts, in order.
    Path(Vec<WindowVerdict>),
    /// The party is a mediator or observer, which gets no posture verdict.
    Role(PartyRole),
}

/// Audits every side of `timeline` with `rubric`.
pub fn audit(timeline: &Timeline, rubric: &Rubric) -> AuditReport {
    let moves = Moves::new(timeline);
    let ctx = Context::new(&moves, rubric);
    let exchanges = flags::Exchanges::new(&ctx);
    // Sides are audited apart from each other, so each gets a thread of its own (at a
    // million events each side's audit is about a second), or this one where the system
    // refuses another.
    let sides = std::thread::scope(|scope| {
        let audits: Vec<_> = timeline
            .agenda
            .parties
            .iter()
            .filter_map(|party| {
                let side = moves.party_id(&party.code)?;
                let (ctx, exchanges) = (&ctx, &exchanges);
                let run = move || side_audit(ctx, exchanges, side);
                let audit = std::thread::Builder::new()
                    .spawn_scoped(scope, run)
                    .map_err(|_| run);
                Some((party.code.to_string(), audit))
            })
            .collect();
        audits
            .into_iter()
            .map(|(code, audit)| {
                let side = match audit {
                    Ok(thread) => thread
                        .join()
                        .unwrap_or_else(|p| std::panic::resume_unwind(p)),
                    Err(run) => run(),
                };
                (code, side)
            })
            .collect()
    });
    AuditReport {
        negotiation: timeline.slug.to_string(),
        sides,
    }
}

/// Audits each side's dealings with `toward` alone: for side S, only `toward`'s moves made
/// to S and S's moves made to `toward` count (docs/audit-method.md). `toward` itself is
/// not audited.
pub fn audit_toward(timeline: &Timeline, rubric: &Rubric, toward: &PartyCode) -> AuditReport {
    let agenda = &timeline.agenda;
    let sides = (agenda.parties.iter())
        .filter(|party| party.code != *toward)
        .filter_map(|party| {
            let side = &party.code;
            let keep = |m: &crate::model::Move| {
                (m.by == *toward && moves::made_to_code(agenda, m, side))
                    || (m.by == *side && moves::made_to_code(agenda, m, toward))
            };
            let moves = Moves::kept(timeline, &keep);
            let ctx = Context::new(&moves, rubric);
            let exchanges = flags::Exchanges::new(&ctx);
            let id = moves.party_id(side)?;
            Some((side.to_string(), side_audit(&ctx, &exchanges, id)))
        })
        .collect();
    AuditReport {
        negotiation: timeline.slug.to_string(),
        sides,
    }
}

fn side_audit(ctx: &Context, exchanges: &flags::Exchanges, side: Id) -> SideAudit {
    let own: Vec<&AuditMove> = ctx.moves.all.iter().filter(|m| m.by == side).collect();
    let whole = Slice {
        side,
        moves: own.clone(),
        span: 0..ctx.moves.all.len(),
        events: true,
    };
    let measures = ctx.measures(&whole);
    let (index, left_out) = posture_index(ctx.rubric, &measures.map(|_, m| m.component));
    let table = measures.map(|code, m| m.table.value.map(|v| measures::component(code, v)));
    let (table_index, _) = posture_index(ctx.rubric, &table);
    // Like a window, a side with too few moves gets no index: its figures would come
    // from the other side's moves alone.
    let (index, table_index) = if own.len() < ctx.rubric.min_moves {
        (None, None)
    } else {
        (index, table_index)
    };
    let windows = windows(ctx, side, &own);
    let (verdict, rules) = if ctx.moves.is_side(side) {
        verdict(&windows, own.len(), ctx.rubric)
    } else {
        let role = (ctx.moves.party(side))
            .and_then(|code| ctx.moves.agenda().party(code))
            .map_or(PartyRole::Party, |p| p.role);
        (Verdict::NotJudged, vec![Rule::Role(role)])
    };
    SideAudit {
        confidence: Confidence::of(&windows, own.len()),
        verdict,
        index,
        table_index,
        moves: own.len(),
        measures,
        left_out,
        rules,
        flags: [
            flags::flags(ctx, exchanges, side, &own),
            undirected(&own, &windows),
        ]
        .concat(),
        windows,
    }
}

/// `no-top-level-direction`: each judged window with table moves of the side, none of
/// them an offer, linkage or demand at leader or minister level, whose index is lower
/// than the judged window's before it.
fn undirected(own: &[&AuditMove], windows: &[WindowAudit]) -> Vec<Flag> {
    let mut out = Vec::new();
    let mut before: Option<f64> = None;
    let mut rest = own;
    for w in windows {
        let (mine, tail) = rest.split_at(w.moves.min(rest.len()));
        rest = tail;
        let Some(index) = w.index.filter(|_| w.verdict.is_judged()) else {
            continue;
        };
        let table = mine
            .iter()
            .filter(|m| m.channel == crate::model::Channel::Table);
        let directed = table.clone().any(|m| m.directs());
        if let Some(b) = before
            && table.count() > 0
            && !directed
            && index < b
        {
            out.push(Flag::NoTopLevelDirection {
                from: w.from.clone(),
                to: w.to.clone(),
                before: b,
                index,
            });
        }
        before = Some(index);
    }
    out
}

/// The weighted mean of the components that have data, and the codes left out (None:
/// no data).
fn posture_index(rubric: &Rubric, components: &ByMeasure<Option<f64>>) -> (Option<f64>, Vec<Code>) {
    let mut sum = 0.0;
    let mut weights = 0.0;
    let mut left_out = Vec::new();
    for (code, component) in components.iter() {
        let weight = rubric.weight(code);
        match *component {
            Some(value) if weight > 0.0 => {
                sum += weight * value;
                weights += weight;
            }
            Some(_) => {}
            None => left_out.push(code),
        }
    }
    ((weights > 0.0).then(|| settle(sum / weights)), left_out)
}

/// Rounds away floating-point noise (2·0.8−1 is 0.6000000000000001), so an index that
/// is exactly on a threshold by the counts is judged as on it, as a reviewer checking
/// by hand would judge it.
fn settle(x: f64) -> f64 {
    (x * 1e9).round() / 1e9
}

/// Splits the side's moves into windows and audits each. Windows are contiguous ranges
/// of the talks in valid-time order, so that every move, the other side's too, counts in
/// exactly one of them.
fn windows(ctx: &Context, side: Id, own: &[&AuditMove]) -> Vec<WindowAudit> {
    let all = &ctx.moves.all;
    let groups = match ctx.rubric.window_days {
        Some(days) => calendar_groups(own, days, all),
        None => equal_groups(own, ctx.rubric.windows, all),
    };
    let starts: Vec<usize> = groups.iter().map(|group| group.first_index).collect();
    groups
        .iter()
        .enumerate()
        .map(|(i, group)| {
            let from = if i == 0 { 0 } else { starts[i] };
            let to = starts.get(i + 1).copied().unwrap_or(all.len());
            let slice = Slice {
                side,
                moves: group.moves.clone(),
                span: from..to,
                events: false,
            };
            let mut window = window_audit(ctx, &slice);
            if group.moves.is_empty() {
                // An empty calendar window still has its dates.
                window.from = format_date(group.start);
                window.to = format_date(group.end);
            }
            window
        })
        .collect()
}

fn window_audit(ctx: &Context, slice: &Slice) -> WindowAudit {
    let components = ctx.components(slice);
    let (index, _) = posture_index(ctx.rubric, &components);
    let verdict = if slice.moves.len() < ctx.rubric.min_moves {
        WindowVerdict::TooFewMoves
    } else {
        match index {
            None => WindowVerdict::NoData,
            Some(i) if i >= ctx.rubric.proactive_at => WindowVerdict::Proactive,
            Some(i) if i <= ctx.rubric.defensive_at => WindowVerdict::Defensive,
            Some(_) => WindowVerdict::Balanced,
        }
    };
    let at_text = |m: Option<&&AuditMove>| m.map(|m| ctx.moves.at_text(m)).unwrap_or_default();
    let table: Vec<&&AuditMove> = (slice.moves.iter())
        .filter(|m| m.channel == crate::model::Channel::Table)
        .collect();
    let top = (!table.is_empty())
        .then(|| table.iter().filter(|m| m.from_the_top()).count() as f64 / table.len() as f64);
    WindowAudit {
        top,
        from: at_text(slice.moves.first()),
        to: at_text(slice.moves.last()),
        moves: slice.moves.len(),
        index: if verdict == WindowVerdict::TooFewMoves {
            None
        } else {
            index
        },
        verdict,
        components,
    }
}

/// One window's moves of a side, the time it spans, and the place in valid-time order
/// where it begins: its first move for equal windows, its first day for calendar ones.
struct Group<'a> {
    start: Millis,
    end: Millis,
    first_index: usize,
    moves: Vec<&'a AuditMove>,
}

/// `count` windows with equal numbers of moves (the first ones take the remainder),
/// except that moves sharing an `at` stay in one window. Each begins at the first move of
/// any side at its first move's `at`, so no order among lines that share an `at` decides
/// which window a move falls in.
fn equal_groups<'a>(own: &[&'a AuditMove], count: usize, all: &[AuditMove]) -> Vec<Group<'a>> {
    let count = count.clamp(1, own.len().max(1));
    let (base, extra) = (own.len() / count, own.len() % count);
    let mut out = Vec::new();
    let mut rest = own;
    for i in 0..count {
        let mut size = (base + usize::from(i < extra)).min(rest.len());
        while size > 0 && size < rest.len() && rest[size].at == rest[size - 1].at {
            size += 1;
        }
        let (group, tail) = rest.split_at(size);
        rest = tail;
        if let (Some(first), Some(last)) = (group.first(), group.last()) {
            out.push(Group {
                start: first.at,
                end: last.at,
                first_index: all.partition_point(|m| m.at < first.at),
                moves: group.to_vec(),
            });
        }
    }
    out
}

/// Calendar windows of `days` days from the side's first move.
fn calendar_groups<'a>(own: &[&'a AuditMove], days: u32, all: &[AuditMove]) -> Vec<Group<'a>> {
    let Some(first) = own.first() else {
        return Vec::new();
    };
    let span = i64::from(days) * moves::DAY;
    let mut out: Vec<Group> = Vec::new();
    for m in own {
        let slot = (m.at - first.at) / span;
        let start = first.at + slot * span;
        while out.last().is_none_or(|g| g.start < start) {
            let next = out.last().map_or(first.at, |g| g.start + span);
            out.push(Group {
                start: next,
                end: next + span - 1,
                first_index: all.partition_point(|m| m.at < next),
                moves: Vec::new(),
            });
        }
        if let Some(group) = out.last_mut() {
            group.moves.push(m);
        }
    }
    out
}

/// The whole-talks verdict and the rules that produced it (audit-method.md).
fn verdict(windows: &[WindowAudit], moves: usize, rubric: &Rubric) -> (Verdict, Vec<Rule>) {
    use WindowVerdict::{Defensive, Proactive};
    let judged: Vec<&WindowAudit> = windows.iter().filter(|w| w.verdict.is_judged()).collect();
    let (Some(first), Some(last)) = (judged.first(), judged.last()) else {
        let min_moves = rubric.min_moves;
        return (
            Verdict::TooFewMoves,
            vec![Rule::TooFewMoves { moves, min_moves }],
        );
    };
    let (a, b) = (first.index.unwrap_or(0.0), last.index.unwrap_or(0.0));
    let any = |v: WindowVerdict| judged.iter().any(|w| w.verdict == v);
    let change = Rule::Change { first: a, last: b };
    let last_proactive = Rule::LastWindow {
        verdict: Proactive,
        threshold: rubric.proactive_at,
    };
    let last_defensive = Rule::LastWindow {
        verdict: Defensive,
        threshold: rubric.defensive_at,
    };
    let drift = rubric.drift;
    if !any(Defensive) && last.verdict == Proactive {
        let rules = vec![Rule::NoWindow(Defensive), last_proactive, change];
        return (Verdict::StayedProactive, rules);
    }
    if first.verdict != Defensive && last.verdict == Defensive && settle(a - b) >= drift {
        let fell = Rule::Fell {
            first: a,
            last: b,
            drift,
        };
        let rules = vec![Rule::FirstWindow(first.verdict), last_defensive, fell];
        return (Verdict::DriftedDefensive, rules);
    }
    if !any(Proactive) && last.verdict == Defensive {
        let rules = vec![Rule::NoWindow(Proactive), last_defensive, change];
        return (Verdict::StayedDefensive, rules);
    }
    if first.verdict != Proactive && last.verdict == Proactive && settle(b - a) >= drift {
        let rose = Rule::Rose {
            first: a,
            last: b,
            drift,
        };
        let rules = vec![Rule::FirstWindow(first.verdict), last_proactive, rose];
        return (Verdict::TurnedProactive, rules);
    }
    let path = judged.iter().map(|w| w.verdict).collect();
    (Verdict::Mixed, vec![Rule::Path(path), change])
}
