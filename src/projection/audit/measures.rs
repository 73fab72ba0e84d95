//! The six measures of docs/audit-method.md, each computed over a slice of one side's
//! moves (a window, or the whole talks), with the events behind every count.
//!
//! Every figure comes twice: with all moves (public ones weighted by the rubric's
//! `public_weight`) and with table moves only, so rhetoric can be told from substance.

use std::ops::Range;

use super::moves::{AuditMove, DAY, FastMap, Id, Moves, Point, Points, Series};
use super::rubric::Rubric;
use super::vocab::{ByMeasure, Code, Role};
use crate::model::{Direction, Kind};

/// Which moves a figure counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channels {
    /// Every move, public ones at the rubric's weight.
    All,
    /// Table (and back-channel) moves only.
    TableOnly,
}

/// The part of one side's moves a figure is about.
pub struct Slice<'a> {
    /// The side.
    pub side: Id,
    /// Its moves in the slice.
    pub moves: Vec<&'a AuditMove>,
    /// The places in valid-time order ([`AuditMove::index`]) the slice covers, every
    /// side's moves included: the counterpart's moves in it count with the side's.
    pub span: Range<usize>,
    /// True to list the events behind each figure. A window's figures only feed its
    /// index, so they list none: at a million events, listing them per window would
    /// take most of the audit's memory.
    pub events: bool,
}

/// One figure: a value with the counts it comes from and the events behind them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figure {
    /// Of the packaged moves, those spanning two or more tracks (PK only).
    pub cross_track: Option<f64>,
    /// The count below (for RV: the score received).
    pub denominator: f64,
    /// The events counted, each with its role.
    pub events: Vec<Counted>,
    /// The count on top (for RV: the score given).
    pub numerator: f64,
    /// The value, or None when there is nothing to count.
    pub value: Option<f64>,
}

/// An event behind a figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Counted {
    /// What it counted as.
    pub role: Role,
    /// Its seq.
    pub seq: u64,
    /// Its weight in the count.
    pub weight: f64,
}

/// One measure: the figure with all moves, the figure with table moves only, and its
/// component of the posture index.
#[derive(Clone, Debug, PartialEq)]
pub struct Measure {
    /// With all moves.
    pub all: Figure,
    /// Its component in [-1, 1], or None when there is no data.
    pub component: Option<f64>,
    /// With table moves only.
    pub table: Figure,
}

impl Measure {
    /// The value the index uses (all moves, public weighted).
    pub fn value(&self) -> Option<f64> {
        self.all.value
    }
}

/// Computes one measure's figure.
type FigureFn<'a> = fn(&Context<'a>, &Slice, Channels) -> Figure;

/// Something given in the talks ([`Context::gives`]): the move that gives, and the move
/// that dates the giving, as places in valid-time order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Give {
    /// What was given.
    pub giver: usize,
    /// The move that dates it (the acceptance, for an accepted offer).
    pub dated: usize,
}

/// What every measure reads: the moves, the rubric, and what is worked out once for all
/// slices (each window of each side reads the same series, gives and answers; working
/// them out per slice would make the audit quadratic in the journal).
pub struct Context<'a> {
    /// Every move.
    pub moves: &'a Moves<'a>,
    /// The rubric.
    pub rubric: &'a Rubric,
    /// Stated numbers with public ones at the rubric's weight.
    series_all: Series,
    /// Stated numbers from table moves only.
    series_table: Series,
    /// The places of the concessions, in valid-time order.
    concessions: Vec<usize>,
    /// Everything given, in the order of the moves that date it.
    gives: Vec<Give>,
    /// Per move, the counterpart threat or sanction it answers (concessions and
    /// acceptances only).
    pressure: Vec<Option<u64>>,
    /// Per move, true when a counterpart concession matches it (concessions only).
    reciprocated: Vec<bool>,
}

impl<'a> Context<'a> {
    /// Works out what every slice reads.
    pub fn new(moves: &'a Moves<'a>, rubric: &'a Rubric) -> Context<'a> {
        let concessions: Vec<usize> = moves
            .all
            .iter()
            .filter(|m| m.kind == Kind::Concession)
            .map(|m| m.index)
            .collect();
        Context {
            series_all: moves.series(rubric.public_weight),
            series_table: moves.series(0.0),
            gives: gives(moves),
            pressure: pressure(moves, rubric.pressure_days),
            reciprocated: reciprocated(moves, &concessions, rubric.reciprocity_days),
            concessions,
            moves,
            rubric,
        }
    }

    fn weight(&self, m: &AuditMove, channels: Channels) -> f64 {
        match (m.is_public(), channels) {
            (false, _) => 1.0,
            (true, Channels::All) => self.rubric.public_weight,
            (true, Channels::TableOnly) => 0.0,
        }
    }

    /// All six measures over `slice`.
    pub fn measures(&self, slice: &Slice) -> ByMeasure<Measure> {
        ByMeasure::from_fn(|code| {
            let figure = figure_fn(code);
            let all = figure(self, slice, Channels::All);
            Measure {
                component: all.value.map(|v| component(code, v)),
                table: figure(self, slice, Channels::TableOnly),
                all,
            }
        })
    }

    /// Each measure's component over `slice`, from all moves (public ones weighted): what
    /// a window's index reads, without the table-only figures.
    pub fn components(&self, slice: &Slice) -> ByMeasure<Option<f64>> {
        ByMeasure::from_fn(|code| {
            let value = figure_fn(code)(self, slice, Channels::All).value;
            value.map(|v| component(code, v))
        })
    }

    /// INI: initiations / (initiations + reactions).
    fn initiative(&self, slice: &Slice, channels: Channels) -> Figure {
        let mut figure = Figure::with_room(slice, slice.moves.len());
        for m in &slice.moves {
            let weight = self.weight(m, channels);
            let reaction = m.answers.is_some()
                || matches!(m.kind, Kind::Acceptance | Kind::Rejection | Kind::Rebuttal);
            let initiation = !reaction
                && matches!(
                    m.kind,
                    Kind::Offer
                        | Kind::Demand
                        | Kind::Linkage
                        | Kind::Threat
                        | Kind::Sanction
                        | Kind::Concession
                );
            if weight == 0.0 || !(reaction || initiation) {
                continue;
            }
            figure.denominator += weight;
            if initiation {
                figure.numerator += weight;
            }
            figure.note(
                slice.events,
                Counted {
                    seq: m.seq,
                    role: if initiation {
                        Role::Initiation
                    } else {
                        Role::Reaction
                    },
                    weight,
                },
            );
        }
        figure.ratio()
    }

    /// CB: the side's movement toward the other's preference, as a share of all movement.
    fn concession_balance(&self, slice: &Slice, channels: Channels) -> Figure {
        let mut figure = Figure::default();
        let series = match channels {
            Channels::All => &self.series_all,
            Channels::TableOnly => &self.series_table,
        };
        let mut numeric = vec![false; self.moves.issue_count()];
        // Every side's movement, summed smallest first once all is known, so the sums
        // do not depend on the order of the issues or the parties' codes.
        let (mut mine_moved, mut all_moved) = (Vec::new(), Vec::new());
        for def in &self.moves.agenda().issues {
            // Numbers count only where `prefer` says which way is a concession; an issue
            // with numbers and no preference counts its concessions, as one without numbers.
            if def.prefer.is_empty() {
                continue;
            }
            let Some(issue) = self.moves.issue_id(&def.key) else {
                continue;
            };
            let Some(gap) = opening_gap(series, issue) else {
                continue;
            };
            numeric[issue] = true;
            for (party, points) in series.issue(issue) {
                let Some(direction) = self.moves.concession_direction(issue, *party) else {
                    continue;
                };
                let mine = *party == slice.side;
                // The side's own steps all count; another side's when made to the side.
                let counts =
                    |p: &Point| mine || self.moves.made_to(&self.moves.all[p.index], slice.side);
                let stated = in_span(points, &slice.span);
                let moved = movement(points, stated.clone(), direction, counts) / gap;
                if moved <= 0.0 {
                    continue;
                }
                all_moved.push(moved);
                if mine {
                    mine_moved.push(moved);
                }
                if let Some(point) = points[stated].last() {
                    figure.note(
                        slice.events,
                        Counted {
                            seq: point.seq,
                            role: if mine {
                                Role::MovedToward
                            } else {
                                Role::CounterpartMoved
                            },
                            weight: moved,
                        },
                    );
                }
            }
        }
        figure.numerator += sum_sorted(mine_moved);
        figure.denominator += sum_sorted(all_moved);
        let counted_by_number = |m: &AuditMove| m.issues.iter().all(|&i| numeric[i]);
        for m in slice
            .moves
            .iter()
            .filter(|m| m.kind == Kind::Concession && !counted_by_number(m))
        {
            let weight = self.weight(m, channels);
            figure.numerator += weight;
            figure.denominator += weight;
            figure.note(
                slice.events,
                Counted {
                    seq: m.seq,
                    role: Role::Concession,
                    weight,
                },
            );
        }
        for m in self
            .concessions_in(&slice.span)
            .filter(|m| self.moves.made_to(m, slice.side) && !counted_by_number(m))
        {
            let weight = self.weight(m, channels);
            figure.denominator += weight;
            figure.note(
                slice.events,
                Counted {
                    seq: m.seq,
                    role: Role::CounterpartConcession,
                    weight,
                },
            );
        }
        figure.ratio()
    }

    /// Every side's concessions within `span`, in valid-time order.
    fn concessions_in<'m>(&'m self, span: &Range<usize>) -> impl Iterator<Item = &'m AuditMove> {
        let start = self.concessions.partition_point(|&i| i < span.start);
        let end = self.concessions.partition_point(|&i| i < span.end);
        self.concessions[start..end.max(start)]
            .iter()
            .map(|&i| &self.moves.all[i])
    }

    /// CUP: concessions and acceptances answering a counterpart threat or sanction.
    fn under_pressure(&self, slice: &Slice, channels: Channels) -> Figure {
        let mut figure = Figure::with_room(slice, slice.moves.len() / 4);
        for m in slice
            .moves
            .iter()
            .filter(|m| matches!(m.kind, Kind::Concession | Kind::Acceptance))
        {
            let weight = self.weight(m, channels);
            if weight == 0.0 {
                continue;
            }
            figure.denominator += weight;
            match self.pressure_on(m) {
                Some(threat) => {
                    figure.numerator += weight;
                    figure.note(
                        slice.events,
                        Counted {
                            seq: m.seq,
                            role: Role::UnderPressure,
                            weight,
                        },
                    );
                    figure.note(
                        slice.events,
                        Counted {
                            seq: threat,
                            role: Role::ThePressure,
                            weight: 0.0,
                        },
                    );
                }
                None => figure.note(
                    slice.events,
                    Counted {
                        seq: m.seq,
                        role: Role::Free,
                        weight,
                    },
                ),
            }
        }
        figure.ratio()
    }

    /// The counterpart threat or sanction `m` (a concession or acceptance) answers, by
    /// `responds_to` or by time on a shared issue.
    pub fn pressure_on(&self, m: &AuditMove) -> Option<u64> {
        self.pressure.get(m.index).copied().flatten()
    }

    /// REC: concessions matched by a counterpart concession within the reciprocity span.
    fn reciprocity(&self, slice: &Slice, channels: Channels) -> Figure {
        let mut figure = Figure::with_room(slice, slice.moves.len() / 4);
        for m in slice.moves.iter().filter(|m| m.kind == Kind::Concession) {
            let weight = self.weight(m, channels);
            if weight == 0.0 {
                continue;
            }
            figure.denominator += weight;
            let matched = self.reciprocated(m);
            if matched {
                figure.numerator += weight;
            }
            figure.note(
                slice.events,
                Counted {
                    seq: m.seq,
                    role: if matched {
                        Role::Reciprocated
                    } else {
                        Role::Unreciprocated
                    },
                    weight,
                },
            );
        }
        figure.ratio()
    }

    /// True when a counterpart concession falls within the reciprocity span of `m` (a
    /// concession).
    pub fn reciprocated(&self, m: &AuditMove) -> bool {
        self.reciprocated.get(m.index).copied().unwrap_or(false)
    }

    /// PK: offers, demands, concessions and linkages that bundle.
    fn packaging(&self, slice: &Slice, channels: Channels) -> Figure {
        let mut figure = Figure {
            cross_track: Some(0.0),
            ..Figure::with_room(slice, slice.moves.len())
        };
        for m in slice.moves.iter().filter(|m| bundling_kind(m.kind)) {
            let weight = self.weight(m, channels);
            if weight == 0.0 {
                continue;
            }
            figure.denominator += weight;
            let role = if !is_packaged(m) {
                Role::SingleIssue
            } else if m.cross_track {
                figure.numerator += weight;
                figure.cross_track = figure.cross_track.map(|c| c + weight);
                Role::CrossTrackPackage
            } else {
                figure.numerator += weight;
                Role::Package
            };
            figure.note(
                slice.events,
                Counted {
                    seq: m.seq,
                    role,
                    weight,
                },
            );
        }
        figure.ratio()
    }

    /// RV: reversibility of what the side gave minus what it received.
    fn reversibility(&self, slice: &Slice, channels: Channels) -> Figure {
        // The gives are in the order of the moves that date them, so the slice's are a
        // run of them.
        let start = self.gives.partition_point(|g| g.dated < slice.span.start);
        let end = self.gives.partition_point(|g| g.dated < slice.span.end);
        let mut figure = Figure::with_room(slice, end.saturating_sub(start));
        let mut counted = false;
        for give in &self.gives[start..end.max(start)] {
            let (giver, dated) = (&self.moves.all[give.giver], &self.moves.all[give.dated]);
            let mine = giver.by == slice.side;
            if !mine && !self.moves.made_to(giver, slice.side) {
                continue;
            }
            let Some(level) = giver.reversibility else {
                continue;
            };
            let weight = self.weight(dated, channels);
            if weight == 0.0 {
                continue;
            }
            let score = self.rubric.score(level) * weight;
            counted = true;
            if mine {
                figure.numerator += score;
                figure.note(
                    slice.events,
                    Counted {
                        seq: giver.seq,
                        role: Role::Given,
                        weight: score,
                    },
                );
            } else {
                figure.denominator += score;
                figure.note(
                    slice.events,
                    Counted {
                        seq: giver.seq,
                        role: Role::Received,
                        weight: score,
                    },
                );
            }
        }
        if !counted {
            return figure;
        }
        figure.value = Some(figure.numerator - figure.denominator);
        figure
    }

    /// Everything given in the talks: concessions and implementations (the move gives),
    /// and offers accepted by the other side (the offer gives, at the acceptance), in
    /// the order of the moves that date them.
    pub fn gives(&self) -> &[Give] {
        &self.gives
    }
}

/// Everything given in the talks ([`Context::gives`]).
fn gives(moves: &Moves) -> Vec<Give> {
    let mut out = Vec::new();
    for m in &moves.all {
        match m.kind {
            Kind::Concession | Kind::Implementation => out.push(Give {
                giver: m.index,
                dated: m.index,
            }),
            Kind::Acceptance => {
                if let Some(offer) = moves
                    .answers_counterpart(m)
                    .filter(|o| o.kind == Kind::Offer)
                {
                    out.push(Give {
                        giver: offer.index,
                        dated: m.index,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Per move, the counterpart threat or sanction each concession and acceptance answers:
/// the one it `responds_to`, else the latest made to its side within `days` before it on
/// a shared issue. Those are found by binary search in per-(party, issue) lists, so a
/// concession does not scan the thousands of moves of its fortnight.
fn pressure(moves: &Moves, days: u32) -> Vec<Option<u64>> {
    let coercive = |t: &AuditMove| matches!(t.kind, Kind::Threat | Kind::Sanction);
    let span = i64::from(days) * DAY;
    let mut made_to: FastMap<(Id, Id), Vec<usize>> = FastMap::default();
    for t in moves.all.iter().filter(|t| coercive(t)) {
        for party in (0..moves.party_count()).filter(|&p| moves.made_to(t, p)) {
            for &issue in &t.issues {
                let list = made_to.entry((party, issue)).or_default();
                if list.last() != Some(&t.index) {
                    list.push(t.index);
                }
            }
        }
    }
    let mut out = vec![None; moves.all.len()];
    for m in moves
        .all
        .iter()
        .filter(|m| matches!(m.kind, Kind::Concession | Kind::Acceptance))
    {
        if let Some(target) = moves.answers_counterpart(m).filter(|t| coercive(t)) {
            out[m.index] = Some(target.seq);
            continue;
        }
        let from = m.at.saturating_sub(span);
        let latest = m
            .issues
            .iter()
            .filter_map(|&issue| made_to.get(&(m.by, issue)))
            .filter_map(|list| {
                let before = list.partition_point(|&i| i < m.index);
                before.checked_sub(1).map(|k| list[k])
            })
            .filter(|&i| {
                let t = &moves.all[i];
                t.at >= from && m.at - t.at <= span
            })
            .max();
        out[m.index] = latest.map(|i| moves.all[i].seq);
    }
    out
}

/// Per move, true for each concession matched by a concession made to its side within
/// `days` before or after it, found by binary search in per-party lists of `at`.
fn reciprocated(moves: &Moves, concessions: &[usize], days: u32) -> Vec<bool> {
    let span = i64::from(days) * DAY;
    let mut made_to: Vec<Vec<i64>> = vec![Vec::new(); moves.party_count()];
    for c in concessions.iter().map(|&i| &moves.all[i]) {
        for (party, ats) in made_to.iter_mut().enumerate() {
            if moves.made_to(c, party) {
                ats.push(c.at);
            }
        }
    }
    let mut out = vec![false; moves.all.len()];
    for m in concessions.iter().map(|&i| &moves.all[i]) {
        let Some(ats) = made_to.get(m.by) else {
            continue;
        };
        let (from, to) = (m.at.saturating_sub(span), m.at.saturating_add(span));
        let first = ats.partition_point(|&at| at < from);
        out[m.index] = ats[first..]
            .iter()
            .take_while(|&&at| at <= to)
            .any(|&at| (at - m.at).abs() <= span);
    }
    out
}

impl Figure {
    /// An empty figure with room for `events` events, when the slice lists them.
    fn with_room(slice: &Slice, events: usize) -> Figure {
        Figure {
            events: Vec::with_capacity(if slice.events { events } else { 0 }),
            ..Figure::default()
        }
    }

    /// Lists `counted` behind the figure, when the slice lists events.
    fn note(&mut self, listed: bool, counted: Counted) {
        if listed {
            self.events.push(counted);
        }
    }

    fn ratio(mut self) -> Figure {
        self.value = (self.denominator > 0.0).then(|| self.numerator / self.denominator);
        self
    }
}

/// True for the kinds PK counts, whose bundles are packages: offers, demands, concessions
/// and linkages.
pub fn bundling_kind(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Offer | Kind::Demand | Kind::Concession | Kind::Linkage
    )
}

/// True when a move bundles: several issues, a package, a condition, or a linkage.
pub fn is_packaged(m: &AuditMove) -> bool {
    m.issues.len() >= 2 || m.package.is_some() || m.conditional || m.kind == Kind::Linkage
}

/// The function that computes the figure of `code`.
fn figure_fn<'a>(code: Code) -> FigureFn<'a> {
    match code {
        Code::Ini => Context::initiative,
        Code::Cb => Context::concession_balance,
        Code::Cup => Context::under_pressure,
        Code::Rec => Context::reciprocity,
        Code::Pk => Context::packaging,
        Code::Rv => Context::reversibility,
    }
}

/// The measure's component of the index, in [-1, 1]; positive means proactive.
pub fn component(code: Code, value: f64) -> f64 {
    match code {
        Code::Ini | Code::Rec | Code::Pk => 2.0 * value - 1.0,
        Code::Cb | Code::Cup => 1.0 - 2.0 * value,
        Code::Rv => -(value / 3.0).clamp(-1.0, 1.0),
    }
}

/// The issue's opening gap: the highest first number any side stated minus the lowest,
/// when two or more sides stated one and it is not zero.
fn opening_gap(series: &Series, issue: Id) -> Option<f64> {
    let firsts = series
        .issue(issue)
        .iter()
        .filter_map(|(_, points)| points.first());
    let (low, high, count) = firsts.fold((f64::MAX, f64::MIN, 0), |(low, high, n), p| {
        (low.min(p.value), high.max(p.value), n + 1)
    });
    let gap = high - low;
    (count >= 2 && gap > 0.0).then_some(gap)
}

/// `values` summed smallest first: the same total in whatever order they came.
fn sum_sorted(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.iter().sum()
}

/// The run of `points` (in valid-time order) stated within `span`.
fn in_span(points: &Points, span: &Range<usize>) -> Range<usize> {
    let start = points.partition_point(|p| p.index < span.start);
    let end = points.partition_point(|p| p.index < span.end);
    start..end.max(start)
}

/// The net movement in `direction` of the numbers `points[stated]` over the steps whose
/// stating point `counts`, each step from the number before it weighted by the stating
/// move's channel weight; a number stated after a retraction is a new start, not a step.
fn movement(
    points: &Points,
    stated: Range<usize>,
    direction: Direction,
    counts: impl Fn(&Point) -> bool,
) -> f64 {
    // Each step pairs a stated number with the one before it, stated in the span or not.
    let from = stated.start.saturating_sub(1);
    points
        .get(from..stated.end)
        .unwrap_or_default()
        .windows(2)
        .filter(|pair| !pair[1].fresh && counts(&pair[1]))
        .map(|pair| pair[1].weight * toward(direction, pair[0].value, pair[1].value))
        .sum()
}

fn toward(direction: Direction, before: f64, after: f64) -> f64 {
    match direction {
        Direction::Higher => after - before,
        Direction::Lower => before - after,
    }
}
