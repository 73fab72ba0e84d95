//! CAMEO event codes in parley's vocabulary: which kind of move a coded event is.
//!
//! The mapping follows the PLOVER / CAMEO column of journal-format.md: a code's root (its
//! first two digits) picks the kind, with the two exceptions that table names by full
//! code (057, signing a formal agreement, is an `acceptance`; 085, easing sanctions, is an
//! `implementation`). Roots with no place in that table are mapped to the nearest kind a
//! record-keeper would choose and said so below. The use of force (roots 18–20) is not a
//! negotiating move: it maps to no kind, and importers leave such events out and count
//! them.

use crate::model::Kind;

/// What one CAMEO code means for the journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CameoMove {
    /// The kind of move.
    pub kind: Kind,
    /// The code's meaning in a few words, for summaries ("expressed intent to cooperate").
    pub meaning: &'static str,
}

/// The move a CAMEO code stands for, or `None` for the use of force and unknown codes.
pub fn cameo_move(code: &str) -> Option<CameoMove> {
    let (kind, meaning) = match code {
        "057" => (Kind::Acceptance, "signed a formal agreement"),
        "085" => (
            Kind::Implementation,
            "eased sanctions, a boycott or an embargo",
        ),
        _ => by_root(code.get(..2)?)?,
    };
    Some(CameoMove { kind, meaning })
}

fn by_root(root: &str) -> Option<(Kind, &'static str)> {
    Some(match root {
        "01" => (Kind::Statement, "made a public statement"),
        "02" => (Kind::Demand, "appealed"),
        "03" => (Kind::Offer, "expressed intent to cooperate"),
        "04" => (Kind::Meeting, "consulted"),
        // Praise, verbal support, recognition, apology: signals with no offer in them.
        "05" => (Kind::Statement, "engaged in diplomatic cooperation"),
        "06" => (Kind::Implementation, "engaged in material cooperation"),
        "07" => (Kind::Implementation, "provided aid"),
        "08" => (Kind::Concession, "yielded"),
        "09" => (Kind::Statement, "investigated"),
        "10" => (Kind::Demand, "demanded"),
        "11" => (Kind::Rebuttal, "disapproved"),
        "12" => (Kind::Rejection, "rejected"),
        "13" => (Kind::Threat, "threatened"),
        "14" => (Kind::Statement, "protested"),
        // A show of force warns of a penalty without imposing one.
        "15" => (Kind::Threat, "exhibited force posture"),
        "16" => (Kind::Sanction, "reduced relations"),
        "17" => (Kind::Sanction, "coerced"),
        _ => return None,
    })
}

/// True for codes of the use of force (roots 18, 19, 20), which are no negotiating move.
pub fn is_use_of_force(code: &str) -> bool {
    matches!(code.get(..2), Some("18" | "19" | "20"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_picks_the_kind_and_two_full_codes_are_exceptions() {
        assert_eq!(cameo_move("036").map(|m| m.kind), Some(Kind::Offer));
        assert_eq!(cameo_move("0834").map(|m| m.kind), Some(Kind::Concession));
        assert_eq!(
            cameo_move("085").map(|m| m.kind),
            Some(Kind::Implementation)
        );
        assert_eq!(cameo_move("057").map(|m| m.kind), Some(Kind::Acceptance));
        assert_eq!(cameo_move("051").map(|m| m.kind), Some(Kind::Statement));
        assert_eq!(cameo_move("172").map(|m| m.kind), Some(Kind::Sanction));
    }

    #[test]
    fn force_and_nonsense_map_to_no_move() {
        assert_eq!(cameo_move("190"), None);
        assert!(is_use_of_force("190"));
        assert_eq!(cameo_move("x"), None);
        assert_eq!(cameo_move("99"), None);
        assert!(!is_use_of_force("99"));
    }
}
