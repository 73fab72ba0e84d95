//! The staged events of one stream, packed into segment bodies as they arrive and
//! compressed on a thread of their own as the segments fill.
//!
//! An import of a million events used to keep a million separate byte vectors until the
//! commit, and the allocator spent a third of the import's time on them (splitting,
//! merging and faulting in small chunks). Here each run of [`SEGMENT_EVENTS`] events
//! shares one buffer, already laid out as the segment's plain body (see segment.rs). The
//! chunks are the ones the commit always wrote: [`SEGMENT_EVENTS`] events from the first
//! staged one, the last chunk shorter.
//!
//! A full body goes to a [`Compressor`] thread, which returns the segment value the
//! commit writes (the same bytes the commit would have made) and the plain buffer, to be
//! filled again. So the commit only writes, and an import holds its events about 5×
//! smaller while it runs. The last two bodies stay plain: a correction nearly always
//! names a recent event, and reading it there needs no decompression.

use std::borrow::Cow;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, OnceLock};

use super::segment;

/// Most events packed into one segment by a bulk write.
pub const SEGMENT_EVENTS: usize = 256;

/// Full bodies kept plain behind the one being filled, for reads of recent events.
const PLAIN_BEHIND: usize = 1;

/// Staged events of one stream, in seq order from `first`.
#[derive(Debug, Default)]
pub struct StagedLog {
    first: u64,
    segments: Vec<Segment>,
    compressor: Compressor,
    /// Where the compressor sends this log's values, once it has sent it a body.
    reply: Option<Sender<Done>>,
    replies: Option<Receiver<Done>>,
    /// Plain buffers the compressor gave back, to fill again.
    spare: Vec<Vec<u8>>,
}

/// One segment of the log: its plain body, or its value (sent to the compressor or back).
#[derive(Debug)]
enum Segment {
    Plain(Body),
    Sent { count: u32 },
    Encoded { count: u32, value: Vec<u8> },
}

/// One segment's plain body, being filled: `count:u32 ‖ count × (length:u32 ‖ bytes)`.
#[derive(Debug)]
struct Body {
    count: u32,
    bytes: Vec<u8>,
}

impl Body {
    fn new(mut bytes: Vec<u8>) -> Body {
        bytes.clear();
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
}

/// A compressed body coming back: which segment, its value, and the buffer it came in.
#[derive(Debug)]
struct Done {
    index: usize,
    value: Vec<u8>,
    plain: Vec<u8>,
}

/// A plain body going out, with where to send it back.
struct Job {
    index: usize,
    plain: Vec<u8>,
    reply: Sender<Done>,
}

/// A handle on one compressing thread, shared by the logs of one commit. The thread
/// starts with the first full body (a `log` of one event never starts it) and ends when
/// the last handle is dropped. If it cannot start, bodies are compressed at the commit.
#[derive(Clone, Debug, Default)]
pub struct Compressor(Arc<OnceLock<Option<Sender<Job>>>>);

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("index", &self.index).finish()
    }
}

impl Compressor {
    /// A compressor that never starts its thread: bodies stay plain until
    /// [`StagedLog::finish`], for an append that will not be committed.
    pub fn off() -> Compressor {
        let never = OnceLock::new();
        let _ = never.set(None);
        Compressor(Arc::new(never))
    }

    /// The thread's queue, starting the thread on first use.
    fn jobs(&self) -> Option<&Sender<Job>> {
        self.0.get_or_init(start_compressor).as_ref()
    }
}

fn start_compressor() -> Option<Sender<Job>> {
    let (jobs, queue) = mpsc::channel::<Job>();
    let spawned = std::thread::Builder::new()
        .name("parley-zstd".into())
        .spawn(move || {
            let mut encoder = segment::Encoder::default();
            for job in queue {
                let value = encoder.encode_body(&job.plain);
                // The log may be gone (a failed import): then nobody needs the value.
                let _ = job.reply.send(Done {
                    index: job.index,
                    value,
                    plain: job.plain,
                });
            }
        });
    spawned.ok().map(|_| jobs)
}

impl StagedLog {
    /// An empty log whose full bodies go to `compressor`.
    pub fn with_compressor(compressor: Compressor) -> StagedLog {
        StagedLog {
            compressor,
            ..StagedLog::default()
        }
    }

    /// Appends the event `seq` (the next one: the caller stages in order).
    pub fn push(&mut self, seq: u64, event: &[u8]) {
        if self.segments.is_empty() {
            self.first = seq;
        }
        let full = match self.segments.last() {
            Some(Segment::Plain(body)) => body.count as usize == SEGMENT_EVENTS,
            _ => true,
        };
        if full {
            self.send_behind();
            let bytes = self.spare.pop().unwrap_or_else(|| {
                // The last full body's size is a good guess for the next one's.
                let guess = match self.segments.last() {
                    Some(Segment::Plain(body)) => body.bytes.len() + 1024,
                    _ => 4096,
                };
                Vec::with_capacity(guess)
            });
            self.segments.push(Segment::Plain(Body::new(bytes)));
        }
        if let Some(Segment::Plain(body)) = self.segments.last_mut() {
            body.push(event);
        }
    }

    /// Sends the full body [`PLAIN_BEHIND`] behind the last one to the compressor, and
    /// takes in what it has finished.
    fn send_behind(&mut self) {
        self.take_replies(false);
        let Some(index) = self.segments.len().checked_sub(PLAIN_BEHIND + 1) else {
            return;
        };
        let Some(jobs) = self.compressor.jobs() else {
            return;
        };
        let Some(Segment::Plain(body)) = self.segments.get(index) else {
            return;
        };
        let count = body.count;
        let reply = match &self.reply {
            Some(reply) => reply.clone(),
            None => {
                let (reply, replies) = mpsc::channel();
                self.replies = Some(replies);
                self.reply.insert(reply).clone()
            }
        };
        let sent = std::mem::replace(&mut self.segments[index], Segment::Sent { count });
        let Segment::Plain(body) = sent else { return };
        if let Err(mpsc::SendError(job)) = jobs.send(Job {
            index,
            plain: body.bytes,
            reply,
        }) {
            // The thread is gone; keep the body plain for the commit to compress.
            self.segments[index] = Segment::Plain(Body {
                count,
                bytes: job.plain,
            });
        }
    }

    /// Stores the values the compressor has sent back; with `wait`, until none is out.
    fn take_replies(&mut self, wait: bool) {
        // While waiting, this log holds no sender of its own: if the thread died with
        // bodies out (only a bug in zstd could do that), the wait ends instead of hanging,
        // those segments stay unwritten and the commit refuses.
        let own = if wait { self.reply.take() } else { None };
        while let Some(replies) = &self.replies
            && self
                .segments
                .iter()
                .any(|s| matches!(s, Segment::Sent { .. }))
        {
            let done = if wait {
                replies.recv().ok()
            } else {
                replies.try_recv().ok()
            };
            let Some(done) = done else { break };
            if let Some(segment) = self.segments.get_mut(done.index)
                && let Segment::Sent { count } = *segment
            {
                *segment = Segment::Encoded {
                    count,
                    value: done.value,
                };
                if self.spare.is_empty() {
                    self.spare.push(done.plain);
                }
            }
        }
        if own.is_some() {
            self.reply = own;
        }
    }

    /// Waits for the compressor and compresses what is still plain, so that
    /// [`StagedLog::segments`] only hands out values.
    pub fn finish(&mut self) {
        self.take_replies(true);
        let mut encoder = segment::Encoder::default();
        for segment in &mut self.segments {
            if let Segment::Plain(body) = segment {
                *segment = Segment::Encoded {
                    count: body.count,
                    value: encoder.encode_body(&body.bytes),
                };
            }
        }
        self.spare.clear();
    }

    /// Whether nothing is staged.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// The staged bytes of event `seq`, if it is staged.
    pub fn get(&mut self, seq: u64) -> Option<Cow<'_, [u8]>> {
        let offset = usize::try_from(seq.checked_sub(self.first)?).ok()?;
        let (index, within) = (offset / SEGMENT_EVENTS, offset % SEGMENT_EVENTS);
        if matches!(self.segments.get(index)?, Segment::Sent { .. }) {
            self.take_replies(true);
        }
        match self.segments.get(index)? {
            Segment::Plain(body) => segment::split(&body.bytes)
                .ok()?
                .get(within)
                .map(|event| Cow::Borrowed(*event)),
            Segment::Encoded { value, .. } => {
                let body = segment::body(value).ok()?;
                let event = segment::split(&body).ok()?.get(within)?.to_vec();
                Some(Cow::Owned(event))
            }
            Segment::Sent { .. } => None,
        }
    }

    /// Each staged event's bytes, in seq order, for a log that keeps events one by one
    /// ([`super::MemoryLog`], another backend), or what is wrong: [`StagedLog::finish`]
    /// has not run, or a segment the compressor made does not decode.
    pub fn events(&self) -> Result<Vec<Vec<u8>>, String> {
        let segments = self
            .segments()
            .ok_or("a staged segment was never compressed")?;
        let mut out = Vec::new();
        for (_, _, value) in segments {
            let body = segment::body(value)?;
            out.extend(segment::split(&body)?.into_iter().map(<[u8]>::to_vec));
        }
        Ok(out)
    }

    /// Each segment to write: its first seq, its event count and its segment value, or
    /// `None` if [`StagedLog::finish`] has not made every value.
    pub(super) fn segments(&self) -> Option<Vec<(u64, u32, &[u8])>> {
        self.segments
            .iter()
            .enumerate()
            .map(|(i, segment)| {
                let first = self.first + (i * SEGMENT_EVENTS) as u64;
                match segment {
                    Segment::Encoded { count, value } => Some((first, *count, value.as_slice())),
                    Segment::Plain(_) | Segment::Sent { .. } => None,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| format!("{{\"kind\":\"offer\",\"n\":{i}}}").into())
            .collect()
    }

    #[test]
    fn events_are_found_by_seq_across_segments() {
        let mut log = StagedLog::default();
        let events = events(1300);
        for (i, event) in events.iter().enumerate() {
            log.push(10 + i as u64, event);
        }
        for (i, event) in events.iter().enumerate() {
            assert_eq!(log.get(10 + i as u64).as_deref(), Some(event.as_slice()));
        }
        assert_eq!(log.get(9), None);
        assert_eq!(log.get(1310), None);
        assert!(log.segments().is_none(), "values before finish");
        log.finish();
        let segments = log.segments().unwrap();
        let firsts: Vec<(u64, u32)> = segments.iter().map(|(f, c, _)| (*f, *c)).collect();
        assert_eq!(
            firsts,
            [
                (10, 256),
                (266, 256),
                (522, 256),
                (778, 256),
                (1034, 256),
                (1290, 20)
            ]
        );
        let body = segment::body(segments[2].2).unwrap();
        assert_eq!(segment::split(&body).unwrap()[0], events[512].as_slice());
    }

    #[test]
    fn values_are_what_the_commit_would_encode() {
        let compressor = Compressor::default();
        let mut a = StagedLog::with_compressor(compressor.clone());
        let mut b = StagedLog::with_compressor(compressor);
        for (i, event) in events(2000).iter().enumerate() {
            a.push(1 + i as u64, event);
            b.push(1 + i as u64, &event[..event.len() - 1]);
        }
        a.finish();
        b.finish();
        for log in [&a, &b] {
            let mut encoder = segment::Encoder::default();
            for (i, (_, count, value)) in log.segments().unwrap().into_iter().enumerate() {
                let Segment::Encoded { .. } = &log.segments[i] else {
                    panic!("segment {i} not encoded")
                };
                let body = segment::body(value).unwrap().into_owned();
                assert_eq!(segment::split(&body).unwrap().len(), count as usize);
                assert_eq!(encoder.encode_body(&body), value);
            }
        }
    }
}
