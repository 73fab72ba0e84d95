//! An authored event's fields written once as canonical JSON, so the write path can put
//! the envelope around them, hash them and fingerprint them without serialising the
//! object again (it used to write each event three times: without `hash`, with it, and
//! for the fingerprint).
//!
//! Canonical JSON sorts keys by their UTF-8 bytes, so every top-level field falls into
//! one of nine *slots* around the eight envelope keys (`hash`, `id`, `negotiation`,
//! `prev_hash`, `recorded_at`, `recorded_by`, `schema`, `seq`, in byte order). The
//! recorded object is the slots with the envelope fields between them; the hashed
//! object is the same bytes without the `"hash":"…",` fragment, which sits after slot 0.
//! Fields named like an envelope key are dropped: the envelope replaces them.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use uuid::Uuid;

use super::{Digest32, Envelope, Millis, time};

/// The envelope keys (and `negotiation`), in canonical (byte) order.
const SLOT_KEYS: [&str; 8] = [
    "hash",
    "id",
    "negotiation",
    "prev_hash",
    "recorded_at",
    "recorded_by",
    "schema",
    "seq",
];

/// Bytes of `"hash":"<64 hex>",`.
const HASH_FRAGMENT: usize = 8 + 64 + 2;

/// An event object's non-envelope fields as canonical `"key":value,` fragments, by slot.
#[derive(Clone, Debug, Default)]
pub struct CanonicalFields {
    /// The fragments, in key order, each followed by a comma.
    bytes: Vec<u8>,
    /// Where each slot ends in `bytes`.
    ends: [usize; SLOT_KEYS.len() + 1],
}

impl CanonicalFields {
    /// Writes the fields of `map` (its envelope fields and `negotiation` left out).
    pub fn from_map(map: &Map<String, Value>) -> CanonicalFields {
        let mut writer = FieldsWriter::default();
        // serde_json's Map is a BTreeMap (the `preserve_order` feature is off): its keys
        // come in byte order, the order canonical JSON writes them in.
        for (key, value) in map {
            writer.field(key, |out| write_json(out, value));
        }
        writer.finish()
    }

    /// The hash of the content alone (no envelope, no `negotiation`): the same for a line
    /// imported twice, whatever envelope it got. Equal to [`super::fingerprint`] of the map.
    pub fn fingerprint(&self) -> Digest32 {
        let mut hasher = Sha256::new();
        match self.bytes.split_last() {
            Some((_, fields)) => {
                hasher.update(b"{");
                hasher.update(fields);
                hasher.update(b"}");
            }
            None => hasher.update(b"{}"),
        }
        Digest32(hasher.finalize().into())
    }

    /// The buffer the fields were written in, to write other fields in.
    pub fn into_buffer(self) -> Vec<u8> {
        self.bytes
    }

    fn slot(&self, slot: usize) -> &[u8] {
        let start = if slot == 0 { 0 } else { self.ends[slot - 1] };
        &self.bytes[start..self.ends[slot]]
    }
}

/// Writes [`CanonicalFields`] one field at a time, for a reader that has the fields typed
/// instead of in a map. Keys must come in byte order; envelope keys are left out.
#[derive(Debug)]
pub struct FieldsWriter {
    fields: CanonicalFields,
    slot: usize,
}

impl Default for FieldsWriter {
    fn default() -> FieldsWriter {
        FieldsWriter {
            fields: CanonicalFields {
                bytes: Vec::with_capacity(512),
                ends: [0; SLOT_KEYS.len() + 1],
            },
            slot: 0,
        }
    }
}

impl FieldsWriter {
    /// A writer that writes into `buffer` (cleared first), as [`CanonicalFields::into_buffer`]
    /// gives one back.
    pub fn with_buffer(mut buffer: Vec<u8>) -> FieldsWriter {
        buffer.clear();
        FieldsWriter {
            fields: CanonicalFields {
                bytes: buffer,
                ends: [0; SLOT_KEYS.len() + 1],
            },
            slot: 0,
        }
    }

    /// Writes `"key":` and the value `write` puts out as canonical JSON, then a comma;
    /// nothing for an envelope key.
    pub fn field(&mut self, key: &str, write: impl FnOnce(&mut Vec<u8>)) {
        let bytes = &mut self.fields.bytes;
        while self.slot < SLOT_KEYS.len() && key > SLOT_KEYS[self.slot] {
            self.fields.ends[self.slot] = bytes.len();
            self.slot += 1;
        }
        if self.slot < SLOT_KEYS.len() && key == SLOT_KEYS[self.slot] {
            return;
        }
        write_json(bytes, key);
        bytes.push(b':');
        write(bytes);
        bytes.push(b',');
    }

    /// The fields written.
    pub fn finish(mut self) -> CanonicalFields {
        let len = self.fields.bytes.len();
        for end in &mut self.fields.ends[self.slot..] {
            *end = len;
        }
        self.fields
    }
}

/// Puts envelopes around [`CanonicalFields`]; it keeps the text of `recorded_at`, which
/// an import gives every event the same, so it is formatted once, not per event.
#[derive(Debug, Default)]
pub struct Sealer {
    recorded_at: Option<(Millis, String)>,
}

impl Sealer {
    /// The recorded bytes of the event with `envelope` around `fields`, and its chain hash
    /// (over the same bytes without `hash`, as the hash rule says). The `hash` in
    /// `envelope` is ignored.
    pub fn seal(&mut self, fields: &CanonicalFields, envelope: &Envelope) -> (Vec<u8>, Digest32) {
        let mut out = Vec::with_capacity(fields.bytes.len() + 320);
        let hash = self.seal_into(fields, envelope, &mut out);
        (out, hash)
    }

    /// [`Sealer::seal`] into `out` (cleared first), so a caller that copies the bytes on
    /// can reuse one buffer for every event.
    pub fn seal_into(
        &mut self,
        fields: &CanonicalFields,
        envelope: &Envelope,
        out: &mut Vec<u8>,
    ) -> Digest32 {
        out.clear();
        out.push(b'{');
        out.extend_from_slice(fields.slot(0));
        let hole = out.len();
        out.resize(hole + HASH_FRAGMENT, 0);
        out.extend_from_slice(fields.slot(1));
        for (slot, key) in SLOT_KEYS.iter().enumerate().skip(1) {
            out.push(b'"');
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b"\":");
            self.write_value(out, envelope, key);
            out.push(b',');
            out.extend_from_slice(fields.slot(slot + 1));
        }
        // Every fragment ends with a comma; the last one closes the object instead.
        if let Some(last) = out.last_mut() {
            *last = b'}';
        }
        let mut hasher = Sha256::new();
        hasher.update(envelope.prev_hash.hex_bytes());
        hasher.update(&out[..hole]);
        hasher.update(&out[hole + HASH_FRAGMENT..]);
        let hash = Digest32(hasher.finalize().into());
        let fragment = &mut out[hole..hole + HASH_FRAGMENT];
        fragment[..8].copy_from_slice(b"\"hash\":\"");
        fragment[8..72].copy_from_slice(&hash.hex_bytes());
        fragment[72..].copy_from_slice(b"\",");
        hash
    }

    /// The canonical JSON of the envelope field `key` (one of [`SLOT_KEYS`] after `hash`).
    /// Ids, digests and instants need no escapes, so they are written as they are.
    fn write_value(&mut self, out: &mut Vec<u8>, envelope: &Envelope, key: &str) {
        let quoted = |out: &mut Vec<u8>, text: &[u8]| {
            out.push(b'"');
            out.extend_from_slice(text);
            out.push(b'"');
        };
        match key {
            "id" => {
                let mut buffer = Uuid::encode_buffer();
                let text = envelope.id.hyphenated().encode_lower(&mut buffer);
                quoted(out, text.as_bytes());
            }
            "negotiation" => write_json(out, envelope.negotiation.as_str()),
            "prev_hash" => quoted(out, &envelope.prev_hash.hex_bytes()),
            "recorded_at" => {
                let millis = envelope.recorded_at;
                let (_, text) = match &mut self.recorded_at {
                    Some(cached) if cached.0 == millis => cached,
                    slot => slot.insert((millis, time::format_instant(millis))),
                };
                quoted(out, text.as_bytes());
            }
            "recorded_by" => write_json(out, &envelope.recorded_by),
            "schema" => write_json(out, &envelope.schema),
            _ => write_json(out, &envelope.seq),
        }
    }
}

/// Appends `value` as serde_json writes it (compact); writing to a Vec cannot fail.
pub(crate) fn write_json(out: &mut Vec<u8>, value: &(impl serde::Serialize + ?Sized)) {
    let _ = serde_json::to_writer(out, value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ENVELOPE_FIELDS, Slug, canonical, chain_hash};
    use serde_json::json;

    fn envelope() -> Envelope {
        Envelope {
            id: Uuid::from_u128(0x0198_0000_0000_7000_8000_0000_0000_0042),
            negotiation: Slug::parse("kr-us").unwrap(),
            seq: 12,
            recorded_at: 1_750_000_000_123,
            recorded_by: "clerk \"A\" ü".into(),
            schema: 1,
            prev_hash: Digest32([7; 32]),
            hash: Digest32::ZERO,
        }
    }

    /// The old way: insert the envelope into the map, serialise without and with `hash`.
    fn by_map(mut map: Map<String, Value>, envelope: &Envelope) -> (Vec<u8>, Digest32) {
        map.remove("hash");
        envelope.write_without_hash(&mut map);
        let hash = chain_hash(&envelope.prev_hash, &map);
        map.insert("hash".into(), Value::String(hash.to_hex()));
        (canonical(&map), hash)
    }

    /// The old fingerprint: a copy of the map without the envelope, serialised.
    fn fingerprint(map: &Map<String, Value>) -> Digest32 {
        let mut authored = map.clone();
        for field in ENVELOPE_FIELDS {
            authored.remove(field);
        }
        authored.remove("negotiation");
        Digest32(Sha256::digest(canonical(&authored)).into())
    }

    #[test]
    fn sealing_gives_the_bytes_and_hash_of_the_whole_map() {
        let objects = [
            json!({"kind": "meeting", "at": "2025-01-01"}),
            json!({}),
            json!({"a": 1, "hashtag": "x", "hb": [1.5, {"z": null, "a": "\u{7f}\n"}], "i": 1,
                   "id": "0198ABCD-0000-7000-8000-000000000001", "idx": true, "negotiation": "kr-us",
                   "o": 2, "prev": "p", "prev_hash_x": 3, "recorded": 4, "recorded_at_": 5,
                   "recorded_byz": 6, "s": 7, "schema2": 8, "seq0": 9, "sequel": 10, "zz": "ü",
                   "\u{e9}t\u{e9}": "é", "": "empty key", "A\"q": -0.25}),
            json!({"zzz": 1}),
            json!({"aaa": 1}),
        ];
        // One sealer for all, as an import uses it: the cached `recorded_at` text is reused.
        let mut sealer = Sealer::default();
        for object in objects {
            let map = object.as_object().unwrap().clone();
            let fields = CanonicalFields::from_map(&map);
            let sealed = sealer.seal(&fields, &envelope());
            assert_eq!(sealed, by_map(map.clone(), &envelope()), "{map:?}");
            assert_eq!(fields.fingerprint(), fingerprint(&map), "{map:?}");
        }
    }
}
