//! Reading a negotiation's recorded events back out of the store, decoded once each.
//!
//! Decoding is most of the cost of a full view, and each event decodes on its own, so a
//! long read decodes in batches on every core while this thread reads the store. The
//! result, and the first error by seq, are the same as decoding one event at a time.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use crate::model::{Stored, decode_run};
use crate::store::{Log, StreamMeta};
use crate::{Error, Result};

/// Events per batch handed to a decoding thread.
const BATCH: usize = 1024;

/// Reads shorter than this decode on the calling thread: threads would cost more.
const PARALLEL_FROM: u64 = 4 * BATCH as u64;

/// Every event of `meta`, in seq order, decoded.
pub fn recorded_events(store: &dyn Log, meta: &StreamMeta) -> Result<Vec<Stored>> {
    recorded_events_from(store, meta, 1)
}

/// The events of `meta` from `from_seq` to the head, in seq order, decoded.
pub fn recorded_events_from(
    store: &dyn Log,
    meta: &StreamMeta,
    from_seq: u64,
) -> Result<Vec<Stored>> {
    let count = meta.head.seq.saturating_sub(from_seq.max(1)) + 1;
    let threads = thread::available_parallelism().map_or(1, usize::from);
    if count < PARALLEL_FROM || threads < 2 {
        return decode_in_place(store, meta, from_seq, count);
    }
    decode_in_parallel(store, meta, from_seq, count, threads)
}

fn decode_in_place(
    store: &dyn Log,
    meta: &StreamMeta,
    from_seq: u64,
    count: u64,
) -> Result<Vec<Stored>> {
    let mut batch = Batch::default();
    let capacity = usize::try_from(count).unwrap_or(0);
    batch.ends.reserve(capacity);
    store.scan(meta, from_seq, &mut |seq, bytes| {
        batch.push(seq, bytes);
        Ok(())
    })?;
    batch.decode(meta)
}

/// A run of consecutive events' bytes: the seq of the first, one buffer, and where
/// each event ends in it.
#[derive(Default)]
struct Batch {
    first_seq: u64,
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Batch {
    fn with_capacity(bytes: usize) -> Batch {
        Batch {
            first_seq: 0,
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(BATCH),
        }
    }

    fn push(&mut self, seq: u64, bytes: &[u8]) {
        if self.ends.is_empty() {
            self.first_seq = seq;
        }
        self.bytes.extend_from_slice(bytes);
        self.ends.push(self.bytes.len());
    }

    fn decode(self, meta: &StreamMeta) -> Result<Vec<Stored>> {
        decode_run(self.bytes, &self.ends).map_err(|(offset, e)| Error::Integrity {
            slug: meta.slug.to_string(),
            seq: self.first_seq + offset as u64,
            what: format!("does not decode: {e}"),
        })
    }
}

fn decode_in_parallel(
    store: &dyn Log,
    meta: &StreamMeta,
    from_seq: u64,
    count: u64,
    threads: usize,
) -> Result<Vec<Stored>> {
    // Each decoding thread writes its batches straight into their places in one list:
    // a list per batch, joined after, cost a second copy of every event and its page
    // faults.
    let mut slots: Vec<Option<Stored>> = Vec::new();
    slots.resize_with(usize::try_from(count).unwrap_or(0), || None);
    let failed = thread::scope(|scope| {
        let (senders, workers): (Vec<SyncSender<Work>>, Vec<_>) = (0..threads)
            .map(|_| {
                let (send, receive) = sync_channel::<Work>(4);
                (send, scope.spawn(move || decode_batches(meta, receive)))
            })
            .unzip();
        let scanned = scan_into_batches(store, meta, from_seq, &mut slots, &senders);
        drop(senders);
        // The first error by seq is the one to report: the lowest batch that failed,
        // then the store's own (it stopped the reading at that point).
        let decoded = workers
            .into_iter()
            .filter_map(|worker| worker.join().unwrap_or_else(|_| Some((0, panicked(meta)))))
            .min_by_key(|(batch, _)| *batch)
            .map(|(_, error)| error);
        decoded.map_or(scanned, Err)
    });
    failed?;
    let expected = slots.len();
    let events: Vec<Stored> = slots.into_iter().flatten().collect();
    if events.len() != expected {
        return Err(panicked(meta));
    }
    Ok(events)
}

/// A batch and the places its events go.
type Work<'s> = (usize, Batch, &'s mut [Option<Stored>]);

/// Reads the store from `from_seq`, dealing batches and their places out to the
/// senders in turn.
fn scan_into_batches<'s>(
    store: &dyn Log,
    meta: &StreamMeta,
    from_seq: u64,
    slots: &'s mut [Option<Stored>],
    senders: &[SyncSender<Work<'s>>],
) -> Result<()> {
    let mut places = slots.chunks_mut(BATCH);
    let mut batch = Batch::default();
    let mut next = 0;
    let mut send = |batch: Batch| {
        let place = places.next().ok_or_else(|| panicked(meta))?;
        let sent = senders[next % senders.len()].send((next, batch, place));
        next += 1;
        sent.map_err(|_| panicked(meta))
    };
    store.scan(meta, from_seq, &mut |seq, bytes| {
        batch.push(seq, bytes);
        if batch.ends.len() == BATCH {
            // The next batch is about as large: reserving it up front saves growing
            // (and copying) its buffer several times.
            let next = Batch::with_capacity(batch.bytes.len() + batch.bytes.len() / 8);
            send(std::mem::replace(&mut batch, next))?;
        }
        Ok(())
    })?;
    if !batch.ends.is_empty() {
        send(batch)?;
    }
    Ok(())
}

/// Decodes every batch it receives into its places, until the first error, which it
/// returns with the batch's number.
fn decode_batches(meta: &StreamMeta, work: Receiver<Work>) -> Option<(usize, Error)> {
    for (number, batch, places) in work {
        match batch.decode(meta) {
            Ok(events) => {
                for (place, event) in places.iter_mut().zip(events) {
                    *place = Some(event);
                }
            }
            Err(error) => return Some((number, error)),
        }
    }
    None
}

fn panicked(meta: &StreamMeta) -> Error {
    Error::Integrity {
        slug: meta.slug.to_string(),
        seq: 0,
        what: "a decoding thread stopped unexpectedly".into(),
    }
}
