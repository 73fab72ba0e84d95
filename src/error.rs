//! The errors parley reports, split by cause into the user's (bad input, unknown
//! negotiation, integrity failure, a file they may not write: exit 1) and the machine's
//! (a full disk or quota wherever it shows, the store itself failing: exit 3).
//!
//! An error says what went wrong and where, in terms of the library: a file, a store, a
//! negotiation. It does not suggest what to type next; the command line's hints, which
//! speak of its commands and flags, live in the CLI (`src/cli/hint.rs`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::model::Invalid;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input at a known place (`journals/x.ndjson:14`, `--issue`).
    #[error("{place}: {problem}")]
    Input {
        /// Where: a file and line, or a flag.
        place: String,
        /// What is wrong.
        problem: Invalid,
    },
    /// Bad input with no better place than the command itself.
    #[error("{0}")]
    Invalid(#[from] Invalid),
    /// The negotiation is not in the store.
    #[error("no negotiation {slug:?} in the store{}", list_known(.known))]
    UnknownNegotiation {
        /// What was asked for.
        slug: String,
        /// What the store has.
        known: Vec<String>,
    },
    /// `--expect-seq` did not match: someone else wrote first.
    #[error("{slug} has moved on: you expected seq {expected} to be the last, but it is {actual}")]
    Stale {
        /// The negotiation.
        slug: String,
        /// What the caller expected.
        expected: u64,
        /// What the store has.
        actual: u64,
    },
    /// Another process holds the store.
    #[error("the store {} is busy: another parley process holds it (waited {}s)", .store.display(), .waited.as_secs_f32())]
    Busy {
        /// The store directory.
        store: PathBuf,
        /// How long we waited.
        waited: Duration,
    },
    /// There is no store where one was expected.
    #[error("no parley store at {} (it is created by the first `parley open` or `parley import`)", .0.display())]
    NoStore(PathBuf),
    /// The store was written by a newer parley.
    #[error("the store {} has format {found}; this parley reads format {supported} or older: use a newer parley", .store.display())]
    NewerFormat {
        /// The store directory.
        store: PathBuf,
        /// The format found.
        found: u32,
        /// The newest format this build reads.
        supported: u32,
    },
    /// The store was written by an older parley whose layout this one does not keep up.
    #[error("the store {} has format {found}, from an earlier parley (this one writes format {current}, with other indexes): export each negotiation with the parley that wrote it and import the files into a new store", .store.display())]
    OlderFormat {
        /// The store directory.
        store: PathBuf,
        /// The format found.
        found: u32,
        /// The format this build writes.
        current: u32,
    },
    /// A stored event does not decode or does not fit its hash chain.
    #[error("integrity failure in {slug} at seq {seq}: {what}")]
    Integrity {
        /// The negotiation.
        slug: String,
        /// The first bad seq.
        seq: u64,
        /// What is wrong.
        what: String,
    },
    /// Two journals disagree, and `push` or `pull` cannot join them without losing or
    /// rewriting an event; `todo` says what the user can do.
    #[error("{slug}: {what}")]
    Conflict {
        /// The negotiation.
        slug: String,
        /// How the journals disagree.
        what: String,
        /// What to do about it.
        todo: String,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The store's backend failed (see [`crate::store::StoreError`]).
    #[error("store error: {0}")]
    Store(#[from] crate::store::StoreError),
}

fn list_known(known: &[String]) -> String {
    if known.is_empty() {
        " (the store holds none yet)".into()
    } else {
        format!(" (negotiations: {})", known.join(", "))
    }
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Bad input at `place`.
    pub fn input(place: impl Into<String>, problem: Invalid) -> Error {
        Error::Input {
            place: place.into(),
            problem,
        }
    }

    /// True when the user can fix it (exit status 1); false for the machine's failures
    /// (exit status 3). The cause decides, not the wrapper: a disk out of space or over
    /// its quota is the machine's fault whether the store's backend or parley's own file
    /// code met it, and a store the user may not write is the user's to fix.
    pub fn is_user_error(&self) -> bool {
        match self.io_cause().map(std::io::Error::kind) {
            Some(kind) if is_out_of_space(kind) => false,
            Some(kind) if is_not_writable(kind) => true,
            _ => !matches!(self, Error::Store(_)),
        }
    }

    /// True when the cause is that the user may not write where the store lives
    /// (permission denied, a read-only file system).
    pub fn is_not_writable(&self) -> bool {
        self.io_cause().is_some_and(|e| is_not_writable(e.kind()))
    }

    /// True when the cause is a disk out of space or its user over quota.
    pub fn is_out_of_space(&self) -> bool {
        self.io_cause().is_some_and(|e| is_out_of_space(e.kind()))
    }

    /// The I/O error behind this one, if any: the innermost, looking through I/O errors
    /// that wrap another.
    fn io_cause(&self) -> Option<&std::io::Error> {
        causes(self).filter_map(|e| e.downcast_ref()).last()
    }

    /// The message: this error and each cause whose text it does not already show,
    /// joined by ": ", so that no cause is lost on the way to the user.
    pub fn message(&self) -> String {
        let mut message = String::new();
        for cause in causes(self) {
            let text = cause.to_string();
            if message.is_empty() {
                message = text;
            } else if !message.contains(&text) {
                message = format!("{message}: {text}");
            }
        }
        message
    }
}

/// The chain of `error` and its causes, outermost first. It looks inside an I/O error
/// that wraps another, which `source` skips.
fn causes<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |e| {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io.get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static))
        } else {
            e.source()
        }
    })
}

/// A disk out of space (`ENOSPC`) or its user over quota (`EDQUOT`).
fn is_out_of_space(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind::{QuotaExceeded, StorageFull};
    matches!(kind, StorageFull | QuotaExceeded)
}

/// Permission denied, or a read-only file system.
fn is_not_writable(kind: std::io::ErrorKind) -> bool {
    use std::io::ErrorKind::{PermissionDenied, ReadOnlyFilesystem};
    matches!(kind, PermissionDenied | ReadOnlyFilesystem)
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
