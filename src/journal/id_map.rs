//! A hash map keyed by event id, for the ids an import stages.
//!
//! std's SipHash took a few percent of a million-event import to hash 16-byte ids that
//! are already mostly random (UUID v7: 74 random bits). This hasher mixes the two halves
//! with keys drawn once per map from the id generator's seed, so crafted ids in a
//! journal file cannot aim at one bucket without knowing them.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use uuid::Uuid;

use crate::splitmix::SplitMix64;

/// Event id → `V`.
pub(super) type IdMap<V> = HashMap<Uuid, V, IdHashing>;

/// A new, empty [`IdMap`].
pub(super) fn id_map<V>() -> IdMap<V> {
    let seed = Uuid::now_v7().as_u64_pair();
    let mut keys = SplitMix64::new(seed.0 ^ seed.1.rotate_left(29));
    HashMap::with_hasher(IdHashing(keys.next_u64(), keys.next_u64()))
}

/// The keys of one map's hasher.
#[derive(Clone, Copy, Debug)]
pub(super) struct IdHashing(u64, u64);

impl BuildHasher for IdHashing {
    type Hasher = IdHasher;

    fn build_hasher(&self) -> IdHasher {
        IdHasher {
            keys: (self.0, self.1),
            state: 0,
        }
    }
}

/// Hashes the 16 bytes of a [`Uuid`] (which hashes as one byte slice).
pub(super) struct IdHasher {
    keys: (u64, u64),
    state: u64,
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            let value = u64::from_le_bytes(word) ^ self.keys.0;
            self.state = mix(self.state ^ value).wrapping_add(self.keys.1);
        }
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

    #[test]
    fn ids_are_found_and_spread() {
        let mut map = id_map();
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
    }
}
