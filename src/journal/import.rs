//! `import`: a whole journal file goes in, or none of it does.
//!
//! Every line is checked and staged in file order against the store as it stands; the
//! first bad line stops the import with its file and line number, and nothing is
//! written. Recorded lines already in the store are skipped; authored lines that repeat a
//! stored event are skipped too, so importing the same file twice adds nothing.

use std::collections::BTreeMap;
use std::io::BufRead;

use crate::model::{Kind, Millis, Slug};
use crate::store::Store;
use crate::{Error, Result};

use super::{Appender, Lines, Outcome};

/// How to import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The negotiation of lines that name none and follow no opening.
    pub negotiation: Option<Slug>,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// The clock.
    pub now: Millis,
    /// `recorded_by` for authored lines.
    pub recorder: String,
}

/// What an import did (or, in a dry run, would do), per negotiation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Per negotiation: events added and the seq range they took.
    pub added: BTreeMap<Slug, Added>,
    /// Lines skipped because the store already held them.
    pub already_present: usize,
    /// Event lines read.
    pub lines: usize,
}

/// Events added to one negotiation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Added {
    /// How many.
    pub count: u64,
    /// First seq added.
    pub first: u64,
    /// Last seq added.
    pub last: u64,
}

/// Imports the journal read from `reader`, named `name` in messages.
pub fn import(
    store: &Store,
    reader: impl BufRead,
    name: &str,
    options: &ImportOptions,
) -> Result<ImportSummary> {
    let mut appender =
        Appender::new(store, options.now, options.recorder.clone())?.dedupe_authored(true);
    let mut summary = ImportSummary::default();
    let mut current = options.negotiation.clone();
    for line in Lines::new(reader) {
        let line = line.map_err(|e| Error::io(std::path::Path::new(name), e))?;
        let place = format!("{name}:{}", line.number);
        let map = line
            .content
            .map_err(|problem| Error::input(&place, problem))?;
        let opens = map.get("kind").and_then(|k| k.as_str()) == Some(Kind::Opening.as_str());
        let outcome = appender
            .append(map, current.as_ref())
            .map_err(|e| at_place(&place, e))?;
        summary.lines += 1;
        match outcome {
            Outcome::Appended { slug, seq, .. } => {
                let added = summary.added.entry(slug.clone()).or_insert(Added {
                    first: seq,
                    ..Added::default()
                });
                added.count += 1;
                added.last = seq;
                if opens {
                    current = Some(slug);
                }
            }
            Outcome::AlreadyPresent { slug, .. } => {
                summary.already_present += 1;
                if opens {
                    current = Some(slug);
                }
            }
        }
    }
    if !options.dry_run {
        appender.commit()?;
    }
    Ok(summary)
}

/// Puts `place` in front of a user error about one line; the machine's errors pass as they are.
fn at_place(place: &str, error: Error) -> Error {
    match error {
        Error::Invalid(problem) => Error::input(place, problem),
        Error::Store(_) | Error::Io { .. } | Error::Input { .. } => error,
        other => Error::input(place, crate::model::Invalid::new(other.to_string())),
    }
}
