//! What the two fast readings share: the stored decode of views (`stored.rs`) and the
//! authored-line reader of imports (`parse/fast.rs`) both read borrowed text fields and
//! vocabulary words, and both must agree with the strict `Value` path where they accept.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, SeqAccess, Visitor};

use super::names::NameCache;
use super::{Invalid, IssueKey};

/// A field that holds a text or a list of texts (`to`, `issues`, `tags` …), borrowed:
/// an escape in one fails the fast reading, and so does a `null` (a reading that takes
/// `null` as absent says so with `Option`'s own deserialising).
#[derive(Debug, PartialEq)]
pub(crate) enum Texts<'a> {
    /// One text.
    One(&'a str),
    /// A list of texts.
    Many(Vec<&'a str>),
}

impl<'de: 'a, 'a> Deserialize<'de> for Texts<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextsVisitor)
    }
}

struct TextsVisitor;

impl<'de> Visitor<'de> for TextsVisitor {
    type Value = Texts<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a text or a list of texts")
    }

    fn visit_borrowed_str<E: de::Error>(self, word: &'de str) -> Result<Self::Value, E> {
        Ok(Texts::One(word))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut words = Vec::with_capacity(seq.size_hint().unwrap_or(2));
        while let Some(word) = seq.next_element::<&'de str>()? {
            words.push(word);
        }
        Ok(Texts::Many(words))
    }
}

/// The words of a text-or-list field as the strict reading takes them: none when absent,
/// a single text as it is, a list only without blank items (`None`: the strict path
/// names what is wrong).
pub(crate) fn words<'b, 'a>(texts: &'b Option<Texts<'a>>) -> Option<&'b [&'a str]> {
    match texts {
        None => Some(&[]),
        Some(Texts::One(word)) => Some(std::slice::from_ref(word)),
        Some(Texts::Many(words)) if words.iter().all(|w| !w.trim().is_empty()) => Some(words),
        Some(Texts::Many(_)) => None,
    }
}

/// The words of a text-or-list field, owned.
pub(crate) fn owned(texts: &Option<Texts>) -> Option<Vec<String>> {
    Some(words(texts)?.iter().map(|w| (*w).to_owned()).collect())
}

/// A move's issue keys from `issue` or `issues` (not both), distinct and in order.
pub(crate) fn issue_keys(
    issue: Option<&str>,
    issues: &Option<Texts>,
    names: &mut NameCache,
) -> Option<Vec<IssueKey>> {
    let single;
    let words = match (issue, issues) {
        (Some(_), Some(_)) => return None,
        (Some(word), None) => {
            single = [word];
            &single[..]
        }
        (None, texts) => words(texts)?,
    };
    names.distinct_issues(words)
}

/// Parses an optional vocabulary word; `None` means the word did not parse.
pub(crate) fn optional<T>(
    word: Option<&str>,
    parse: fn(&str) -> Result<T, Invalid>,
) -> Option<Option<T>> {
    match word {
        None => Some(None),
        Some(word) => parse(word).ok().map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_null_is_no_text_but_an_option_of_texts_reads_it_as_absent() {
        assert!(serde_json::from_str::<Texts>("null").is_err());
        assert_eq!(serde_json::from_str::<Option<Texts>>("null").unwrap(), None);
        let many = serde_json::from_str::<Option<Texts>>(r#"["KR","US"]"#).unwrap();
        assert_eq!(words(&many), Some(&["KR", "US"][..]));
        let blank = serde_json::from_str::<Option<Texts>>(r#"["KR"," "]"#).unwrap();
        assert_eq!(
            words(&blank),
            None,
            "a blank item is for the strict path to name"
        );
    }
}
