//! The staged events of one stream, packed into plain segment bodies as they arrive.
//!
//! An import of a million events used to keep a million separate byte vectors until the
//! commit, and the allocator spent a third of the import's time on them (splitting,
//! merging and faulting in small chunks). Here each run of [`SEGMENT_EVENTS`] events
//! shares one buffer, already laid out as the segment's plain body (see segment.rs), so
//! the commit only has to compress it. The chunks are the ones the commit always wrote:
//! [`SEGMENT_EVENTS`] events from the first staged one, the last chunk shorter.

use super::segment;

/// Most events packed into one segment by a bulk write.
pub const SEGMENT_EVENTS: usize = 256;

/// Staged events of one stream, in seq order from `first`.
#[derive(Clone, Debug, Default)]
pub struct StagedLog {
    first: u64,
    bodies: Vec<Body>,
}

/// One segment's plain body, being filled: `count:u32 ‖ count × (length:u32 ‖ bytes)`.
#[derive(Clone, Debug)]
struct Body {
    count: u32,
    bytes: Vec<u8>,
}

impl Body {
    fn with_capacity(capacity: usize) -> Body {
        let mut bytes = Vec::with_capacity(capacity.max(4));
        bytes.extend_from_slice(&0u32.to_be_bytes());
        Body { count: 0, bytes }
    }

    fn push(&mut self, event: &[u8]) {
        self.bytes
            .extend_from_slice(&(event.len() as u32).to_be_bytes());
        self.bytes.extend_from_slice(event);
        self.count += 1;
        self.bytes[..4].copy_from_slice(&self.count.to_be_bytes());
    }

    /// The `index`-th event of the body.
    fn event(&self, index: usize) -> Option<&[u8]> {
        segment::split(&self.bytes).ok()?.get(index).copied()
    }
}

impl StagedLog {
    /// Appends the event `seq` (the next one: the caller stages in order).
    pub fn push(&mut self, seq: u64, event: &[u8]) {
        if self.bodies.is_empty() {
            self.first = seq;
        }
        let full = self
            .bodies
            .last()
            .is_none_or(|b| b.count as usize == SEGMENT_EVENTS);
        if full {
            // The last full body's size is a good guess for the next one's.
            let guess = self.bodies.last().map_or(4096, |b| b.bytes.len() + 1024);
            self.bodies.push(Body::with_capacity(guess));
        }
        if let Some(body) = self.bodies.last_mut() {
            body.push(event);
        }
    }

    /// Whether nothing is staged.
    pub fn is_empty(&self) -> bool {
        self.bodies.is_empty()
    }

    /// The staged bytes of event `seq`, if it is staged.
    pub fn get(&self, seq: u64) -> Option<&[u8]> {
        let offset = usize::try_from(seq.checked_sub(self.first)?).ok()?;
        self.bodies
            .get(offset / SEGMENT_EVENTS)?
            .event(offset % SEGMENT_EVENTS)
    }

    /// Each segment to write: its first seq, its event count and its plain body.
    pub(super) fn segments(&self) -> impl Iterator<Item = (u64, u32, &[u8])> {
        self.bodies.iter().enumerate().map(|(i, body)| {
            let first = self.first + (i * SEGMENT_EVENTS) as u64;
            (first, body.count, body.bytes.as_slice())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_found_by_seq_across_segments() {
        let mut log = StagedLog::default();
        let events: Vec<Vec<u8>> = (0..600).map(|i| format!("{{\"n\":{i}}}").into()).collect();
        for (i, event) in events.iter().enumerate() {
            log.push(10 + i as u64, event);
        }
        for (i, event) in events.iter().enumerate() {
            assert_eq!(log.get(10 + i as u64), Some(event.as_slice()));
        }
        assert_eq!(log.get(9), None);
        assert_eq!(log.get(610), None);
        let segments: Vec<(u64, u32)> = log.segments().map(|(f, c, _)| (f, c)).collect();
        assert_eq!(segments, [(10, 256), (266, 256), (522, 88)]);
        let (_, _, body) = log.segments().nth(2).unwrap();
        assert_eq!(segment::split(body).unwrap()[0], events[512].as_slice());
    }
}
