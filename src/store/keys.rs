//! The byte layout of keys, chosen so that one negotiation in `seq` order is one range scan.
//!
//! ```text
//! events   stream:u32 ‖ first_seq:u64            → segment (see segment.rs)
//! order    global:u64                            → stream:u32 ‖ first_seq:u64 ‖ count:u32
//! refs     stream:u32 ‖ bucket:u16               → packed entries (index.rs)
//! ids      bucket:u16                            → packed entries (index.rs)
//! checkpoints stream:u32                         → a projection checkpoint (checkpoint.rs)
//! memos    stream:u32 ‖ request:[u8; 32]         → a view's finished output (memo.rs)
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

/// The key of `stream`'s memo of the request with digest `request`.
pub fn memo_key(stream: StreamId, request: &[u8; 32]) -> [u8; 36] {
    let mut key = [0u8; 36];
    key[..4].copy_from_slice(&stream.to_be_bytes());
    key[4..].copy_from_slice(request);
    key
}

/// Splits an event key into its stream and first seq.
pub fn split_event_key(key: &[u8]) -> Option<(StreamId, u64)> {
    let stream = StreamId::from_be_bytes(key.get(..4)?.try_into().ok()?);
    let seq = u64::from_be_bytes(key.get(4..12)?.try_into().ok()?);
    Some((stream, seq))
}

/// The value of an `order` entry.
pub fn order_value(stream: StreamId, first_seq: u64, count: u32) -> [u8; 16] {
    let mut value = [0u8; 16];
    value[..4].copy_from_slice(&stream.to_be_bytes());
    value[4..12].copy_from_slice(&first_seq.to_be_bytes());
    value[12..].copy_from_slice(&count.to_be_bytes());
    value
}

/// The one-byte code of a kind in index values.
pub fn kind_code(kind: Kind) -> u8 {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u8
}

/// The kind of a one-byte code.
pub fn kind_from_code(code: u8) -> Option<Kind> {
    Kind::ALL.get(usize::from(code)).copied()
}

/// Reserved key in `streams` for the store-wide counters.
pub const COUNTERS_KEY: &[u8] = b"\x00counters";

/// Reserved key in `streams` for the note a commit leaves until its heads move.
pub const INFLIGHT_KEY: &[u8] = b"\x00inflight";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_keys_sort_by_stream_then_seq() {
        assert!(event_key(1, 9) < event_key(1, 10));
        assert!(event_key(1, u64::MAX) < event_key(2, 1));
        assert_eq!(split_event_key(&event_key(7, 300)), Some((7, 300)));
    }
}
