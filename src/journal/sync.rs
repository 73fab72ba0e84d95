//! Moving events between two journals: `push` sends a local journal's new events to a
//! shared one, `pull` makes the local copy of a negotiation what the shared one holds.
//!
//! Both work between any two logs ([`Log`]): a sled store and a PostgreSQL journal, or
//! two sled stores. Events are matched by `id`.
//!
//! - **Push** appends the local events whose id the shared journal lacks, in local seq
//!   order, through the write path ([`Appender`]) as authored events: their id and
//!   content kept, their seq, `prev_hash`, `hash`, `recorded_at` and `recorded_by`
//!   given by the shared journal, and when and by whom the local store recorded them
//!   kept in `first_recorded_at` and `first_recorded_by` (an event that already
//!   carries them keeps its values). The shared journal checks each event as it checks
//!   any new one, so a `ref` already used there or a reference to an event it does not
//!   hold is refused; so is an id it holds with other content. One append: every
//!   negotiation pushed, or none.
//! - **Pull** appends the shared events past the local head as recorded events
//!   (envelope and hash kept), so the local export becomes the shared one byte for
//!   byte. It only ever extends a local negotiation whose events are a prefix of the
//!   shared one. A local copy that holds events the shared journal lacks is refused
//!   (push first). A local copy whose every event the shared journal holds under other
//!   seqs (it was pushed) is *superseded*: pull appends nothing and says so, and the
//!   caller may build a fresh store from the shared copy ([`pull`] into an empty log).
//!
//! Neither rewrites or removes an event on either side.

use serde_json::{Map, Value};

use super::append::{Appender, Outcome};
use super::read::{recorded_events, recorded_events_from};
use crate::model::{ENVELOPE_FIELDS, Millis, Slug, Stored, format_instant};
use crate::signing::{SIGNATURE_FIELDS, Signer};
use crate::store::{Log, StreamMeta};
use crate::{Error, Result};

/// Where a pushed event keeps when the store it was first recorded in learned it.
pub const FIRST_RECORDED_AT: &str = "first_recorded_at";
/// Where a pushed event keeps who recorded it in the store it was first recorded in.
pub const FIRST_RECORDED_BY: &str = "first_recorded_by";

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
    local: &dyn Log,
    shared: &dyn Log,
    slugs: &[String],
    recording: Recording<'_>,
    dry_run: bool,
) -> Result<Vec<Moved>> {
    let mut appender = Appender::new(shared, recording.now, recording.recorder)?
        .sign_with(recording.signer)
        .compress_ahead(!dry_run);
    let mut moved = Vec::new();
    for meta in chosen(local, slugs)? {
        moved.push(push_one(local, shared, &meta, &mut appender)?);
    }
    if !dry_run {
        appender.commit().map_err(|e| match e {
            Error::Stale { slug, .. } => conflict(
                slug,
                "another record-keeper appended to the shared journal during the push".into(),
                "run the push again: it sends only what the shared journal still lacks",
            ),
            e => e,
        })?;
    }
    Ok(moved)
}

/// Stages the events of one local negotiation that `shared` lacks.
fn push_one(
    local: &dyn Log,
    shared: &dyn Log,
    meta: &StreamMeta,
    appender: &mut Appender<'_>,
) -> Result<Moved> {
    let slug = &meta.slug;
    let there = shared.stream(slug)?;
    let mut moved = Moved {
        slug: slug.clone(),
        count: 0,
        seqs: None,
        held: 0,
    };
    for stored in recorded_events(local, meta)? {
        if held_there(shared, there.as_ref(), &stored)? {
            moved.held += 1;
            continue;
        }
        let seq = stored.seq();
        let appended = appender
            .append(authored(&stored), Some(slug))
            .map_err(|e| refused_by_shared(slug, seq, e))?;
        if let Outcome::Appended { seq, .. } = appended {
            moved.count += 1;
            let first = moved.seqs.map_or(seq, |(first, _)| first);
            moved.seqs = Some((first, seq));
        }
    }
    Ok(moved)
}

/// Whether the shared journal holds `stored` (by id) in the same negotiation with the
/// same content; a conflict when it holds the id otherwise.
fn held_there(shared: &dyn Log, there: Option<&StreamMeta>, stored: &Stored) -> Result<bool> {
    let id = stored.envelope.id;
    let slug = &stored.envelope.negotiation;
    let Some((stream, seq, _)) = shared.find_id(&id)? else {
        return Ok(false);
    };
    let same_stream = there.filter(|m| m.stream == stream && seq <= m.head.seq);
    let Some(there) = same_stream else {
        return Err(conflict(
            slug,
            format!(
                "local seq {} has id {id}, which the shared journal holds in another negotiation",
                stored.seq()
            ),
            "the two journals gave one id to different events; export both and compare them before pushing",
        ));
    };
    let theirs = event_at(shared, there, seq)?;
    if content(&theirs.raw()) != content(&stored.raw()) {
        return Err(conflict(
            slug,
            format!(
                "local seq {} and shared seq {seq} have the same id {id} but different content",
                stored.seq()
            ),
            "the journals have diverged; compare the two events (`parley events` on each) and record the difference as a correction",
        ));
    }
    Ok(true)
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
fn refused_by_shared(slug: &Slug, seq: u64, error: Error) -> Error {
    let problem = match &error {
        Error::Input { problem, .. } | Error::Invalid(problem) => problem,
        _ => return error,
    };
    conflict(
        slug,
        format!("the shared journal refuses local seq {seq}: {problem}"),
        "nothing was pushed; pull the shared journal into a fresh store (`parley --store DIR pull --from URL SLUG`), see what it holds, and record the local event there again in a form it accepts",
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
    local: &dyn Log,
    shared: &dyn Log,
    slugs: &[String],
    recorder: String,
    dry_run: bool,
) -> Result<Pulled> {
    let mut appender =
        Appender::new(local, crate::clock::now()?, recorder)?.compress_ahead(!dry_run);
    let mut pulled = Pulled::default();
    for meta in chosen(shared, slugs)? {
        match pull_one(local, shared, &meta, &mut appender)? {
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
    local: &dyn Log,
    shared: &dyn Log,
    there: &StreamMeta,
    appender: &mut Appender<'_>,
) -> Result<Option<Moved>> {
    let slug = &there.slug;
    let here = local.stream(slug)?;
    let held = here.as_ref().map_or(0, |m| m.head.seq);
    if let Some(here) = &here
        && !same_prefix(local, shared, here, there)?
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
/// copy supersedes it); a conflict when the local copy holds events the shared one
/// lacks.
fn same_prefix(
    local: &dyn Log,
    shared: &dyn Log,
    here: &StreamMeta,
    there: &StreamMeta,
) -> Result<bool> {
    let slug = &here.slug;
    let matches = here.head.seq <= there.head.seq
        && event_at(shared, there, here.head.seq)?.envelope.hash == here.head.hash;
    if matches {
        return Ok(true);
    }
    let ours = recorded_events(local, here)?;
    let mut unpushed = Vec::new();
    for stored in &ours {
        if shared.find_id(&stored.envelope.id)?.is_none() {
            unpushed.push(stored.seq());
        }
    }
    match unpushed.first() {
        Some(first) => Err(conflict(
            slug,
            format!(
                "the local copy holds {} the shared journal does not (the first at local seq {first})",
                crate::format::count(unpushed.len() as u64, "event")
            ),
            "push them first (`parley push --to URL SLUG`), then pull again",
        )),
        None => Ok(false),
    }
}

/// Event `seq` of `meta`'s stream, decoded; a seq the log cannot give or decode is an
/// integrity failure.
fn event_at(log: &dyn Log, meta: &StreamMeta, seq: u64) -> Result<Stored> {
    let bytes = log.get(meta, seq)?.unwrap_or_default();
    Stored::decode(&bytes).map_err(|e| Error::Integrity {
        slug: meta.slug.to_string(),
        seq,
        what: e.to_string(),
    })
}

/// The streams `slugs` names in `log`, or all of them when it names none.
fn chosen(log: &dyn Log, slugs: &[String]) -> Result<Vec<StreamMeta>> {
    if slugs.is_empty() {
        return log.negotiations();
    }
    slugs.iter().map(|slug| log.require(slug)).collect()
}

fn conflict(slug: impl std::fmt::Display, what: String, todo: &str) -> Error {
    Error::Conflict {
        slug: slug.to_string(),
        what,
        todo: todo.into(),
    }
}
