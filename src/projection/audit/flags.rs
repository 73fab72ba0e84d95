//! The audit's flags: specific exchanges a reviewer should look at, each with its events
//! and the figures of the rubric it was found with.
//!
//! A flag is data: its kind, its events and what the finding rests on. Putting it in
//! words is the report's (`report::audit_words::note`).

use super::measures::{Context, Give, bundling_kind, is_packaged};
use super::moves::{AuditMove, DAY, FastMap, Id};
use super::vocab::FlagKind;
use crate::model::{Channel, IssueKey, Kind, Millis, Reversibility};

/// One flagged finding.
#[derive(Clone, Debug, PartialEq)]
pub enum Flag {
    /// The concession at `seq` has no counterpart concession within `days` days.
    UnreciprocatedConcession {
        /// The concession.
        seq: u64,
        /// The rubric's reciprocity span.
        days: u32,
    },
    /// The move at `seq` (a concession or acceptance) answers the threat or sanction at
    /// `threat`.
    ConcessionUnderThreat {
        /// The concession or acceptance.
        seq: u64,
        /// Its kind.
        kind: Kind,
        /// The threat or sanction.
        threat: u64,
    },
    /// The side gave something binding or sunk for something the other side can undo.
    IrreversibleForReversible {
        /// What the side gave.
        gave: Reversibility,
        /// Its seq.
        seq: u64,
        /// What the other side gave for it.
        got: Reversibility,
        /// Its seq.
        got_seq: u64,
    },
    /// `issue`, bundled at `package`, was dealt with alone at `seq`.
    IssuePeeledOffPackage {
        /// The issue.
        issue: IssueKey,
        /// The package that bundled it.
        package: u64,
        /// The move that dealt with it alone.
        seq: u64,
    },
    /// The window `from`…`to` holds table moves of the side, none an offer, linkage or
    /// demand at leader or minister level, and its index fell from `before` to `index`.
    NoTopLevelDirection {
        /// `at` of the window's first move.
        from: String,
        /// `at` of its last move.
        to: String,
        /// The judged window before it: its index.
        before: f64,
        /// The window's index.
        index: f64,
    },
    /// The public move at `seq` has no table move on its issue within `days` days.
    RhetoricWithoutFollowUp {
        /// The public threat or offer.
        seq: u64,
        /// Its kind.
        kind: Kind,
        /// The rubric's follow-up span.
        days: u32,
    },
}

impl Flag {
    /// What was found.
    pub fn kind(&self) -> FlagKind {
        match self {
            Flag::UnreciprocatedConcession { .. } => FlagKind::UnreciprocatedConcession,
            Flag::ConcessionUnderThreat { .. } => FlagKind::ConcessionUnderThreat,
            Flag::IrreversibleForReversible { .. } => FlagKind::IrreversibleForReversible,
            Flag::IssuePeeledOffPackage { .. } => FlagKind::IssuePeeledOffPackage,
            Flag::RhetoricWithoutFollowUp { .. } => FlagKind::RhetoricWithoutFollowUp,
            Flag::NoTopLevelDirection { .. } => FlagKind::NoTopLevelDirection,
        }
    }

    /// The events behind it, in the order its note names them.
    pub fn events(&self) -> Vec<u64> {
        match *self {
            Flag::UnreciprocatedConcession { seq, .. }
            | Flag::RhetoricWithoutFollowUp { seq, .. } => vec![seq],
            Flag::ConcessionUnderThreat { seq, threat, .. } => vec![seq, threat],
            Flag::IrreversibleForReversible { seq, got_seq, .. } => vec![seq, got_seq],
            Flag::IssuePeeledOffPackage { package, seq, .. } => vec![package, seq],
            Flag::NoTopLevelDirection { .. } => Vec::new(),
        }
    }
}

/// Every flag for `side`.
pub fn flags(ctx: &Context, exchanges: &Exchanges, side: Id, own: &[&AuditMove]) -> Vec<Flag> {
    let mut out = Vec::new();
    out.extend(unreciprocated(ctx, own));
    out.extend(under_threat(ctx, own));
    out.extend(irreversible_for_reversible(ctx, exchanges, side));
    out.extend(peeled_off(ctx, own));
    out.extend(rhetoric_without_follow_up(ctx, own));
    out
}

fn unreciprocated(ctx: &Context, own: &[&AuditMove]) -> Vec<Flag> {
    own.iter()
        .filter(|m| m.kind == Kind::Concession && !ctx.reciprocated(m))
        .map(|m| Flag::UnreciprocatedConcession {
            seq: m.seq,
            days: ctx.rubric.reciprocity_days,
        })
        .collect()
}

fn under_threat(ctx: &Context, own: &[&AuditMove]) -> Vec<Flag> {
    own.iter()
        .filter(|m| matches!(m.kind, Kind::Concession | Kind::Acceptance))
        .filter_map(|m| {
            let threat = ctx.pressure_on(m)?;
            Some(Flag::ConcessionUnderThreat {
                seq: m.seq,
                kind: m.kind,
                threat,
            })
        })
        .collect()
}

fn hard(r: Option<Reversibility>) -> bool {
    matches!(r, Some(Reversibility::Binding | Reversibility::Sunk))
}

fn soft(r: Option<Reversibility>) -> bool {
    matches!(r, Some(Reversibility::Pledge | Reversibility::Executive))
}

/// The gives ([`Context::gives`]) indexed by what can make two of them an exchange, built
/// once for every side: each list holds places in the gives, in order.
pub struct Exchanges {
    /// By the place of what was given.
    by_giver: FastMap<usize, Vec<usize>>,
    /// By the place of the move what was given answers.
    by_answer: FastMap<usize, Vec<usize>>,
    /// By package label.
    by_package: FastMap<Id, Vec<usize>>,
    /// The soft gives (pledge, executive) by giver and issue.
    soft_by: FastMap<(Id, Id), Vec<usize>>,
}

impl Exchanges {
    /// Indexes the gives of `ctx`.
    pub fn new(ctx: &Context) -> Exchanges {
        let mut out = Exchanges {
            by_giver: FastMap::default(),
            by_answer: FastMap::default(),
            by_package: FastMap::default(),
            soft_by: FastMap::default(),
        };
        for (i, give) in ctx.gives().iter().enumerate() {
            let g = &ctx.moves.all[give.giver];
            out.by_giver.entry(g.index).or_default().push(i);
            if let Some(r) = g.responds_to {
                out.by_answer.entry(r).or_default().push(i);
            }
            if let Some(p) = g.package {
                out.by_package.entry(p).or_default().push(i);
            }
            if soft(g.reversibility) {
                for &issue in &g.issues {
                    let list = out.soft_by.entry((g.by, issue)).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
        out
    }
}

/// Exchanges where the side gave something binding or sunk for something the other side
/// can undo (a pledge or one executive decision), given to the side by a party the side
/// gave to. An exchange is two gives that answer
/// each other, share a package, or share an issue within the reciprocity span; the
/// partner is the first such give in `gives` order.
fn irreversible_for_reversible(ctx: &Context, exchanges: &Exchanges, side: Id) -> Vec<Flag> {
    let gives = ctx.gives();
    let all = &ctx.moves.all;
    let span = i64::from(ctx.rubric.reciprocity_days) * DAY;
    let mut out = Vec::new();
    // The gives dated within the span of each of the side's, `start..end`: the side's
    // gives come in date order, so both ends only move forward.
    let (mut start, mut end) = (0, 0);
    for give in gives
        .iter()
        .filter(|g| all[g.giver].by == side && hard(all[g.giver].reversibility))
    {
        let (mine, mine_at) = (&all[give.giver], &all[give.dated]);
        let (from, to) = (
            mine_at.at.saturating_sub(span),
            mine_at.at.saturating_add(span),
        );
        while start < gives.len() && all[gives[start].dated].at < from {
            start += 1;
        }
        end = end.max(start);
        while end < gives.len() && all[gives[end].dated].at <= to {
            end += 1;
        }
        let is_partner = |theirs: &Give| {
            let (theirs, theirs_at) = (&all[theirs.giver], &all[theirs.dated]);
            theirs.by != side
                && soft(theirs.reversibility)
                && ctx.moves.made_to(theirs, side)
                && ctx.moves.made_to(mine, theirs.by)
                && (mine.responds_to == Some(theirs.index)
                    || theirs.responds_to == Some(mine.index)
                    || (mine.package.is_some() && mine.package == theirs.package)
                    || (theirs.shares_issue(mine) && (theirs_at.at - mine_at.at).abs() <= span))
        };
        // The gives the first three rules can name, each list in order.
        let named = [
            mine.responds_to.and_then(|r| exchanges.by_giver.get(&r)),
            exchanges.by_answer.get(&mine.index),
            mine.package.and_then(|p| exchanges.by_package.get(&p)),
        ];
        let by_name = named
            .into_iter()
            .flatten()
            .filter_map(|list| list.iter().copied().find(|&i| is_partner(&gives[i])))
            .min();
        // The fourth rule: another party's soft give on a shared issue, dated within the
        // span: the first of each party's list on each of the issues.
        let by_time = (0..ctx.moves.party_count())
            .filter(|&party| party != side)
            .flat_map(|party| mine.issues.iter().map(move |&issue| (party, issue)))
            .filter_map(|key| exchanges.soft_by.get(&key))
            .filter_map(|list| {
                let first = list.partition_point(|&i| i < start);
                list[first..]
                    .iter()
                    .copied()
                    .take_while(|&i| i < end)
                    .find(|&i| is_partner(&gives[i]))
            })
            .min();
        let partner = by_name.into_iter().chain(by_time).min().map(|i| &gives[i]);
        let theirs = partner.map(|g| &all[g.giver]);
        if let (Some(gave), Some(theirs)) = (mine.reversibility, theirs)
            && let Some(got) = theirs.reversibility
        {
            out.push(Flag::IrreversibleForReversible {
                gave,
                seq: mine.seq,
                got,
                got_seq: theirs.seq,
            });
        }
    }
    out
}

/// True when `m` is a package as PK counts one: an offer, demand, concession or linkage
/// that bundles (a rebuttal on two issues is not).
fn bundles(m: &AuditMove) -> bool {
    bundling_kind(m.kind) && is_packaged(m)
}

/// An issue the side had bundled, later given or settled on its own.
fn peeled_off(ctx: &Context, own: &[&AuditMove]) -> Vec<Flag> {
    let mut out = Vec::new();
    let mut flagged = Vec::new();
    // The first package on each issue, so each lone move looks it up instead of
    // rescanning the moves before it.
    let mut first_package: FastMap<Id, usize> = FastMap::default();
    for (i, p) in own.iter().enumerate() {
        if bundles(p) && p.issues.len() >= 2 {
            for &issue in &p.issues {
                first_package.entry(issue).or_insert(i);
            }
        }
    }
    for (i, m) in own.iter().enumerate() {
        let alone = matches!(m.kind, Kind::Concession | Kind::Acceptance | Kind::Offer)
            && !is_packaged(m)
            && m.issues.len() == 1;
        if !alone || flagged.contains(&m.issues[0]) {
            continue;
        }
        let package = first_package
            .get(&m.issues[0])
            .filter(|&&first| first < i)
            .map(|&first| own[first]);
        if let (Some(package), Some(issue)) = (package, ctx.moves.issue(m.issues[0])) {
            flagged.push(m.issues[0]);
            out.push(Flag::IssuePeeledOffPackage {
                issue: issue.clone(),
                package: package.seq,
                seq: m.seq,
            });
        }
    }
    out
}

/// A public threat or offer with no table move by the side on its issue within the
/// follow-up span; not flagged while the view (`--as-of`, or the last the journal
/// recorded) does not yet reach the span's end.
fn rhetoric_without_follow_up(ctx: &Context, own: &[&AuditMove]) -> Vec<Flag> {
    let span = i64::from(ctx.rubric.follow_up_days) * DAY;
    let horizon = ctx.moves.horizon;
    // The side's table moves as `at`s in valid-time order, all and per issue, so each
    // public move looks for its follow-up by binary search.
    let mut table_at: Vec<Millis> = Vec::new();
    let mut by_issue: FastMap<Id, Vec<Millis>> = FastMap::default();
    for t in own.iter().filter(|t| t.channel == Channel::Table) {
        table_at.push(t.at);
        for &issue in &t.issues {
            by_issue.entry(issue).or_default().push(t.at);
        }
    }
    let followed_in = |ats: &[Millis], m: &AuditMove| {
        let first = ats.partition_point(|&at| at < m.at);
        ats.get(first)
            .is_some_and(|&at| at <= m.at.saturating_add(span) && at - m.at <= span)
    };
    let followed = |m: &AuditMove| {
        if m.issues.is_empty() {
            return followed_in(&table_at, m);
        }
        m.issues
            .iter()
            .filter_map(|issue| by_issue.get(issue))
            .any(|ats| followed_in(ats, m))
    };
    own.iter()
        .filter(|m| {
            m.is_public() && matches!(m.kind, Kind::Threat | Kind::Offer) && m.at + span <= horizon
        })
        .filter(|m| !followed(m))
        .map(|m| Flag::RhetoricWithoutFollowUp {
            seq: m.seq,
            kind: m.kind,
            days: ctx.rubric.follow_up_days,
        })
        .collect()
}
