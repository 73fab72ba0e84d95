//! A journal line checked on its own, before it meets the store: what can be done
//! without knowing the negotiation's state (shape checks, typed decoding, writing the
//! fields as canonical JSON) is done here, so an import can do it on a second thread
//! while the appender, which must go in order, chains the lines before.

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::model::{CanonicalFields, ENVELOPE_FIELDS, Event, FastLine, Invalid, Kind, LineCache};

use super::lines::parse_line;

/// One event line, ready for [`super::Appender::append_prepared`].
///
/// Nearly every line of a large journal is authored, so boxing the larger variant would
/// only add an allocation per line.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Prepared {
    /// An authored line (no `hash`): shape-checked and written canonically.
    Authored(Authored),
    /// A recorded line (with `hash`): the appender checks it against its chain.
    Recorded(Map<String, Value>),
}

/// An authored event with everything that does not depend on the store done.
#[derive(Debug)]
pub struct Authored {
    /// The typed event.
    pub(super) event: Event,
    /// The line's own `id`, if it has one; a bad one is reported only after the
    /// negotiation is known, as the checks have always been ordered.
    pub(super) id: Result<Option<Uuid>, Invalid>,
    /// Its fields as canonical JSON, to seal with the envelope.
    pub(super) fields: CanonicalFields,
}

impl Prepared {
    /// Checks one event line (its bytes, as [`super::Lines::next_raw`] gives them) on its
    /// own: an ordinary authored move the fast way, anything else as [`Prepared::from_map`].
    pub fn from_line(bytes: &[u8], cache: &mut LineCache) -> Result<Prepared, Invalid> {
        if let Ok(text) = std::str::from_utf8(bytes)
            && let Some(fast) = FastLine::read(text, cache)
        {
            return Ok(Prepared::Authored(Authored {
                event: fast.event,
                id: Ok(fast.id),
                fields: fast.fields,
            }));
        }
        parse_line(bytes).and_then(Prepared::from_map)
    }

    /// Checks one event object on its own.
    pub fn from_map(map: Map<String, Value>) -> Result<Prepared, Invalid> {
        if map.contains_key("hash") {
            return Ok(Prepared::Recorded(map));
        }
        refuse_envelope(&map)?;
        let event = Event::from_map(&map)?;
        Ok(Prepared::Authored(Authored {
            event,
            id: authored_id(&map),
            fields: CanonicalFields::from_map(&map),
        }))
    }

    /// Whether the line opens a negotiation (the lines after it that name none belong to it).
    pub fn opens(&self) -> bool {
        match self {
            Prepared::Authored(authored) => authored.event.kind == Kind::Opening,
            Prepared::Recorded(map) => {
                map.get("kind").and_then(Value::as_str) == Some(Kind::Opening.as_str())
            }
        }
    }
}

/// An authored line may carry its own `id`, never the rest of the envelope: a line with
/// `seq` or `prev_hash` but no `hash` is a recorded line whose `hash` was lost, and
/// recording it anew would hide that.
fn refuse_envelope(map: &Map<String, Value>) -> Result<(), Invalid> {
    match ENVELOPE_FIELDS
        .iter()
        .find(|field| **field != "id" && map.contains_key(**field))
    {
        Some(field) => Err(Invalid::field(
            field,
            "is assigned by the store; an authored line may not carry it, and a recorded line \
             needs its whole envelope, \"hash\" included",
        )),
        None => Ok(()),
    }
}

fn authored_id(map: &Map<String, Value>) -> Result<Option<Uuid>, Invalid> {
    match map.get("id") {
        None => Ok(None),
        Some(Value::String(text)) => Uuid::parse_str(text)
            .map(Some)
            .map_err(|_| Invalid::field("id", format!("{text:?} is not a UUID"))),
        Some(_) => Err(Invalid::field("id", "expected a UUID as text")),
    }
}
