//! An event read back from the store for a view: envelope and event decoded, the stored
//! bytes kept for the few views that need the whole object (`replay --json`, `events
//! --json`, amendments).
//!
//! A view reads every event of a negotiation, so this decode is the hot path of
//! `positions`, `audit`, `replay` and `report`. It reads a move's fields straight into
//! typed values ([`Wire`]) instead of building a `serde_json::Value` map first, which
//! was about half the time of a full replay. The stored bytes were validated when they
//! were recorded, so the fast path does not repeat the text checks (length, blankness);
//! `verify` proves the bytes unchanged. Anything the fast path does not expect (a
//! non-move kind, an escaped name, a shape it cannot read) falls back to the strict
//! decode of [`Recorded`], so errors read exactly as they always did, and a test checks
//! that both decodes agree on every bundled and generated journal.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::names::NameCache;
use super::wire::{Texts, issue_keys, optional, owned, words};
use super::{
    At, Body, Channel, Digest32, Envelope, Event, Invalid, IssueKey, Kind, Level, Move, Recorded,
    Reversibility, SCHEMA, time,
};

/// One event as a view reads it from the store.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    /// What the store assigned.
    pub envelope: Envelope,
    /// What the record-keeper wrote, as recorded (no corrections applied).
    pub event: Event,
    /// The stored canonical bytes.
    bytes: StoredBytes,
}

impl Stored {
    /// Decodes one event's stored bytes: the fast path for moves, the strict one otherwise.
    pub fn decode(bytes: &[u8]) -> Result<Stored, Invalid> {
        let mut one = decode_run(bytes.to_vec(), &[bytes.len()]).map_err(|(_, e)| e)?;
        one.pop()
            .ok_or_else(|| Invalid::new("a stored event decoded to nothing"))
    }

    /// The seq.
    pub fn seq(&self) -> u64 {
        self.envelope.seq
    }

    /// The stored canonical bytes, as `export` writes them.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    /// The whole recorded object, parsed on demand (unknown fields included).
    pub fn raw(&self) -> Map<String, Value> {
        raw_of(self.bytes())
    }

    /// Splits off the bytes, for a holder that keeps the event apart.
    pub fn into_parts(self) -> (Envelope, Event, StoredBytes) {
        (self.envelope, self.event, self.bytes)
    }
}

/// Decodes events stored back to back in `buffer`, event `i` ending at `ends[i]`. The
/// events share the buffer instead of each copying its bytes out, and the buffer's
/// UTF-8 is checked once instead of once per text. On failure, says which event.
pub fn decode_run(buffer: Vec<u8>, ends: &[usize]) -> Result<Vec<Stored>, (usize, Invalid)> {
    let buffer = Arc::new(buffer);
    let text = std::str::from_utf8(&buffer).ok();
    let mut names = NameCache::default();
    let mut out = Vec::with_capacity(ends.len());
    let mut start = 0;
    for (i, &end) in ends.iter().enumerate() {
        let range = start..end;
        start = end;
        let wire = match text.and_then(|t| t.get(range.clone())) {
            Some(json) => serde_json::from_str(json).ok(),
            None => buffer
                .get(range.clone())
                .and_then(|b| serde_json::from_slice(b).ok()),
        };
        let fast = fast_decode(wire, &mut names);
        let (envelope, event) = match fast {
            Some(decoded) => decoded,
            None => {
                let bytes = buffer.get(range.clone()).unwrap_or_default();
                let strict = Recorded::decode(bytes).map_err(|e| (i, e))?;
                (strict.envelope, strict.event)
            }
        };
        out.push(Stored {
            envelope,
            event,
            bytes: StoredBytes {
                buffer: Arc::clone(&buffer),
                range,
            },
        });
    }
    Ok(out)
}

/// The bytes of one stored event, in a buffer shared with the events read with it.
#[derive(Clone)]
pub struct StoredBytes {
    buffer: Arc<Vec<u8>>,
    range: Range<usize>,
}

impl StoredBytes {
    /// The bytes.
    pub fn as_slice(&self) -> &[u8] {
        self.buffer.get(self.range.clone()).unwrap_or_default()
    }
}

impl PartialEq for StoredBytes {
    fn eq(&self, other: &StoredBytes) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl fmt::Debug for StoredBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes", self.range.len())
    }
}

/// The JSON object in `bytes`; bytes that decoded once always parse again, and anything
/// else reads as an empty object rather than a panic.
pub(crate) fn raw_of(bytes: &[u8]) -> Map<String, Value> {
    serde_json::from_slice(bytes).unwrap_or_default()
}

/// The envelope and event of a stored move, or `None` to take the strict path.
fn fast_decode(wire: Option<Wire>, names: &mut NameCache) -> Option<(Envelope, Event)> {
    let wire = wire?;
    let kind = Kind::parse(wire.kind).ok()?;
    if !kind.is_move() || wire.schema > SCHEMA {
        return None;
    }
    let envelope = wire.envelope(names)?;
    let event = wire.into_event(kind, names)?;
    Some((envelope, event))
}

/// The fields of a stored move, borrowed where the text can hold no escape: the schema's
/// event and move fields ([`crate::model::Field::MOVE`]) and the envelope's (a test holds
/// the lists together).
///
/// Unknown fields are skipped, as the strict path ignores them too. A name with an
/// escape in it (never valid) makes the borrowed `&str` fail, which sends the event down
/// the strict path.
#[derive(Deserialize)]
struct Wire<'a> {
    kind: &'a str,
    at: String,
    negotiation: &'a str,
    summary: Option<String>,
    #[serde(rename = "ref")]
    label: Option<String>,
    source: Option<String>,
    by: Option<&'a str>,
    #[serde(default, borrow)]
    to: Option<Texts<'a>>,
    issue: Option<&'a str>,
    #[serde(default, borrow)]
    issues: Option<Texts<'a>>,
    position: Option<f64>,
    #[serde(default, borrow)]
    positions: Numbers<'a>,
    terms: Option<String>,
    channel: Option<&'a str>,
    level: Option<&'a str>,
    speaker: Option<String>,
    reversibility: Option<&'a str>,
    responds_to: Option<String>,
    #[serde(default, borrow)]
    conditional_on: Option<Texts<'a>>,
    package: Option<String>,
    #[serde(default, borrow)]
    tags: Option<Texts<'a>>,
    id: &'a str,
    seq: u64,
    recorded_at: &'a str,
    recorded_by: String,
    schema: u64,
    prev_hash: &'a str,
    hash: &'a str,
}

impl Wire<'_> {
    fn envelope(&self, names: &mut NameCache) -> Option<Envelope> {
        if self.seq == 0 {
            return None;
        }
        Some(Envelope {
            id: Uuid::parse_str(self.id).ok()?,
            negotiation: names.slug(self.negotiation)?,
            seq: self.seq,
            recorded_at: time::parse_instant(self.recorded_at).ok()?,
            recorded_by: self.recorded_by.clone(),
            schema: self.schema,
            prev_hash: Digest32::parse(self.prev_hash).ok()?,
            hash: Digest32::parse(self.hash).ok()?,
        })
    }

    /// The event, read as `Event::from_map` reads a move (see `parse.rs`).
    fn into_event(self, kind: Kind, names: &mut NameCache) -> Option<Event> {
        let issues = issue_keys(self.issue, &self.issues, names)?;
        let positions = self.positions(&issues, names)?;
        let (issues, positions) = Move::paired(issues, positions);
        if self.summary.is_none() || (kind.needs_issue() && issues.is_empty()) {
            return None;
        }
        let party_move = Move {
            by: names.party(self.by?)?,
            to: words(&self.to)?
                .iter()
                .map(|word| names.party(word))
                .collect::<Option<_>>()?,
            issues,
            positions,
            terms: self.terms,
            channel: optional(self.channel, Channel::parse)?.unwrap_or(Channel::Table),
            level: optional(self.level, Level::parse)?,
            speaker: self.speaker,
            reversibility: optional(self.reversibility, Reversibility::parse)?,
            responds_to: self.responds_to,
            conditional_on: owned(&self.conditional_on)?,
            package: self.package,
            tags: owned(&self.tags)?,
        };
        Some(Event {
            kind,
            at: At::parse(&self.at).ok()?,
            negotiation: Some(names.slug(self.negotiation)?),
            summary: self.summary,
            label: self.label,
            source: self.source,
            body: Body::Move(Box::new(party_move)),
        })
    }

    fn positions(
        &self,
        issues: &[IssueKey],
        names: &mut NameCache,
    ) -> Option<Vec<(IssueKey, f64)>> {
        let mut out = Vec::new();
        if let Some(number) = self.position {
            match issues {
                [issue] if number.is_finite() => out.push((issue.clone(), number)),
                _ => return None,
            }
        }
        let Numbers::Map(numbers) = &self.positions else {
            return Some(out);
        };
        for (key, number) in numbers {
            let key = names.issue(key)?;
            if !number.is_finite() || out.iter().any(|(k, _)| *k == key) {
                return None;
            }
            out.push((key, *number));
        }
        Some(out)
    }
}

/// `positions`: issue key to number, in the stored (sorted) order.
#[derive(Debug, Default, PartialEq)]
enum Numbers<'a> {
    /// Not given, or null.
    #[default]
    Absent,
    /// The numbers.
    Map(Vec<(&'a str, f64)>),
}

impl<'de: 'a, 'a> Deserialize<'de> for Numbers<'a> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumbersVisitor)
    }
}

struct NumbersVisitor;

impl<'de> Visitor<'de> for NumbersVisitor {
    type Value = Numbers<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of issue key to number")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Numbers::Absent)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut numbers = Vec::with_capacity(map.size_hint().unwrap_or(4));
        while let Some(pair) = map.next_entry::<&'de str, f64>()? {
            numbers.push(pair);
        }
        Ok(Numbers::Map(numbers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATEMENT: &str = r#"{"at":"2001-01-08T15:52:00Z","by":"IN","channel":"public","hash":"09bf53b920182d2f3f25e834ccc866a3ca4d223dec9856827e1938c664e58588","id":"01a23589-d5b2-7ec6-afdd-5ca392763173","issue":"issue-20","kind":"statement","level":"leader","negotiation":"synth-7-0","prev_hash":"530d5b97ec93cdf0ca70a48842357611e117e7f46d3a0ed2276c08353f00030e","recorded_at":"2026-12-02T06:55:55.314Z","recorded_by":"unknown","responds_to":"m887","schema":1,"seq":2000,"summary":"IN statement on issue-20"}"#;

    /// Every field a move can carry, with an escaped summary and a list where a text
    /// would do.
    const PACKAGE: &str = r#"{"at":"2025-07-30","by":"KR","conditional_on":["m1","autos"],"hash":"09bf53b920182d2f3f25e834ccc866a3ca4d223dec9856827e1938c664e58588","id":"01a23589-d5b2-7ec6-afdd-5ca392763173","issues":["tariff","autos"],"kind":"offer","level":"minister","negotiation":"kr-us","package":"july","positions":{"autos":12.5,"tariff":15},"prev_hash":"530d5b97ec93cdf0ca70a48842357611e117e7f46d3a0ed2276c08353f00030e","recorded_at":"2026-12-02T06:55:55.314Z","recorded_by":"desk","ref":"m2","responds_to":"m1","reversibility":"binding","schema":1,"seq":2,"source":"press pool","speaker":"Minister","summary":"Korea offers \"15%\"\u00e9","tags":"july","terms":"15% on everything","to":["US"],"x-extra":{"kept":true}}"#;

    #[test]
    fn the_wire_names_exactly_the_schema_fields_of_a_move_and_the_envelope() {
        let mut schema: Vec<&str> = super::super::fields_of(Kind::Offer)
            .chain(super::super::ENVELOPE_FIELDS)
            .collect();
        let mut wire = super::super::schema::serde_fields::<Wire>().to_vec();
        schema.sort_unstable();
        wire.sort_unstable();
        assert_eq!(wire, schema);
    }

    #[test]
    fn every_move_field_takes_the_fast_path_and_agrees_with_the_strict_one() {
        let fast = fast_decode(
            serde_json::from_str(PACKAGE).ok(),
            &mut NameCache::default(),
        );
        let strict = Recorded::decode(PACKAGE.as_bytes()).unwrap();
        assert!(fast.is_some(), "the fast path read it");
        assert_eq!(fast, Some((strict.envelope, strict.event)));
    }

    #[test]
    fn a_non_move_takes_the_strict_path() {
        let opening = r#"{"at":"2025-07-01","hash":"09bf53b920182d2f3f25e834ccc866a3ca4d223dec9856827e1938c664e58588","id":"01a23589-d5b2-7ec6-afdd-5ca392763173","issues":[{"key":"tariff","title":"Tariff"}],"kind":"opening","negotiation":"kr-us","parties":[{"code":"KR","name":"Korea"},{"code":"US","name":"United States"}],"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","recorded_at":"2026-12-02T06:55:55.314Z","recorded_by":"desk","schema":1,"seq":1,"summary":"Talks open","title":"Talks"}"#;
        assert_eq!(
            fast_decode(
                serde_json::from_str(opening).ok(),
                &mut NameCache::default()
            ),
            None
        );
        let stored = Stored::decode(opening.as_bytes()).unwrap();
        assert_eq!(
            stored.event,
            Recorded::decode(opening.as_bytes()).unwrap().event
        );
        assert_eq!(stored.bytes(), opening.as_bytes());
    }

    #[test]
    fn a_stored_move_takes_the_fast_path_and_agrees_with_the_strict_one() {
        let fast = fast_decode(
            serde_json::from_str(STATEMENT).ok(),
            &mut NameCache::default(),
        );
        let strict = Recorded::decode(STATEMENT.as_bytes()).unwrap();
        assert_eq!(fast, Some((strict.envelope, strict.event)));
    }
}
