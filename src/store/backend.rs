//! The log a command opens: the sled store in a directory, or a PostgreSQL database when
//! `--store` is a `postgres://` (or `postgresql://`) URL. Both keep the log contract;
//! [`Backend`] hands every call to the one that was opened.

use std::path::Path;
use std::time::Duration;

use uuid::Uuid;

use super::postgres::{self, PostgresLog};
use super::{Access, Log, Store, StreamCommit, StreamId, StreamMeta, Upkeep};
use crate::Result;
use crate::model::{Kind, Millis, Slug};

/// An open log of either kind.
pub enum Backend {
    /// The embedded store.
    Sled(Store),
    /// A shared journal on PostgreSQL.
    Postgres(PostgresLog),
}

impl Backend {
    /// Opens the log `store` names: a PostgreSQL URL, else a directory, opened as
    /// [`Store::open_with`] does.
    pub fn open(store: &Path, access: Access, wait: Duration, upkeep: Upkeep) -> Result<Backend> {
        match store.to_str().filter(|s| postgres::is_url(s)) {
            Some(url) => PostgresLog::open(url, access, wait).map(Backend::Postgres),
            None => Store::open_with(store, access, wait, upkeep).map(Backend::Sled),
        }
    }

    /// Lets go of the log in a process that exits next ([`Store::close_at_exit`]).
    pub fn close_at_exit(self) {
        match self {
            Backend::Sled(store) => store.close_at_exit(),
            Backend::Postgres(log) => drop(log),
        }
    }

    /// Lets go of the log after a write that failed ([`Store::discard`]); a PostgreSQL
    /// transaction that failed has already been rolled back.
    pub fn discard(self) {
        match self {
            Backend::Sled(store) => store.discard(),
            Backend::Postgres(log) => drop(log),
        }
    }

    fn log(&self) -> &dyn Log {
        match self {
            Backend::Sled(store) => store,
            Backend::Postgres(log) => log,
        }
    }
}

impl Log for Backend {
    fn negotiations(&self) -> Result<Vec<StreamMeta>> {
        self.log().negotiations()
    }

    fn stream(&self, slug: &Slug) -> Result<Option<StreamMeta>> {
        self.log().stream(slug)
    }

    fn next_stream_id(&self) -> Result<StreamId> {
        self.log().next_stream_id()
    }

    fn scan_range(
        &self,
        meta: &StreamMeta,
        from_seq: u64,
        to_seq: u64,
        visit: &mut dyn FnMut(u64, &[u8]) -> Result<()>,
    ) -> Result<()> {
        self.log().scan_range(meta, from_seq, to_seq, visit)
    }

    fn find_id(&self, id: &Uuid) -> Result<Option<(StreamId, u64, Kind)>> {
        self.log().find_id(id)
    }

    fn find_ref(&self, meta: &StreamMeta, label: &str) -> Result<Option<(u64, Kind)>> {
        self.log().find_ref(meta, label)
    }

    fn append(&self, batch: &[StreamCommit]) -> Result<()> {
        self.log().append(batch)
    }

    fn clock(&self) -> Result<Option<Millis>> {
        self.log().clock()
    }

    fn keeps_caches(&self) -> bool {
        self.log().keeps_caches()
    }

    fn checkpoint(&self, meta: &StreamMeta) -> Result<Option<Vec<u8>>> {
        self.log().checkpoint(meta)
    }

    fn save_checkpoint(&self, meta: &StreamMeta, bytes: &[u8]) -> Result<()> {
        self.log().save_checkpoint(meta, bytes)
    }

    fn memo(&self, meta: &StreamMeta, request: &[u8; 32]) -> Result<Option<Vec<u8>>> {
        self.log().memo(meta, request)
    }

    fn memo_heads(&self, meta: &StreamMeta, len: usize) -> Result<Vec<([u8; 32], Vec<u8>)>> {
        self.log().memo_heads(meta, len)
    }

    fn save_memo(
        &self,
        meta: &StreamMeta,
        request: &[u8; 32],
        bytes: &[u8],
        remove: &[[u8; 32]],
    ) -> Result<()> {
        self.log().save_memo(meta, request, bytes, remove)
    }

    fn close(self) -> Result<()> {
        match self {
            Backend::Sled(store) => store.close(),
            Backend::Postgres(log) => log.close(),
        }
    }
}
