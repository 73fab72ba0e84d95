//! The closed vocabularies of the journal: kinds of event and the values of the
//! enumerated fields (`channel`, `level`, `reversibility`, `prefer`, `action`, a party's `role`).
//!
//! Each vocabulary is one enum with its words listed once, so an error message can
//! always say which words are allowed.

use std::fmt;

use super::Invalid;

/// Declares an enum spelled in the journal by lowercase words, with parsing that lists
/// the allowed words when it fails.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident, $field:literal, { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order the format lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word the journal uses.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// Parses a word, naming the field and the allowed words when it is unknown.
            pub fn parse(word: &str) -> Result<Self, Invalid> {
                match word {
                    $($word => Ok($name::$variant),)+
                    _ => Err(Invalid::field($field, format!(
                        "{word:?} is not one of: {}",
                        Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                    ))),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let word = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                $name::parse(&word).map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary!(
    /// What an event is: a negotiation move made by a party, or a journal entry.
    Kind, "kind", {
        Offer = "offer",
        Demand = "demand",
        Concession = "concession",
        Acceptance = "acceptance",
        Rejection = "rejection",
        Rebuttal = "rebuttal",
        Threat = "threat",
        Sanction = "sanction",
        Implementation = "implementation",
        Meeting = "meeting",
        Statement = "statement",
        Linkage = "linkage",
        Retraction = "retraction",
        Opening = "opening",
        Agenda = "agenda",
        Correction = "correction",
        Annotation = "annotation",
    }
);

impl Kind {
    /// The kinds of move, in the order the format lists them.
    pub fn moves() -> impl Iterator<Item = Kind> {
        Kind::ALL.iter().copied().filter(|k| k.is_move())
    }

    /// True for moves made by a party; false for journal entries (opening, agenda,
    /// correction, annotation), which carry no posture weight.
    pub fn is_move(self) -> bool {
        !matches!(
            self,
            Kind::Opening | Kind::Agenda | Kind::Correction | Kind::Annotation
        )
    }

    /// True for kinds that must name the issue(s) they are about.
    pub fn needs_issue(self) -> bool {
        matches!(
            self,
            Kind::Offer
                | Kind::Demand
                | Kind::Concession
                | Kind::Acceptance
                | Kind::Rejection
                | Kind::Linkage
                | Kind::Retraction
        )
    }

    /// The kind with its indefinite article ("an offer", "a threat"), so messages read
    /// as sentences.
    pub fn with_article(self) -> String {
        let word = self.as_str();
        let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {word}")
    }
}

vocabulary!(
    /// Where a move was made: official talks, in public, or through a back channel.
    Channel, "channel", { Table = "table", Public = "public", Back = "back" }
);

vocabulary!(
    /// Who made the move, by rank.
    Level, "level", { Leader = "leader", Minister = "minister", Senior = "senior", Working = "working" }
);

vocabulary!(
    /// What part a party plays in the talks: a side with stakes of its own, a chair, or
    /// a party that watches.
    PartyRole, "role", { Party = "party", Mediator = "mediator", Observer = "observer" }
);

// The vocabulary macro declares the enum, so its default cannot be derived on a variant.
#[allow(clippy::derivable_impls)]
impl Default for PartyRole {
    fn default() -> PartyRole {
        PartyRole::Party
    }
}

impl PartyRole {
    /// True for the default role, which the journal leaves unwritten.
    pub fn is_party(&self) -> bool {
        *self == PartyRole::Party
    }
}

vocabulary!(
    /// How hard a step is to undo; the audit scores it 0 (`pledge`) to 3 (`sunk`).
    Reversibility, "reversibility", {
        Pledge = "pledge",
        Executive = "executive",
        Binding = "binding",
        Sunk = "sunk",
    }
);

impl Reversibility {
    /// The score on the reversibility scale: words 0, one decision 1, law 2, spent 3.
    pub fn score(self) -> u8 {
        self as u8
    }
}

vocabulary!(
    /// The direction a party wants an issue's number to go.
    Direction, "prefer", { Lower = "lower", Higher = "higher" }
);

vocabulary!(
    /// What a correction does to its target.
    Action, "action", { Amend = "amend", Void = "void" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_kinds_list_the_vocabulary() {
        let err = Kind::parse("bribe").unwrap_err().to_string();
        assert!(
            err.starts_with("kind: \"bribe\" is not one of: offer, demand"),
            "{err}"
        );
    }

    #[test]
    fn messages_say_an_offer_and_a_threat() {
        assert_eq!(Kind::Offer.with_article(), "an offer");
        assert_eq!(Kind::Threat.with_article(), "a threat");
    }

    #[test]
    fn journal_entries_are_not_moves() {
        assert!(Kind::Offer.is_move());
        assert!(!Kind::Correction.is_move());
        assert!(Kind::Linkage.needs_issue());
        assert!(!Kind::Threat.needs_issue());
    }

    #[test]
    fn reversibility_scores_rise_with_cost_of_undoing() {
        assert_eq!(Reversibility::Pledge.score(), 0);
        assert_eq!(Reversibility::Sunk.score(), 3);
    }
}
