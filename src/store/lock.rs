//! One writer at a time: a lock on `DIR/lock`, waited for up to a deadline.
//!
//! sled itself refuses a second opener with an opaque I/O error; taking our own lock
//! first lets a second parley wait its turn and, if the wait runs out, say plainly that
//! another parley process holds the store. The lock is released when the process exits,
//! however it exits, because the operating system drops it with the file descriptor.
//!
//! A process that opens the store takes the lock exclusively. A reader that may not
//! write the store takes it shared, for as long as it copies the store (see copy.rs),
//! so that no writer is half way through a commit meanwhile. A failed first write
//! removes the lock file it created (created.rs); a process that was waiting on that
//! file then holds a lock nobody else can see, so it notices and starts over.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use crate::Error;

/// A held store lock; dropping it releases the lock.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
    created: bool,
}

impl StoreLock {
    /// Takes the exclusive lock on the store at `dir`, waiting until `deadline`
    /// (`waited` is how long that is, for the message). `None` when the lock file was
    /// removed while we waited: the caller opens the store again from the start.
    pub fn exclusive(
        dir: &Path,
        deadline: Instant,
        waited: Duration,
    ) -> Result<Option<StoreLock>, Error> {
        let path = dir.join("lock");
        let (file, created) = open_for_write(&path).map_err(|e| Error::io(&path, e))?;
        wait_for(dir, deadline, waited, || file.try_lock())?;
        if !still_at(&file, &path)? {
            return Ok(None);
        }
        Ok(Some(StoreLock {
            _file: file,
            created,
        }))
    }

    /// Takes the lock on the store at `dir` shared, without writing anything, waiting
    /// until `deadline`. `None` when the store has no lock file: no parley ever wrote
    /// it, so no parley is writing it.
    pub fn shared(
        dir: &Path,
        deadline: Instant,
        waited: Duration,
    ) -> Result<Option<StoreLock>, Error> {
        let path = dir.join("lock");
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        };
        wait_for(dir, deadline, waited, || file.try_lock_shared())?;
        Ok(Some(StoreLock {
            _file: file,
            created: false,
        }))
    }

    /// Whether this process created the lock file.
    pub fn created(&self) -> bool {
        self.created
    }
}

/// Opens the lock file for writing, creating it if need be, and says whether it did.
fn open_for_write(path: &Path) -> std::io::Result<(File, bool)> {
    let mut options = OpenOptions::new();
    options.write(true);
    match options.clone().create_new(true).open(path) {
        Ok(file) => Ok((file, true)),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            options.open(path).map(|file| (file, false))
        }
        Err(e) => Err(e),
    }
}

/// Calls `try_lock` until it succeeds or `deadline` passes.
fn wait_for(
    dir: &Path,
    deadline: Instant,
    waited: Duration,
    try_lock: impl Fn() -> Result<(), TryLockError>,
) -> Result<(), Error> {
    let mut pause = Duration::from_millis(2);
    loop {
        match try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Error::Busy {
                    store: dir.to_path_buf(),
                    waited,
                });
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(&dir.join("lock"), e)),
        }
    }
}

/// Whether `file` is still the file at `path` (not removed, nor replaced).
fn still_at(file: &File, path: &Path) -> Result<bool, Error> {
    let held = file.metadata().map_err(|e| Error::io(path, e))?;
    match std::fs::metadata(path) {
        Ok(now) => Ok(now.dev() == held.dev() && now.ino() == held.ino()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}
