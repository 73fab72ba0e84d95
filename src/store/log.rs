//! The log contract: what parley needs from a storage backend, and what a backend
//! promises in return.
//!
//! The write path ([`crate::journal`]) and the views ([`crate::views`]) take a
//! `&dyn Log`; [`super::Store`] (sled) and [`super::MemoryLog`] implement it, and
//! [`super::contract`] is the suite every implementation passes.

use uuid::Uuid;

use super::{StreamCommit, StreamId, StreamMeta};
use crate::model::{Kind, Millis, Slug};
use crate::{Error, Result};

/// An append-only store of negotiations' event streams, with derived data kept beside
/// them.
///
/// A stream is one negotiation: its events numbered by `seq` 1, 2, 3 … and its
/// [`StreamMeta`], whose [`Head`](super::Head) names the last event. The log keeps each
/// event's canonical bytes exactly as given and never rewrites one.
///
/// # Who guarantees what
///
/// The write path ([`crate::journal::Appender`]) builds every batch: it validates each
/// event against its negotiation, numbers it, gives it its envelope and chain hash, and
/// skips an event whose id the log already holds (idempotent ids: [`Log::find_id`] is
/// how it asks). The log does not parse events.
///
/// The log guarantees, for every implementation:
///
/// - **Gap-free seqs.** A stream holds the events 1 ..= `head.seq`, each readable, and
///   nothing past its head is ever seen by a reader. An [`Log::append`] refuses a
///   stream commit whose events are not exactly `before + 1 ..= meta.head.seq`.
/// - **Heads move only forward, from where the writer saw them.** An append applies a
///   stream commit only if the stream's head is still at `before` (0, and the slug
///   free, for a new stream); otherwise it fails with [`Error::Stale`] and writes
///   nothing. This is the log's compare-and-set: `--expect-seq` and a second writer rely
///   on it.
/// - **Atomic, durable batches.** One append moves every stream it names, or none: a
///   failure (a stale head, a full disk, a crash part way) leaves every stream as it
///   was. When it returns `Ok`, the batch survives a crash or power loss: there is
///   nothing for the caller to sync.
/// - **Indexes follow the heads.** [`Log::find_id`] and [`Log::find_ref`] know every
///   event up to the heads and nothing a failed append left behind.
///
/// Derived data (positions checkpoints, audit memos) is a cache the views keep per
/// stream: bytes the log stores and returns as written, never interprets, and may lose.
/// The views tie each item to the head it was computed at (its bytes record that head's
/// seq and hash) and check it against the stream's current head before use, so a new
/// head invalidates a memo and moves a checkpoint to its tail without the log doing
/// anything. A log that cannot keep derived data (a private copy of a store the user
/// may not write) says so with [`Log::keeps_caches`] and keeps none.
///
/// Concurrency: a log may be read from several threads at once (`Sync`); one process
/// writes through one log value at a time.
pub trait Log: Sync {
    /// Every stream, in slug order.
    fn negotiations(&self) -> Result<Vec<StreamMeta>>;

    /// The stream `slug` as of its head, if the log has it.
    fn stream(&self, slug: &Slug) -> Result<Option<StreamMeta>>;

    /// The number the next new stream gets: one more than any stream the log holds
    /// (0 for an empty log).
    fn next_stream_id(&self) -> Result<StreamId>;

    /// Calls `visit` with each event of `meta`'s stream from `from_seq` to `to_seq`
    /// (both at most `meta.head.seq`; `from_seq` at least 1), in seq order, with the
    /// bytes as appended. It reads the stream as `meta` names it: a head that moved
    /// since does not extend the scan. A seq missing below the head, or bytes that do
    /// not decode, is [`Error::Integrity`]; an error from `visit` stops the scan and is
    /// returned.
    fn scan_range(
        &self,
        meta: &StreamMeta,
        from_seq: u64,
        to_seq: u64,
        visit: &mut dyn FnMut(u64, &[u8]) -> Result<()>,
    ) -> Result<()>;

    /// Where the event with `id` is, in any stream: its stream, seq and kind. An entry
    /// past its stream's head may be returned only by a log that crashed mid-append; the
    /// caller checks the seq against the head.
    fn find_id(&self, id: &Uuid) -> Result<Option<(StreamId, u64, Kind)>>;

    /// The latest event labelled `label` (its `ref`) in `meta`'s stream, at or below
    /// `meta.head.seq`: its seq and kind.
    fn find_ref(&self, meta: &StreamMeta, label: &str) -> Result<Option<(u64, Kind)>>;

    /// Appends every stream commit of `batch` atomically and durably, under the
    /// guarantees above; an empty batch does nothing.
    fn append(&self, batch: &[StreamCommit]) -> Result<()>;

    /// The log's own clock, in milliseconds since the epoch, when it keeps one: then the
    /// write path stamps `recorded_at` from it rather than from the caller's clock
    /// ([`crate::clock::now`]). A log many machines share keeps one (PostgreSQL: the
    /// server's), so that writers whose clocks disagree still stamp one time line; a log
    /// one process opens at a time keeps none (`None`, the default). Either way the write
    /// path never lets `recorded_at` go back within a negotiation: it takes the later of
    /// this reading and the head's, and the compare-and-set of [`Log::append`] refuses a
    /// batch whose head moved after it was read.
    fn clock(&self) -> Result<Option<Millis>> {
        Ok(None)
    }

    /// Whether this log keeps derived data; when false, the `save_*` calls keep nothing.
    fn keeps_caches(&self) -> bool;

    /// The checkpoint kept for `meta`'s stream, as saved.
    fn checkpoint(&self, meta: &StreamMeta) -> Result<Option<Vec<u8>>>;

    /// Replaces the checkpoint of `meta`'s stream. A cache write: a crash may leave the
    /// old checkpoint or none, never a mix of both.
    fn save_checkpoint(&self, meta: &StreamMeta, bytes: &[u8]) -> Result<()>;

    /// The memo `request` of `meta`'s stream, as saved.
    fn memo(&self, meta: &StreamMeta, request: &[u8; 32]) -> Result<Option<Vec<u8>>>;

    /// The first `len` bytes (all, if shorter) of each memo of `meta`'s stream, by
    /// request: enough to read their headers.
    fn memo_heads(&self, meta: &StreamMeta, len: usize) -> Result<Vec<([u8; 32], Vec<u8>)>>;

    /// Keeps `bytes` as the memo `request` of `meta`'s stream and removes the memos of
    /// `remove`, all or nothing.
    fn save_memo(
        &self,
        meta: &StreamMeta,
        request: &[u8; 32],
        bytes: &[u8],
        remove: &[[u8; 32]],
    ) -> Result<()>;

    /// Lets go of the log. Everything appended is already durable; closing releases
    /// what the log holds (files, locks, connections) and reports a failure to do so
    /// rather than panicking. A log that is dropped without `close` is closed as well
    /// as its drop can.
    fn close(self) -> Result<()>
    where
        Self: Sized;

    /// The stream named `slug`, or [`Error::UnknownNegotiation`] listing the ones there
    /// are.
    fn require(&self, slug: &str) -> Result<StreamMeta> {
        let found = match Slug::parse(slug) {
            Ok(slug) => self.stream(&slug)?,
            Err(_) => None,
        };
        match found {
            Some(meta) => Ok(meta),
            None => Err(Error::UnknownNegotiation {
                slug: slug.to_owned(),
                known: self
                    .negotiations()?
                    .into_iter()
                    .map(|m| m.slug.to_string())
                    .collect(),
            }),
        }
    }

    /// [`Log::scan_range`] from `from_seq` to `meta`'s head.
    fn scan(
        &self,
        meta: &StreamMeta,
        from_seq: u64,
        visit: &mut dyn FnMut(u64, &[u8]) -> Result<()>,
    ) -> Result<()> {
        self.scan_range(meta, from_seq, meta.head.seq, visit)
    }

    /// The bytes of event `seq` of `meta`'s stream (`None` past the head).
    fn get(&self, meta: &StreamMeta, seq: u64) -> Result<Option<Vec<u8>>> {
        let mut found = None;
        if (1..=meta.head.seq).contains(&seq) {
            self.scan_range(meta, seq, seq, &mut |at, bytes| {
                if at == seq {
                    found = Some(bytes.to_vec());
                }
                Ok(())
            })?;
        }
        Ok(found)
    }
}

/// The seqs a `scan_range(meta, from_seq, to_seq, …)` visits, clamped to the stream's
/// head and to seq 1; `None` when there are none. One copy of the rule for every
/// implementation.
pub fn scan_bounds(meta: &StreamMeta, from_seq: u64, to_seq: u64) -> Option<(u64, u64)> {
    let (from, to) = (from_seq.max(1), meta.head.seq.min(to_seq));
    (from <= to).then_some((from, to))
}

/// The integrity failure of a log that holds fewer events than its head says: the first
/// missing seq is `missing`, the head `head`.
pub fn ends_before_head(meta: &StreamMeta, missing: u64, head: u64) -> Error {
    Error::Integrity {
        slug: meta.slug.to_string(),
        seq: missing,
        what: format!("the log ends before its head (seq {head})"),
    }
}

/// Checks a batch against the heads as they stand (`current`: a stream's meta by slug,
/// `next_stream`: the number the next new stream gets), before anything is written:
/// each stream commit continues its stream from `before`, numbers its events
/// `before + 1 ..= meta.head.seq`, and a new stream takes a free slug and number. One
/// copy of the rule for every implementation.
pub fn check_batch(
    batch: &[StreamCommit],
    current: impl Fn(&Slug) -> Result<Option<StreamMeta>>,
    next_stream: StreamId,
) -> Result<()> {
    let mut fresh = std::collections::HashSet::new();
    for commit in batch {
        let slug = &commit.meta.slug;
        let stored = current(slug)?;
        let actual = stored.as_ref().map_or(0, |m| m.head.seq);
        if actual != commit.before {
            return Err(Error::Stale {
                slug: slug.to_string(),
                expected: commit.before,
                actual,
            });
        }
        let stream = commit.meta.stream;
        let taken = match &stored {
            Some(stored) => stored.stream != stream,
            None => stream < next_stream || !fresh.insert(stream),
        };
        if taken {
            return Err(Error::Store(super::StoreError::new(format!(
                "another writer created a negotiation with number {stream} while {slug} was being written"
            ))));
        }
        let seqs = commit.events.iter().map(|e| e.seq);
        let expected = commit.before + 1..=commit.meta.head.seq;
        if commit.events.is_empty() || !seqs.eq(expected) {
            return Err(Error::Integrity {
                slug: slug.to_string(),
                seq: commit.before + 1,
                what: format!(
                    "an append must number its events {} to {} with no gaps",
                    commit.before + 1,
                    commit.meta.head.seq
                ),
            });
        }
    }
    Ok(())
}
