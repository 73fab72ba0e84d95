//! Storage: the log contract ([`Log`]), its implementations, and the suite they pass.
//!
//! - [`Log`] (log.rs) is what the write path and the views need from storage: list
//!   streams, read one in seq order, append a batch to several streams atomically and
//!   durably, look events up by id and by `ref`, keep derived data beside a stream, close.
//!   Its invariants, and which of them the log guarantees and which the write path, are
//!   documented on the trait.
//! - [`Store`] is the log on sled, the store the command line opens. It is the only code
//!   that touches sled, and its errors leave this module as [`StoreError`].
//! - [`MemoryLog`] (memory.rs) is the log in memory, for tests and library users.
//! - [`PostgresLog`] (postgres.rs) is the log in a PostgreSQL database, a journal many
//!   record-keepers share; [`Backend`] (backend.rs) is whichever of it and [`Store`] a
//!   `--store` names.
//! - [`contract`] is one suite of tests every implementation passes; [`contract_suite!`]
//!   instantiates it for one constructor.
//!
//! # The sled store
//!
//! - Events are appended, never rewritten, in segments (segment.rs) under keys chosen so
//!   that one negotiation in seq order is one range scan (keys.rs); ids and refs are
//!   indexed in hash buckets (index.rs).
//! - An append is all or nothing, and durable when it returns. Data (segments and
//!   indexes) is written and flushed first; then the heads of every negotiation touched
//!   move in one atomic batch, which is flushed; then the files sled wrote are synced
//!   (`fsync`), since sled's flushes do not empty the disk's cache. Readers never look
//!   past a head, so a crash between the steps leaves orphans beyond the heads that no
//!   reader sees and the next append clears.
//! - One process opens the store at a time (`lock::StoreLock`). A reader who may not
//!   write the store reads a private copy of it instead (`copy::PrivateCopy`).
//! - A write that fails removes what opening the store created, and nothing else
//!   (`created::Created`, [`Store::discard`]).
//!
//! What storage does *not* do: validate events. It keeps bytes in order; the rules live
//! in [`crate::model`] and the write path in [`crate::journal`].

mod backend;
pub mod contract;
mod copy;
mod created;
mod error;
mod index;
mod keys;
mod lock;
mod log;
mod memory;
pub mod postgres;
mod segment;
mod staged;

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Agenda, At, Digest32, Kind, Millis, Slug};
use crate::{Error, Result};
pub use backend::Backend;
use copy::PrivateCopy;
use created::Created;
pub use error::StoreError;
pub use keys::StreamId;
use lock::StoreLock;
pub use log::{Log, check_batch};
pub use memory::MemoryLog;
pub use postgres::PostgresLog;
pub use staged::{Compressor, StagedLog};

/// The newest store layout this build reads and writes.
///
/// - 1: plain segments.
/// - 2: segments may be zstd-compressed (segment.rs), ids and refs in hash buckets
///   (index.rs), checkpoints. A format-1 store is refused with a message saying how to
///   move its journals (export, then import).
pub const FORMAT: u32 = 2;

/// What a negotiation's stream looks like at its head: enough to list it, validate the
/// next event and append it without reading the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamMeta {
    /// Internal stream number.
    pub stream: StreamId,
    /// The negotiation's slug.
    pub slug: Slug,
    /// Parties and issues as of the head.
    pub agenda: Agenda,
    /// The last event.
    pub head: Head,
    /// Earliest and latest `at` of the events (as recorded, before corrections).
    pub first_at: Option<At>,
    /// See `first_at`.
    pub last_at: Option<At>,
}

/// The last event of a stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Head {
    /// Its seq (0 before the first event).
    pub seq: u64,
    /// Its hash ([`Digest32::ZERO`] before the first event).
    pub hash: Digest32,
    /// Its `recorded_at`.
    pub recorded_at: Millis,
}

/// Store-wide counters, moved in the same batch as the heads.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
struct Counters {
    next_stream: StreamId,
    global: u64,
}

/// An event ready to be written, as the indexes need it (its bytes are in the
/// [`StagedLog`]).
#[derive(Clone, Debug)]
pub struct StagedEvent {
    /// Its seq.
    pub seq: u64,
    /// Its id.
    pub id: Uuid,
    /// Its kind, kept in the indexes.
    pub kind: Kind,
    /// Its `ref`, if any.
    pub label: Option<String>,
}

/// The events to append to one stream, and the stream's meta after them.
#[derive(Debug)]
pub struct StreamCommit {
    /// The head seq before this commit (0 for a new stream).
    pub before: u64,
    /// The stream's meta after this commit.
    pub meta: StreamMeta,
    /// The new events, in seq order.
    pub events: Vec<StagedEvent>,
    /// Their canonical bytes, packed into segments ([`StagedLog::finish`]ed).
    pub log: StagedLog,
}

/// Whether a command only reads, or may create and write the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The store must exist. One the user may not write is read from a private copy.
    Read,
    /// The store is created if missing.
    Write,
}

/// Whether sled tidies its log in the background while the store is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upkeep {
    /// sled's flusher thread runs. Besides flushing every 500 ms, it rewrites pages out of
    /// sparse log segments, which keeps the store small while a bulk write (an import)
    /// churns through its index pages.
    Background,
    /// No flusher thread. For a command that reads, or writes a few keys, and exits: the
    /// flusher starts cleaning the moment sled opens, competing with the command for a
    /// core and a lock and writing pages nobody changed, which the next open must then
    /// recover (and its segments freed, which every open zeroes). Durability does not
    /// depend on it: every write the store makes is flushed before it returns.
    None,
}

/// An open store.
pub struct Store {
    dir: PathBuf,
    /// The blob files there were before sled opened (see `Store::sync`).
    blobs_at_open: HashSet<OsString>,
    /// What opening the store created (see [`Store::discard`]).
    created: Created,
    db: sled::Db,
    events: sled::Tree,
    order: sled::Tree,
    refs: sled::Tree,
    ids: sled::Tree,
    streams: sled::Tree,
    checkpoints: sled::Tree,
    memos: sled::Tree,
    /// Held while the store is open; none on a private copy, whose shared lock was let
    /// go once the copy was taken.
    _lock: Option<StoreLock>,
    /// The private copy read instead of a store the user may not write. Declared last:
    /// it is removed after sled has let go of it.
    copy: Option<PrivateCopy>,
}

impl Store {
    /// Opens the store in `dir`, waiting up to `wait` for another process to let go,
    /// with sled's background upkeep ([`Upkeep::Background`]).
    pub fn open(dir: &Path, access: Access, wait: Duration) -> Result<Store> {
        Store::open_with(dir, access, wait, Upkeep::Background)
    }

    /// Opens the store in `dir` as [`Store::open`] does, with the given upkeep.
    ///
    /// For [`Access::Write`] it creates what is missing (the directory and its parents,
    /// the lock file, the database) and remembers what it created. For [`Access::Read`]
    /// it creates nothing but, where the store has none yet, the lock file; a store the
    /// user may not write (permission denied, a read-only file system) is read from a
    /// private copy (copy.rs), without writing anything there.
    pub fn open_with(dir: &Path, access: Access, wait: Duration, upkeep: Upkeep) -> Result<Store> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(store) = Store::try_open(dir, access, (deadline, wait), upkeep)? {
                return Ok(store);
            }
        }
    }

    /// One attempt at [`Store::open_with`]; `None` when the lock file was removed while
    /// it waited (by a first write that failed), so that the store is opened afresh.
    fn try_open(
        dir: &Path,
        access: Access,
        (deadline, wait): (Instant, Duration),
        upkeep: Upkeep,
    ) -> Result<Option<Store>> {
        if access == Access::Read && !dir.join("db").exists() {
            return Err(Error::NoStore(dir.to_path_buf()));
        }
        let mut created = match access {
            Access::Write => Created::make_dirs(dir)?,
            Access::Read => Created::default(),
        };
        let lock = match StoreLock::exclusive(dir, deadline, wait) {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                created.undo(dir);
                return Ok(None);
            }
            Err(e) if access == Access::Read && e.is_not_writable() => {
                return Store::open_copy(dir, deadline, wait).map(Some);
            }
            Err(e) => {
                created.undo(dir);
                return Err(e);
            }
        };
        created.lock = lock.created();
        created.db = !dir.join("db").exists();
        match Store::open_in_place(dir, lock, created, deadline, upkeep) {
            Err(e) if access == Access::Read && e.is_not_writable() => {
                Store::open_copy(dir, deadline, wait).map(Some)
            }
            opened => opened.map(Some),
        }
    }

    /// Opens sled in the store itself, holding its lock; on failure, removes what was
    /// created.
    fn open_in_place(
        dir: &Path,
        lock: StoreLock,
        created: Created,
        deadline: Instant,
        upkeep: Upkeep,
    ) -> Result<Store> {
        let db_dir = dir.join("db");
        let opened = remove_unfinished_snapshots(&db_dir)
            .and_then(|()| blob_names(&db_dir.join("blobs")))
            .and_then(|blobs| Ok((blobs, open_db(&db_dir, deadline, upkeep)?)));
        let (blobs_at_open, db) = match opened {
            Ok(opened) => opened,
            Err(e) => {
                created.undo(dir);
                return Err(e);
            }
        };
        let parts = Parts {
            dir,
            blobs_at_open,
            created,
            lock: Some(lock),
            copy: None,
        };
        parts.assemble(db)
    }

    /// Opens a private copy of the store in `dir` (see copy.rs).
    fn open_copy(dir: &Path, deadline: Instant, wait: Duration) -> Result<Store> {
        let copy = PrivateCopy::take(dir, deadline, wait)?;
        let db = open_db(&copy.db(), deadline, Upkeep::None)?;
        let parts = Parts {
            dir,
            blobs_at_open: HashSet::new(),
            created: Created::default(),
            lock: None,
            copy: Some(copy),
        };
        parts.assemble(db)
    }

    /// Lets go of the store after a write that failed, and removes what opening it
    /// created (created.rs): a refused first write leaves no store behind, and never
    /// removes what was there before. sled is not dropped: its drop `fsync`s and panics
    /// if that fails, as it may on the full disk that failed the write. The process
    /// exits next, which closes sled's files.
    pub fn discard(self) {
        let Store {
            dir,
            created,
            db,
            events,
            order,
            refs,
            ids,
            streams,
            checkpoints,
            memos,
            _lock,
            copy,
            ..
        } = self;
        std::mem::forget((db, events, order, refs, ids, streams, checkpoints, memos));
        created.undo(&dir);
        drop((_lock, copy));
    }

    /// Closes the store as [`Log::close`] does, but holds its lock until the returned
    /// value is dropped, so that no other parley opens the store meanwhile: for a caller
    /// that then moves the store's directory (`pull` moving a store aside). A parley
    /// waiting on the lock then finds the lock file moved and opens what is at the path.
    pub fn close_locked(mut self) -> Result<StillLocked> {
        let lock = self._lock.take();
        Log::close(self)?;
        Ok(StillLocked { _lock: lock })
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Lets go of the store in a process that exits next, without sled's drop: every
    /// append is durable already, so the drop would only flush nothing, `fsync` a file
    /// with nothing new (a disk cache flush of its own) and walk sled's page table, and
    /// it panics if the `fsync` fails. The exit closes the files and releases the locks.
    /// A process that goes on (a session, a library user) calls [`Log::close`] instead.
    pub fn close_at_exit(self) {
        std::mem::forget(self);
    }

    /// Makes everything written so far durable, or says why it is not: the last step of
    /// [`Log::append`].
    ///
    /// A commit's flushes are sled's: `pwrite` and `sync_file_range`, which write those
    /// byte ranges out and wait, but neither ask the disk to empty its write cache nor
    /// persist the file's size when the log grew. sled's full `fsync` of its file comes
    /// only when it is dropped (after a command has printed success, and a failure there
    /// panics), and sled never syncs its blob files at all: nodes over a quarter segment,
    /// such as a leaf of compressed event segments. So an append calls this before it
    /// returns. It flushes until sled has nothing left, then syncs each
    /// blob sled created since the store opened, the blob directory if there were any, and
    /// the database file. Each `fsync` costs a disk cache flush, so old blobs are left
    /// alone: the command that wrote them synced them.
    fn sync(&self) -> Result<()> {
        while self.db.flush()? > 0 {}
        let db_dir = self.dir.join("db");
        let blobs = db_dir.join("blobs");
        let mut created = false;
        for name in blob_names(&blobs)? {
            if self.blobs_at_open.contains(&name) {
                continue;
            }
            let path = blobs.join(name);
            match std::fs::File::open(&path) {
                Ok(file) => file.sync_all().map_err(|e| Error::io(&path, e))?,
                // Removed since the listing: sled's flusher (an import's) rewrote that
                // node elsewhere and dropped the blob, so there is nothing to keep.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::io(&path, e)),
            }
            created = true;
        }
        if created {
            sync_file(&blobs)?;
        }
        sync_file(&db_dir.join("db"))
    }

    /// The first seq of the segment that holds `seq`.
    fn segment_start(&self, stream: StreamId, seq: u64) -> Result<u64> {
        let range = keys::event_key(stream, 0)..=keys::event_key(stream, seq);
        match self.events.range(range).next_back() {
            Some(entry) => Ok(keys::split_event_key(&entry?.0).map_or(seq, |(_, first)| first)),
            None => Ok(seq),
        }
    }

    fn counters(&self) -> Result<Counters> {
        match self.streams.get(keys::COUNTERS_KEY)? {
            Some(value) => serde_json::from_slice(&value).map_err(|e| corrupt_meta("counters", e)),
            None => Ok(Counters::default()),
        }
    }

    /// Writes the staged events of every stream in `commits` atomically (made durable by
    /// [`Store::sync`] after it, in [`Log::append`]).
    ///
    /// ```text
    /// 1. streams["\0inflight"] = the streams and their heads before   (flushed with 2)
    /// 2. segments, order entries, index buckets (rewritten whole)       flush
    /// 3. heads + counters, inflight removed: one atomic batch           flush
    /// ```
    ///
    /// A crash before 3 leaves data past the heads and the inflight note; the next
    /// commit sees the note and removes those orphans from every index bucket before it
    /// writes, so an orphan can never be mistaken for an event once a head passes it.
    fn write(&self, commits: &[StreamCommit]) -> Result<()> {
        let mut counters = self.counters()?;
        self.clear_orphans(commits, counters.global)?;
        let before: HashMap<StreamId, u64> =
            commits.iter().map(|c| (c.meta.stream, c.before)).collect();
        self.streams
            .insert(keys::INFLIGHT_KEY, encode_inflight(&before))?;
        let mut events = sled::Batch::default();
        let mut order = sled::Batch::default();
        let mut additions = index::Additions::default();
        for commit in commits {
            let stream = commit.meta.stream;
            let segments = commit.log.segments().ok_or_else(|| {
                sled::Error::ReportableBug("a staged segment was never compressed".into())
            })?;
            for (first, count, value) in segments {
                events.insert(&keys::event_key(stream, first), value);
                order.insert(
                    &(counters.global + 1).to_be_bytes(),
                    &keys::order_value(stream, first, count),
                );
                counters.global += u64::from(count);
            }
        }
        for commit in commits {
            let stream = commit.meta.stream;
            for event in &commit.events {
                additions.add(
                    stream,
                    event.id,
                    event.seq,
                    event.kind,
                    event.label.as_deref(),
                );
            }
            counters.next_stream = counters.next_stream.max(stream + 1);
        }
        self.events.apply_batch(events)?;
        self.order.apply_batch(order)?;
        self.write_index(&additions, &before)?;
        self.db.flush()?;
        self.move_heads(commits, counters)?;
        self.db.flush()?;
        Ok(())
    }

    /// Rewrites each touched index bucket once: its live entries, then the new ones.
    fn write_index(
        &self,
        additions: &index::Additions,
        before: &HashMap<StreamId, u64>,
    ) -> Result<()> {
        let mut ids = sled::Batch::default();
        for (key, new) in additions.ids() {
            let mut entries = match self.ids.get(key)? {
                Some(old) => index::read_ids(&old),
                None => Vec::new(),
            };
            entries.retain(|e| index::is_live(before, e.stream, e.seq));
            entries.extend_from_slice(new);
            ids.insert(&key, index::write_ids(&entries));
        }
        let mut refs = sled::Batch::default();
        for (key, new) in &additions.refs {
            let mut entries = match self.refs.get(key)? {
                Some(old) => index::read_refs(&old),
                None => Vec::new(),
            };
            let stream = index::ref_bucket_stream(key).unwrap_or_default();
            entries.retain(|e| index::is_live(before, stream, e.seq));
            entries.extend(new.iter().cloned());
            refs.insert(key, index::write_refs(&entries));
        }
        self.ids.apply_batch(ids)?;
        self.refs.apply_batch(refs)?;
        Ok(())
    }

    /// The commit point: every touched head and the counters, in one atomic batch.
    fn move_heads(&self, commits: &[StreamCommit], counters: Counters) -> Result<()> {
        let mut heads = sled::Batch::default();
        for commit in commits {
            let value = serde_json::to_vec(&commit.meta).map_err(|e| corrupt_meta("meta", e))?;
            heads.insert(commit.meta.slug.as_str().as_bytes(), value);
        }
        let value = serde_json::to_vec(&counters).map_err(|e| corrupt_meta("counters", e))?;
        heads.insert(keys::COUNTERS_KEY, value);
        heads.remove(keys::INFLIGHT_KEY);
        self.streams.apply_batch(heads)?;
        Ok(())
    }

    /// Removes what a failed commit left beyond the heads, so it cannot mix with new data.
    fn clear_orphans(&self, commits: &[StreamCommit], global: u64) -> Result<()> {
        let mut batch = sled::Batch::default();
        for commit in commits {
            let stream = commit.meta.stream;
            let range =
                keys::event_key(stream, commit.before + 1)..=keys::event_key(stream, u64::MAX);
            for entry in self.events.range(range) {
                batch.remove(entry?.0);
            }
        }
        self.events.apply_batch(batch)?;
        let mut batch = sled::Batch::default();
        for entry in self.order.range((global + 1).to_be_bytes()..) {
            batch.remove(entry?.0);
        }
        self.order.apply_batch(batch)?;
        if let Some(note) = self.streams.get(keys::INFLIGHT_KEY)? {
            self.clear_index_orphans(&decode_inflight(&note))?;
        }
        Ok(())
    }

    /// After a crash mid-commit: drops, from every index bucket, the entries of the
    /// streams that commit touched that lie past their heads as they stand now.
    fn clear_index_orphans(&self, noted: &[StreamId]) -> Result<()> {
        let mut heads: HashMap<StreamId, u64> = noted.iter().map(|s| (*s, 0)).collect();
        for meta in self.negotiations()? {
            if let Some(head) = heads.get_mut(&meta.stream) {
                *head = meta.head.seq;
            }
        }
        let mut ids = sled::Batch::default();
        for entry in self.ids.iter() {
            let (key, value) = entry?;
            let entries = index::read_ids(&value);
            let live: Vec<_> = entries
                .iter()
                .copied()
                .filter(|e| index::is_live(&heads, e.stream, e.seq))
                .collect();
            if live.len() != entries.len() {
                ids.insert(key, index::write_ids(&live));
            }
        }
        let mut refs = sled::Batch::default();
        for (stream, head) in &heads {
            for entry in self.refs.scan_prefix(stream.to_be_bytes()) {
                let (key, value) = entry?;
                let entries = index::read_refs(&value);
                let live: Vec<_> = entries.iter().filter(|e| e.seq <= *head).cloned().collect();
                if live.len() != entries.len() {
                    refs.insert(key, index::write_refs(&live));
                }
            }
        }
        self.ids.apply_batch(ids)?;
        self.refs.apply_batch(refs)?;
        self.db.flush()?;
        Ok(())
    }

    /// Edits the segment that holds `seq` and stores it back uncompressed: `edit` gets the
    /// codec byte followed by the plain body (see segment.rs), as an attacker with a hex
    /// editor and zstd would see it. Only for tests that prove `verify` notices
    /// tampering; nothing in parley calls it.
    #[doc(hidden)]
    pub fn tamper_with_segment(
        &self,
        meta: &StreamMeta,
        seq: u64,
        edit: impl FnOnce(&mut Vec<u8>),
    ) -> Result<()> {
        let start = self.segment_start(meta.stream, seq)?;
        let key = keys::event_key(meta.stream, start);
        if let Some(value) = self.events.get(key)? {
            let mut bytes = vec![segment::PLAIN];
            match segment::body(&value) {
                Ok(body) => bytes.extend_from_slice(&body),
                Err(_) => bytes = value.to_vec(),
            }
            edit(&mut bytes);
            self.events.insert(key, bytes)?;
            self.db.flush()?;
        }
        Ok(())
    }
}

/// The log contract on sled. Every call on the log is one or a few sled operations; see
/// the module docs for the layout and the commit protocol.
impl Log for Store {
    fn negotiations(&self) -> Result<Vec<StreamMeta>> {
        let mut out = Vec::new();
        for entry in self.streams.iter() {
            let (key, value) = entry?;
            if key.first() != Some(&0) {
                out.push(decode_meta(&key, &value)?);
            }
        }
        Ok(out)
    }

    fn stream(&self, slug: &Slug) -> Result<Option<StreamMeta>> {
        match self.streams.get(slug.as_str())? {
            Some(value) => Ok(Some(decode_meta(slug.as_str().as_bytes(), &value)?)),
            None => Ok(None),
        }
    }

    /// One range scan: the segment holding `from_seq`, then forward.
    fn scan_range(
        &self,
        meta: &StreamMeta,
        from_seq: u64,
        to_seq: u64,
        visit: &mut dyn FnMut(u64, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let Some((from_seq, head)) = log::scan_bounds(meta, from_seq, to_seq) else {
            return Ok(());
        };
        let start = self.segment_start(meta.stream, from_seq)?;
        let range = keys::event_key(meta.stream, start)..=keys::event_key(meta.stream, head);
        let mut expected = start;
        for entry in self.events.range(range) {
            let (key, value) = entry?;
            let (_, first) = keys::split_event_key(&key).unwrap_or_default();
            let corrupt = |what: String| Error::Integrity {
                slug: meta.slug.to_string(),
                seq: expected,
                what,
            };
            if first != expected {
                return Err(corrupt(format!(
                    "the store has no event {expected}; the next one stored is {first}"
                )));
            }
            let body = segment::body(&value).map_err(corrupt)?;
            let events = segment::split(&body).map_err(corrupt)?;
            for (offset, bytes) in events.into_iter().enumerate() {
                let seq = first + offset as u64;
                if seq > head {
                    return Ok(());
                }
                if seq >= from_seq {
                    visit(seq, bytes)?;
                }
                expected = seq + 1;
            }
        }
        if expected <= head {
            return Err(log::ends_before_head(meta, expected, head));
        }
        Ok(())
    }

    fn find_ref(&self, meta: &StreamMeta, label: &str) -> Result<Option<(u64, Kind)>> {
        let Some(bucket) = self.refs.get(index::ref_bucket(meta.stream, label))? else {
            return Ok(None);
        };
        Ok(index::read_refs(&bucket)
            .into_iter()
            .rev()
            .find(|e| e.label == label && e.seq <= meta.head.seq)
            .map(|e| (e.seq, e.kind)))
    }

    /// Entries past a head are orphans of a commit a crash cut short, until the next
    /// commit of that stream drops them (index.rs).
    fn find_id(&self, id: &Uuid) -> Result<Option<(StreamId, u64, Kind)>> {
        let Some(bucket) = self.ids.get(index::id_bucket(id))? else {
            return Ok(None);
        };
        Ok(index::read_ids(&bucket)
            .into_iter()
            .rev()
            .find(|e| e.id == *id)
            .map(|e| (e.stream, e.seq, e.kind)))
    }

    fn checkpoint(&self, meta: &StreamMeta) -> Result<Option<Vec<u8>>> {
        Ok(self
            .checkpoints
            .get(meta.stream.to_be_bytes())?
            .map(|v| v.to_vec()))
    }

    /// Readers may call it: the store lock makes this process the only one.
    fn save_checkpoint(&self, meta: &StreamMeta, bytes: &[u8]) -> Result<()> {
        if !self.keeps_caches() {
            return Ok(());
        }
        self.checkpoints.insert(meta.stream.to_be_bytes(), bytes)?;
        self.checkpoints.flush()?;
        Ok(())
    }

    fn memo(&self, meta: &StreamMeta, request: &[u8; 32]) -> Result<Option<Vec<u8>>> {
        Ok(self
            .memos
            .get(keys::memo_key(meta.stream, request))?
            .map(|v| v.to_vec()))
    }

    /// sled still reads each memo whole; there are at most a few per stream.
    fn memo_heads(&self, meta: &StreamMeta, len: usize) -> Result<Vec<([u8; 32], Vec<u8>)>> {
        let mut heads = Vec::new();
        for entry in self.memos.scan_prefix(meta.stream.to_be_bytes()) {
            let (key, value) = entry?;
            if let Some(request) = key.get(4..).and_then(|r| <[u8; 32]>::try_from(r).ok()) {
                heads.push((request, value.get(..len).unwrap_or(&value).to_vec()));
            }
        }
        Ok(heads)
    }

    /// One sled batch.
    fn save_memo(
        &self,
        meta: &StreamMeta,
        request: &[u8; 32],
        bytes: &[u8],
        remove: &[[u8; 32]],
    ) -> Result<()> {
        if !self.keeps_caches() {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        for other in remove {
            batch.remove(&keys::memo_key(meta.stream, other)[..]);
        }
        batch.insert(&keys::memo_key(meta.stream, request)[..], bytes);
        self.memos.apply_batch(batch)?;
        self.memos.flush()?;
        Ok(())
    }

    fn next_stream_id(&self) -> Result<StreamId> {
        Ok(self.counters()?.next_stream)
    }

    fn append(&self, batch: &[StreamCommit]) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        check_batch(batch, |slug| self.stream(slug), self.next_stream_id()?)?;
        self.write(batch)?;
        self.sync()
    }

    /// False for a private copy of a store the user may not write, where caches would
    /// be lost with the copy.
    fn keeps_caches(&self) -> bool {
        self.copy.is_none()
    }

    /// Closes sled after checking that its file syncs. Its drop flushes (nothing is
    /// left: every append synced), `fsync`s its file and panics if that fails; so where
    /// the check fails, sled is let go without its drop and the error returned. The lock
    /// is released either way.
    fn close(self) -> Result<()> {
        let synced = self.sync();
        if synced.is_ok() {
            drop(self);
        } else {
            self.close_at_exit();
        }
        synced
    }
}

/// The lock of a store that [`Store::close_locked`] closed; dropping it lets go.
#[must_use = "the lock is let go when this is dropped"]
#[derive(Debug)]
pub struct StillLocked {
    _lock: Option<StoreLock>,
}

/// The parts of a [`Store`] besides sled's.
struct Parts<'a> {
    dir: &'a Path,
    blobs_at_open: HashSet<OsString>,
    created: Created,
    lock: Option<StoreLock>,
    copy: Option<PrivateCopy>,
}

impl Parts<'_> {
    /// The store on the opened `db`, once its format is checked (and written, on a new
    /// store). On failure, removes what was created, without dropping sled (see
    /// [`Store::discard`]).
    fn assemble(self, db: sled::Db) -> Result<Store> {
        let tree = |name: &str| db.open_tree(name);
        let opened = check_format(self.dir, &db).and_then(|()| {
            Ok([
                tree("events")?,
                tree("order")?,
                tree("refs")?,
                tree("ids")?,
                tree("streams")?,
                tree("checkpoints")?,
                tree("memos")?,
            ])
        });
        let [events, order, refs, ids, streams, checkpoints, memos] = match opened {
            Ok(trees) => trees,
            Err(e) => {
                std::mem::forget(db);
                self.created.undo(self.dir);
                return Err(e);
            }
        };
        Ok(Store {
            dir: self.dir.to_path_buf(),
            blobs_at_open: self.blobs_at_open,
            created: self.created,
            db,
            events,
            order,
            refs,
            ids,
            streams,
            checkpoints,
            memos,
            _lock: self.lock,
            copy: self.copy,
        })
    }
}

/// Whether `path` is a snapshot sled began but never finished (`snap.N.generating`).
fn is_unfinished_snapshot(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.starts_with("snap.") && name.ends_with(".generating")
}

/// Removes snapshot files sled began but never finished (`snap.N.generating`).
///
/// sled writes a snapshot to `snap.N.generating` and renames it when it is complete, but
/// when it reads it takes the highest-named `snap.*` file, unfinished ones included: a
/// snapshot cut short (a full disk, a kill) made the store unreadable ("Read corrupted
/// data") although its log was whole. An unfinished snapshot holds nothing the log does
/// not; sled rebuilds from the last complete one. We hold the store lock, so no other
/// process can be writing one.
fn remove_unfinished_snapshots(db: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(db) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry.map_err(|e| Error::io(db, e))?.path();
        if is_unfinished_snapshot(&path) {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// The names of the files in sled's blob directory (none if it does not exist yet).
fn blob_names(blobs: &Path) -> Result<HashSet<OsString>> {
    let Ok(entries) = std::fs::read_dir(blobs) else {
        return Ok(HashSet::new());
    };
    entries
        .map(|entry| {
            entry
                .map(|e| e.file_name())
                .map_err(|e| Error::io(blobs, e))
        })
        .collect()
}

/// `fsync` of a file or directory: on Linux any descriptor of the inode will do, so
/// sled's own descriptor is not needed.
fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|file| file.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// Opens sled, waiting until `deadline` while sled's own file lock is still held.
///
/// Our lock is taken first, but a process that just let go of it may not have closed
/// sled's file yet: the kernel closes a dying process's files one by one (ours first,
/// it was opened first), and sled joins its flusher thread only after that. The gap is
/// short; without this wait a second writer failed with "could not acquire lock".
fn open_db(path: &Path, deadline: Instant, upkeep: Upkeep) -> Result<sled::Db> {
    let flush_every_ms = match upkeep {
        Upkeep::Background => Some(500),
        Upkeep::None => None,
    };
    loop {
        let opened = sled::Config::new()
            .path(path)
            .mode(sled::Mode::HighThroughput)
            .flush_every_ms(flush_every_ms)
            .open();
        match opened {
            Err(sled::Error::Io(e))
                if e.to_string().starts_with("could not acquire lock")
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return Ok(other?),
        }
    }
}

/// The inflight note: the streams a commit in progress touches.
fn encode_inflight(before: &HashMap<StreamId, u64>) -> Vec<u8> {
    before.keys().flat_map(|s| s.to_be_bytes()).collect()
}

fn decode_inflight(value: &[u8]) -> Vec<StreamId> {
    value
        .chunks_exact(4)
        .filter_map(|c| c.try_into().ok().map(StreamId::from_be_bytes))
        .collect()
}

fn decode_meta(key: &[u8], value: &[u8]) -> Result<StreamMeta> {
    serde_json::from_slice(value).map_err(|e| corrupt_meta(&String::from_utf8_lossy(key), e))
}

fn corrupt_meta(what: &str, e: serde_json::Error) -> Error {
    Error::Integrity {
        slug: what.to_owned(),
        seq: 0,
        what: format!("stream metadata does not decode: {e}"),
    }
}

/// Writes the format on a new store; refuses a store from a newer parley.
fn check_format(dir: &Path, db: &sled::Db) -> Result<()> {
    let meta = db.open_tree("meta")?;
    match meta.get("format")? {
        None => {
            meta.insert("format", &FORMAT.to_be_bytes())?;
            db.flush()?;
            Ok(())
        }
        Some(value) => {
            let found = value
                .as_ref()
                .try_into()
                .map(u32::from_be_bytes)
                .unwrap_or(u32::MAX);
            if found > FORMAT {
                Err(Error::NewerFormat {
                    store: dir.to_path_buf(),
                    found,
                    supported: FORMAT,
                })
            } else if found < FORMAT {
                // Format 1 kept one index key per event; reading its events would work,
                // but its ids and refs would go unseen and duplicates slip in. Nothing
                // was shipped in format 1, so it is refused rather than migrated.
                Err(Error::OlderFormat {
                    store: dir.to_path_buf(),
                    found,
                    current: FORMAT,
                })
            } else {
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_1_store_is_refused_with_the_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path().join("db")).unwrap();
        let meta = db.open_tree("meta").unwrap();
        meta.insert("format", &1u32.to_be_bytes()).unwrap();
        db.flush().unwrap();
        drop((meta, db));
        let err = Store::open(dir.path(), Access::Read, Duration::from_secs(1))
            .err()
            .unwrap();
        assert!(matches!(err, Error::OlderFormat { found: 1, .. }), "{err}");
        assert!(err.to_string().contains("export"), "{err}");
    }
}
