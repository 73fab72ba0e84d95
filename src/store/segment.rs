//! A segment: the value under one `events` key, holding one or more consecutive events of
//! a negotiation as their exact stored bytes.
//!
//! ```text
//! codec:u8 ‖ body
//! body (codec 0, plain) = count:u32 ‖ count × ( length:u32 ‖ canonical JSON bytes )
//! codec 1 (zstd)        = zstd frame of the plain body
//! ```
//!
//! A `log` writes a segment of one event, stored plain (compressing 400 bytes gains
//! little and costs a dictionary-less frame); an import packs up to 256 events per
//! segment and compresses them with zstd: the events of one negotiation repeat their
//! field names, parties, issue keys and hash prefixes, so a segment shrinks several
//! times, which makes the store smaller than its NDJSON export and every write and full
//! scan move fewer bytes. A segment is written once and never rewritten: the next
//! append starts a new one.

/// Segment codec: events stored as they are.
pub const PLAIN: u8 = 0;
/// Segment codec: the plain body compressed with zstd.
pub const ZSTD: u8 = 1;

/// zstd level: 1 compresses JSON almost as well as 3 here, at twice the speed.
const LEVEL: i32 = 1;

/// More than any segment parley writes holds (256 events of at most 64 KiB each): the
/// size in a zstd frame header is read from disk, and a damaged one must not make a
/// reader allocate gigabytes.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// Segments of fewer events than this are stored plain.
const COMPRESS_FROM: usize = 8;

/// Packs events (already canonical bytes) into one segment value.
#[cfg(test)]
fn encode<'a>(events: impl ExactSizeIterator<Item = &'a [u8]>) -> Vec<u8> {
    Encoder::default().encode(events)
}

/// Encodes many segments, reusing one zstd context: a new context per segment cost an
/// allocation of several hundred kilobytes each time.
#[derive(Default)]
pub struct Encoder {
    compressor: Option<zstd::bulk::Compressor<'static>>,
    #[cfg(test)]
    body: Vec<u8>,
}

impl Encoder {
    /// Packs events (already canonical bytes) into one segment value.
    #[cfg(test)]
    pub fn encode<'a>(&mut self, events: impl ExactSizeIterator<Item = &'a [u8]>) -> Vec<u8> {
        let mut body = std::mem::take(&mut self.body);
        body.clear();
        body.extend_from_slice(&(events.len() as u32).to_be_bytes());
        for bytes in events {
            body.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            body.extend_from_slice(bytes);
        }
        let value = self.encode_body(&body);
        self.body = body;
        value
    }

    /// The segment value of a plain body (`count:u32 ‖ count × (length:u32 ‖ bytes)`):
    /// compressed when it holds enough events for zstd to pay.
    pub fn encode_body(&mut self, body: &[u8]) -> Vec<u8> {
        let count = read_u32(body).map_or(0, |(count, _)| count as usize);
        if count >= COMPRESS_FROM
            && let Some(packed) = compress(&mut self.compressor, body)
            && packed.len() < body.len()
        {
            let mut out = Vec::with_capacity(packed.len() + 1);
            out.push(ZSTD);
            out.extend_from_slice(&packed);
            return out;
        }
        let mut out = Vec::with_capacity(body.len() + 1);
        out.push(PLAIN);
        out.extend_from_slice(body);
        out
    }
}

/// zstd at [`LEVEL`], with the content size in the frame header (the reader relies on it),
/// creating the context on first use; `None` if zstd fails (the segment is stored plain).
fn compress(
    compressor: &mut Option<zstd::bulk::Compressor<'static>>,
    body: &[u8],
) -> Option<Vec<u8>> {
    if compressor.is_none() {
        *compressor = zstd::bulk::Compressor::new(LEVEL).ok();
    }
    compressor.as_mut()?.compress(body).ok()
}

/// A segment's plain body: borrowed when stored plain, decompressed otherwise.
pub fn body(value: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    let (&codec, rest) = value.split_first().ok_or("empty segment")?;
    match codec {
        PLAIN => Ok(std::borrow::Cow::Borrowed(rest)),
        ZSTD => {
            let size = zstd::zstd_safe::get_frame_content_size(rest)
                .ok()
                .flatten()
                .ok_or("compressed segment has no content size")?;
            let size = usize::try_from(size)
                .ok()
                .filter(|size| *size <= MAX_BODY_BYTES)
                .ok_or_else(|| {
                    format!("compressed segment claims {size} bytes, more than a segment holds")
                })?;
            zstd::bulk::decompress(rest, size)
                .map(std::borrow::Cow::Owned)
                .map_err(|e| format!("compressed segment does not decompress: {e}"))
        }
        other => Err(format!("unknown segment codec {other}")),
    }
}

/// Unpacks a plain body into its events' bytes, or says what is wrong with it.
pub fn split(body: &[u8]) -> Result<Vec<&[u8]>, String> {
    let (count, mut rest) = read_u32(body).ok_or("segment header cut short")?;
    // The count is read from disk: trust it no further than the bytes that follow (each
    // event takes at least its 4-byte length), or a damaged count asks for gigabytes.
    let mut events = Vec::with_capacity((count as usize).min(body.len() / 4));
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

    fn decode(value: &[u8]) -> Result<Vec<Vec<u8>>, String> {
        let body = body(value)?;
        Ok(split(&body)?.into_iter().map(<[u8]>::to_vec).collect())
    }

    #[test]
    fn segments_round_trip() {
        let events: [&[u8]; 2] = [b"{\"a\":1}", b"{}"];
        let value = encode(events.iter().copied());
        assert_eq!(value[0], PLAIN);
        assert_eq!(decode(&value).unwrap(), events);
    }

    #[test]
    fn a_frame_that_claims_a_huge_size_is_an_error_not_an_allocation() {
        // A zstd frame header: the magic number, a descriptor byte saying "single segment,
        // 8-byte content size", and a content size of 2^40 bytes.
        let mut frame = zstd::bulk::compress(&[0u8; 64], 1).unwrap();
        frame.truncate(4);
        frame.push(0xC0 | 0x20);
        frame.extend_from_slice(&(1u64 << 40).to_le_bytes());
        let mut value = vec![ZSTD];
        value.extend_from_slice(&frame);
        let err = decode(&value).unwrap_err();
        assert!(err.contains("more than a segment holds"), "{err}");
    }

    #[test]
    fn large_segments_are_compressed_and_round_trip() {
        let events: Vec<Vec<u8>> = (0..100)
            .map(|i| {
                format!("{{\"kind\":\"offer\",\"seq\":{i},\"summary\":\"same words\"}}")
                    .into_bytes()
            })
            .collect();
        let value = encode(events.iter().map(Vec::as_slice));
        assert_eq!(value[0], ZSTD);
        let plain: usize = events.iter().map(|e| e.len() + 4).sum();
        assert!(value.len() * 3 < plain, "{} of {plain}", value.len());
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
        let events: Vec<&[u8]> = vec![b"{\"kind\":\"meeting\"}"; 50];
        let value = encode(events.into_iter());
        for cut in 0..value.len() {
            assert!(decode(&value[..cut]).is_err(), "cut at {cut}");
        }
    }
}
