//! Hash maps for what an append stages: the ids of staged events, built only when
//! something looks an id up, and their labels (`ref`s), with a keyed hasher.
//!
//! std's SipHash took a few percent of a million-event import to hash 16-byte ids that
//! are already mostly random (UUID v7: 74 random bits), and labels as short as `m12`.
//! This hasher mixes 8-byte words with keys drawn once per map from the id generator's
//! seed, so crafted ids or labels in a journal file cannot aim at one bucket without
//! knowing them.
//!
//! An import of authored lines never looks an id up (its lines carry none, and they
//! answer each other by label), so [`StagedIds`] indexes the staged events only at the
//! first lookup, and then only those staged since the last.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use uuid::Uuid;

use crate::model::Target;
use crate::splitmix::SplitMix64;
use crate::store::StagedEvent;

/// Event id → `V`.
type IdMap<V> = HashMap<Uuid, V, KeyedHashing>;

/// Label → `V`.
pub(super) type LabelMap<V> = HashMap<String, V, KeyedHashing>;

/// A new, empty map with fresh keys.
pub(super) fn keyed_map<K, V>() -> HashMap<K, V, KeyedHashing> {
    let seed = Uuid::now_v7().as_u64_pair();
    let mut keys = SplitMix64::new(seed.0 ^ seed.1.rotate_left(29));
    HashMap::with_hasher(KeyedHashing(keys.next_u64(), keys.next_u64()))
}

/// The ids of a stream's staged events, indexed on demand.
#[derive(Debug, Default)]
pub(super) struct StagedIds(RefCell<Option<Indexed>>);

#[derive(Debug)]
struct Indexed {
    map: IdMap<Target>,
    /// How many of the staged events are in `map`.
    upto: usize,
}

impl StagedIds {
    /// The staged event with `id`, among `events` (every event staged so far, in order).
    pub(super) fn get(&self, events: &[StagedEvent], id: &Uuid) -> Option<Target> {
        let mut indexed = self.0.borrow_mut();
        let indexed = indexed.get_or_insert_with(|| Indexed {
            map: keyed_map(),
            upto: 0,
        });
        if let Some(new) = events.get(indexed.upto..) {
            indexed.map.reserve(new.len());
            for event in new {
                let target = Target {
                    seq: event.seq,
                    kind: event.kind,
                };
                indexed.map.insert(event.id, target);
            }
        }
        indexed.upto = events.len();
        indexed.map.get(id).copied()
    }
}

/// The keys of one map's hasher.
#[derive(Clone, Copy, Debug)]
pub(super) struct KeyedHashing(u64, u64);

impl BuildHasher for KeyedHashing {
    type Hasher = KeyedHasher;

    fn build_hasher(&self) -> KeyedHasher {
        KeyedHasher {
            keys: (self.0, self.1),
            state: 0,
        }
    }
}

/// Hashes bytes 8 at a time (a [`Uuid`] hashes as one 16-byte slice, a `String` as its
/// bytes and a terminator).
pub(super) struct KeyedHasher {
    keys: (u64, u64),
    state: u64,
}

impl Hasher for KeyedHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            let value = u64::from_le_bytes(word) ^ self.keys.0;
            self.state = mix(self.state ^ value).wrapping_add(self.keys.1);
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.state = mix(self.state ^ u64::from(byte) ^ self.keys.0).wrapping_add(self.keys.1);
    }

    fn finish(&self) -> u64 {
        mix(self.state)
    }
}

/// The SplitMix64 finaliser: every input bit moves every output bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    #[test]
    fn ids_are_found_and_spread() {
        let mut map = keyed_map();
        for i in 0..10_000u128 {
            map.insert(Uuid::from_u128(i << 64 | i), i);
        }
        assert_eq!(map.get(&Uuid::from_u128(42 << 64 | 42)), Some(&42));
        assert_eq!(map.get(&Uuid::from_u128(7)), None);
        let hashing = *map.hasher();
        let buckets: std::collections::HashSet<u64> = (0..10_000u128)
            .map(|i| hashing.hash_one(Uuid::from_u128(i)) & 0xfff)
            .collect();
        assert!(buckets.len() > 3_000, "{}", buckets.len());
        let labels: std::collections::HashSet<u64> = (0..10_000)
            .map(|i| hashing.hash_one(format!("m{i}")) & 0xfff)
            .collect();
        assert!(labels.len() > 3_000, "{}", labels.len());
    }

    #[test]
    fn staged_ids_are_indexed_as_they_are_looked_up() {
        let event = |seq: u64| StagedEvent {
            seq,
            id: Uuid::from_u128(u128::from(seq) * 7919),
            kind: Kind::Offer,
            label: None,
        };
        let mut events: Vec<StagedEvent> = (1..=3).map(event).collect();
        let ids = StagedIds::default();
        assert_eq!(ids.get(&events, &events[1].id).map(|t| t.seq), Some(2));
        events.extend((4..=9).map(event));
        assert_eq!(ids.get(&events, &events[7].id).map(|t| t.seq), Some(8));
        assert_eq!(ids.get(&events, &Uuid::from_u128(5)), None);
    }
}
