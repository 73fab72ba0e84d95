//! What opening a store for a write created, so that a failed first write removes that
//! and nothing else.
//!
//! A store directory may be one the user made and keeps other files in (`--store
//! notes`), or even their home (`PARLEY_STORE=$HOME`). So the store remembers each thing
//! it made as it made it: the directories that did not exist (the store directory and
//! any missing parents), the lock file, and sled's `db/` directory. Undoing removes
//! `db/` whole (it did not exist when this process took the lock, so every file in it
//! is this process's), the lock file, and then each directory it made, innermost first,
//! only if it is empty. Nothing that was there before the command ran is touched.

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// What this process created in and around a store.
#[derive(Debug, Default)]
pub struct Created {
    /// Directories made, outermost first.
    dirs: Vec<PathBuf>,
    /// The lock file.
    pub lock: bool,
    /// sled's `db/` directory.
    pub db: bool,
}

impl Created {
    /// Makes `dir` and any missing parents, noting each one this process made (one made
    /// meanwhile by another process is not ours to remove). On failure, removes the ones
    /// it made.
    pub fn make_dirs(dir: &Path) -> Result<Created> {
        let mut created = Created::default();
        let missing: Vec<&Path> = dir
            .ancestors()
            .filter(|d| !d.as_os_str().is_empty())
            .take_while(|d| !d.exists())
            .collect();
        for path in missing.into_iter().rev() {
            match std::fs::create_dir(path) {
                Ok(()) => created.dirs.push(path.to_path_buf()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    created.undo(dir);
                    return Err(Error::io(path, e));
                }
            }
        }
        Ok(created)
    }

    /// Removes what this process created in and around the store at `dir`, as far as it
    /// can: a removal that fails leaves that thing behind, and the error the command is
    /// failing with is the one to report.
    pub fn undo(&self, dir: &Path) {
        if self.db {
            let _ = std::fs::remove_dir_all(dir.join("db"));
        }
        if self.lock {
            let _ = std::fs::remove_file(dir.join("lock"));
        }
        for path in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(path);
        }
    }
}
