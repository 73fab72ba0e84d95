//! The `ids` and `refs` indexes, packed into buckets.
//!
//! One sled key per event costs sled tens of microseconds per insert in a bulk write and
//! some fifty bytes of overhead; a million-event import spent most of its time there.
//! So entries are grouped into 4,096 buckets per index (per stream for `refs`), chosen by
//! a hash of the id or label, and a commit rewrites each touched bucket once:
//!
//! ```text
//! ids   bucket:u16                 → n × ( uuid:16 ‖ stream:u32 ‖ seq:u64 ‖ kind:u8 )
//! refs  stream:u32 ‖ bucket:u16    → n × ( len:u16 ‖ label ‖ seq:u64 ‖ kind:u8 )
//! ```
//!
//! At a million events a bucket holds about 250 ids (7 KB), so the one `log` that
//! rewrites it stays cheap. Entries past a stream's head are orphans of a failed commit:
//! lookups ignore them (the caller checks the head), and the next commit of that stream
//! drops them from every bucket it rewrites.

use std::collections::{BTreeMap, HashMap};

use uuid::Uuid;

use super::keys::{StreamId, kind_code, kind_from_code};
use crate::model::Kind;

const BUCKET_BITS: u32 = 12;

/// FNV-1a folded to [`BUCKET_BITS`]: stable across builds and platforms, unlike std's hasher.
fn bucket_of(bytes: &[u8]) -> u16 {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    ((hash >> (32 - BUCKET_BITS)) ^ (hash & ((1 << BUCKET_BITS) - 1))) as u16
}

/// The `ids` key of the bucket that holds `id`.
pub fn id_bucket(id: &Uuid) -> [u8; 2] {
    bucket_of(id.as_bytes()).to_be_bytes()
}

/// The `refs` key of the bucket that holds `label` in `stream`.
pub fn ref_bucket(stream: StreamId, label: &str) -> [u8; 6] {
    let mut key = [0u8; 6];
    key[..4].copy_from_slice(&stream.to_be_bytes());
    key[4..].copy_from_slice(&bucket_of(label.as_bytes()).to_be_bytes());
    key
}

/// The stream a `refs` bucket key belongs to.
pub fn ref_bucket_stream(key: &[u8]) -> Option<StreamId> {
    Some(StreamId::from_be_bytes(key.get(..4)?.try_into().ok()?))
}

/// One entry of the `ids` index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdEntry {
    /// The event id.
    pub id: Uuid,
    /// Its stream.
    pub stream: StreamId,
    /// Its seq.
    pub seq: u64,
    /// Its kind.
    pub kind: Kind,
}

const ID_ENTRY: usize = 29;

/// Reads an `ids` bucket; a damaged tail is ignored (the store verifies events, not
/// indexes, and a lookup that misses falls back to "not found").
pub fn read_ids(value: &[u8]) -> Vec<IdEntry> {
    value
        .chunks_exact(ID_ENTRY)
        .filter_map(|c| {
            Some(IdEntry {
                id: Uuid::from_slice(&c[..16]).ok()?,
                stream: StreamId::from_be_bytes(c[16..20].try_into().ok()?),
                seq: u64::from_be_bytes(c[20..28].try_into().ok()?),
                kind: kind_from_code(c[28])?,
            })
        })
        .collect()
}

/// Writes an `ids` bucket.
pub fn write_ids(entries: &[IdEntry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * ID_ENTRY);
    for e in entries {
        out.extend_from_slice(e.id.as_bytes());
        out.extend_from_slice(&e.stream.to_be_bytes());
        out.extend_from_slice(&e.seq.to_be_bytes());
        out.push(kind_code(e.kind));
    }
    out
}

/// One entry of a `refs` bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefEntry {
    /// The label.
    pub label: String,
    /// The seq it names.
    pub seq: u64,
    /// The kind of that event.
    pub kind: Kind,
}

/// Reads a `refs` bucket (a damaged tail is ignored, as for ids).
pub fn read_refs(value: &[u8]) -> Vec<RefEntry> {
    let mut out = Vec::new();
    let mut rest = value;
    while rest.len() >= 2 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        let Some(entry) = rest.get(2..2 + len + 9) else {
            break;
        };
        let (label, tail) = entry.split_at(len);
        let (Ok(label), Ok(seq), Some(kind)) = (
            std::str::from_utf8(label),
            tail[..8].try_into().map(u64::from_be_bytes),
            kind_from_code(tail[8]),
        ) else {
            break;
        };
        out.push(RefEntry {
            label: label.to_owned(),
            seq,
            kind,
        });
        rest = &rest[2 + len + 9..];
    }
    out
}

/// Writes a `refs` bucket. Labels are one line of at most a few thousand bytes, well
/// within the u16 length.
pub fn write_refs(entries: &[RefEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let label = &e.label.as_bytes()[..e.label.len().min(usize::from(u16::MAX))];
        out.extend_from_slice(&(label.len() as u16).to_be_bytes());
        out.extend_from_slice(label);
        out.extend_from_slice(&e.seq.to_be_bytes());
        out.push(kind_code(e.kind));
    }
    out
}

/// New index entries of one commit, grouped by bucket.
pub struct Additions {
    /// Per `ids` bucket number (a commit of many events touches most of them, so a
    /// table is cheaper than a map).
    ids: Vec<Vec<IdEntry>>,
    /// Per `refs` bucket key.
    pub refs: BTreeMap<[u8; 6], Vec<RefEntry>>,
}

impl Default for Additions {
    fn default() -> Additions {
        Additions {
            ids: vec![Vec::new(); 1 << BUCKET_BITS],
            refs: BTreeMap::new(),
        }
    }
}

impl Additions {
    /// Adds one event's entries.
    pub fn add(&mut self, stream: StreamId, id: Uuid, seq: u64, kind: Kind, label: Option<&str>) {
        let bucket = usize::from(bucket_of(id.as_bytes()));
        self.ids[bucket].push(IdEntry {
            id,
            stream,
            seq,
            kind,
        });
        if let Some(label) = label {
            self.refs
                .entry(ref_bucket(stream, label))
                .or_default()
                .push(RefEntry {
                    label: label.to_owned(),
                    seq,
                    kind,
                });
        }
    }

    /// The touched `ids` buckets: each key and its new entries.
    pub fn ids(&self) -> impl Iterator<Item = ([u8; 2], &Vec<IdEntry>)> {
        self.ids
            .iter()
            .enumerate()
            .filter(|(_, entries)| !entries.is_empty())
            .map(|(bucket, entries)| ((bucket as u16).to_be_bytes(), entries))
    }
}

/// Keeps the entries of a bucket that are not orphans of the streams being committed
/// (`before`: each committed stream's head seq before this commit).
pub fn is_live(before: &HashMap<StreamId, u64>, stream: StreamId, seq: u64) -> bool {
    before.get(&stream).is_none_or(|head| seq <= *head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_trip() {
        let ids = vec![IdEntry {
            id: Uuid::from_u128(42),
            stream: 3,
            seq: 9,
            kind: Kind::Offer,
        }];
        assert_eq!(read_ids(&write_ids(&ids)), ids);
        let refs = vec![
            RefEntry {
                label: "lib-day".into(),
                seq: 11,
                kind: Kind::Threat,
            },
            RefEntry {
                label: "ü".into(),
                seq: 1,
                kind: Kind::Opening,
            },
        ];
        assert_eq!(read_refs(&write_refs(&refs)), refs);
    }

    #[test]
    fn buckets_spread() {
        let buckets: std::collections::HashSet<u16> = (0..10_000u128)
            .map(|i| bucket_of(Uuid::from_u128(i << 64).as_bytes()))
            .collect();
        assert!(buckets.len() > 3_000, "{}", buckets.len());
        assert!(buckets.iter().all(|b| u32::from(*b) < 1 << BUCKET_BITS));
    }
}
