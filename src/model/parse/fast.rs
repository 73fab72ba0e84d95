//! The fast reading of an authored move line: straight from the line's text into typed,
//! mostly borrowed fields, and from them to the [`Event`] and its canonical fields,
//! without a `serde_json::Value` map in between (building, reading and freeing that map
//! was about half of an import's reading thread).
//!
//! It only ever *accepts*: anything it does not expect (a kind other than a move, an
//! unknown or envelope field, a `null`, an escape in a name, a duplicate key, a value
//! that fails a check) makes it answer `None`, and the caller reads the line the strict
//! way ([`Event::from_map`]), which accepts or refuses it with the messages it always
//! gave. Where it accepts, it gives what the strict way gives: tests compare both on the
//! bundled journals, generated ones and edge cases.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Number;
use uuid::Uuid;

use super::MAX_SUMMARY_CHARS;
use crate::model::canonical::write_json;
use crate::model::names::NameCache;
use crate::model::wire::{Texts, issue_keys, optional, owned, words};
use crate::model::{
    At, Body, CanonicalFields, Channel, Event, Field, FieldsWriter, IssueKey, Kind, Level, Move,
    PartyCode, Reversibility, Slug,
};

/// An authored move line, read the fast way.
#[derive(Debug)]
pub struct FastLine {
    /// The typed event.
    pub event: Event,
    /// The line's own `id`, if it has one.
    pub id: Option<Uuid>,
    /// Its fields as canonical JSON.
    pub fields: CanonicalFields,
}

/// What the fast reading keeps from line to line: the names read so far (a journal
/// names the same negotiation, parties and issues on nearly every line, so each is
/// parsed and allocated once, then shared), and buffers to write canonical fields in.
#[derive(Debug, Default)]
pub struct LineCache {
    names: NameCache,
    buffers: Vec<Vec<u8>>,
}

/// Most buffers kept for reuse.
const BUFFERS: usize = 4096;

impl LineCache {
    /// Keeps the buffer of spent canonical fields for a later line.
    pub fn recycle(&mut self, fields: CanonicalFields) {
        if self.buffers.len() < BUFFERS {
            self.buffers.push(fields.into_buffer());
        }
    }

    fn slug(&mut self, text: &str) -> Option<Slug> {
        self.names.slug(text)
    }

    fn party(&mut self, text: &str) -> Option<PartyCode> {
        self.names.party(text)
    }

    fn issue(&mut self, text: &str) -> Option<IssueKey> {
        self.names.issue(text)
    }
}

impl FastLine {
    /// Reads an authored move from one line's text, or `None` to read it the strict way.
    pub fn read(text: &str, names: &mut LineCache) -> Option<FastLine> {
        // Only an object: serde would read a struct from a list of its fields in order.
        if !text
            .trim_start_matches([' ', '\t', '\r', '\n'])
            .starts_with('{')
        {
            return None;
        }
        let wire: Wire = serde_json::from_str(text).ok()?;
        let kind = Kind::parse(wire.kind).ok()?;
        if !kind.is_move() {
            return None;
        }
        let id = match wire.id {
            Some(id) => Some(Uuid::parse_str(id).ok()?),
            None => None,
        };
        let buffer = names.buffers.pop().unwrap_or_default();
        let fields = wire.canonical(buffer);
        let event = wire.into_event(kind, names)?;
        Some(FastLine { event, id, fields })
    }
}

/// The fields an authored move may have, in key order: the schema's event and move
/// fields ([`Field::MOVE`]) and `id` (a test holds the two lists together). Absent
/// fields are `None`; a `null` fails (the strict path keeps it in the canonical bytes),
/// and so does any other field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire<'a> {
    #[serde(borrow)]
    at: &'a str,
    #[serde(default, deserialize_with = "present", borrow)]
    by: Option<&'a str>,
    #[serde(default, deserialize_with = "present", borrow)]
    channel: Option<&'a str>,
    #[serde(default, deserialize_with = "present", borrow)]
    conditional_on: Option<Texts<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    id: Option<&'a str>,
    #[serde(default, deserialize_with = "present", borrow)]
    issue: Option<&'a str>,
    #[serde(default, deserialize_with = "present", borrow)]
    issues: Option<Texts<'a>>,
    #[serde(borrow)]
    kind: &'a str,
    #[serde(default, deserialize_with = "present", borrow)]
    level: Option<&'a str>,
    #[serde(default, deserialize_with = "present", borrow)]
    negotiation: Option<&'a str>,
    #[serde(default, deserialize_with = "present", borrow)]
    package: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "present")]
    position: Option<Number>,
    #[serde(default, deserialize_with = "present", borrow)]
    positions: Option<Numbers<'a>>,
    #[serde(default, rename = "ref", deserialize_with = "present", borrow)]
    label: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "present", borrow)]
    responds_to: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "present", borrow)]
    reversibility: Option<&'a str>,
    #[serde(default, deserialize_with = "present", borrow)]
    source: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "present", borrow)]
    speaker: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "present", borrow)]
    summary: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "present", borrow)]
    tags: Option<Texts<'a>>,
    #[serde(default, deserialize_with = "present", borrow)]
    terms: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "present", borrow)]
    to: Option<Texts<'a>>,
}

/// A field that is there: a `null` does not read as absent.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

impl Wire<'_> {
    /// The fields as canonical JSON: the line's fields in key order, `id` and
    /// `negotiation` left out as [`CanonicalFields::from_map`] leaves them out.
    fn canonical(&self, buffer: Vec<u8>) -> CanonicalFields {
        fn text(w: &mut FieldsWriter, key: &str, value: Option<&str>) {
            if let Some(value) = value {
                w.field(key, |out| write_json(out, value));
            }
        }
        fn texts(w: &mut FieldsWriter, key: &str, value: &Option<Texts>) {
            match value {
                Some(Texts::One(word)) => w.field(key, |out| write_json(out, word)),
                Some(Texts::Many(words)) => w.field(key, |out| write_json(out, words)),
                None => {}
            }
        }
        let mut w = FieldsWriter::with_buffer(buffer);
        text(&mut w, Field::At.name(), Some(self.at));
        text(&mut w, Field::By.name(), self.by);
        text(&mut w, Field::Channel.name(), self.channel);
        texts(&mut w, Field::ConditionalOn.name(), &self.conditional_on);
        text(&mut w, Field::Issue.name(), self.issue);
        texts(&mut w, Field::Issues.name(), &self.issues);
        text(&mut w, Field::Kind.name(), Some(self.kind));
        text(&mut w, Field::Level.name(), self.level);
        text(&mut w, Field::Package.name(), self.package.as_deref());
        if let Some(number) = &self.position {
            w.field(Field::Position.name(), |out| write_json(out, number));
        }
        if let Some(Numbers(numbers)) = &self.positions {
            w.field(Field::Positions.name(), |out| {
                out.push(b'{');
                for (i, (key, number)) in numbers.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_json(out, key);
                    out.push(b':');
                    write_json(out, number);
                }
                out.push(b'}');
            });
        }
        text(&mut w, Field::Ref.name(), self.label.as_deref());
        text(
            &mut w,
            Field::RespondsTo.name(),
            self.responds_to.as_deref(),
        );
        text(&mut w, Field::Reversibility.name(), self.reversibility);
        text(&mut w, Field::Source.name(), self.source.as_deref());
        text(&mut w, Field::Speaker.name(), self.speaker.as_deref());
        text(&mut w, Field::Summary.name(), self.summary.as_deref());
        texts(&mut w, Field::Tags.name(), &self.tags);
        text(&mut w, Field::Terms.name(), self.terms.as_deref());
        texts(&mut w, Field::To.name(), &self.to);
        w.finish()
    }

    /// The event, read as [`Event::from_map`] reads a move, or `None` where that would
    /// refuse (or where this reading is not sure to agree).
    fn into_event(self, kind: Kind, names: &mut LineCache) -> Option<Event> {
        let at = At::parse(self.at).ok()?;
        let negotiation = match self.negotiation {
            Some(slug) => Some(names.slug(slug)?),
            None => None,
        };
        let issues = issue_keys(self.issue, &self.issues, &mut names.names)?;
        let positions = self.positions(&issues, names)?;
        let summary = Some(line(self.summary)??);
        let (issues, positions) = Move::paired(issues, positions);
        if kind.needs_issue() && issues.is_empty() {
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
            terms: text(self.terms)?,
            channel: optional(self.channel, Channel::parse)?.unwrap_or(Channel::Table),
            level: optional(self.level, Level::parse)?,
            speaker: line(self.speaker)?,
            reversibility: optional(self.reversibility, Reversibility::parse)?,
            responds_to: line(self.responds_to)?,
            conditional_on: owned(&self.conditional_on)?,
            package: line(self.package)?,
            tags: owned(&self.tags)?,
        };
        Some(Event {
            kind,
            at,
            negotiation,
            summary,
            label: line(self.label)?,
            source: text(self.source)?,
            body: Body::Move(Box::new(party_move)),
        })
    }

    fn positions(
        &self,
        issues: &[IssueKey],
        names: &mut LineCache,
    ) -> Option<Vec<(IssueKey, f64)>> {
        let mut out = Vec::new();
        if let Some(number) = &self.position {
            let number = finite(number)?;
            match issues {
                [issue] => out.push((issue.clone(), number)),
                _ => return None,
            }
        }
        if let Some(Numbers(numbers)) = &self.positions {
            for (key, number) in numbers {
                let key = names.issue(key)?;
                let number = finite(number)?;
                if out.iter().any(|(k, _)| *k == key) {
                    return None;
                }
                out.push((key, number));
            }
        }
        Some(out)
    }
}

fn finite(number: &Number) -> Option<f64> {
    number.as_f64().filter(|n| n.is_finite())
}

/// Free text as `Fields::text` accepts it: `Some(None)` when absent, `None` when refused.
fn text(value: Option<Cow<str>>) -> Option<Option<String>> {
    match value {
        None => Some(None),
        Some(text) => {
            let fits = !text.trim().is_empty() && chars_at_most(&text, MAX_SUMMARY_CHARS);
            fits.then(|| Some(text.into_owned()))
        }
    }
}

/// One-line text as `Fields::line` accepts it.
fn line(value: Option<Cow<str>>) -> Option<Option<String>> {
    let text = text(value)?;
    match &text {
        Some(text) if text.chars().any(char::is_control) => None,
        _ => Some(text),
    }
}

fn chars_at_most(text: &str, most: usize) -> bool {
    text.len() <= most || text.chars().count() <= most
}

/// `positions`: issue key to number, sorted by key as a map would hold them; a key
/// given twice fails (a map would keep the last).
#[derive(Debug)]
struct Numbers<'a>(Vec<(&'a str, Number)>);

impl<'de: 'a, 'a> Deserialize<'de> for Numbers<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(NumbersVisitor)
    }
}

struct NumbersVisitor;

impl<'de> Visitor<'de> for NumbersVisitor {
    type Value = Numbers<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of issue key to number")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut numbers: Vec<(&'de str, Number)> = Vec::with_capacity(4);
        while let Some(pair) = map.next_entry::<&'de str, Number>()? {
            numbers.push(pair);
        }
        numbers.sort_by(|a, b| a.0.cmp(b.0));
        if numbers.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(de::Error::custom("a key given twice"));
        }
        Ok(Numbers(numbers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Invalid;
    use serde_json::{Map, Value};

    /// The strict reading, as an import does it.
    fn strict(text: &str) -> Result<(Event, CanonicalFields), Invalid> {
        let map: Map<String, Value> =
            serde_json::from_str(text).map_err(|_| Invalid::new("json"))?;
        Ok((Event::from_map(&map)?, CanonicalFields::from_map(&map)))
    }

    /// Checks that where the fast reading accepts, it agrees with the strict one; says
    /// whether it accepted.
    pub(crate) fn agrees(text: &str) -> bool {
        let Some(fast) = FastLine::read(text, &mut LineCache::default()) else {
            return false;
        };
        let (event, fields) = strict(text).unwrap_or_else(|e| panic!("{text}: strict: {e}"));
        assert_eq!(fast.event, event, "{text}");
        assert_eq!(fast.fields.fingerprint(), fields.fingerprint(), "{text}");
        let envelope = crate::model::Envelope {
            id: Uuid::from_u128(7),
            negotiation: Slug::parse("kr-us").unwrap(),
            seq: 3,
            recorded_at: 1_750_000_000_000,
            recorded_by: "desk".into(),
            schema: 1,
            prev_hash: crate::model::Digest32([1; 32]),
            hash: crate::model::Digest32::ZERO,
        };
        let mut sealer = crate::model::Sealer::default();
        assert_eq!(
            sealer.seal(&fast.fields, &envelope),
            sealer.seal(&fields, &envelope),
            "{text}"
        );
        true
    }

    #[test]
    fn the_wire_names_exactly_the_schema_fields_of_a_move_and_id() {
        let mut schema: Vec<&str> = crate::model::fields_of(Kind::Offer).collect();
        schema.push("id");
        schema.sort_unstable();
        let wire = crate::model::schema::serde_fields::<Wire>();
        assert_eq!(wire, schema, "the Wire struct's fields, in key order");
    }

    #[test]
    fn every_move_field_takes_the_fast_path_and_agrees() {
        let lines = [
            r#"{"at":"2025-07-30","by":"KR","conditional_on":["m1","autos"],"id":"01a23589-d5b2-7ec6-afdd-5ca392763173","issues":["tariff","autos","tariff"],"kind":"offer","level":"minister","negotiation":"kr-us","package":"july","positions":{"tariff":15,"autos":12.50},"ref":"m2","responds_to":"m1","reversibility":"binding","source":"press pool","speaker":"Minister","summary":"Korea offers \"15%\" \u00e9","tags":"july","terms":"15% on\neverything","to":["US"]}"#,
            r#"{"kind":"concession","at":"2001-01-01T00:07:00Z","by":"IN","issue":"issue-13","position":77.5,"ref":"m0","summary":"x"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","position":1e2,"summary":"x","tags":[],"to":"CN"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","position":-0.0,"summary":"x"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","position":18446744073709551616,"summary":"x"}"#,
            r#"{"kind":"statement","at":"2001-01-01","by":"IN","summary":"x","positions":{}}"#,
            r#"{"kind":"meeting","at":"2001-01-01","by":"IN","summary":"  padded  "}"#,
        ];
        for line in lines {
            assert!(agrees(line), "fast path refused {line}");
        }
    }

    #[test]
    fn anything_unusual_takes_the_strict_path() {
        let lines = [
            r#"{"kind":"offer","at":"2001-01-01","by":null,"issue":"i","summary":"x"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","summary":"x","extra":1}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","summary":"x","seq":1}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","summary":"x","summary":"y"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"I\u004e","issue":"i","summary":"x"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","summary":" "}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","ref":"a\nb","summary":"x"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issues":"i","issue":"i","summary":"x"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issues":["i"," "],"summary":"x"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","position":1,"positions":{"i":2},"summary":"x"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","positions":{"i":1,"i":2},"summary":"x"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","summary":"x"}"#,
            r#"{"kind":"offer","at":"2001-13-01","by":"IN","issue":"i","summary":"x"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","summary":"x","channel":"tv"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","summary":"x","id":"nope"}"#,
            r#"{"kind":"annotation","at":"2001-01-01","note":"x"}"#,
            r#"{"kind":"offer","at":"2001-01-01","by":"IN","issue":"i","summary":"x"} x"#,
            r#"["kind"]"#,
            r#"["2001-01-01","IN","table",[],"01a23589-d5b2-7ec6-afdd-5ca392763173","i",[],"offer","senior",null,"p",1,{},"m","r","binding","s","sp","summary"]"#,
        ];
        for line in lines {
            assert!(
                FastLine::read(line, &mut LineCache::default()).is_none(),
                "fast path took {line}"
            );
        }
    }

    #[test]
    fn generated_and_bundled_journals_read_the_same_both_ways() {
        let mut journal = Vec::new();
        let options = crate::synth::SynthOptions {
            events: 20_000,
            seed: 11,
            negotiations: 3,
        };
        crate::synth::write_journal(&options, &mut journal).unwrap();
        let mut texts = vec![String::from_utf8(journal).unwrap()];
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/journals")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "ndjson") {
                texts.push(std::fs::read_to_string(path).unwrap());
            }
        }
        let mut fast = 0;
        for line in texts.iter().flat_map(|t| t.lines()) {
            if line.starts_with('{') && agrees(line) {
                fast += 1;
            }
        }
        assert!(fast > 15_000, "{fast} lines took the fast path");
    }
}
