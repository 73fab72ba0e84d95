//! The byte layout of keys, chosen so that one negotiation in `seq` order is one range scan.
//!
//! ```text
//! events   stream:u32 ‖ first_seq:u64            → segment (see segment.rs)
//! order    global:u64                            → stream:u32 ‖ first_seq:u64 ‖ count:u32
//! refs     stream:u32 ‖ label bytes              → seq:u64 ‖ kind:u8
//! ids      uuid:16 bytes                         → stream:u32 ‖ seq:u64 ‖ kind:u8
//! streams  slug bytes                            → stream metadata (JSON)
//!          0x00 ‖ name                           → store-wide counters
//! ```
//!
//! All integers are big-endian so byte order is numeric order. A stream is a small
//! number assigned when the negotiation opens, which keeps event keys at 12 bytes.

use crate::model::Kind;

/// The internal number of a negotiation.
pub type StreamId = u32;

/// The key of the segment of `stream` that starts at `first_seq`.
pub fn event_key(stream: StreamId, first_seq: u64) -> [u8; 12] {
    let mut key = [0u8; 12];
    key[..4].copy_from_slice(&stream.to_be_bytes());
    key[4..].copy_from_slice(&first_seq.to_be_bytes());
    key
}

/// Splits an event key into its stream and first seq.
pub fn split_event_key(key: &[u8]) -> Option<(StreamId, u64)> {
    let stream = StreamId::from_be_bytes(key.get(..4)?.try_into().ok()?);
    let seq = u64::from_be_bytes(key.get(4..12)?.try_into().ok()?);
    Some((stream, seq))
}

/// The key of a `ref` label in a stream.
pub fn ref_key(stream: StreamId, label: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(4 + label.len());
    key.extend_from_slice(&stream.to_be_bytes());
    key.extend_from_slice(label.as_bytes());
    key
}

/// The value of a `ref` entry: where the event is and what it is.
pub fn ref_value(seq: u64, kind: Kind) -> [u8; 9] {
    let mut value = [0u8; 9];
    value[..8].copy_from_slice(&seq.to_be_bytes());
    value[8] = kind_code(kind);
    value
}

/// Reads a `ref` entry.
pub fn split_ref_value(value: &[u8]) -> Option<(u64, Kind)> {
    let seq = u64::from_be_bytes(value.get(..8)?.try_into().ok()?);
    Some((seq, kind_from_code(*value.get(8)?)?))
}

/// The value of an `ids` entry.
pub fn id_value(stream: StreamId, seq: u64, kind: Kind) -> [u8; 13] {
    let mut value = [0u8; 13];
    value[..4].copy_from_slice(&stream.to_be_bytes());
    value[4..12].copy_from_slice(&seq.to_be_bytes());
    value[12] = kind_code(kind);
    value
}

/// Reads an `ids` entry.
pub fn split_id_value(value: &[u8]) -> Option<(StreamId, u64, Kind)> {
    let stream = StreamId::from_be_bytes(value.get(..4)?.try_into().ok()?);
    let seq = u64::from_be_bytes(value.get(4..12)?.try_into().ok()?);
    Some((stream, seq, kind_from_code(*value.get(12)?)?))
}

/// The value of an `order` entry.
pub fn order_value(stream: StreamId, first_seq: u64, count: u32) -> [u8; 16] {
    let mut value = [0u8; 16];
    value[..4].copy_from_slice(&stream.to_be_bytes());
    value[4..12].copy_from_slice(&first_seq.to_be_bytes());
    value[12..].copy_from_slice(&count.to_be_bytes());
    value
}

fn kind_code(kind: Kind) -> u8 {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u8
}

fn kind_from_code(code: u8) -> Option<Kind> {
    Kind::ALL.get(usize::from(code)).copied()
}

/// Reserved key in `streams` for the store-wide counters.
pub const COUNTERS_KEY: &[u8] = b"\x00counters";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_keys_sort_by_stream_then_seq() {
        assert!(event_key(1, 9) < event_key(1, 10));
        assert!(event_key(1, u64::MAX) < event_key(2, 1));
        assert_eq!(split_event_key(&event_key(7, 300)), Some((7, 300)));
    }

    #[test]
    fn index_values_round_trip() {
        assert_eq!(
            split_ref_value(&ref_value(42, Kind::Threat)),
            Some((42, Kind::Threat))
        );
        assert_eq!(
            split_id_value(&id_value(3, 5, Kind::Opening)),
            Some((3, 5, Kind::Opening))
        );
    }
}
