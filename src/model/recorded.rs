//! A recorded event: the authored event, its envelope, and the JSON object they came from
//! (kept whole so unknown fields survive export untouched).

use serde_json::{Map, Value};

use super::{Envelope, Event, Invalid, SCHEMA};

/// One event as the store holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// What the store assigned.
    pub envelope: Envelope,
    /// What the record-keeper wrote.
    pub event: Event,
    /// The whole recorded object.
    pub raw: Map<String, Value>,
}

impl Recorded {
    /// Decodes an event's stored bytes.
    pub fn decode(bytes: &[u8]) -> Result<Recorded, Invalid> {
        let raw = match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(Invalid::new("a stored event is not a JSON object")),
            Err(e) => {
                return Err(Invalid::new(format!(
                    "a stored event is not valid JSON: {e}"
                )));
            }
        };
        Recorded::from_map(raw)
    }

    /// Reads a recorded event from its JSON object.
    pub fn from_map(raw: Map<String, Value>) -> Result<Recorded, Invalid> {
        let envelope = Envelope::from_map(&raw)?;
        if envelope.schema > SCHEMA {
            return Err(Invalid::field(
                "schema",
                format!(
                    "schema {} is newer than this parley reads ({SCHEMA}); use a newer parley",
                    envelope.schema
                ),
            ));
        }
        let event = Event::from_map(&raw)?;
        Ok(Recorded {
            envelope,
            event,
            raw,
        })
    }

    /// The seq.
    pub fn seq(&self) -> u64 {
        self.envelope.seq
    }
}
