//! The audit in words: each measure's name and reading, what an event counted as, each
//! flag's finding and each rule of a verdict as a sentence.
//!
//! The audit (`projection::audit`) hands over typed results: codes, verdicts, flags and
//! rules with the figures they rest on. This module is the one place they become the
//! words a person reads, in the terminal, on the HTML page and in `audit --json`.

use crate::format::{count, number};
use crate::model::{Channel, PartyRole};
use crate::projection::audit::{
    Code, Confidence, Figure, Flag, Role, Rule, SideAudit, Verdict, WindowVerdict,
};

/// The measure's name, such as `initiative share`.
pub fn name(code: Code) -> &'static str {
    match code {
        Code::Ini => "initiative share",
        Code::Cb => "concession balance",
        Code::Cup => "concessions under pressure",
        Code::Rec => "reciprocity",
        Code::Pk => "packaging",
        Code::Rv => "reversibility balance",
    }
}

/// Codes as a list: `CUP, REC`.
pub fn codes(codes: &[Code]) -> String {
    let codes: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
    codes.join(", ")
}

/// The figure of `code` in words, counts included: `3.5 of 13.5 moves initiated`, or
/// `no data`.
pub fn reading(code: Code, f: &Figure) -> String {
    let (top, all) = (number(f.numerator), number(f.denominator));
    if f.value.is_none() {
        return "no data".into();
    }
    match code {
        Code::Ini => format!("{top} of {all} moves initiated"),
        Code::Cb => format!("{top} of {all} units of movement given"),
        Code::Cup => format!("{top} of {all} concessions under threat"),
        Code::Rec => format!("{top} of {all} concessions matched"),
        Code::Pk => format!(
            "{top} of {all} bundled, {} cross-track",
            number(f.cross_track.unwrap_or(0.0))
        ),
        Code::Rv => format!("gave {top}, received {all}"),
    }
}

/// What an event counted as, in words.
pub fn role(role: Role) -> &'static str {
    match role {
        Role::Initiation => "initiation",
        Role::Reaction => "reaction",
        Role::MovedToward => "moved toward the other side",
        Role::CounterpartMoved => "counterpart moved",
        Role::Concession => "concession",
        Role::CounterpartConcession => "counterpart concession",
        Role::UnderPressure => "under pressure",
        Role::ThePressure => "the pressure",
        Role::Free => "free",
        Role::Reciprocated => "reciprocated",
        Role::Unreciprocated => "unreciprocated",
        Role::SingleIssue => "single issue",
        Role::CrossTrackPackage => "cross-track package",
        Role::Package => "package",
        Role::Given => "given",
        Role::Received => "received",
    }
}

/// The flag's finding in words.
pub fn note(flag: &Flag) -> String {
    match flag {
        Flag::UnreciprocatedConcession { seq, days } => {
            format!("no counterpart concession within {days} days of seq {seq}")
        }
        Flag::ConcessionUnderThreat { seq, kind, threat } => {
            format!("seq {seq} ({kind}) answers the threat or sanction at seq {threat}")
        }
        Flag::IrreversibleForReversible {
            gave,
            seq,
            got,
            got_seq,
        } => format!("gave {gave} (seq {seq}) for {got} (seq {got_seq})"),
        Flag::IssuePeeledOffPackage {
            issue,
            package,
            seq,
        } => format!("{issue} was bundled at seq {package} and dealt with alone at seq {seq}"),
        Flag::NoTopLevelDirection {
            from,
            to,
            before,
            index,
        } => format!(
            "no offer, linkage or demand at leader or minister level in {from} … {to} while the index fell from {before:+.2} to {index:+.2}"
        ),
        Flag::RhetoricWithoutFollowUp { seq, kind, days } => format!(
            "public {kind} at seq {seq} with no {} move on its issue within {days} days",
            Channel::Table
        ),
    }
}

/// A window's share of table moves at leader or minister level: `40%`, or `—` without
/// table moves.
pub fn top(top: Option<f64>) -> String {
    top.map_or("—".into(), |t| format!("{:.0}%", t * 100.0))
}

/// What a weak verdict rests on: `weak: 5 moves, 1 judged window`; None when it is not
/// weak.
pub fn weak(confidence: Confidence) -> Option<String> {
    confidence.weak.then(|| {
        format!(
            "weak: {}, {}",
            count(confidence.moves as u64, "move"),
            count(confidence.windows as u64, "judged window")
        )
    })
}

/// The role of a side the audit does not judge (a mediator or observer), from the rule
/// that says so; None for a side it judges.
pub fn unjudged_role(side: &SideAudit) -> Option<PartyRole> {
    if side.verdict != Verdict::NotJudged {
        return None;
    }
    side.rules.iter().find_map(|rule| match rule {
        Rule::Role(role) => Some(*role),
        _ => None,
    })
}

/// A side's verdict as its badge reads: `stayed-proactive`, or for a mediator or
/// observer its role and `not judged`: `mediator · not judged`.
pub fn verdict_badge(side: &SideAudit) -> String {
    match unjudged_role(side) {
        Some(role) => format!("{role} · not judged"),
        None if side.verdict == Verdict::NotJudged => "not judged".into(),
        None => side.verdict.as_str().into(),
    }
}

/// The rule in words.
pub fn rule(rule: &Rule) -> String {
    match rule {
        Rule::TooFewMoves { moves, min_moves } => format!(
            "{}: no window has the {} and the data a verdict needs",
            crate::format::count(*moves as u64, "move"),
            crate::format::count(*min_moves as u64, "move"),
        ),
        Rule::NoWindow(verdict) => format!("no window {verdict}"),
        Rule::FirstWindow(verdict) => format!("first window {verdict}"),
        Rule::LastWindow { verdict, threshold } => {
            let past = if *verdict == WindowVerdict::Defensive {
                "≤"
            } else {
                "≥"
            };
            format!("last window {verdict} ({past} {threshold:+.2})")
        }
        Rule::Change { first, last } => change(*first, *last),
        Rule::Fell { first, last, drift } => {
            format!("{}: fell by at least {drift:.2}", change(*first, *last))
        }
        Rule::Rose { first, last, drift } => {
            format!("{}: rose by at least {drift:.2}", change(*first, *last))
        }
        Rule::Role(role) => format!("a {role} gets no posture verdict"),
        Rule::Path(path) => {
            let path: Vec<&str> = path.iter().map(|v| v.as_str()).collect();
            format!("windows went {}", path.join(" → "))
        }
    }
}

/// The index from the first judged window to the last.
fn change(first: f64, last: f64) -> String {
    format!(
        "index {first:+.2} in the first judged window, {last:+.2} in the last ({:+.2})",
        last - first
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use WindowVerdict::{Balanced, Defensive, Proactive};

    #[test]
    fn each_rule_reads_as_a_sentence_with_its_figures() {
        let sentences: Vec<String> = [
            Rule::TooFewMoves {
                moves: 2,
                min_moves: 3,
            },
            Rule::NoWindow(Defensive),
            Rule::FirstWindow(Balanced),
            Rule::LastWindow {
                verdict: Proactive,
                threshold: 0.2,
            },
            Rule::LastWindow {
                verdict: Defensive,
                threshold: -0.2,
            },
            Rule::Change {
                first: 0.4,
                last: -0.22,
            },
            Rule::Fell {
                first: 0.4,
                last: -0.22,
                drift: 0.4,
            },
            Rule::Rose {
                first: -0.25,
                last: 0.33,
                drift: 0.4,
            },
            Rule::Path(vec![Proactive, Defensive, Balanced]),
        ]
        .iter()
        .map(rule)
        .collect();
        assert_eq!(
            sentences,
            [
                "2 moves: no window has the 3 moves and the data a verdict needs",
                "no window defensive",
                "first window balanced",
                "last window proactive (≥ +0.20)",
                "last window defensive (≤ -0.20)",
                "index +0.40 in the first judged window, -0.22 in the last (-0.62)",
                "index +0.40 in the first judged window, -0.22 in the last (-0.62): fell by at least 0.40",
                "index -0.25 in the first judged window, +0.33 in the last (+0.58): rose by at least 0.40",
                "windows went proactive → defensive → balanced",
            ]
        );
    }

    #[test]
    fn a_figure_without_data_reads_no_data_whatever_the_measure() {
        let empty = Figure::default();
        for code in Code::ALL {
            assert_eq!(reading(code, &empty), "no data", "{code}");
        }
    }
}
