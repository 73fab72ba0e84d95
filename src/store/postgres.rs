//! The log on PostgreSQL: a journal many record-keepers on many machines share, behind
//! the same contract ([`Log`]) as the sled store.
//!
//! # Tables
//!
//! ```text
//! parley_schema       version                          the layout, created on first write
//! parley_heads        stream PK, slug UNIQUE, seq, meta  one row per negotiation: its head
//! parley_events       (stream, seq) PK, id UNIQUE,       the events' canonical bytes;
//!                     kind, label, bytes                 UPDATE and DELETE refused by a trigger
//! parley_checkpoints  stream PK → heads, head_seq, bytes the positions checkpoint
//! parley_memos        (stream, request) PK → heads,      audit memos
//!                     head_seq, bytes
//! ```
//!
//! # How the guarantees are kept
//!
//! - **One transaction per append.** It locks the head rows of the negotiations it moves
//!   (`SELECT … FOR UPDATE`, in slug order), checks the batch against them
//!   ([`check_batch`]), inserts the events, moves the heads and commits, with
//!   `synchronous_commit = on`: when it returns the batch is in the server's WAL on disk.
//!   A second writer on the same negotiation waits for the lock, then finds the head moved
//!   and gets [`Error::Stale`]; writers on other negotiations do not wait at all. A new
//!   negotiation's head row is inserted, so two writers creating one slug (or taking one
//!   stream number) meet on a unique constraint.
//! - **Gap-free seqs, idempotent ids**: the primary key `(stream, seq)` and the unique
//!   `id`, besides the checks of the write path.
//! - **Readers never block writers and never see half a batch**: every read is one
//!   statement on a snapshot, and a reader reads no event past the head it was given.
//! - **One clock**: [`Log::clock`] is the server's `clock_timestamp()` (or the instant
//!   the setting [`NOW_SETTING`] pins), so `recorded_at` does not depend on whose machine
//!   wrote; the write path keeps it from going back, and the head check above keeps a
//!   writer who read the clock before another moved the head from writing an earlier time.
//! - **Append-only**: a trigger refuses UPDATE, DELETE and TRUNCATE on `parley_events`.
//!   A superuser can still disable it and rewrite a row; `parley verify` re-hashes every
//!   event and names the first one that no longer fits its chain.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use postgres::error::SqlState;
use postgres::{Client, Config, NoTls, Statement, Transaction};
use uuid::Uuid;

use super::memory::decode;
use super::{Access, Log, StoreError, StreamCommit, StreamId, StreamMeta, check_batch};
use crate::model::{Invalid, Kind, Millis, Slug, parse_instant};
use crate::{Error, Result};

/// The newest table layout this build reads and writes (`parley_schema.version`).
pub const SCHEMA: i32 = 1;

/// The setting that pins the server's clock ([`Log::clock`]): an RFC 3339 instant, set
/// for a session (`options=-c parley.now=…` in the URL) or a database (`ALTER DATABASE …
/// SET parley.now = …`), so that tests and demos record the same times on every run.
pub const NOW_SETTING: &str = "parley.now";

/// How many events one statement reads or writes at most (about 2 MB of a typical
/// journal's bytes).
const CHUNK: usize = 4096;

/// Whether `store` names a PostgreSQL database rather than a directory.
pub fn is_url(store: &str) -> bool {
    store.starts_with("postgres://") || store.starts_with("postgresql://")
}

/// A journal in a PostgreSQL database.
pub struct PostgresLog {
    /// The URL without its password, for messages.
    shown: String,
    /// One connection; a read copies rows out before calling back, so a visitor may read
    /// the log again.
    client: Mutex<Client>,
}

impl PostgresLog {
    /// Connects to the database at `url` (waiting up to `wait`). For [`Access::Write`] it
    /// creates the tables when the database has none yet; for [`Access::Read`] a database
    /// without them is [`Error::NoStore`].
    pub fn open(url: &str, access: Access, wait: Duration) -> Result<PostgresLog> {
        let shown = without_password(url);
        let mut config: Config = url.parse().map_err(|e| {
            Error::input(
                "--store",
                Invalid::new(format!("{shown} is not a PostgreSQL URL: {e}")),
            )
        })?;
        config.connect_timeout(wait.max(Duration::from_secs(1)));
        let mut client = config
            .connect(NoTls)
            .map_err(|e| store_error(&format!("cannot connect to PostgreSQL at {shown}"), e))?;
        client
            .batch_execute("SET synchronous_commit TO on")
            .map_err(failed)?;
        prepare_schema(&mut client, &shown, access)?;
        Ok(PostgresLog {
            shown,
            client: Mutex::new(client),
        })
    }

    /// The database's URL, without its password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    fn client(&self) -> Result<MutexGuard<'_, Client>> {
        self.client
            .lock()
            .map_err(|_| Error::Store(StoreError::new("the PostgreSQL connection was poisoned")))
    }

    /// The events of `meta`'s stream from `from` to `to` (at most [`CHUNK`] seqs), in seq
    /// order, read by `scan` (the statement [`SCAN`], prepared).
    fn rows(
        &self,
        scan: &Statement,
        meta: &StreamMeta,
        from: u64,
        to: u64,
    ) -> Result<Vec<(u64, Vec<u8>)>> {
        let rows = self
            .client()?
            .query(scan, &[&i64::from(meta.stream), &int(from), &int(to)])
            .map_err(failed)?;
        Ok(rows
            .iter()
            .map(|row| (row.get::<_, i64>(0) as u64, row.get::<_, Vec<u8>>(1)))
            .collect())
    }

    /// The scan's failure when event `missing` is not stored: the next one stored (up to
    /// `head`) named, or the log ending before its head.
    fn missing(&self, meta: &StreamMeta, missing: u64, head: u64) -> Result<Error> {
        let next: Option<i64> = self
            .client()?
            .query_one(
                "SELECT min(seq) FROM parley_events WHERE stream = $1 AND seq > $2 AND seq <= $3",
                &[&i64::from(meta.stream), &int(missing), &int(head)],
            )
            .map_err(failed)?
            .get(0);
        Ok(match next {
            Some(seq) => Error::Integrity {
                slug: meta.slug.to_string(),
                seq: missing,
                what: format!("the store has no event {missing}; the next one stored is {seq}"),
            },
            None => super::log::ends_before_head(meta, missing, head),
        })
    }
}

/// One chunk of a scan: the events of a stream in a range of seqs. The range, not a
/// `LIMIT`, bounds it, so each statement reads only its own rows whatever plan the server
/// picks: right after a large import, before the table is analyzed, the planner expects
/// a few rows and sorts every row of the stream to return the first of a `LIMIT`
/// (100 ms a chunk at 10^5 events, against 2 ms).
const SCAN: &str =
    "SELECT seq, bytes FROM parley_events WHERE stream = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq";

impl Log for PostgresLog {
    fn negotiations(&self) -> Result<Vec<StreamMeta>> {
        let rows = self
            .client()?
            .query("SELECT slug, meta FROM parley_heads ORDER BY slug", &[])
            .map_err(failed)?;
        rows.iter()
            .map(|row| meta(row.get(0), row.get(1)))
            .collect()
    }

    fn stream(&self, slug: &Slug) -> Result<Option<StreamMeta>> {
        let row = self
            .client()?
            .query_opt(
                "SELECT slug, meta FROM parley_heads WHERE slug = $1",
                &[&slug.as_str()],
            )
            .map_err(failed)?;
        row.map(|row| meta(row.get(0), row.get(1))).transpose()
    }

    fn next_stream_id(&self) -> Result<StreamId> {
        next_stream(&mut *self.client()?)
    }

    /// One prepared statement, run once per [`CHUNK`] seqs; rows are copied out before
    /// `visit` runs.
    fn scan_range(
        &self,
        meta: &StreamMeta,
        from_seq: u64,
        to_seq: u64,
        visit: &mut dyn FnMut(u64, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let Some((mut expected, head)) = super::log::scan_bounds(meta, from_seq, to_seq) else {
            return Ok(());
        };
        let scan = self.client()?.prepare(SCAN).map_err(failed)?;
        while expected <= head {
            let last = head.min(expected + CHUNK as u64 - 1);
            for (seq, bytes) in self.rows(&scan, meta, expected, last)? {
                if seq != expected {
                    return Err(self.missing(meta, expected, head)?);
                }
                visit(seq, &bytes)?;
                expected = seq + 1;
            }
            if expected <= last {
                return Err(self.missing(meta, expected, head)?);
            }
        }
        Ok(())
    }

    fn find_id(&self, id: &Uuid) -> Result<Option<(StreamId, u64, Kind)>> {
        let row = self
            .client()?
            .query_opt(
                "SELECT stream, seq, kind FROM parley_events WHERE id = $1",
                &[&id.as_bytes().as_slice()],
            )
            .map_err(failed)?;
        row.map(|row| {
            let stream = u32::try_from(row.get::<_, i64>(0)).unwrap_or(u32::MAX);
            Ok((stream, row.get::<_, i64>(1) as u64, kind(row.get(2))?))
        })
        .transpose()
    }

    fn find_ref(&self, meta: &StreamMeta, label: &str) -> Result<Option<(u64, Kind)>> {
        let row = self
            .client()?
            .query_opt(
                "SELECT seq, kind FROM parley_events WHERE stream = $1 AND label = $2 \
                 AND seq <= $3 ORDER BY seq DESC LIMIT 1",
                &[&i64::from(meta.stream), &label, &int(meta.head.seq)],
            )
            .map_err(failed)?;
        row.map(|row| Ok((row.get::<_, i64>(0) as u64, kind(row.get(1))?)))
            .transpose()
    }

    fn append(&self, batch: &[StreamCommit]) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let decoded = batch.iter().map(decode).collect::<Result<Vec<_>>>()?;
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(failed)?;
        let heads = lock_heads(&mut tx, batch)?;
        let next = next_stream(&mut tx)?;
        check_batch(
            batch,
            |slug| Ok(heads.iter().find(|m| &m.slug == slug).cloned()),
            next,
        )?;
        for (commit, events) in batch.iter().zip(&decoded) {
            move_head(&mut tx, commit)?;
            insert_events(&mut tx, commit, events)?;
        }
        tx.commit().map_err(failed)
    }

    /// The server's `clock_timestamp()`, or the instant [`NOW_SETTING`] pins.
    fn clock(&self) -> Result<Option<Millis>> {
        let row = self
            .client()?
            .query_one(
                "SELECT current_setting($1, true), \
                 floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint",
                &[&NOW_SETTING],
            )
            .map_err(failed)?;
        match row.get::<_, Option<String>>(0) {
            Some(pinned) if !pinned.trim().is_empty() => parse_instant(pinned.trim())
                .map(Some)
                .map_err(|e| Error::input(format!("the server's setting {NOW_SETTING}"), e)),
            _ => Ok(Some(row.get(1))),
        }
    }

    fn keeps_caches(&self) -> bool {
        true
    }

    fn checkpoint(&self, meta: &StreamMeta) -> Result<Option<Vec<u8>>> {
        let row = self
            .client()?
            .query_opt(
                "SELECT bytes FROM parley_checkpoints WHERE stream = $1",
                &[&i64::from(meta.stream)],
            )
            .map_err(failed)?;
        Ok(row.map(|row| row.get(0)))
    }

    fn save_checkpoint(&self, meta: &StreamMeta, bytes: &[u8]) -> Result<()> {
        self.client()?
            .execute(
                "INSERT INTO parley_checkpoints (stream, head_seq, bytes) VALUES ($1, $2, $3) \
                 ON CONFLICT (stream) DO UPDATE SET head_seq = EXCLUDED.head_seq, \
                 bytes = EXCLUDED.bytes",
                &[&i64::from(meta.stream), &int(meta.head.seq), &bytes],
            )
            .map_err(failed)?;
        Ok(())
    }

    fn memo(&self, meta: &StreamMeta, request: &[u8; 32]) -> Result<Option<Vec<u8>>> {
        let row = self
            .client()?
            .query_opt(
                "SELECT bytes FROM parley_memos WHERE stream = $1 AND request = $2",
                &[&i64::from(meta.stream), &request.as_slice()],
            )
            .map_err(failed)?;
        Ok(row.map(|row| row.get(0)))
    }

    fn memo_heads(&self, meta: &StreamMeta, len: usize) -> Result<Vec<([u8; 32], Vec<u8>)>> {
        let len = i32::try_from(len).unwrap_or(i32::MAX);
        let rows = self
            .client()?
            .query(
                "SELECT request, substring(bytes FROM 1 FOR $2) FROM parley_memos \
                 WHERE stream = $1 ORDER BY request",
                &[&i64::from(meta.stream), &len],
            )
            .map_err(failed)?;
        Ok(rows
            .iter()
            .filter_map(|row| {
                let request: Vec<u8> = row.get(0);
                Some((request.try_into().ok()?, row.get(1)))
            })
            .collect())
    }

    fn save_memo(
        &self,
        meta: &StreamMeta,
        request: &[u8; 32],
        bytes: &[u8],
        remove: &[[u8; 32]],
    ) -> Result<()> {
        let mut client = self.client()?;
        let mut tx = client.transaction().map_err(failed)?;
        let stream = i64::from(meta.stream);
        let remove: Vec<&[u8]> = remove.iter().map(|r| r.as_slice()).collect();
        tx.execute(
            "DELETE FROM parley_memos WHERE stream = $1 AND request = ANY($2)",
            &[&stream, &remove],
        )
        .map_err(failed)?;
        tx.execute(
            "INSERT INTO parley_memos (stream, request, head_seq, bytes) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (stream, request) DO UPDATE SET head_seq = EXCLUDED.head_seq, \
             bytes = EXCLUDED.bytes",
            &[&stream, &request.as_slice(), &int(meta.head.seq), &bytes],
        )
        .map_err(failed)?;
        tx.commit().map_err(failed)
    }

    fn close(self) -> Result<()> {
        let client = self
            .client
            .into_inner()
            .map_err(|_| Error::Store(StoreError::new("the PostgreSQL connection was poisoned")))?;
        client.close().map_err(failed)
    }
}

/// Creates the tables on a first write (one writer at a time, under an advisory lock),
/// and refuses a layout newer than [`SCHEMA`].
fn prepare_schema(client: &mut Client, shown: &str, access: Access) -> Result<()> {
    if !has_schema(client)? {
        if access == Access::Read {
            return Err(Error::NoStore(PathBuf::from(shown)));
        }
        let mut tx = client.transaction().map_err(failed)?;
        // The key is "parley" in ASCII.
        tx.execute("SELECT pg_advisory_xact_lock(123563833845113)", &[])
            .map_err(failed)?;
        if !has_schema(&mut tx)? {
            tx.batch_execute(CREATE).map_err(failed)?;
            tx.execute(
                "INSERT INTO parley_schema (version) VALUES ($1)",
                &[&SCHEMA],
            )
            .map_err(failed)?;
        }
        tx.commit().map_err(failed)?;
    }
    let found: i32 = client
        .query_one("SELECT max(version) FROM parley_schema", &[])
        .map_err(failed)?
        .get::<_, Option<i32>>(0)
        .unwrap_or(0);
    if found > SCHEMA {
        return Err(Error::NewerFormat {
            store: PathBuf::from(shown),
            found: found as u32,
            supported: SCHEMA as u32,
        });
    }
    Ok(())
}

fn has_schema(client: &mut impl postgres::GenericClient) -> Result<bool> {
    let row = client
        .query_one("SELECT to_regclass('parley_schema') IS NOT NULL", &[])
        .map_err(failed)?;
    Ok(row.get(0))
}

/// The tables, the append-only trigger, and the index `find_ref` reads.
const CREATE: &str = r#"
CREATE TABLE parley_schema (version integer NOT NULL);
CREATE TABLE parley_heads (
    stream bigint PRIMARY KEY,
    slug text COLLATE "C" NOT NULL UNIQUE,
    seq bigint NOT NULL,
    meta bytea NOT NULL
);
CREATE TABLE parley_events (
    stream bigint NOT NULL REFERENCES parley_heads (stream),
    seq bigint NOT NULL,
    id bytea NOT NULL UNIQUE,
    kind text NOT NULL,
    label text,
    bytes bytea NOT NULL,
    PRIMARY KEY (stream, seq)
);
CREATE INDEX parley_events_label ON parley_events (stream, label, seq) WHERE label IS NOT NULL;
CREATE TABLE parley_checkpoints (
    stream bigint PRIMARY KEY REFERENCES parley_heads (stream),
    head_seq bigint NOT NULL,
    bytes bytea NOT NULL
);
CREATE TABLE parley_memos (
    stream bigint NOT NULL REFERENCES parley_heads (stream),
    request bytea NOT NULL,
    head_seq bigint NOT NULL,
    bytes bytea NOT NULL,
    PRIMARY KEY (stream, request)
);
CREATE FUNCTION parley_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'parley events are append-only: % on parley_events is refused', TG_OP;
END
$$;
CREATE TRIGGER parley_events_append_only BEFORE UPDATE OR DELETE ON parley_events
    FOR EACH ROW EXECUTE FUNCTION parley_events_append_only();
CREATE TRIGGER parley_events_no_truncate BEFORE TRUNCATE ON parley_events
    FOR EACH STATEMENT EXECUTE FUNCTION parley_events_append_only();
"#;

/// The heads `batch` moves, locked until the transaction ends, in slug order (so that
/// two writers lock them in one order and cannot deadlock).
fn lock_heads(tx: &mut Transaction<'_>, batch: &[StreamCommit]) -> Result<Vec<StreamMeta>> {
    let slugs: Vec<&str> = batch.iter().map(|c| c.meta.slug.as_str()).collect();
    let rows = tx
        .query(
            "SELECT slug, meta FROM parley_heads WHERE slug = ANY($1) ORDER BY slug FOR UPDATE",
            &[&slugs],
        )
        .map_err(failed)?;
    rows.iter()
        .map(|row| meta(row.get(0), row.get(1)))
        .collect()
}

fn next_stream(client: &mut impl postgres::GenericClient) -> Result<StreamId> {
    let row = client
        .query_one("SELECT coalesce(max(stream) + 1, 0) FROM parley_heads", &[])
        .map_err(failed)?;
    Ok(u32::try_from(row.get::<_, i64>(0)).unwrap_or(u32::MAX))
}

/// Moves the head of `commit`'s stream (locked by [`lock_heads`]), or inserts it for a
/// new stream; another writer that created the slug or took the number meanwhile makes
/// it fail, and the transaction with it.
fn move_head(tx: &mut Transaction<'_>, commit: &StreamCommit) -> Result<()> {
    let meta = &commit.meta;
    let bytes = serde_json::to_vec(meta)
        .map_err(|e| Error::Store(StoreError::new(format!("a head does not encode: {e}"))))?;
    let stream = i64::from(meta.stream);
    if commit.before > 0 {
        tx.execute(
            "UPDATE parley_heads SET seq = $2, meta = $3 WHERE stream = $1",
            &[&stream, &int(meta.head.seq), &bytes],
        )
        .map_err(failed)?;
        return Ok(());
    }
    let inserted = tx
        .execute(
            "INSERT INTO parley_heads (stream, slug, seq, meta) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
            &[&stream, &meta.slug.as_str(), &int(meta.head.seq), &bytes],
        )
        .map_err(failed)?;
    if inserted == 1 {
        return Ok(());
    }
    let theirs = tx
        .query_opt(
            "SELECT seq FROM parley_heads WHERE slug = $1",
            &[&meta.slug.as_str()],
        )
        .map_err(failed)?;
    Err(match theirs {
        Some(row) => Error::Stale {
            slug: meta.slug.to_string(),
            expected: 0,
            actual: row.get::<_, i64>(0) as u64,
        },
        None => Error::Store(StoreError::new(format!(
            "another writer created a negotiation with number {} while {} was being written",
            meta.stream, meta.slug
        ))),
    })
}

/// Inserts the events of `commit`, [`CHUNK`] rows a statement.
fn insert_events(tx: &mut Transaction<'_>, commit: &StreamCommit, bytes: &[Vec<u8>]) -> Result<()> {
    let stream = i64::from(commit.meta.stream);
    for (events, bytes) in commit.events.chunks(CHUNK).zip(bytes.chunks(CHUNK)) {
        let seqs: Vec<i64> = events.iter().map(|e| int(e.seq)).collect();
        let ids: Vec<&[u8]> = events.iter().map(|e| e.id.as_bytes().as_slice()).collect();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        let labels: Vec<Option<&str>> = events.iter().map(|e| e.label.as_deref()).collect();
        let bytes: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
        tx.execute(
            "INSERT INTO parley_events (stream, seq, id, kind, label, bytes) \
             SELECT $1, * FROM unnest($2::bigint[], $3::bytea[], $4::text[], $5::text[], $6::bytea[])",
            &[&stream, &seqs, &ids, &kinds, &labels, &bytes],
        )
        .map_err(|e| match e.code() {
            Some(code) if *code == SqlState::UNIQUE_VIOLATION => {
                Error::Store(StoreError::new(format!(
                    "another writer recorded one of these events (the same id) in {} meanwhile; \
                     nothing was written: run the command again",
                    commit.meta.slug
                )))
            }
            _ => failed(e),
        })?;
    }
    Ok(())
}

/// A head row: its meta, as the write path encoded it.
fn meta(slug: &str, bytes: &[u8]) -> Result<StreamMeta> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::Store(StoreError::new(format!(
            "the head of {slug} in PostgreSQL does not decode: {e}"
        )))
    })
}

fn kind(word: &str) -> Result<Kind> {
    Kind::parse(word).map_err(|e| {
        Error::Store(StoreError::new(format!(
            "an event kind in PostgreSQL is not one parley knows: {e}"
        )))
    })
}

/// A seq as PostgreSQL's bigint (seqs never come near 2^63).
fn int(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// A failure PostgreSQL reported.
fn failed(e: postgres::Error) -> Error {
    store_error("PostgreSQL", e)
}

/// The server's error in the store's terms. A role without the privilege it needs is the
/// user's to fix, as a directory they may not write is: the error carries a
/// permission-denied cause, so it is reported as theirs (exit 1) with the same hint.
fn store_error(context: &str, e: postgres::Error) -> Error {
    let message = match e.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => e.to_string(),
    };
    let message = format!("{context}: {message}");
    if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
        let denied = std::io::Error::new(std::io::ErrorKind::PermissionDenied, message.clone());
        return Error::Store(StoreError::io(message, denied));
    }
    Error::Store(StoreError::new(message))
}

/// `url` with the password, if any, written `***`.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{scheme}://{name}:***@{host}{path}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_not_shown() {
        assert_eq!(
            without_password("postgres://keeper:secret@db:5432/talks"),
            "postgres://keeper:***@db:5432/talks"
        );
        assert_eq!(
            without_password("postgresql://keeper@db/talks"),
            "postgresql://keeper@db/talks"
        );
    }
}
