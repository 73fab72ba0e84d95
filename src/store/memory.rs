//! The log in memory: every stream a vector of event bytes, every index a map, behind
//! one lock. For tests and library users who want parley's write path and views without
//! a directory on disk.
//!
//! It keeps the log contract ([`Log`]) as the sled store does, except that "durable"
//! means "for as long as the value lives": nothing reaches a disk. A batch is checked
//! whole before anything changes and applied under the lock, so it is atomic, and
//! readers on other threads see it all or not at all. Clones share the same log, so a
//! clone kept aside sees what was appended through another, even after that one is
//! closed.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use uuid::Uuid;

use super::{Log, StoreError, StreamCommit, StreamId, StreamMeta, check_batch};
use crate::model::{Kind, Slug};
use crate::{Error, Result};

/// A log held in memory. `MemoryLog::default()` is an empty one.
#[derive(Clone, Debug, Default)]
pub struct MemoryLog(Arc<Mutex<State>>);

#[derive(Debug, Default)]
struct State {
    streams: BTreeMap<Slug, StreamMeta>,
    /// Per stream, event `seq` at index `seq - 1`.
    events: HashMap<StreamId, Vec<Vec<u8>>>,
    ids: HashMap<Uuid, (StreamId, u64, Kind)>,
    /// Per stream and label, every event that carried it, oldest first.
    refs: HashMap<(StreamId, String), Vec<(u64, Kind)>>,
    next_stream: StreamId,
    checkpoints: HashMap<StreamId, Vec<u8>>,
    memos: HashMap<StreamId, BTreeMap<[u8; 32], Vec<u8>>>,
}

impl MemoryLog {
    /// An empty log.
    pub fn new() -> MemoryLog {
        MemoryLog::default()
    }

    fn state(&self) -> Result<MutexGuard<'_, State>> {
        // A panic while the lock was held can only have come between two maps' updates.
        self.0
            .lock()
            .map_err(|_| Error::Store(StoreError::new("the in-memory log was poisoned")))
    }
}

impl Log for MemoryLog {
    fn negotiations(&self) -> Result<Vec<StreamMeta>> {
        Ok(self.state()?.streams.values().cloned().collect())
    }

    fn stream(&self, slug: &Slug) -> Result<Option<StreamMeta>> {
        Ok(self.state()?.streams.get(slug).cloned())
    }

    fn next_stream_id(&self) -> Result<StreamId> {
        Ok(self.state()?.next_stream)
    }

    fn scan_range(
        &self,
        meta: &StreamMeta,
        from_seq: u64,
        to_seq: u64,
        visit: &mut dyn FnMut(u64, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let Some((from_seq, head)) = super::log::scan_bounds(meta, from_seq, to_seq) else {
            return Ok(());
        };
        // A copy of the range, so that `visit` runs without the lock (it may read the
        // log itself).
        let events: Vec<Vec<u8>> = {
            let state = self.state()?;
            let stream = state
                .events
                .get(&meta.stream)
                .map_or(&[][..], Vec::as_slice);
            let wanted = index(from_seq)..index(head) + 1;
            match stream.get(wanted) {
                Some(events) => events.to_vec(),
                None => {
                    let missing = stream.len() as u64 + 1;
                    return Err(super::log::ends_before_head(meta, missing, head));
                }
            }
        };
        for (seq, bytes) in (from_seq..).zip(&events) {
            visit(seq, bytes)?;
        }
        Ok(())
    }

    fn find_id(&self, id: &Uuid) -> Result<Option<(StreamId, u64, Kind)>> {
        Ok(self.state()?.ids.get(id).copied())
    }

    fn find_ref(&self, meta: &StreamMeta, label: &str) -> Result<Option<(u64, Kind)>> {
        let state = self.state()?;
        let Some(found) = state.refs.get(&(meta.stream, label.to_owned())) else {
            return Ok(None);
        };
        Ok(found
            .iter()
            .rev()
            .find(|(seq, _)| *seq <= meta.head.seq)
            .copied())
    }

    fn append(&self, batch: &[StreamCommit]) -> Result<()> {
        let mut state = self.state()?;
        check_batch(
            batch,
            |slug| Ok(state.streams.get(slug).cloned()),
            state.next_stream,
        )?;
        // Decoded before any change, so that a batch that does not decode changes nothing.
        let decoded = batch
            .iter()
            .map(decode)
            .collect::<Result<Vec<Vec<Vec<u8>>>>>()?;
        for (commit, events) in batch.iter().zip(decoded) {
            let stream = commit.meta.stream;
            state.events.entry(stream).or_default().extend(events);
            for event in &commit.events {
                state.ids.insert(event.id, (stream, event.seq, event.kind));
                if let Some(label) = &event.label {
                    let refs = state.refs.entry((stream, label.clone())).or_default();
                    refs.push((event.seq, event.kind));
                }
            }
            state.next_stream = state.next_stream.max(stream + 1);
            state
                .streams
                .insert(commit.meta.slug.clone(), commit.meta.clone());
        }
        Ok(())
    }

    fn keeps_caches(&self) -> bool {
        true
    }

    fn checkpoint(&self, meta: &StreamMeta) -> Result<Option<Vec<u8>>> {
        Ok(self.state()?.checkpoints.get(&meta.stream).cloned())
    }

    fn save_checkpoint(&self, meta: &StreamMeta, bytes: &[u8]) -> Result<()> {
        let mut state = self.state()?;
        state.checkpoints.insert(meta.stream, bytes.to_vec());
        Ok(())
    }

    fn memo(&self, meta: &StreamMeta, request: &[u8; 32]) -> Result<Option<Vec<u8>>> {
        let state = self.state()?;
        Ok(state
            .memos
            .get(&meta.stream)
            .and_then(|memos| memos.get(request))
            .cloned())
    }

    fn memo_heads(&self, meta: &StreamMeta, len: usize) -> Result<Vec<([u8; 32], Vec<u8>)>> {
        let state = self.state()?;
        let Some(memos) = state.memos.get(&meta.stream) else {
            return Ok(Vec::new());
        };
        Ok(memos
            .iter()
            .map(|(request, bytes)| (*request, bytes[..len.min(bytes.len())].to_vec()))
            .collect())
    }

    fn save_memo(
        &self,
        meta: &StreamMeta,
        request: &[u8; 32],
        bytes: &[u8],
        remove: &[[u8; 32]],
    ) -> Result<()> {
        let mut state = self.state()?;
        let memos = state.memos.entry(meta.stream).or_default();
        for other in remove {
            memos.remove(other);
        }
        memos.insert(*request, bytes.to_vec());
        Ok(())
    }

    /// Drops this handle; the log lives on in its clones.
    fn close(self) -> Result<()> {
        Ok(())
    }
}

/// The position of event `seq` in a stream's vector.
fn index(seq: u64) -> usize {
    usize::try_from(seq - 1).unwrap_or(usize::MAX)
}

/// The events of one stream commit, as bytes, from its staged log (for every backend
/// that keeps events one by one).
pub(super) fn decode(commit: &StreamCommit) -> Result<Vec<Vec<u8>>> {
    let events = commit.log.events().map_err(|what| Error::Integrity {
        slug: commit.meta.slug.to_string(),
        seq: commit.before + 1,
        what,
    })?;
    if events.len() != commit.events.len() {
        return Err(Error::Store(StoreError::new(
            "a stream commit's staged bytes do not match its events",
        )));
    }
    Ok(events)
}
