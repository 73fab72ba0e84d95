//! Moving events between two journals: `push` sends a local journal's new events to a
//! shared one, `pull` makes the local copy of a negotiation what the shared one holds.
//!
//! Both work between any two logs ([`Log`]): a sled store and a PostgreSQL journal, or
//! two sled stores. Events are matched by `id`: a local copy that is a prefix of the
//! shared one (the same hash at the local head's seq) is held whole; otherwise the
//! shared copy is read once and each local event looked up in it.
//!
//! - **Push** appends the local events whose id the shared journal lacks, in local seq
//!   order, through the write path ([`Appender`]) as authored events: their id and
//!   content kept, their seq, `prev_hash`, `hash`, `recorded_at` and `recorded_by`
//!   given by the shared journal, and when and by whom the local store recorded them
//!   kept in `first_recorded_at` and `first_recorded_by` (an event that already
//!   carries them keeps its values). The shared journal checks each event as it checks
//!   any new one, so a `ref` already used there or a reference to an event it does not
//!   hold is refused; so is an id it holds with other content, and a local opening of
//!   a negotiation it opened on its own. One append: every negotiation pushed, or none.
//!   Each refusal is an [`Error::Conflict`] whose hint names the command to run, with
//!   the shared journal as [`Journals::shared_name`] gives it.
//! - **Pull** appends the shared events past the local head as recorded events
//!   (envelope and hash kept), so the local export becomes the shared one byte for
//!   byte. It only ever extends a local negotiation whose events are a prefix of the
//!   shared one. A local copy that holds events the shared journal lacks is refused
//!   (push first), and so is one holding an id the shared copy holds with other content.
//!   A local copy whose every event the shared copy holds (same id, same content) under
//!   other seqs (it was pushed) is *superseded*: pull appends nothing and says so, and the
//!   caller may build a fresh store from the shared copy ([`pull`] into an empty log).
//!
//! Neither rewrites or removes an event on either side.

use std::collections::HashMap;

use serde_json::{Map, Value};
use uuid::Uuid;

use super::append::{Appender, Outcome};
use super::read::{recorded_events, recorded_events_from};
use crate::model::{Digest32, ENVELOPE_FIELDS, Field, Kind, Millis, Slug, Stored, format_instant};
use crate::signing::{SIGNATURE_FIELDS, Signer};
use crate::store::{Log, StreamMeta};
use crate::{Error, Result};

/// Where a pushed event keeps when the store it was first recorded in learned it.
pub const FIRST_RECORDED_AT: &str = Field::FirstRecordedAt.name();
/// Where a pushed event keeps who recorded it in the store it was first recorded in.
pub const FIRST_RECORDED_BY: &str = Field::FirstRecordedBy.name();

/// What one negotiation gained from a push or a pull.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moved {
    /// The negotiation.
    pub slug: Slug,
    /// How many events were appended.
    pub count: u64,
    /// The seqs they got where they were appended, when any were.
    pub seqs: Option<(u64, u64)>,
    /// How many events the receiving side already held.
    pub held: u64,
}

/// The two journals a push or a pull joins.
#[derive(Clone, Copy)]
pub struct Journals<'a> {
    /// The local journal (`--store`).
    pub local: &'a dyn Log,
    /// The shared journal (`--to`, `--from`).
    pub shared: &'a dyn Log,
    /// How messages and hints name the shared journal: a URL without its password, or
    /// a directory.
    pub shared_name: &'a str,
}

/// How the write path stamps what `push` appends.
pub struct Recording<'a> {
    /// The clock.
    pub now: Millis,
    /// Who pushes (`recorded_by` on the shared side).
    pub recorder: String,
    /// Signs each pushed event, if given.
    pub signer: Option<&'a Signer>,
}

/// Appends the events of `slugs` (every local negotiation when empty) that `shared`
/// lacks, in one all-or-nothing append; with `dry_run`, says what it would append and
/// writes nothing.
pub fn push(
    journals: Journals<'_>,
    slugs: &[String],
    recording: Recording<'_>,
    dry_run: bool,
) -> Result<Vec<Moved>> {
    let mut appender = Appender::new(journals.shared, recording.now, recording.recorder)?
        .sign_with(recording.signer)
        .compress_ahead(!dry_run);
    let mut moved = Vec::new();
    for meta in chosen(journals.local, slugs)? {
        moved.push(push_one(journals, &meta, &mut appender)?);
    }
    if !dry_run {
        appender.commit().map_err(|e| match e {
            Error::Stale { slug, .. } => conflict(
                slug,
                format!(
                    "another record-keeper appended to {} during the push",
                    journals.shared_name
                ),
                "nothing was pushed; run the push again: it sends only what the shared journal still lacks".into(),
            ),
            e => e,
        })?;
    }
    Ok(moved)
}

/// Stages the events of one local negotiation that `shared` lacks.
///
/// A local copy that is a prefix of the shared one (the same hash at the local head's
/// seq, as after a pull) is held whole, without reading it; otherwise the shared copy is
/// read once and each local event looked up in it by id.
fn push_one(
    journals: Journals<'_>,
    meta: &StreamMeta,
    appender: &mut Appender<'_>,
) -> Result<Moved> {
    let Journals { local, shared, .. } = journals;
    let slug = &meta.slug;
    let there = shared.stream(slug)?;
    let mut moved = Moved {
        slug: slug.clone(),
        count: 0,
        seqs: None,
        held: 0,
    };
    if let Some(there) = &there
        && hash_at(shared, there, meta.head.seq)? == Some(meta.head.hash)
    {
        moved.held = meta.head.seq;
        return Ok(moved);
    }
    let theirs = match &there {
        Some(there) => by_id(shared, there)?,
        None => HashMap::new(),
    };
    for stored in recorded_events(local, meta)? {
        if let Some(theirs) = theirs.get(&stored.envelope.id) {
            same_content(journals.shared_name, &stored, theirs, "nothing was pushed")?;
            moved.held += 1;
            continue;
        }
        let seq = stored.seq();
        if there.is_some() && stored.event.kind == Kind::Opening {
            return Err(opened_twice(journals.shared_name, slug, seq));
        }
        let appended = appender
            .append(authored(&stored), Some(slug))
            .map_err(|e| refused_by_shared(journals.shared_name, slug, seq, e))?;
        match appended {
            Outcome::Appended { seq, .. } => {
                moved.count += 1;
                let first = moved.seqs.map_or(seq, |(first, _)| first);
                moved.seqs = Some((first, seq));
            }
            // Not in the shared copy of this negotiation, so held in another one.
            Outcome::AlreadyPresent { slug: other, seq } => {
                return Err(id_elsewhere(journals.shared_name, &stored, &other, seq));
            }
        }
    }
    Ok(moved)
}

/// A conflict unless `ours` and `theirs` (the same id) have the same content; `nothing`
/// says what the refused command did not do (`nothing was pushed`).
fn same_content(name: &str, ours: &Stored, theirs: &Stored, nothing: &str) -> Result<()> {
    if content(&theirs.raw()) == content(&ours.raw()) {
        return Ok(());
    }
    let slug = &ours.envelope.negotiation;
    Err(conflict(
        slug,
        format!(
            "local seq {} and seq {} of {name} have the same id {} but different content",
            ours.seq(),
            theirs.seq(),
            ours.envelope.id
        ),
        format!(
            "{nothing}; the journals have diverged: compare the two events (`parley events {slug}` here and `parley --store {name} events {slug}`), then {}",
            log_again(name, slug, ours.seq(), " (what differs as a correction)")
        ),
    ))
}

/// A local event whose id the shared journal gave an event of another negotiation.
fn id_elsewhere(name: &str, ours: &Stored, other: &Slug, seq: u64) -> Error {
    let slug = &ours.envelope.negotiation;
    conflict(
        slug,
        format!(
            "local seq {} has id {}, which {name} holds at seq {seq} of {other}",
            ours.seq(),
            ours.envelope.id
        ),
        format!(
            "nothing was pushed; one id cannot name two events: compare them (`parley events {slug}` here, `parley --store {name} events {other}`) and, if they differ, log the local events from seq {} on again in a new store (they get new ids) and push from that store",
            ours.seq()
        ),
    )
}

/// The events of `meta` in `log`, by id.
fn by_id(log: &dyn Log, meta: &StreamMeta) -> Result<HashMap<Uuid, Stored>> {
    Ok(recorded_events(log, meta)?
        .into_iter()
        .map(|stored| (stored.envelope.id, stored))
        .collect())
}

/// The hash of event `seq` of `meta` in `log`, if it holds one.
fn hash_at(log: &dyn Log, meta: &StreamMeta, seq: u64) -> Result<Option<Digest32>> {
    if seq == 0 || seq > meta.head.seq {
        return Ok(None);
    }
    let Some(bytes) = log.get(meta, seq)? else {
        return Ok(None);
    };
    let stored = Stored::decode(&bytes).map_err(|e| Error::Integrity {
        slug: meta.slug.to_string(),
        seq,
        what: e.to_string(),
    })?;
    Ok(Some(stored.envelope.hash))
}

/// `stored` as an authored line: its content and id, with when and by whom it was
/// first recorded, and no envelope or signature.
fn authored(stored: &Stored) -> Map<String, Value> {
    let mut map = content(&stored.raw());
    map.insert("id".into(), stored.envelope.id.to_string().into());
    map.entry(FIRST_RECORDED_AT)
        .or_insert_with(|| format_instant(stored.envelope.recorded_at).into());
    map.entry(FIRST_RECORDED_BY)
        .or_insert_with(|| stored.envelope.recorded_by.clone().into());
    map
}

/// What a record-keeper wrote: the event without what a store assigned to it (its
/// envelope, its signature, and where it was first recorded).
fn content(raw: &Map<String, Value>) -> Map<String, Value> {
    let assigned = ENVELOPE_FIELDS
        .iter()
        .chain(SIGNATURE_FIELDS.iter())
        .chain([FIRST_RECORDED_AT, FIRST_RECORDED_BY].iter());
    let mut map = raw.clone();
    for field in assigned {
        map.remove(*field);
    }
    map
}

/// An event the shared journal refused, as a push conflict that says what to do.
fn refused_by_shared(name: &str, slug: &Slug, seq: u64, error: Error) -> Error {
    let problem = match &error {
        Error::Input { problem, .. } | Error::Invalid(problem) => problem,
        _ => return error,
    };
    let todo = match problem.field_name() {
        Some("ref") => format!(
            "nothing was pushed; a correction cannot change a ref, so {}",
            log_again(name, slug, seq, " with another ref")
        ),
        _ => format!(
            "nothing was pushed; {}",
            log_again(name, slug, seq, " in a form it accepts")
        ),
    };
    conflict(
        slug,
        format!("{name} refuses local seq {seq}: {}", problem.message()),
        todo,
    )
}

/// A local opening of a negotiation the shared journal opened too.
fn opened_twice(name: &str, slug: &Slug, seq: u64) -> Error {
    conflict(
        slug,
        format!(
            "the two journals each opened it on their own: local seq {seq} is an opening {name} does not hold"
        ),
        format!(
            "nothing was pushed; {}",
            log_again(
                name,
                slug,
                seq + 1,
                " (or, if it is another negotiation, under another slug)"
            )
        ),
    )
}

/// What to do with local events the shared journal will not take as they are: log
/// them again, `how`, on top of its copy.
fn log_again(name: &str, slug: &Slug, seq: u64, how: &str) -> String {
    format!(
        "pull {name}'s copy into a new store (`parley --store DIR pull --from {name} {slug}`), log the local events from seq {seq} on there again{how}, and push from that store"
    )
}

/// What a pull did, or would do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pulled {
    /// What each negotiation gained.
    pub moved: Vec<Moved>,
    /// The negotiations whose local copy the shared one supersedes: every local event
    /// is held there under another seq. When any is, the pull appended nothing.
    pub superseded: Vec<Slug>,
}

/// Makes the local copies of `slugs` (every shared negotiation when empty) what the
/// shared journal holds, appending what they lack; with `dry_run`, writes nothing.
pub fn pull(
    journals: Journals<'_>,
    slugs: &[String],
    recorder: String,
    dry_run: bool,
) -> Result<Pulled> {
    let mut appender =
        Appender::new(journals.local, crate::clock::now()?, recorder)?.compress_ahead(!dry_run);
    let mut pulled = Pulled::default();
    for meta in chosen(journals.shared, slugs)? {
        match pull_one(journals, &meta, &mut appender)? {
            Some(moved) => pulled.moved.push(moved),
            None => pulled.superseded.push(meta.slug.clone()),
        }
    }
    if !dry_run && pulled.superseded.is_empty() {
        appender.commit()?;
    }
    Ok(pulled)
}

/// Stages the shared events of one negotiation past the local head; `None` when the
/// shared copy supersedes the local one.
fn pull_one(
    journals: Journals<'_>,
    there: &StreamMeta,
    appender: &mut Appender<'_>,
) -> Result<Option<Moved>> {
    let Journals { local, shared, .. } = journals;
    let slug = &there.slug;
    let here = local.stream(slug)?;
    let held = here.as_ref().map_or(0, |m| m.head.seq);
    if let Some(here) = &here
        && !same_prefix(journals, here, there)?
    {
        return Ok(None);
    }
    let mut moved = Moved {
        slug: slug.clone(),
        count: 0,
        seqs: None,
        held,
    };
    if held < there.head.seq {
        for stored in recorded_events_from(shared, there, held + 1)? {
            appender.append(stored.raw(), Some(slug))?;
        }
        moved.count = there.head.seq - held;
        moved.seqs = Some((held + 1, there.head.seq));
    }
    Ok(Some(moved))
}

/// Whether the local copy is a prefix of the shared negotiation (`false`: the shared
/// copy supersedes it, holding every local event by id with the same content under
/// other seqs); a conflict when the local copy holds events the shared one lacks, or
/// one it holds with other content.
fn same_prefix(journals: Journals<'_>, here: &StreamMeta, there: &StreamMeta) -> Result<bool> {
    let Journals {
        local,
        shared,
        shared_name: name,
    } = journals;
    let slug = &here.slug;
    let matches = hash_at(shared, there, here.head.seq)? == Some(here.head.hash);
    if matches {
        return Ok(true);
    }
    let theirs = by_id(shared, there)?;
    let mut unpushed = Vec::new();
    for stored in recorded_events(local, here)? {
        match theirs.get(&stored.envelope.id) {
            Some(theirs) => same_content(name, &stored, theirs, "nothing was pulled")?,
            None => unpushed.push(stored.seq()),
        }
    }
    match unpushed.first() {
        Some(first) => Err(conflict(
            slug,
            format!(
                "the local copy holds {} {name} does not (the first at local seq {first})",
                crate::format::count(unpushed.len() as u64, "event")
            ),
            format!("push them first (`parley push --to {name} {slug}`), then pull again"),
        )),
        None => Ok(false),
    }
}

/// The streams `slugs` names in `log`, or all of them when it names none.
fn chosen(log: &dyn Log, slugs: &[String]) -> Result<Vec<StreamMeta>> {
    if slugs.is_empty() {
        return log.negotiations();
    }
    slugs.iter().map(|slug| log.require(slug)).collect()
}

fn conflict(slug: impl std::fmt::Display, what: String, todo: String) -> Error {
    Error::Conflict {
        slug: slug.to_string(),
        what,
        todo,
    }
}
