//! The six measures of docs/audit-method.md, each computed over a slice of one side's
//! moves (a window, or the whole talks), with the events behind every count.
//!
//! Every figure comes twice: with all moves (public ones weighted by the rubric's
//! `public_weight`) and with table moves only, so rhetoric can be told from substance.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use super::moves::{AuditMove, DAY, Moves, Points, Series};
use super::rubric::Rubric;
use crate::model::{Direction, IssueKey, Kind, PartyCode};

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
    pub side: &'a PartyCode,
    /// Its moves in the slice.
    pub moves: Vec<&'a AuditMove>,
    /// The places in valid-time order ([`AuditMove::index`]) the slice covers, every
    /// side's moves included: the counterpart's moves in it count with the side's.
    pub span: Range<usize>,
}

/// One figure: a value with the counts it comes from and the events behind them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figure {
    /// The value, or null when there is nothing to count.
    pub value: Option<f64>,
    /// The count on top (for RV: the score given).
    pub numerator: f64,
    /// The count below (for RV: the score received).
    pub denominator: f64,
    /// Of the packaged moves, those spanning two or more tracks (PK only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_track: Option<f64>,
    /// The events counted, each with its role.
    pub events: Vec<Counted>,
}

/// An event behind a figure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Counted {
    /// Its seq.
    pub seq: u64,
    /// What it counted as.
    pub role: &'static str,
    /// Its weight in the count.
    pub weight: f64,
}

/// One measure: the figure with all moves, the figure with table moves only, and its
/// component of the posture index.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measure {
    /// The measure's name.
    pub name: &'static str,
    /// The value the index uses (all moves, public weighted).
    pub value: Option<f64>,
    /// Its component in [-1, 1], or null when there is no data.
    pub component: Option<f64>,
    /// With all moves.
    pub all: Figure,
    /// With table moves only.
    pub table: Figure,
    /// The figure in words, counts included.
    pub reading: String,
}

/// Computes one measure's figure.
type FigureFn<'a> = fn(&Context<'a>, &Slice, Channels) -> Figure;

/// What every measure reads: the moves and the rubric.
pub struct Context<'a> {
    /// Every move.
    pub moves: &'a Moves,
    /// The rubric.
    pub rubric: &'a Rubric,
}

impl<'a> Context<'a> {
    fn weight(&self, m: &AuditMove, channels: Channels) -> f64 {
        match (m.is_public(), channels) {
            (false, _) => 1.0,
            (true, Channels::All) => self.rubric.public_weight,
            (true, Channels::TableOnly) => 0.0,
        }
    }

    /// The other sides' moves made to `side`.
    fn counterpart_moves<'m>(
        &'m self,
        side: &'m PartyCode,
    ) -> impl Iterator<Item = &'m AuditMove> + 'm {
        self.moves.all.iter().filter(move |m| m.addresses(side))
    }

    /// All six measures over `slice`.
    pub fn measures(&self, slice: &Slice) -> BTreeMap<&'static str, Measure> {
        let mut out = BTreeMap::new();
        let specs: [(&str, &str, FigureFn<'a>); 6] = [
            ("INI", "initiative share", Context::initiative),
            ("CB", "concession balance", Context::concession_balance),
            ("CUP", "concessions under pressure", Context::under_pressure),
            ("REC", "reciprocity", Context::reciprocity),
            ("PK", "packaging", Context::packaging),
            ("RV", "reversibility balance", Context::reversibility),
        ];
        for (code, name, figure) in specs {
            let all = figure(self, slice, Channels::All);
            let table = figure(self, slice, Channels::TableOnly);
            out.insert(
                code,
                Measure {
                    name,
                    value: all.value,
                    component: all.value.map(|v| component(code, v)),
                    reading: reading(code, &all),
                    all,
                    table,
                },
            );
        }
        out
    }

    /// INI: initiations / (initiations + reactions).
    fn initiative(&self, slice: &Slice, channels: Channels) -> Figure {
        let mut figure = Figure::default();
        for m in &slice.moves {
            let weight = self.weight(m, channels);
            let reaction = self.moves.answers_counterpart(m).is_some()
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
            figure.events.push(Counted {
                seq: m.seq,
                role: if initiation { "initiation" } else { "reaction" },
                weight,
            });
        }
        figure.ratio()
    }

    /// CB: the side's movement toward the other's preference, as a share of all movement.
    fn concession_balance(&self, slice: &Slice, channels: Channels) -> Figure {
        let mut figure = Figure::default();
        let public_weight = match channels {
            Channels::All => self.rubric.public_weight,
            Channels::TableOnly => 0.0,
        };
        let series = self.moves.series(public_weight);
        let mut numeric: Vec<&IssueKey> = Vec::new();
        for def in &self.moves.agenda().issues {
            // Numbers count only where `prefer` says which way is a concession; an issue
            // with numbers and no preference counts its concessions, as one without numbers.
            if def.prefer.is_empty() {
                continue;
            }
            let Some(gap) = opening_gap(&series, &def.key, slice.side) else {
                continue;
            };
            numeric.push(&def.key);
            for ((issue, party), points) in
                series.iter().filter(|((issue, _), _)| issue == &def.key)
            {
                let Some(direction) = self.moves.concession_direction(issue, party) else {
                    continue;
                };
                let moved = movement(points, &slice.span, direction) / gap;
                if moved <= 0.0 {
                    continue;
                }
                let mine = party == slice.side;
                figure.denominator += moved;
                if mine {
                    figure.numerator += moved;
                }
                let last = points.iter().rfind(|p| slice.span.contains(&p.index));
                if let Some(point) = last {
                    figure.events.push(Counted {
                        seq: point.seq,
                        role: if mine {
                            "moved toward the other side"
                        } else {
                            "counterpart moved"
                        },
                        weight: moved,
                    });
                }
            }
        }
        let counted_by_number = |m: &AuditMove| m.issues.iter().all(|i| numeric.contains(&i));
        for m in slice
            .moves
            .iter()
            .filter(|m| m.kind == Kind::Concession && !counted_by_number(m))
        {
            let weight = self.weight(m, channels);
            figure.numerator += weight;
            figure.denominator += weight;
            figure.events.push(Counted {
                seq: m.seq,
                role: "concession",
                weight,
            });
        }
        for m in self.counterpart_moves(slice.side).filter(|m| {
            m.kind == Kind::Concession && slice.span.contains(&m.index) && !counted_by_number(m)
        }) {
            let weight = self.weight(m, channels);
            figure.denominator += weight;
            figure.events.push(Counted {
                seq: m.seq,
                role: "counterpart concession",
                weight,
            });
        }
        figure.ratio()
    }

    /// CUP: concessions and acceptances answering a counterpart threat or sanction.
    fn under_pressure(&self, slice: &Slice, channels: Channels) -> Figure {
        let mut figure = Figure::default();
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
                    figure.events.push(Counted {
                        seq: m.seq,
                        role: "under pressure",
                        weight,
                    });
                    figure.events.push(Counted {
                        seq: threat,
                        role: "the pressure",
                        weight: 0.0,
                    });
                }
                None => figure.events.push(Counted {
                    seq: m.seq,
                    role: "free",
                    weight,
                }),
            }
        }
        figure.ratio()
    }

    /// The counterpart threat or sanction `m` answers, by `responds_to` or by time on a shared issue.
    pub fn pressure_on(&self, m: &AuditMove) -> Option<u64> {
        let coercive = |t: &AuditMove| matches!(t.kind, Kind::Threat | Kind::Sanction);
        if let Some(target) = self.moves.answers_counterpart(m).filter(|t| coercive(t)) {
            return Some(target.seq);
        }
        let span = i64::from(self.rubric.pressure_days) * DAY;
        self.moves
            .within(m.at.saturating_sub(span), m.at)
            .iter()
            .filter(|t| t.addresses(&m.by))
            .filter(|t| coercive(t) && t.index < m.index && m.at - t.at <= span)
            .filter(|t| t.issues.iter().any(|i| m.issues.contains(i)))
            .map(|t| t.seq)
            .next_back()
    }

    /// REC: concessions matched by a counterpart concession within the reciprocity span.
    fn reciprocity(&self, slice: &Slice, channels: Channels) -> Figure {
        let mut figure = Figure::default();
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
            figure.events.push(Counted {
                seq: m.seq,
                role: if matched {
                    "reciprocated"
                } else {
                    "unreciprocated"
                },
                weight,
            });
        }
        figure.ratio()
    }

    /// True when a counterpart concession falls within the reciprocity span of `m`.
    pub fn reciprocated(&self, m: &AuditMove) -> bool {
        let span = i64::from(self.rubric.reciprocity_days) * DAY;
        self.moves
            .within(m.at.saturating_sub(span), m.at.saturating_add(span))
            .iter()
            .filter(|c| c.addresses(&m.by))
            .any(|c| c.kind == Kind::Concession && (c.at - m.at).abs() <= span)
    }

    /// PK: offers, demands, concessions and linkages that bundle.
    fn packaging(&self, slice: &Slice, channels: Channels) -> Figure {
        let mut figure = Figure {
            cross_track: Some(0.0),
            ..Figure::default()
        };
        for m in slice.moves.iter().filter(|m| {
            matches!(
                m.kind,
                Kind::Offer | Kind::Demand | Kind::Concession | Kind::Linkage
            )
        }) {
            let weight = self.weight(m, channels);
            if weight == 0.0 {
                continue;
            }
            figure.denominator += weight;
            let role = if !is_packaged(m) {
                "single issue"
            } else if m.tracks.len() >= 2 {
                figure.numerator += weight;
                figure.cross_track = figure.cross_track.map(|c| c + weight);
                "cross-track package"
            } else {
                figure.numerator += weight;
                "package"
            };
            figure.events.push(Counted {
                seq: m.seq,
                role,
                weight,
            });
        }
        figure.ratio()
    }

    /// RV: reversibility of what the side gave minus what it received.
    fn reversibility(&self, slice: &Slice, channels: Channels) -> Figure {
        let mut figure = Figure::default();
        for (giver, dated) in self.gives() {
            let mine = &giver.by == slice.side;
            if !mine && !giver.addresses(slice.side) {
                continue;
            }
            let Some(level) = giver.reversibility else {
                continue;
            };
            let weight = self.weight(dated, channels);
            if !slice.span.contains(&dated.index) || weight == 0.0 {
                continue;
            }
            let score = self.rubric.score(level) * weight;
            if mine {
                figure.numerator += score;
                figure.events.push(Counted {
                    seq: giver.seq,
                    role: "given",
                    weight: score,
                });
            } else {
                figure.denominator += score;
                figure.events.push(Counted {
                    seq: giver.seq,
                    role: "received",
                    weight: score,
                });
            }
        }
        if figure.events.is_empty() {
            return figure;
        }
        figure.value = Some(figure.numerator - figure.denominator);
        figure
    }

    /// Everything given in the talks: concessions and implementations (the move gives),
    /// and offers accepted by the other side (the offer gives, at the acceptance).
    /// Each item is (what was given, the move that dates it).
    pub fn gives(&self) -> Vec<(&AuditMove, &AuditMove)> {
        let mut out = Vec::new();
        for m in &self.moves.all {
            match m.kind {
                Kind::Concession | Kind::Implementation => out.push((m, m)),
                Kind::Acceptance => {
                    if let Some(offer) = self
                        .moves
                        .answers_counterpart(m)
                        .filter(|o| o.kind == Kind::Offer)
                    {
                        out.push((offer, m));
                    }
                }
                _ => {}
            }
        }
        out
    }
}

impl Figure {
    fn ratio(mut self) -> Figure {
        self.value = (self.denominator > 0.0).then(|| self.numerator / self.denominator);
        self
    }
}

/// True when a move bundles: several issues, a package, a condition, or a linkage.
pub fn is_packaged(m: &AuditMove) -> bool {
    m.issues.len() >= 2 || m.package.is_some() || m.conditional || m.kind == Kind::Linkage
}

/// The measure's component of the index, in [-1, 1]; positive means proactive.
pub fn component(code: &str, value: f64) -> f64 {
    match code {
        "INI" | "REC" | "PK" => 2.0 * value - 1.0,
        "CB" | "CUP" => 1.0 - 2.0 * value,
        _ => -(value / 3.0).clamp(-1.0, 1.0),
    }
}

/// A count as a reviewer checks it by hand: up to two decimals, trailing zeros dropped
/// (3, 3.5, 0.75; one decimal would show 0.75 of 1.5 as "0.8 of 1.5").
pub fn format_count(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn reading(code: &str, f: &Figure) -> String {
    let n = format_count;
    let (top, all) = (n(f.numerator), n(f.denominator));
    match (code, f.value) {
        (_, None) => "no data".into(),
        ("INI", _) => format!("{top} of {all} moves initiated"),
        ("CB", _) => format!("{top} of {all} units of movement given"),
        ("CUP", _) => format!("{top} of {all} concessions under threat"),
        ("REC", _) => format!("{top} of {all} concessions matched"),
        ("PK", _) => format!(
            "{top} of {all} bundled, {} cross-track",
            n(f.cross_track.unwrap_or(0.0))
        ),
        (_, _) => format!("gave {top}, received {all}"),
    }
}

/// The gap between the side's first number and the first number of another side, when
/// both stated one and it is not zero.
fn opening_gap(series: &Series, issue: &IssueKey, side: &PartyCode) -> Option<f64> {
    let first = |party: &PartyCode| {
        series
            .get(&(issue.clone(), party.clone()))
            .and_then(|s| s.first())
            .map(|p| p.value)
    };
    let mine = first(side)?;
    let theirs = series
        .iter()
        .find(|((i, p), _)| i == issue && p != side)
        .and_then(|(_, s)| s.first())
        .map(|p| p.value)?;
    let gap = (mine - theirs).abs();
    (gap > 0.0).then_some(gap)
}

/// The net movement in `direction` of the numbers stated within `span`, each step from
/// the number before it weighted by the stating move's channel weight.
fn movement(points: &Points, span: &Range<usize>, direction: Direction) -> f64 {
    points
        .windows(2)
        .filter(|pair| span.contains(&pair[1].index))
        .map(|pair| pair[1].weight * toward(direction, pair[0].value, pair[1].value))
        .sum()
}

fn toward(direction: Direction, before: f64, after: f64) -> f64 {
    match direction {
        Direction::Higher => after - before,
        Direction::Lower => before - after,
    }
}
