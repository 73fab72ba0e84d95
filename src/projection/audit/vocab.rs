//! The audit's closed vocabularies: the measures by code, the window and whole-talks
//! verdicts, the kinds of flag, and the roles an event plays in a figure.
//!
//! Each is an enum whose identifier (`INI`, `stayed-proactive`, `unreciprocated-concession`)
//! is listed once, here; it is the word `audit --json` writes and the rubric file uses.
//! What a person reads about them (a measure's name, a role in words, a rule or a
//! finding as a sentence) is not here: it lives in the report (`report::audit_words`).

use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// Declares an enum whose values are spelled by identifiers, written as those in JSON
/// and in text.
macro_rules! identifiers {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// Every value, in the order the method lists them.
            pub const ALL: [$name; [$($name::$variant),+].len()] = [$($name::$variant),+];

            /// Its identifier.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

identifiers!(
    /// One of the six measures of docs/audit-method.md, by its code.
    Code {
        /// Initiative share.
        Ini = "INI",
        /// Concession balance.
        Cb = "CB",
        /// Concessions under pressure.
        Cup = "CUP",
        /// Reciprocity.
        Rec = "REC",
        /// Packaging.
        Pk = "PK",
        /// Reversibility balance.
        Rv = "RV",
    }
);

impl Code {
    /// The measure with code `text`, if there is one.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|code| code.as_str() == text)
    }
}

identifiers!(
    /// A window's verdict, from its posture index and its number of moves.
    WindowVerdict {
        /// The index is at or above the rubric's `proactive_at`.
        Proactive = "proactive",
        /// The index is between the thresholds.
        Balanced = "balanced",
        /// The index is at or below the rubric's `defensive_at`.
        Defensive = "defensive",
        /// The window has fewer moves than the rubric's `min_moves`.
        TooFewMoves = "too-few-moves",
        /// No measure has data in the window.
        NoData = "no-data",
    }
);

impl WindowVerdict {
    /// True for the verdicts that judge a posture (proactive, balanced, defensive).
    pub fn is_judged(self) -> bool {
        match self {
            WindowVerdict::Proactive | WindowVerdict::Balanced | WindowVerdict::Defensive => true,
            WindowVerdict::TooFewMoves | WindowVerdict::NoData => false,
        }
    }
}

identifiers!(
    /// A side's verdict over the whole talks, from its judged windows.
    Verdict {
        /// No window defensive, the last proactive.
        StayedProactive = "stayed-proactive",
        /// From not defensive to defensive, falling by at least the drift.
        DriftedDefensive = "drifted-defensive",
        /// No window proactive, the last defensive.
        StayedDefensive = "stayed-defensive",
        /// From not proactive to proactive, rising by at least the drift.
        TurnedProactive = "turned-proactive",
        /// Any other path.
        Mixed = "mixed",
        /// No window is judged.
        TooFewMoves = "too-few-moves",
        /// A mediator or observer: shown, but given no posture verdict.
        NotJudged = "not-judged",
    }
);

identifiers!(
    /// What a flag found.
    FlagKind {
        /// A concession no counterpart concession matched in time.
        UnreciprocatedConcession = "unreciprocated-concession",
        /// A concession or acceptance answering a counterpart threat or sanction.
        ConcessionUnderThreat = "concession-under-threat",
        /// Something binding or sunk given for something the other side can undo.
        IrreversibleForReversible = "irreversible-for-reversible",
        /// An issue bundled, then dealt with on its own.
        IssuePeeledOffPackage = "issue-peeled-off-package",
        /// A public threat or offer with no table move following it.
        RhetoricWithoutFollowUp = "rhetoric-without-follow-up",
        /// A window of table moves with no framework set at leader or minister level,
        /// while the index fell.
        NoTopLevelDirection = "no-top-level-direction",
    }
);

/// What an event counted as in a figure. The words for each are the report's
/// (`report::audit_words::role`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// INI: a move that opens something.
    Initiation,
    /// INI: a move that answers one.
    Reaction,
    /// CB: the side's own numbers moved toward the other side.
    MovedToward,
    /// CB: the counterpart's numbers moved.
    CounterpartMoved,
    /// CB: a concession by the side, where numbers do not count it.
    Concession,
    /// CB: a counterpart concession, where numbers do not count it.
    CounterpartConcession,
    /// CUP: a concession or acceptance answering pressure.
    UnderPressure,
    /// CUP: the threat or sanction it answers.
    ThePressure,
    /// CUP: a concession or acceptance answering none.
    Free,
    /// REC: a concession a counterpart concession matched.
    Reciprocated,
    /// REC: a concession none matched.
    Unreciprocated,
    /// PK: a move on one issue.
    SingleIssue,
    /// PK: a bundle spanning two or more tracks.
    CrossTrackPackage,
    /// PK: a bundle.
    Package,
    /// RV: something the side gave.
    Given,
    /// RV: something it received.
    Received,
}

/// One value per measure, in the method's order; written to JSON as an object whose
/// keys are the codes in alphabetical order.
#[derive(Clone, Debug, PartialEq)]
pub struct ByMeasure<T>([T; Code::ALL.len()]);

impl<T> ByMeasure<T> {
    /// The value of each measure, from `value`.
    pub fn from_fn(mut value: impl FnMut(Code) -> T) -> ByMeasure<T> {
        ByMeasure(Code::ALL.map(&mut value))
    }

    /// The value of `code`.
    pub fn get(&self, code: Code) -> &T {
        &self.0[code as usize]
    }

    /// Each measure with its value, in the method's order.
    pub fn iter(&self) -> impl Iterator<Item = (Code, &T)> {
        Code::ALL.into_iter().zip(&self.0)
    }

    /// The same measures with `f` applied to each value.
    pub fn map<'a, U>(&'a self, mut f: impl FnMut(Code, &'a T) -> U) -> ByMeasure<U> {
        ByMeasure::from_fn(|code| f(code, self.get(code)))
    }
}

impl<T: Serialize> Serialize for ByMeasure<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut codes = Code::ALL;
        codes.sort_by_key(|code| code.as_str());
        let mut map = serializer.serialize_map(Some(codes.len()))?;
        for code in codes {
            map.serialize_entry(code.as_str(), self.get(code))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_and_per_measure_values_come_out_sorted_by_code() {
        assert_eq!(Code::parse("CUP"), Some(Code::Cup));
        assert_eq!(Code::parse("cup"), None);
        let values = ByMeasure::from_fn(|code| code as usize);
        assert_eq!(
            serde_json::to_string(&values).unwrap(),
            r#"{"CB":1,"CUP":2,"INI":0,"PK":4,"REC":3,"RV":5}"#
        );
    }
}
