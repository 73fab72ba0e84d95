//! One process at a time: an exclusive lock on `DIR/lock`, waited for up to a deadline.
//!
//! sled itself refuses a second opener with an opaque I/O error; taking our own lock
//! first lets a second parley wait its turn and, if the wait runs out, say plainly that
//! another parley process holds the store. The lock is released when the process exits,
//! however it exits, because the operating system drops it with the file descriptor.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use crate::Error;

/// A held store lock; dropping it releases the lock.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

impl StoreLock {
    /// Takes the lock on the store at `dir`, waiting up to `wait`.
    pub fn acquire(dir: &Path, wait: Duration) -> Result<StoreLock, Error> {
        let path = dir.join("lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let deadline = Instant::now() + wait;
        let mut pause = Duration::from_millis(2);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(StoreLock { _file: file }),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::Busy {
                        store: dir.to_path_buf(),
                        waited: wait,
                    });
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
        }
    }
}
