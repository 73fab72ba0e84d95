//! `import`: a whole journal file goes in, or none of it does.
//!
//! Every line is checked and staged in file order against the store as it stands; the
//! first bad line stops the import with its file and line number, and nothing is
//! written. Recorded lines already in the store are skipped; authored lines that repeat a
//! stored event are skipped too, so importing the same file twice adds nothing.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};

use crate::model::{Invalid, LineCache, Millis, Slug};
use crate::signing::Signer;
use crate::store::Log;
use crate::{Error, Result};

use super::{Appender, Lines, Outcome, Prepared, Spent};

/// How to import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The negotiation of lines that name none and follow no opening.
    pub negotiation: Option<Slug>,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// The caller's clock, for the `recorded_at` of authored lines when the store keeps
    /// no clock of its own ([`crate::store::Log::clock`]); recorded lines keep theirs.
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

/// Lines handed from the reading thread to the appender at a time: enough to make the
/// hand-over cheap, few enough that a bad line early stops the reader soon.
const BATCH_LINES: usize = 64;

/// Batches the reading thread may run ahead of the appender.
const BATCHES_AHEAD: usize = 32;

/// One event line, checked on its own, or what is wrong with it.
type PreparedLine = (usize, std::result::Result<Prepared, Invalid>);

/// Lines handed to the appender at a time.
type Batch = Vec<std::io::Result<PreparedLine>>;

/// What the appender hands back: an emptied batch to fill again, and what the lines in
/// it left behind, for the reading thread to free (it allocated them).
type Returned = (Batch, Spent);

/// Imports the journal read from `reader`, named `name` in messages.
///
/// A second thread reads and checks the lines on their own (JSON, shape, canonical
/// bytes); this one chains them in file order. The chain is sequential, the checks are
/// not, so on two cores the import takes about the longer of the two, not their sum.
pub fn import(
    store: &dyn Log,
    reader: impl BufRead + Send,
    name: &str,
    options: &ImportOptions,
) -> Result<ImportSummary> {
    import_signed(store, reader, name, options, None)
}

/// [`import`], with each authored line signed by `signer` (recorded lines keep the
/// signatures they carry).
pub fn import_signed(
    store: &dyn Log,
    reader: impl BufRead + Send,
    name: &str,
    options: &ImportOptions,
    signer: Option<&Signer>,
) -> Result<ImportSummary> {
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel(BATCHES_AHEAD);
        let (returns, returned) = mpsc::channel();
        scope.spawn(move || read_ahead(reader, sender, &returned));
        import_lines(store, receiver, returns, name, options, signer)
    })
}

/// Reads and prepares lines in batches until the end, a read error, or the appender
/// stops listening (it met a bad line); then frees what comes back until the appender
/// is done.
fn read_ahead(reader: impl BufRead, sender: SyncSender<Batch>, returned: &Receiver<Returned>) {
    let mut batch = Vec::with_capacity(BATCH_LINES);
    let mut lines = Lines::new(reader);
    let mut cache = LineCache::default();
    while let Some(line) = lines.next_raw() {
        let failed = line.is_err();
        batch.push(line.map(|line| {
            let content = line
                .content
                .and_then(|bytes| Prepared::from_line(bytes, &mut cache));
            (line.number, content)
        }));
        if batch.len() == BATCH_LINES || failed {
            let mut next = None;
            while let Ok((emptied, spent)) = returned.try_recv() {
                for fields in spent.into_fields() {
                    cache.recycle(fields);
                }
                next = Some(emptied);
            }
            let next = next.unwrap_or_else(|| Vec::with_capacity(BATCH_LINES));
            if sender.send(std::mem::replace(&mut batch, next)).is_err() || failed {
                break;
            }
        }
    }
    if !batch.is_empty() {
        let _ = sender.send(batch);
    }
    // The appender's loop ends when this sender is gone; it then stops returning.
    drop(sender);
    for returned in returned {
        drop(returned);
    }
}

/// Appends prepared lines in file order and commits them, or stops at the first bad one.
fn import_lines(
    store: &dyn Log,
    batches: Receiver<Batch>,
    returns: Sender<Returned>,
    name: &str,
    options: &ImportOptions,
    signer: Option<&Signer>,
) -> Result<ImportSummary> {
    let mut appender = Appender::new(store, options.now, options.recorder.clone())?
        .sign_with(signer)
        .dedupe_authored(true)
        .compress_ahead(!options.dry_run)
        .keep_spent(true);
    let mut summary = ImportSummary::default();
    let mut current = options.negotiation.clone();
    for mut batch in batches {
        for line in batch.drain(..) {
            append_line(&mut appender, line, name, &mut summary, &mut current)?;
        }
        // The reading thread may be gone (a read error): then what is spent is freed here.
        let _ = returns.send((batch, appender.take_spent()));
    }
    drop(returns);
    if !options.dry_run {
        appender.commit()?;
    }
    Ok(summary)
}

/// Appends one prepared line, counting it in `summary`; `current` is the negotiation of
/// lines that name none.
fn append_line(
    appender: &mut Appender,
    line: std::io::Result<PreparedLine>,
    name: &str,
    summary: &mut ImportSummary,
    current: &mut Option<Slug>,
) -> Result<()> {
    let (number, content) = line.map_err(|e| Error::io(std::path::Path::new(name), e))?;
    let place = || format!("{name}:{number}");
    let prepared = content.map_err(|problem| Error::input(place(), problem))?;
    let opens = prepared.opens();
    let outcome = appender
        .append_prepared(prepared, current.as_ref())
        .map_err(|e| at_place(&place(), e))?;
    summary.lines += 1;
    let slug = match outcome {
        Outcome::Appended { slug, seq, .. } => {
            count_added(&mut summary.added, &slug, seq);
            slug
        }
        Outcome::AlreadyPresent { slug, .. } => {
            summary.already_present += 1;
            slug
        }
    };
    if opens {
        *current = Some(slug);
    }
    Ok(())
}

/// Counts one added event; the slug is copied only for the first event of its negotiation.
fn count_added(added: &mut BTreeMap<Slug, Added>, slug: &Slug, seq: u64) {
    if !added.contains_key(slug) {
        added.insert(
            slug.clone(),
            Added {
                first: seq,
                ..Added::default()
            },
        );
    }
    if let Some(added) = added.get_mut(slug) {
        added.count += 1;
        added.last = seq;
    }
}

/// Puts `place` in front of a user error about one line; the machine's errors pass as they are.
fn at_place(place: &str, error: Error) -> Error {
    match error {
        Error::Invalid(problem) => Error::input(place, problem),
        Error::Store(_) | Error::Io { .. } | Error::Input { .. } => error,
        other => Error::input(place, Invalid::new(other.to_string())),
    }
}
