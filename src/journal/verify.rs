//! `verify`: re-read every stored event and prove the chain is whole.
//!
//! For each negotiation, in seq order, every event must decode, be stored in canonical
//! form (so no byte can change unnoticed), carry its own seq and negotiation, point at the
//! hash of the event before it, hash to its own `hash`, and not go back in recording
//! time; the last hash must be the head the store recorded. What it cannot prove is who
//! wrote an event, or that the first event was honest: the chain shows change, not truth.
//!
//! Each event's own checks (decoding, canonical form, its seq and negotiation, its hash
//! over the `prev_hash` it names) need no other event, so long journals check them in
//! batches on every core while one thread reads the store; the links between events
//! (each `prev_hash` is the hash before it, `recorded_at` never goes back) are checked
//! here in seq order. The first failure by seq, and its message, are those of checking
//! one event at a time in the order the list above gives.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use crate::model::{Digest32, Millis, Recorded, canonical, chain_hash_bytes};
use crate::signing::{SIGNATURE_FIELDS, Signature, hashed_content};
use crate::store::{Log, StreamMeta};
use crate::{Error, Result};

/// What `verify` checked in one negotiation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Events checked.
    pub events: u64,
    /// The head hash.
    pub head: Digest32,
}

/// Events per batch handed to a checking thread.
const BATCH: usize = 1024;

/// Checks one negotiation; the error names the first bad seq.
pub fn verify(store: &dyn Log, meta: &StreamMeta) -> Result<Verified> {
    let threads = thread::available_parallelism().map_or(1, usize::from);
    let mut chain = Chain::new(meta);
    let scanned = if threads < 2 || meta.head.seq < 4 * BATCH as u64 {
        store.scan(meta, 1, &mut |seq, bytes| {
            chain.link(seq, check(meta, seq, bytes))
        })
    } else {
        in_parallel(store, meta, threads, &mut chain)
    };
    scanned?;
    chain.finish()
}

/// What an event says of its place in the chain, once its own checks passed.
struct Link {
    prev_hash: Digest32,
    hash: Digest32,
    recorded_at: Millis,
    /// Whether its content hashes to `hash` over the `prev_hash` it names.
    hash_holds: bool,
}

/// An event's own checks: everything but its links to the event before.
fn check(meta: &StreamMeta, seq: u64, bytes: &[u8]) -> std::result::Result<Link, String> {
    let recorded = Recorded::decode(bytes).map_err(|e| format!("does not decode: {e}"))?;
    let envelope = &recorded.envelope;
    if canonical(&recorded.raw) != bytes {
        return Err("the stored bytes are not in canonical form: they were changed".into());
    }
    if envelope.seq != seq {
        return Err(format!(
            "the event says seq {}, expected {seq}",
            envelope.seq
        ));
    }
    if envelope.negotiation != meta.slug {
        return Err(format!(
            "the event says it belongs to {}",
            envelope.negotiation
        ));
    }
    // The bytes are canonical, so the content without `hash` is those bytes with the
    // `hash` member cut out; a signed event's content also leaves out its signature.
    let signed = SIGNATURE_FIELDS
        .iter()
        .any(|f| recorded.raw.contains_key(*f));
    let hash_holds = if signed {
        let content = canonical(&hashed_content(&recorded.raw));
        chain_hash_bytes(&envelope.prev_hash, &content) == envelope.hash
    } else {
        without_hash(bytes, &envelope.hash)
            .is_some_and(|content| chain_hash_bytes(&envelope.prev_hash, &content) == envelope.hash)
    };
    if signed && hash_holds {
        Signature::of(&recorded.raw, &envelope.hash)?;
    }
    Ok(Link {
        prev_hash: envelope.prev_hash,
        hash: envelope.hash,
        recorded_at: envelope.recorded_at,
        hash_holds,
    })
}

/// Canonical `bytes` without their top-level `"hash":"HEX"` member. No other member can
/// hold this event's own hash, which depends on all of them.
fn without_hash(bytes: &[u8], hash: &Digest32) -> Option<Vec<u8>> {
    let mut member = Vec::with_capacity(73);
    member.extend_from_slice(b"\"hash\":\"");
    member.extend_from_slice(&hash.hex_bytes());
    member.push(b'"');
    let start = bytes.windows(member.len()).position(|w| w == member)?;
    let end = start + member.len();
    let before = start.checked_sub(1).and_then(|i| bytes.get(i));
    let (cut_from, cut_to) = match (before, bytes.get(end)) {
        (Some(b','), _) => (start - 1, end),
        (_, Some(b',')) => (start, end + 1),
        _ => (start, end),
    };
    let mut out = Vec::with_capacity(bytes.len() - (cut_to - cut_from));
    out.extend_from_slice(&bytes[..cut_from]);
    out.extend_from_slice(&bytes[cut_to..]);
    Some(out)
}

/// The links checked so far, in seq order.
struct Chain<'m> {
    meta: &'m StreamMeta,
    prev: Digest32,
    prev_recorded: Millis,
    expected: u64,
}

impl<'m> Chain<'m> {
    fn new(meta: &'m StreamMeta) -> Chain<'m> {
        Chain {
            meta,
            prev: Digest32::ZERO,
            prev_recorded: Millis::MIN,
            expected: 1,
        }
    }

    /// Adds event `seq` with the outcome of its own checks.
    fn link(&mut self, seq: u64, checked: std::result::Result<Link, String>) -> Result<()> {
        let fail = |what: String| Error::Integrity {
            slug: self.meta.slug.to_string(),
            seq,
            what,
        };
        let link = checked.map_err(fail)?;
        // `scan` refuses gaps, so this holds; it is checked because the chain is
        // only proven for consecutive seqs.
        if seq != self.expected {
            return Err(fail(format!(
                "the event says seq {seq}, expected {}",
                self.expected
            )));
        }
        if link.prev_hash != self.prev {
            return Err(fail(
                "prev_hash does not match the hash of the event before".into(),
            ));
        }
        if !link.hash_holds {
            return Err(fail(
                "the content does not match its hash: the event was altered".into(),
            ));
        }
        if link.recorded_at < self.prev_recorded {
            return Err(fail("recorded_at goes back in time".into()));
        }
        self.prev = link.hash;
        self.prev_recorded = link.recorded_at;
        self.expected += 1;
        Ok(())
    }

    /// The last hash must be the head the store recorded.
    fn finish(self) -> Result<Verified> {
        if self.prev != self.meta.head.hash || self.expected - 1 != self.meta.head.seq {
            return Err(Error::Integrity {
                slug: self.meta.slug.to_string(),
                seq: self.meta.head.seq,
                what: "the last event's hash is not the head the store recorded".into(),
            });
        }
        Ok(Verified {
            events: self.expected - 1,
            head: self.prev,
        })
    }
}

/// A run of consecutive events: the first seq, their bytes back to back, and where each
/// ends.
#[derive(Default)]
struct Batch {
    first_seq: u64,
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

/// The outcomes of a batch's own checks, with the batch's first seq.
type Checked = (u64, Vec<std::result::Result<Link, String>>);

/// Reads on one thread, checks batches on `threads` others (dealt out in turn), and links
/// their outcomes here in seq order. A failure of the store's own reading comes after
/// the events read before it, as it would one event at a time.
fn in_parallel(
    store: &dyn Log,
    meta: &StreamMeta,
    threads: usize,
    chain: &mut Chain,
) -> Result<()> {
    thread::scope(|scope| {
        let (inputs, outputs): (Vec<SyncSender<Batch>>, Vec<Receiver<Checked>>) = (0..threads)
            .map(|_| {
                let (send_batch, batches) = sync_channel::<Batch>(2);
                let (send_checked, checked) = sync_channel(2);
                scope.spawn(move || check_batches(meta, batches, send_checked));
                (send_batch, checked)
            })
            .unzip();
        let reader = scope.spawn(move || deal_batches(store, meta, &inputs));
        let mut linked = Ok(());
        'batches: for turn in 0.. {
            let Ok((first_seq, checked)) = outputs[turn % threads].recv() else {
                break;
            };
            for (offset, outcome) in checked.into_iter().enumerate() {
                linked = chain.link(first_seq + offset as u64, outcome);
                if linked.is_err() {
                    break 'batches;
                }
            }
        }
        // Dropping the receivers stops the checkers, and with them the reader.
        drop(outputs);
        let read = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        linked.and(read)
    })
}

/// Reads the store, dealing batches out to the checkers in turn.
fn deal_batches(store: &dyn Log, meta: &StreamMeta, inputs: &[SyncSender<Batch>]) -> Result<()> {
    let mut batch = Batch::default();
    let mut turn = 0;
    let mut send = |batch: Batch| {
        let sent = inputs[turn % inputs.len()].send(batch);
        turn += 1;
        sent.map_err(|_| stopped(meta))
    };
    let scanned = store.scan(meta, 1, &mut |seq, bytes| {
        if batch.ends.is_empty() {
            batch.first_seq = seq;
        }
        batch.bytes.extend_from_slice(bytes);
        batch.ends.push(batch.bytes.len());
        if batch.ends.len() == BATCH {
            send(std::mem::take(&mut batch))?;
        }
        Ok(())
    });
    // The events read before a failure of the store's own are checked first, as one at a
    // time would check them: one of them may be the first bad seq.
    if !batch.ends.is_empty() {
        send(batch)?;
    }
    scanned
}

/// Checks each batch it receives and sends the outcomes on, until either side hangs up.
fn check_batches(meta: &StreamMeta, batches: Receiver<Batch>, checked: SyncSender<Checked>) {
    for batch in batches {
        let mut start = 0;
        let outcomes = batch
            .ends
            .iter()
            .enumerate()
            .map(|(offset, &end)| {
                let bytes = batch.bytes.get(start..end).unwrap_or_default();
                start = end;
                check(meta, batch.first_seq + offset as u64, bytes)
            })
            .collect();
        if checked.send((batch.first_seq, outcomes)).is_err() {
            return;
        }
    }
}

/// The reader stopped because a checker did: the checkers stop only when the linking
/// has found its failure, which is the one reported.
fn stopped(meta: &StreamMeta) -> Error {
    Error::Integrity {
        slug: meta.slug.to_string(),
        seq: 0,
        what: "verification stopped early".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash() -> Digest32 {
        Digest32([0x5a; 32])
    }

    fn member() -> String {
        format!("\"hash\":\"{}\"", hash().to_hex())
    }

    #[test]
    fn the_hash_member_is_cut_wherever_it_stands() {
        let m = member();
        for (with, without) in [
            (
                format!("{{\"at\":1,{m},\"seq\":2}}"),
                "{\"at\":1,\"seq\":2}",
            ),
            (format!("{{{m},\"seq\":2}}"), "{\"seq\":2}"),
            (format!("{{\"at\":1,{m}}}"), "{\"at\":1}"),
            (format!("{{{m}}}"), "{}"),
        ] {
            let cut = without_hash(with.as_bytes(), &hash()).unwrap();
            assert_eq!(String::from_utf8(cut).unwrap(), without);
        }
        assert_eq!(without_hash(b"{\"at\":1}", &hash()), None);
    }
}
