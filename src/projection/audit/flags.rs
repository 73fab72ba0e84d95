//! The audit's flags: specific exchanges a reviewer should look at, each with its events.

use std::collections::HashMap;

use serde::Serialize;

use super::measures::{Context, is_packaged};
use super::moves::{AuditMove, DAY};
use crate::model::{Channel, IssueKey, Kind, PartyCode, Reversibility};

/// One flagged finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Flag {
    /// What was found.
    pub flag: &'static str,
    /// The events behind it, in the order the note names them.
    pub events: Vec<u64>,
    /// The finding in words.
    pub note: String,
}

/// Every flag for `side`.
pub fn flags(ctx: &Context, side: &PartyCode, own: &[&AuditMove]) -> Vec<Flag> {
    let mut out = Vec::new();
    out.extend(unreciprocated(ctx, own));
    out.extend(under_threat(ctx, own));
    out.extend(irreversible_for_reversible(ctx, side));
    out.extend(peeled_off(own));
    out.extend(rhetoric_without_follow_up(ctx, own));
    out
}

fn unreciprocated(ctx: &Context, own: &[&AuditMove]) -> Vec<Flag> {
    own.iter()
        .filter(|m| m.kind == Kind::Concession && !ctx.reciprocated(m))
        .map(|m| Flag {
            flag: "unreciprocated-concession",
            events: vec![m.seq],
            note: format!(
                "no counterpart concession within {} days of seq {}",
                ctx.rubric.reciprocity_days, m.seq
            ),
        })
        .collect()
}

fn under_threat(ctx: &Context, own: &[&AuditMove]) -> Vec<Flag> {
    own.iter()
        .filter(|m| matches!(m.kind, Kind::Concession | Kind::Acceptance))
        .filter_map(|m| {
            let threat = ctx.pressure_on(m)?;
            Some(Flag {
                flag: "concession-under-threat",
                events: vec![m.seq, threat],
                note: format!(
                    "seq {} ({}) answers the threat or sanction at seq {threat}",
                    m.seq, m.kind
                ),
            })
        })
        .collect()
}

/// Exchanges where the side gave something binding or sunk for something the other side
/// can undo (a pledge or one executive decision). An exchange is two gives that answer
/// each other, share a package, or share an issue within the reciprocity span.
fn irreversible_for_reversible(ctx: &Context, side: &PartyCode) -> Vec<Flag> {
    let gives = ctx.gives();
    let hard =
        |r: Option<Reversibility>| matches!(r, Some(Reversibility::Binding | Reversibility::Sunk));
    let soft = |r: Option<Reversibility>| {
        matches!(r, Some(Reversibility::Pledge | Reversibility::Executive))
    };
    let span = i64::from(ctx.rubric.reciprocity_days) * DAY;
    // The first partner in `gives` order, found among the few candidates each rule can
    // name (by seq, by answer, by package, by time window) instead of scanning them all.
    let mut by_seq: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut by_answer: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut by_package: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (g, _)) in gives.iter().enumerate() {
        by_seq.entry(g.seq).or_default().push(i);
        if let Some(r) = g.responds_to {
            by_answer.entry(r).or_default().push(i);
        }
        if let Some(p) = &g.package {
            by_package.entry(p.as_str()).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (mine, mine_at) in gives
        .iter()
        .filter(|(g, _)| &g.by == side && hard(g.reversibility))
    {
        let is_partner = |(theirs, theirs_at): &(&AuditMove, &AuditMove)| {
            &theirs.by != side
                && soft(theirs.reversibility)
                && (mine.responds_to == Some(theirs.seq)
                    || theirs.responds_to == Some(mine.seq)
                    || (mine.package.is_some() && mine.package == theirs.package)
                    || (theirs.issues.iter().any(|i| mine.issues.contains(i))
                        && (theirs_at.at - mine_at.at).abs() <= span))
        };
        let start = gives.partition_point(|(_, at)| at.at < mine_at.at.saturating_sub(span));
        let end = gives.partition_point(|(_, at)| at.at <= mine_at.at.saturating_add(span));
        let named = [
            mine.responds_to.and_then(|r| by_seq.get(&r)),
            by_answer.get(&mine.seq),
            mine.package.as_deref().and_then(|p| by_package.get(p)),
        ];
        let partner = named
            .into_iter()
            .flatten()
            .flatten()
            .copied()
            .chain(start..end.max(start))
            .filter(|&i| is_partner(&gives[i]))
            .min()
            .map(|i| &gives[i]);
        if let Some((theirs, _)) = partner {
            out.push(Flag {
                flag: "irreversible-for-reversible",
                events: vec![mine.seq, theirs.seq],
                note: format!(
                    "gave {} (seq {}) for {} (seq {})",
                    mine.reversibility.map_or("", |r| r.as_str()),
                    mine.seq,
                    theirs.reversibility.map_or("", |r| r.as_str()),
                    theirs.seq
                ),
            });
        }
    }
    out
}

/// An issue the side had bundled, later given or settled on its own.
fn peeled_off(own: &[&AuditMove]) -> Vec<Flag> {
    let mut out = Vec::new();
    let mut flagged = Vec::new();
    // The first package on each issue, so each lone move looks it up instead of
    // rescanning the moves before it.
    let mut first_package: HashMap<&IssueKey, usize> = HashMap::new();
    for (i, p) in own.iter().enumerate() {
        if is_packaged(p) && p.issues.len() >= 2 {
            for issue in &p.issues {
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
        if let Some(package) = package {
            flagged.push(m.issues[0].clone());
            out.push(Flag {
                flag: "issue-peeled-off-package",
                events: vec![package.seq, m.seq],
                note: format!(
                    "{} was bundled at seq {} and dealt with alone at seq {}",
                    m.issues[0], package.seq, m.seq
                ),
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
    own.iter()
        .filter(|m| {
            m.is_public() && matches!(m.kind, Kind::Threat | Kind::Offer) && m.at + span <= horizon
        })
        .filter(|m| {
            !super::moves::within(own, |t| t.at, m.at, m.at.saturating_add(span))
                .iter()
                .any(|t| {
                    t.channel == Channel::Table
                        && t.at >= m.at
                        && t.at - m.at <= span
                        && (m.issues.is_empty() || t.issues.iter().any(|i| m.issues.contains(i)))
                })
        })
        .map(|m| Flag {
            flag: "rhetoric-without-follow-up",
            events: vec![m.seq],
            note: format!(
                "public {} at seq {} with no {} move on its issue within {} days",
                m.kind,
                m.seq,
                Channel::Table,
                ctx.rubric.follow_up_days
            ),
        })
        .collect()
}
