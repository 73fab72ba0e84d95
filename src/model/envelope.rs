//! The envelope the store puts around each event, and the hash chain that makes any
//! change to a recorded event visible.
//!
//! # The hash rule
//!
//! ```text
//! hash(n) = lowercase hex of SHA-256( prev_hash(n) as 64 ASCII hex characters
//!                                     ‖ canonical JSON of event n without its `hash` field )
//! prev_hash(1) = "000…0" (64 zeros);  prev_hash(n) = hash(n-1) within one negotiation
//! ```
//!
//! Canonical JSON is what `serde_json` writes for the event object with every object's
//! keys sorted by their UTF-8 bytes, no white space, strings with only the escapes JSON
//! requires, integers as integers and other numbers in their shortest round-trip form.
//! The stored bytes of an event are the canonical JSON of the whole recorded object
//! (with `hash`), so an export reproduces them byte for byte.

use std::fmt;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{Invalid, Millis, Slug, time};

/// The format version of events this build writes.
pub const SCHEMA: u64 = 1;

/// Fields the store assigns; an authored line has none of them (except `negotiation`).
pub const ENVELOPE_FIELDS: [&str; 7] = [
    "id",
    "seq",
    "recorded_at",
    "recorded_by",
    "schema",
    "prev_hash",
    "hash",
];

/// A SHA-256 digest in the chain.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Digest32(pub [u8; 32]);

impl Digest32 {
    /// The `prev_hash` of a negotiation's first event.
    pub const ZERO: Digest32 = Digest32([0; 32]);

    /// Parses 64 lowercase hex characters.
    pub fn parse(text: &str) -> Result<Digest32, Invalid> {
        let bad = || Invalid::new(format!("{text:?} is not 64 lowercase hex characters"));
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
            let (hi, lo) = (
                HEX_VALUE[usize::from(pair[0])],
                HEX_VALUE[usize::from(pair[1])],
            );
            if hi == NOT_HEX || lo == NOT_HEX {
                return Err(bad());
            }
            *byte = hi << 4 | lo;
        }
        Ok(Digest32(out))
    }

    /// The digest as 64 lowercase hex characters.
    pub fn to_hex(&self) -> String {
        self.hex_bytes().iter().map(|&b| b as char).collect()
    }

    /// The digest as 64 lowercase hex characters, on the stack: the write path spells
    /// two digests per event and should not allocate for them.
    pub fn hex_bytes(&self) -> [u8; 64] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 64];
        for (pair, byte) in out.chunks_exact_mut(2).zip(self.0) {
            pair[0] = HEX[usize::from(byte >> 4)];
            pair[1] = HEX[usize::from(byte & 15)];
        }
        out
    }
}

/// Marks a byte that is not a lowercase hex digit in [`HEX_VALUE`].
const NOT_HEX: u8 = 0xff;

/// The value of each lowercase hex digit, by byte: every event carries two digests, so
/// a table lookup instead of a match per character is worth having.
const HEX_VALUE: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

impl fmt::Debug for Digest32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl serde::Serialize for Digest32 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for Digest32 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Digest32::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Digest32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// What the store assigned to an event when it accepted it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// UUID v7, unique in the store.
    pub id: Uuid,
    /// The negotiation (stream) the event belongs to.
    pub negotiation: Slug,
    /// Position in the negotiation, from 1 with no gaps.
    pub seq: u64,
    /// When the store accepted it.
    pub recorded_at: Millis,
    /// Who entered it.
    pub recorded_by: String,
    /// Format version of the event.
    pub schema: u64,
    /// Hash of the previous event of the negotiation.
    pub prev_hash: Digest32,
    /// Hash of this event.
    pub hash: Digest32,
}

impl Envelope {
    /// Reads the envelope of a recorded line; every field is required.
    pub fn from_map(map: &Map<String, Value>) -> Result<Envelope, Invalid> {
        let text = |field: &str| {
            map.get(field).and_then(Value::as_str).ok_or_else(|| {
                Invalid::field(field, "a recorded event needs this envelope field, as text")
            })
        };
        let number = |field: &str| {
            map.get(field).and_then(Value::as_u64).ok_or_else(|| {
                Invalid::field(
                    field,
                    "a recorded event needs this envelope field, as a whole number",
                )
            })
        };
        let id = Uuid::parse_str(text("id")?).map_err(|_| Invalid::field("id", "is not a UUID"))?;
        let recorded_at =
            time::parse_instant(text("recorded_at")?).map_err(|e| e.in_field("recorded_at"))?;
        let seq = number("seq")?;
        if seq == 0 {
            return Err(Invalid::field("seq", "starts at 1"));
        }
        Ok(Envelope {
            id,
            negotiation: Slug::parse(text("negotiation")?)
                .map_err(|e| e.in_field("negotiation"))?,
            seq,
            recorded_at,
            recorded_by: text("recorded_by")?.to_owned(),
            schema: number("schema")?,
            prev_hash: Digest32::parse(text("prev_hash")?).map_err(|e| e.in_field("prev_hash"))?,
            hash: Digest32::parse(text("hash")?).map_err(|e| e.in_field("hash"))?,
        })
    }

    /// Writes the envelope fields, except `hash`, into an event object.
    pub fn write_without_hash(&self, map: &mut Map<String, Value>) {
        map.insert("id".into(), Value::String(self.id.to_string()));
        map.insert(
            "negotiation".into(),
            Value::String(self.negotiation.to_string()),
        );
        map.insert("seq".into(), Value::from(self.seq));
        map.insert(
            "recorded_at".into(),
            Value::String(time::format_instant(self.recorded_at)),
        );
        map.insert(
            "recorded_by".into(),
            Value::String(self.recorded_by.clone()),
        );
        map.insert("schema".into(), Value::from(self.schema));
        map.insert("prev_hash".into(), Value::String(self.prev_hash.to_hex()));
    }
}

/// The canonical bytes of a JSON object (see the module doc).
pub fn canonical(map: &Map<String, Value>) -> Vec<u8> {
    // serde_json's Map is a BTreeMap (the `preserve_order` feature is off), so keys come
    // out sorted; writing to a Vec cannot fail.
    serde_json::to_vec(map).unwrap_or_default()
}

/// The chain hash of an event whose object (without `hash`) is `map`.
pub fn chain_hash(prev: &Digest32, map_without_hash: &Map<String, Value>) -> Digest32 {
    chain_hash_bytes(prev, &canonical(map_without_hash))
}

/// The chain hash over already-canonical bytes.
pub fn chain_hash_bytes(prev: &Digest32, canonical_without_hash: &[u8]) -> Digest32 {
    let mut hasher = Sha256::new();
    hasher.update(prev.hex_bytes());
    hasher.update(canonical_without_hash);
    Digest32(hasher.finalize().into())
}

/// The hash of an authored event's content (envelope and `negotiation` removed), used to
/// recognise a line that was already imported. Written from the map's fields in place,
/// without copying the map.
pub fn fingerprint(map: &Map<String, Value>) -> Digest32 {
    super::CanonicalFields::from_map(map).fingerprint()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hex_round_trips() {
        let digest = Digest32([0xab; 32]);
        assert_eq!(Digest32::parse(&digest.to_hex()).unwrap(), digest);
        assert!(Digest32::parse("AB").is_err());
        assert!(Digest32::parse(&"G".repeat(64)).is_err());
    }

    #[test]
    fn canonical_json_sorts_keys_and_drops_space() {
        let value = json!({"b": 1, "a": {"d": [1, 2.5], "c": "x"}});
        let bytes = canonical(value.as_object().unwrap());
        assert_eq!(bytes, br#"{"a":{"c":"x","d":[1,2.5]},"b":1}"#);
    }

    #[test]
    fn the_chain_hash_depends_on_the_previous_hash() {
        let map = json!({"kind": "meeting"}).as_object().unwrap().clone();
        let first = chain_hash(&Digest32::ZERO, &map);
        let second = chain_hash(&first, &map);
        assert_ne!(first, second);
        // The rule in the module doc, spelled out by hand.
        let mut hasher = Sha256::new();
        hasher.update("0".repeat(64));
        hasher.update(br#"{"kind":"meeting"}"#);
        assert_eq!(first.0, <[u8; 32]>::from(hasher.finalize()));
    }
}
