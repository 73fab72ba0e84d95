//! The next step the command line suggests after an error, when there is an obvious one.
//!
//! The hints speak of parley's commands and flags (`parley list`, `--wait`, `--store`),
//! so they live here and not with the library's errors, which know nothing of a
//! command line. An error with no obvious next step gets no hint.

use parley::Error;

/// A next step to suggest after `error`, when there is an obvious one.
pub fn hint(error: &Error) -> Option<String> {
    match error {
        Error::Busy { .. } => Some("wait for the other command to finish, or raise --wait".into()),
        Error::UnknownNegotiation { .. } => {
            Some("`parley list` shows the negotiations in this store".into())
        }
        Error::Stale { .. } => {
            Some("read the new events with `parley events`, then log again".into())
        }
        Error::Conflict { todo, .. } => Some(todo.clone()),
        Error::Integrity { .. } => Some(
            "the store has been altered or damaged; restore it from an export or a backup".into(),
        ),
        // The lock file is the first thing parley writes in a store.
        Error::Io { path, .. } => io_hint(error, path.ends_with("lock")),
        Error::Store(_) => io_hint(error, true),
        _ => None,
    }
}

/// What to do about the I/O failures a record-keeper can fix (`in_store`: the failure was
/// in the store directory). A write to the store that fails this way has written
/// nothing: commits are all or nothing.
fn io_hint(error: &Error, in_store: bool) -> Option<String> {
    if error.is_out_of_space() {
        return Some(
            if in_store {
                "the disk holding the store is full (or over its quota); nothing was written. Free \
             some space and run the command again"
            } else {
                "the disk is full (or over its quota). Free some space and run the command again"
            }
            .into(),
        );
    }
    (error.is_not_writable() && in_store).then(|| match error {
        Error::Store(store) if store.to_string().starts_with("PostgreSQL") => {
            "your database role lacks the right this command needs; docs/postgres-roles.sql \
             lists what a record-keeper's and a reviewer's roles may do"
                .into()
        }
        _ => "parley needs write access to the store directory to change it; copy the store \
              somewhere writable, or use --store"
            .into(),
    })
}
