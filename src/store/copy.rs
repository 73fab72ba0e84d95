//! A store the user may read but not write, read from a private copy.
//!
//! sled 0.34 has no read-only mode: opening a database writes to it (it recovers its
//! log, writes a snapshot, zeroes the segments it freed). So a reader who may not write
//! the store (another user's store, a read-only file system) cannot open it in place.
//! Such a reader takes the store lock shared, so that no writer is half way through a
//! commit, copies sled's files into a private temporary directory (`$TMPDIR`, else
//! `/tmp`, mode 0700), lets go of the lock and opens the copy.
//!
//! The copy is the reader's alone: sled may write it, parley keeps no checkpoint or
//! audit memo in it (they would be lost with it), nothing is ever copied back, and it
//! is removed when the store is closed. It costs one copy of the store's files (figures
//! in docs/reliability.md); a store the user may write is opened in place, never copied.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::is_unfinished_snapshot;
use super::lock::StoreLock;
use crate::{Error, Result};

/// A private copy of a store's database, removed when dropped.
#[derive(Debug)]
pub struct PrivateCopy(tempfile::TempDir);

impl PrivateCopy {
    /// Copies the database of the store at `dir` under a shared lock, waiting until
    /// `deadline` for a writer to finish (`waited` is how long that is, for the message).
    pub fn take(dir: &Path, deadline: Instant, waited: Duration) -> Result<PrivateCopy> {
        let lock = StoreLock::shared(dir, deadline, waited)?;
        let temp = tempfile::Builder::new()
            .prefix("parley-read-")
            .tempdir()
            .map_err(|e| Error::io(&std::env::temp_dir(), e))?;
        let copy = PrivateCopy(temp);
        copy_tree(&dir.join("db"), &copy.db())?;
        drop(lock);
        Ok(copy)
    }

    /// The copied database directory.
    pub fn db(&self) -> PathBuf {
        self.0.path().join("db")
    }
}

/// Copies the directory `from` to `to`, leaving out snapshots sled never finished (the
/// copy's sled would take one for its latest, as [`super::remove_unfinished_snapshots`]
/// explains; a reader may not remove them from the store).
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir(to).map_err(|e| Error::io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().map_err(|e| Error::io(&source, e))?;
        if kind.is_dir() {
            copy_tree(&source, &target)?;
        } else if !is_unfinished_snapshot(&source) {
            copy_file(&source, &target)?;
        }
    }
    Ok(())
}

/// Copies one file (in the kernel, `copy_file_range`, where the file system can).
fn copy_file(source: &Path, target: &Path) -> Result<()> {
    let mut from = File::open(source).map_err(|e| Error::io(source, e))?;
    let mut to = File::create(target).map_err(|e| Error::io(target, e))?;
    std::io::copy(&mut from, &mut to).map_err(|e| Error::io(target, e))?;
    Ok(())
}
