//! Reading a negotiation's recorded events back out of the store, decoded once each.
//!
//! Decoding is most of the cost of a full view, and each event decodes on its own, so a
//! long read decodes in batches on every core while this thread reads the store. The
//! result, and the first error by seq, are the same as decoding one event at a time.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use crate::model::{Stored, decode_run};
use crate::store::{Store, StreamMeta};
use crate::{Error, Result};

/// Events per batch handed to a decoding thread.
const BATCH: usize = 1024;

/// Reads shorter than this decode on the calling thread: threads would cost more.
const PARALLEL_FROM: u64 = 4 * BATCH as u64;

/// Every event of `meta`, in seq order, decoded.
pub fn recorded_events(store: &Store, meta: &StreamMeta) -> Result<Vec<Stored>> {
    recorded_events_from(store, meta, 1)
}

/// The events of `meta` from `from_seq` to the head, in seq order, decoded.
pub fn recorded_events_from(
    store: &Store,
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
    store: &Store,
    meta: &StreamMeta,
    from_seq: u64,
    count: u64,
) -> Result<Vec<Stored>> {
    let mut batch = Batch::default();
    let capacity = usize::try_from(count).unwrap_or(0);
    batch.ends.reserve(capacity);
    store.scan(meta, from_seq, |seq, bytes| {
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
    store: &Store,
    meta: &StreamMeta,
    from_seq: u64,
    count: u64,
    threads: usize,
) -> Result<Vec<Stored>> {
    thread::scope(|scope| {
        let (senders, workers): (Vec<SyncSender<Batch>>, Vec<_>) = (0..threads)
            .map(|_| {
                let (send, receive) = sync_channel::<Batch>(4);
                (send, scope.spawn(move || decode_batches(meta, receive)))
            })
            .unzip();
        let scanned = scan_into_batches(store, meta, from_seq, &senders);
        drop(senders);
        let decoded: Vec<Vec<Result<Vec<Stored>>>> = workers
            .into_iter()
            .map(|worker| worker.join().unwrap_or_else(|_| vec![Err(panicked(meta))]))
            .collect();
        // Batch i went to thread i % threads, so taking one from each in turn restores
        // seq order; the first error met is the one with the lowest seq.
        let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        let mut queues: Vec<_> = decoded.into_iter().map(Vec::into_iter).collect();
        'batches: loop {
            for queue in &mut queues {
                match queue.next() {
                    Some(batch) => out.extend(batch?),
                    None => break 'batches,
                }
            }
        }
        scanned?;
        Ok(out)
    })
}

/// Reads the store from `from_seq`, dealing batches out to the senders in turn.
fn scan_into_batches(
    store: &Store,
    meta: &StreamMeta,
    from_seq: u64,
    senders: &[SyncSender<Batch>],
) -> Result<()> {
    let mut batch = Batch::default();
    let mut next = 0;
    let mut send = |batch: Batch| {
        let sent = senders[next % senders.len()].send(batch);
        next += 1;
        sent.map_err(|_| panicked(meta))
    };
    store.scan(meta, from_seq, |seq, bytes| {
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

/// Decodes every batch it receives, until the first error.
fn decode_batches(meta: &StreamMeta, batches: Receiver<Batch>) -> Vec<Result<Vec<Stored>>> {
    let mut out = Vec::new();
    for batch in batches {
        let decoded = batch.decode(meta);
        let failed = decoded.is_err();
        out.push(decoded);
        if failed {
            break;
        }
    }
    out
}

fn panicked(meta: &StreamMeta) -> Error {
    Error::Integrity {
        slug: meta.slug.to_string(),
        seq: 0,
        what: "a decoding thread stopped unexpectedly".into(),
    }
}
