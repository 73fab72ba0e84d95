//! A segment: the value under one `events` key, holding one or more consecutive events of
//! a negotiation as their exact stored bytes.
//!
//! ```text
//! codec:u8 (0 = plain) ‖ count:u32 ‖ count × ( length:u32 ‖ canonical JSON bytes )
//! ```
//!
//! A `log` writes a segment of one event; an import packs many events per segment, which
//! saves a key (and its overhead in sled) per event. A segment is written once and never
//! rewritten: the next append starts a new one.

/// Segment codec: events stored as they are.
pub const PLAIN: u8 = 0;

/// Packs events (already canonical bytes) into one segment value.
pub fn encode<'a>(events: impl ExactSizeIterator<Item = &'a [u8]>) -> Vec<u8> {
    let count = events.len() as u32;
    let mut out = Vec::new();
    out.push(PLAIN);
    out.extend_from_slice(&count.to_be_bytes());
    for bytes in events {
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

/// Unpacks a segment into its events' bytes, or says what is wrong with it.
pub fn decode(value: &[u8]) -> Result<Vec<&[u8]>, String> {
    let (&codec, rest) = value.split_first().ok_or("empty segment")?;
    if codec != PLAIN {
        return Err(format!("unknown segment codec {codec}"));
    }
    let (count, mut rest) = read_u32(rest).ok_or("segment header cut short")?;
    // The count is read from disk: trust it no further than the bytes that follow (each
    // event takes at least its 4-byte length), or a damaged count asks for gigabytes.
    let mut events = Vec::with_capacity((count as usize).min(rest.len() / 4));
    for _ in 0..count {
        let (len, after) = read_u32(rest).ok_or("segment cut short")?;
        let len = len as usize;
        if after.len() < len {
            return Err("segment cut short".into());
        }
        events.push(&after[..len]);
        rest = &after[len..];
    }
    if !rest.is_empty() {
        return Err(format!("{} stray bytes after the last event", rest.len()));
    }
    Ok(events)
}

fn read_u32(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let head = bytes.get(..4)?;
    Some((u32::from_be_bytes(head.try_into().ok()?), &bytes[4..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_round_trip() {
        let events: [&[u8]; 2] = [b"{\"a\":1}", b"{}"];
        let value = encode(events.iter().copied());
        assert_eq!(decode(&value).unwrap(), events);
    }

    #[test]
    fn a_corrupted_count_is_an_error_not_an_allocation_abort() {
        let mut value = encode([b"{\"a\":1}".as_slice()].into_iter());
        value[1] = 0xff;
        assert_eq!(decode(&value), Err("segment cut short".to_owned()));
    }

    #[test]
    fn a_cut_segment_is_an_error_not_a_panic() {
        let value = encode([b"{\"a\":1}".as_slice()].into_iter());
        for cut in 0..value.len() {
            assert!(decode(&value[..cut]).is_err(), "cut at {cut}");
        }
    }
}
