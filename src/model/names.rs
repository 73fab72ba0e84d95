//! Names that carry their own rules: negotiation slugs, party codes, issue keys.
//!
//! Each is parsed once at the edge (a flag, a journal line) and trusted afterwards,
//! so the rest of the code never re-checks a string's shape. The text is shared: a
//! million-event journal names the same few parties and issues on every line, and a
//! clone is a count, not a copy.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Invalid;

/// Declares a validated string newtype with its grammar in words and a checker.
macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $grammar:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Arc<str>);

        impl $name {
            /// Parses `text`, saying what the grammar is when it does not fit.
            pub fn parse(text: &str) -> Result<Self, Invalid> {
                let check: fn(&[u8]) -> bool = $check;
                if check(text.as_bytes()) {
                    Ok(Self(Arc::from(text)))
                } else {
                    Err(Invalid::new(format!(
                        "{} {:?} is not valid ({})",
                        $what, text, $grammar
                    )))
                }
            }

            /// The name as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = Invalid;
            fn try_from(text: String) -> Result<Self, Invalid> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> String {
                String::from(&*name.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

fn lower_digit(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

name_type!(
    /// The slug of a negotiation: its stream name in the store and in every command.
    Slug,
    "negotiation slug",
    "1 to 64 of a-z, 0-9 and '-', starting with a letter or digit",
    |b| (1..=64).contains(&b.len()) && lower_digit(b[0]) && b.iter().all(|&c| lower_digit(c) || c == b'-')
);

name_type!(
    /// The code of a party (a side at the table), such as `KR` or `US`.
    PartyCode,
    "party code",
    "1 to 16 of A-Z, 0-9, '_' and '-', starting with a capital letter",
    |b| (1..=16).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && b.iter().all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_' || c == b'-')
);

name_type!(
    /// The key of an issue on the agenda, such as `tariff`.
    IssueKey,
    "issue key",
    "1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit",
    |b| (1..=64).contains(&b.len())
        && lower_digit(b[0])
        && b.iter().all(|&c| lower_digit(c) || c == b'_' || c == b'-')
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_grammar() {
        assert!(Slug::parse("kr-us-2025").is_ok());
        assert!(Slug::parse("-kr").is_err());
        assert!(Slug::parse("KR").is_err());
        assert!(Slug::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn party_codes_are_capitals() {
        assert!(PartyCode::parse("KR").is_ok());
        assert!(PartyCode::parse("EU_27").is_ok());
        let err = PartyCode::parse("kr").unwrap_err();
        assert!(
            err.to_string().contains("starting with a capital letter"),
            "{err}"
        );
    }

    #[test]
    fn issue_keys_allow_underscores() {
        assert!(IssueKey::parse("troop_costs").is_ok());
        assert!(IssueKey::parse("").is_err());
    }
}

/// Names already parsed, by their text: a run of a journal's lines or stored events
/// names the same slug, parties and issues over and over, and each is checked and
/// allocated once, then shared.
#[derive(Debug, Default)]
pub(crate) struct NameCache {
    slug: Option<Slug>,
    parties: HashMap<Box<str>, PartyCode>,
    issues: HashMap<Box<str>, IssueKey>,
}

/// Most names of one kind a cache remembers; past it, names are parsed each time.
const REMEMBERED: usize = 256;

impl NameCache {
    /// The slug `text`, or `None` if it is not one.
    pub(crate) fn slug(&mut self, text: &str) -> Option<Slug> {
        match &self.slug {
            Some(slug) if slug.as_str() == text => Some(slug.clone()),
            _ => {
                let slug = Slug::parse(text).ok()?;
                self.slug = Some(slug.clone());
                Some(slug)
            }
        }
    }

    /// The party code `text`, or `None` if it is not one.
    pub(crate) fn party(&mut self, text: &str) -> Option<PartyCode> {
        remembered(&mut self.parties, text, PartyCode::parse)
    }

    /// The issue key `text`, or `None` if it is not one.
    pub(crate) fn issue(&mut self, text: &str) -> Option<IssueKey> {
        remembered(&mut self.issues, text, IssueKey::parse)
    }

    /// The distinct issue keys of `words`, in order, or `None` if one is not a key.
    pub(crate) fn distinct_issues(&mut self, words: &[&str]) -> Option<Vec<IssueKey>> {
        let mut keys: Vec<IssueKey> = Vec::with_capacity(words.len());
        for word in words {
            let key = self.issue(word)?;
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        Some(keys)
    }
}

fn remembered<T: Clone>(
    known: &mut HashMap<Box<str>, T>,
    text: &str,
    parse: fn(&str) -> Result<T, Invalid>,
) -> Option<T> {
    if let Some(name) = known.get(text) {
        return Some(name.clone());
    }
    let name = parse(text).ok()?;
    if known.len() < REMEMBERED {
        known.insert(text.into(), name.clone());
    }
    Some(name)
}
