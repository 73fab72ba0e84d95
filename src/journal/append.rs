//! The write path: every event, whether typed at the command line or read from a file,
//! goes through an [`Appender`], which checks it against its negotiation as it stands
//! (stored events plus those staged before it), gives it its envelope and chain hash, and
//! stages it. Nothing reaches the store until [`Appender::commit`], which writes all
//! staged events at once, or none.
//!
//! Recorded lines (with `hash`) keep their envelope: the appender checks that they
//! continue the chain exactly, and skips those the store already holds.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::model::{
    Action, Body, CanonicalFields, Digest32, Envelope, Event, Invalid, Kind, Millis, ONE_DAY,
    Recorded, References, SCHEMA, Sealer, Slug, Target, amended, canonical, chain_hash,
    check_changes, check_in_context, fingerprint, format_instant,
};
use crate::signing::Signer;
use crate::splitmix::SplitMix64;
use crate::store::{
    Compressor, Head, Log, StagedEvent, StagedLog, StreamCommit, StreamId, StreamMeta,
};
use crate::{Error, Result, clock};

use super::id_map::{LabelMap, StagedIds, keyed_map};
use super::prepared::{Authored, Prepared};

/// The largest event, in canonical bytes.
pub const MAX_EVENT_BYTES: usize = 64 * 1024;

/// What happened to one appended line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Staged as a new event.
    Appended {
        /// Its negotiation.
        slug: Slug,
        /// Its seq.
        seq: u64,
        /// Its id.
        id: Uuid,
    },
    /// The store already holds this event; nothing is added.
    AlreadyPresent {
        /// Its negotiation.
        slug: Slug,
        /// The seq it is stored at.
        seq: u64,
    },
}

/// Stages events against the store and commits them together.
pub struct Appender<'s> {
    store: &'s dyn Log,
    now: Millis,
    recorder: String,
    dedupe_authored: bool,
    streams: BTreeMap<Slug, Pending>,
    next_stream: StreamId,
    id_source: IdSource,
    sealer: Sealer,
    /// The bytes of the event being staged, reused from one event to the next.
    scratch: Vec<u8>,
    /// Compresses every stream's full segments while the append goes on.
    compressor: Compressor,
    /// What staged events leave behind, kept for the caller to free ([`Appender::keep_spent`]).
    spent: Option<Spent>,
    /// Signs each event recorded anew ([`Appender::sign_with`]).
    signer: Option<&'s Signer>,
}

/// What the appender is done with once an event is staged: the event (holding the
/// `at` it replaced in the stream's meta, see [`widen`]) and its canonical fields. An
/// import hands them back to the thread that read the lines, because glibc frees
/// another thread's allocation under that thread's arena lock, which both threads then
/// fight over.
#[derive(Debug, Default)]
pub struct Spent {
    events: Vec<Event>,
    fields: Vec<CanonicalFields>,
}

impl Spent {
    /// Drops the events and gives the canonical fields back, to reuse their buffers.
    pub fn into_fields(self) -> Vec<CanonicalFields> {
        self.fields
    }
}

/// One negotiation touched by this append: its state as stored and as staged.
struct Pending {
    stored: Option<StreamMeta>,
    meta: StreamMeta,
    events: Vec<StagedEvent>,
    log: StagedLog,
    labels: LabelMap<Target>,
    ids: StagedIds,
    fingerprints: Option<HashMap<Digest32, u64>>,
}

impl<'s> Appender<'s> {
    /// Starts staging on `store`, with `recorder` as `recorded_by` and, as the clock of
    /// `recorded_at`, the store's own when it keeps one ([`Log::clock`]: a shared
    /// journal's server), else `now`, the caller's. The clock is read once, here: a
    /// writer that retries on a moved head makes a new appender, and reads it again.
    pub fn new(store: &'s dyn Log, now: Millis, recorder: String) -> Result<Appender<'s>> {
        Ok(Appender {
            store,
            now: store.clock()?.unwrap_or(now),
            recorder,
            dedupe_authored: false,
            streams: BTreeMap::new(),
            next_stream: store.next_stream_id()?,
            id_source: IdSource::new()?,
            sealer: Sealer::default(),
            scratch: Vec::new(),
            compressor: Compressor::default(),
            spent: None,
            signer: None,
        })
    }

    /// Makes authored lines that repeat a stored event (same content, envelope aside)
    /// count as already present instead of being added again: re-importing a file is safe.
    pub fn dedupe_authored(mut self, on: bool) -> Self {
        self.dedupe_authored = on;
        self
    }

    /// Signs every event recorded anew with `signer` (docs/journal-format.md, "Signed
    /// events"); recorded lines keep the signatures they carry.
    pub fn sign_with(mut self, signer: Option<&'s Signer>) -> Self {
        self.signer = signer;
        self
    }

    /// Compresses full segments while staging (the default) or leaves them for the
    /// commit: a dry run never commits, so compressing would be wasted work.
    pub fn compress_ahead(mut self, on: bool) -> Self {
        self.compressor = if on {
            Compressor::default()
        } else {
            Compressor::off()
        };
        self
    }

    /// Keeps what staged events leave behind for [`Appender::take_spent`] instead of
    /// freeing it at once.
    pub fn keep_spent(mut self, on: bool) -> Self {
        self.spent = on.then(Spent::default);
        self
    }

    /// What staged events left behind since the last call (nothing unless kept).
    pub fn take_spent(&mut self) -> Spent {
        let Some(spent) = &mut self.spent else {
            return Spent::default();
        };
        // As many as last time: growing the lists from empty for every batch was a
        // run of reallocations and copies on the appending thread.
        let room = spent.events.len();
        std::mem::replace(
            spent,
            Spent {
                events: Vec::with_capacity(room),
                fields: Vec::with_capacity(room),
            },
        )
    }

    /// Checks and stages one event object. `default_slug` is the negotiation for a line
    /// that names none.
    pub fn append(
        &mut self,
        map: Map<String, Value>,
        default_slug: Option<&Slug>,
    ) -> Result<Outcome> {
        self.append_prepared(Prepared::from_map(map)?, default_slug)
    }

    /// Stages a line already checked on its own ([`Prepared`]), against its negotiation.
    pub fn append_prepared(
        &mut self,
        prepared: Prepared,
        default_slug: Option<&Slug>,
    ) -> Result<Outcome> {
        match prepared {
            Prepared::Recorded(map) => self.append_recorded(map),
            Prepared::Authored(authored) => self.append_authored(authored, default_slug),
        }
    }

    /// The head of `slug` as staged so far, if the negotiation exists.
    pub fn head(&mut self, slug: &Slug) -> Result<Option<Head>> {
        Ok(self.pending(slug)?.map(|p| p.meta.head))
    }

    /// Writes every staged event, durably, or nothing.
    pub fn commit(self) -> Result<()> {
        let commits: Vec<StreamCommit> = self
            .streams
            .into_values()
            .filter(|p| !p.events.is_empty())
            .map(|mut p| {
                p.log.finish();
                StreamCommit {
                    before: p.stored.as_ref().map_or(0, |m| m.head.seq),
                    meta: p.meta,
                    events: p.events,
                    log: p.log,
                }
            })
            .collect();
        if commits.is_empty() {
            return Ok(());
        }
        self.store.append(&commits)
    }

    fn append_authored(
        &mut self,
        authored: Authored,
        default_slug: Option<&Slug>,
    ) -> Result<Outcome> {
        let Authored {
            mut event,
            id,
            fields,
        } = authored;
        let slug = match (&event.negotiation, default_slug) {
            (Some(slug), _) | (None, Some(slug)) => slug.clone(),
            (None, None) => {
                return Err(Invalid::field(
                    "negotiation",
                    "this line names no negotiation and no opening comes before it; add \"negotiation\": \"SLUG\"",
                )
                .into());
            }
        };
        let id = id?;
        if let Some(id) = id
            && let Some((slug, seq)) = self.locate_id(&id)?
        {
            return Ok(Outcome::AlreadyPresent { slug, seq });
        }
        if let Some(seq) = self.duplicate_of(&slug, &fields)? {
            return Ok(Outcome::AlreadyPresent { slug, seq });
        }
        if event.kind == Kind::Opening {
            self.create(&slug)?;
        } else if self.pending(&slug)?.is_none() {
            return Err(self.unknown(&slug)?);
        }
        let head = self.pending_mut(&slug)?.meta.head;
        let envelope = Envelope {
            id: id.unwrap_or_else(|| {
                self.id_source
                    .id(self.now.max(head.recorded_at), &slug, head.seq + 1)
            }),
            negotiation: slug,
            seq: head.seq + 1,
            recorded_at: self.now.max(head.recorded_at),
            recorded_by: self.recorder.clone(),
            schema: SCHEMA,
            prev_hash: head.hash,
            hash: Digest32::ZERO,
        };
        let mut bytes = std::mem::take(&mut self.scratch);
        let hash = self.sealer.seal_into(&fields, &envelope, &mut bytes);
        let envelope = Envelope { hash, ..envelope };
        if let Some(signer) = self.signer {
            bytes = signed(signer, &bytes, &hash)?;
        }
        let staged = self.stage(envelope, &mut event, &bytes);
        self.scratch = bytes;
        if let Some(spent) = &mut self.spent {
            spent.events.push(event);
            spent.fields.push(fields);
        }
        staged
    }

    fn append_recorded(&mut self, map: Map<String, Value>) -> Result<Outcome> {
        let recorded = Recorded::from_map(map)?;
        let envelope = &recorded.envelope;
        let content = crate::signing::hashed_content(&recorded.raw);
        if chain_hash(&envelope.prev_hash, &content) != envelope.hash {
            return Err(Invalid::field(
                "hash",
                "does not match the line's content: the line was altered after it was recorded",
            )
            .into());
        }
        crate::signing::Signature::of(&recorded.raw, &envelope.hash)
            .map_err(|e| Invalid::field("signature", e))?;
        let slug = envelope.negotiation.clone();
        if self.pending(&slug)?.is_none() {
            if recorded.event.kind != Kind::Opening || envelope.seq != 1 {
                return Err(self.unknown(&slug)?);
            }
            self.create(&slug)?;
        }
        let head = self.pending_mut(&slug)?.meta.head;
        if envelope.seq <= head.seq {
            return self.already_recorded(&slug, envelope);
        }
        if envelope.seq != head.seq + 1 {
            return Err(Invalid::field(
                "seq",
                format!("expected seq {} of {slug} (it holds {} events), found {}: a recorded journal has no gaps", head.seq + 1, head.seq, envelope.seq),
            )
            .into());
        }
        if envelope.prev_hash != head.hash {
            return Err(Invalid::field(
                "prev_hash",
                format!("does not match the hash of seq {} of {slug}: an event before this line was removed, reordered or altered", head.seq),
            )
            .into());
        }
        if envelope.recorded_at < head.recorded_at {
            return Err(Invalid::field(
                "recorded_at",
                format!(
                    "goes back in time: seq {} was recorded at {}",
                    head.seq,
                    format_instant(head.recorded_at)
                ),
            )
            .into());
        }
        if let Some((other, seq)) = self.locate_id(&envelope.id)? {
            return Err(
                Invalid::field("id", format!("is already used by seq {seq} of {other}")).into(),
            );
        }
        let bytes = canonical(&recorded.raw);
        let mut event = recorded.event;
        self.stage(recorded.envelope, &mut event, &bytes)
    }

    /// A recorded line at or below the head: present if the hashes agree, else a conflict.
    fn already_recorded(&mut self, slug: &Slug, envelope: &Envelope) -> Result<Outcome> {
        let stored = self.stored_hash(slug, envelope.seq)?;
        if stored == Some(envelope.hash) {
            return Ok(Outcome::AlreadyPresent {
                slug: slug.clone(),
                seq: envelope.seq,
            });
        }
        Err(Invalid::field(
            "hash",
            format!("seq {} of {slug} is already recorded with a different hash: this file and the store disagree from here", envelope.seq),
        )
        .into())
    }

    /// Checks an event in its negotiation's context and stages it with its recorded
    /// (canonical) `bytes`.
    /// Takes the event's label and may swap its `at` for the one it replaces in the
    /// stream's meta: the caller may only drop the event afterwards.
    fn stage(&mut self, envelope: Envelope, event: &mut Event, bytes: &[u8]) -> Result<Outcome> {
        let slug = &envelope.negotiation;
        if event.at.millis() > envelope.recorded_at + ONE_DAY {
            return Err(Invalid::field(
                "at",
                format!(
                    "{} is in the future: it is more than a day after the event was recorded ({})",
                    event.at.as_str(),
                    format_instant(envelope.recorded_at)
                ),
            )
            .into());
        }
        // Only an agenda event changes the agenda; every other event is checked against
        // the one in place, without copying it.
        let grown = match &event.body {
            Body::Agenda(change) => {
                let mut agenda = self.pending_mut(slug)?.meta.agenda.clone();
                agenda.apply(change)?;
                Some(agenda)
            }
            _ => None,
        };
        {
            let store = self.store;
            let pending = self.pending_mut(slug)?;
            let agenda = grown.as_ref().unwrap_or(&pending.meta.agenda);
            let resolver = Resolver::new(store, pending);
            check_in_context(event, slug, agenda, &resolver)?;
            resolver.finish()?;
        }
        if let Body::Correction(correction) = &event.body
            && correction.action == Action::Amend
        {
            self.check_amend(
                slug,
                &correction.target,
                &correction.changes,
                envelope.recorded_at,
            )?;
        }
        if bytes.len() > MAX_EVENT_BYTES {
            return Err(Invalid::new(format!(
                "the event is {} bytes once recorded; at most {MAX_EVENT_BYTES} are allowed",
                bytes.len()
            ))
            .into());
        }
        let pending = self.pending_mut(slug)?;
        let target = Target {
            seq: envelope.seq,
            kind: event.kind,
        };
        if let Some(label) = &event.label {
            pending.labels.insert(label.clone(), target);
        }
        if let Some(agenda) = grown {
            pending.meta.agenda = agenda;
        }
        pending.meta.head = Head {
            seq: envelope.seq,
            hash: envelope.hash,
            recorded_at: envelope.recorded_at,
        };
        widen(&mut pending.meta, event);
        pending.log.push(envelope.seq, bytes);
        pending.events.push(StagedEvent {
            seq: envelope.seq,
            id: envelope.id,
            kind: event.kind,
            label: event.label.take(),
        });
        Ok(Outcome::Appended {
            seq: envelope.seq,
            id: envelope.id,
            slug: envelope.negotiation,
        })
    }

    /// Checks that the target with `changes` applied is still a valid event.
    fn check_amend(
        &mut self,
        slug: &Slug,
        target: &str,
        changes: &Map<String, Value>,
        recorded_at: Millis,
    ) -> Result<()> {
        let store = self.store;
        let resolver = Resolver::new(store, self.pending_mut(slug)?);
        let found = resolver.resolve(target);
        resolver.finish()?;
        let Some(found) = found else { return Ok(()) };
        check_changes(found.kind, changes)?;
        let original = self.event_map(slug, found.seq)?;
        let mut result = amended(&original, changes);
        result.remove("ref");
        let event = Event::from_map(&result).map_err(in_changes)?;
        if event.kind.is_move() != found.kind.is_move() || event.kind == Kind::Correction {
            return Err(Invalid::field(
                "changes",
                format!(
                    "{} cannot become {}",
                    found.kind.with_article(),
                    event.kind.with_article()
                ),
            )
            .into());
        }
        if event.at.millis() > recorded_at + ONE_DAY {
            return Err(Invalid::field(
                "changes",
                format!("at {} is in the future", event.at.as_str()),
            )
            .into());
        }
        let pending = self.pending_mut(slug)?;
        let resolver = Resolver::new(store, pending);
        check_in_context(&event, slug, &pending.meta.agenda, &resolver).map_err(in_changes)?;
        resolver.finish()
    }

    /// The JSON object of event `seq` of `slug`, staged or stored.
    fn event_map(&mut self, slug: &Slug, seq: u64) -> Result<Map<String, Value>> {
        let store = self.store;
        let pending = self.pending_mut(slug)?;
        let bytes = match pending.log.get(seq) {
            Some(staged) => staged.into_owned(),
            None => {
                let meta = pending.stored.clone().ok_or_else(|| missing(slug, seq))?;
                store.get(&meta, seq)?.ok_or_else(|| missing(slug, seq))?
            }
        };
        let recorded = Recorded::decode(&bytes).map_err(|e| integrity(slug, seq, e))?;
        Ok(recorded.raw)
    }

    fn stored_hash(&mut self, slug: &Slug, seq: u64) -> Result<Option<Digest32>> {
        let map = self.event_map(slug, seq)?;
        Ok(Envelope::from_map(&map).ok().map(|e| e.hash))
    }

    /// For an authored line: the seq of a stored event with the same content, if the
    /// store held this negotiation before the append began.
    fn duplicate_of(&mut self, slug: &Slug, fields: &CanonicalFields) -> Result<Option<u64>> {
        if !self.dedupe_authored {
            return Ok(None);
        }
        let store = self.store;
        let Some(pending) = self.pending(slug)? else {
            return Ok(None);
        };
        let Some(stored) = pending.stored.clone() else {
            return Ok(None);
        };
        if pending.fingerprints.is_none() {
            let mut prints = HashMap::new();
            store.scan(&stored, 1, &mut |seq, bytes| {
                let recorded = Recorded::decode(bytes).map_err(|e| integrity(slug, seq, e))?;
                prints.entry(fingerprint(&recorded.raw)).or_insert(seq);
                Ok(())
            })?;
            pending.fingerprints = Some(prints);
        }
        Ok(pending
            .fingerprints
            .as_ref()
            .and_then(|prints| prints.get(&fields.fingerprint()).copied()))
    }

    fn locate_id(&mut self, id: &Uuid) -> Result<Option<(Slug, u64)>> {
        for (slug, pending) in &self.streams {
            if let Some(target) = pending.ids.get(&pending.events, id) {
                return Ok(Some((slug.clone(), target.seq)));
            }
        }
        let Some((stream, seq, _)) = self.store.find_id(id)? else {
            return Ok(None);
        };
        for meta in self.store.negotiations()? {
            if meta.stream == stream && seq <= meta.head.seq {
                return Ok(Some((meta.slug, seq)));
            }
        }
        Ok(None)
    }

    fn create(&mut self, slug: &Slug) -> Result<()> {
        if self.pending(slug)?.is_some() {
            return Err(self.exists(slug)?);
        }
        let meta = StreamMeta {
            stream: self.next_stream,
            slug: slug.clone(),
            agenda: Default::default(),
            head: Head::default(),
            first_at: None,
            last_at: None,
        };
        self.next_stream += 1;
        let pending = Pending::new(None, meta, self.compressor.clone());
        self.streams.insert(slug.clone(), pending);
        Ok(())
    }

    fn pending(&mut self, slug: &Slug) -> Result<Option<&mut Pending>> {
        if !self.streams.contains_key(slug) {
            let Some(meta) = self.store.stream(slug)? else {
                return Ok(None);
            };
            let pending = Pending::new(Some(meta.clone()), meta, self.compressor.clone());
            self.streams.insert(slug.clone(), pending);
        }
        Ok(self.streams.get_mut(slug))
    }

    /// The pending state of a negotiation already loaded by [`Appender::pending`].
    fn pending_mut(&mut self, slug: &Slug) -> Result<&mut Pending> {
        self.streams
            .get_mut(slug)
            .ok_or_else(|| unknown_pending(slug))
    }

    fn exists(&mut self, slug: &Slug) -> Result<Error> {
        let events = self.pending_mut(slug)?.meta.head.seq;
        Ok(Invalid::field(
            "negotiation",
            format!(
                "{slug} already exists ({events} event{}); to add parties or issues use `parley agenda {slug}`",
                if events == 1 { "" } else { "s" }
            ),
        )
        .into())
    }

    fn unknown(&self, slug: &Slug) -> Result<Error> {
        let mut known: Vec<String> = self
            .store
            .negotiations()?
            .into_iter()
            .map(|m| m.slug.to_string())
            .collect();
        known.extend(self.streams.keys().map(Slug::to_string));
        known.sort();
        known.dedup();
        Ok(Error::UnknownNegotiation {
            slug: slug.to_string(),
            known,
        })
    }
}

impl Pending {
    fn new(stored: Option<StreamMeta>, meta: StreamMeta, compressor: Compressor) -> Pending {
        Pending {
            stored,
            meta,
            events: Vec::new(),
            log: StagedLog::with_compressor(compressor),
            labels: keyed_map(),
            ids: StagedIds::default(),
            fingerprints: None,
        }
    }
}

/// Resolves references against the staged events first, then the store (never past the
/// stored head). A store failure is kept and reported by [`Resolver::finish`].
struct Resolver<'a> {
    store: &'a dyn Log,
    pending: &'a Pending,
    failure: RefCell<Option<Error>>,
}

impl<'a> Resolver<'a> {
    fn new(store: &'a dyn Log, pending: &'a Pending) -> Resolver<'a> {
        Resolver {
            store,
            pending,
            failure: RefCell::new(None),
        }
    }

    fn finish(self) -> Result<()> {
        match self.failure.into_inner() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn in_store(&self, reference: &str) -> Result<Option<Target>> {
        let Some(stored) = &self.pending.stored else {
            return Ok(None);
        };
        if let Some((seq, kind)) = self.store.find_ref(stored, reference)? {
            return Ok(Some(Target { seq, kind }));
        }
        let Some(id) = crate::model::id_named(reference) else {
            return Ok(None);
        };
        Ok(self
            .store
            .find_id(&id)?
            .filter(|(stream, seq, _)| *stream == stored.stream && *seq <= stored.head.seq)
            .map(|(_, seq, kind)| Target { seq, kind }))
    }
}

impl References for Resolver<'_> {
    fn resolve(&self, reference: &str) -> Option<Target> {
        if let Some(target) = self.pending.labels.get(reference) {
            return Some(*target);
        }
        if let Some(id) = crate::model::id_named(reference)
            && let Some(target) = self.pending.ids.get(&self.pending.events, &id)
        {
            return Some(target);
        }
        match self.in_store(reference) {
            Ok(found) => found,
            Err(e) => {
                self.failure.borrow_mut().get_or_insert(e);
                None
            }
        }
    }
}

/// Makes UUID v7 ids stamped with the recording time, so ids sort the way events were
/// recorded. The 74 random bits come from a generator seeded once from the operating
/// system: asking the OS per id cost a system call per event, a second per million.
/// With `PARLEY_SEED` ([`clock::id_seed`]) they are a function of the seed, the
/// negotiation and the seq instead, so the same commands at the same pinned clock make
/// the same ids, in any number of processes.
enum IdSource {
    Random(SplitMix64),
    Seeded(u64),
}

impl IdSource {
    fn new() -> Result<IdSource> {
        Ok(match clock::id_seed()? {
            Some(seed) => IdSource::Seeded(seed),
            None => {
                let seed = Uuid::now_v7().as_u64_pair();
                IdSource::Random(SplitMix64::new(seed.0 ^ seed.1.rotate_left(17)))
            }
        })
    }

    fn id(&mut self, recorded_at: Millis, slug: &Slug, seq: u64) -> Uuid {
        let (high, low) = match self {
            IdSource::Random(bits) => (bits.next_u64(), bits.next_u64()),
            IdSource::Seeded(seed) => {
                let place = slug
                    .as_str()
                    .bytes()
                    .fold(seq, |h, b| h.rotate_left(5) ^ u64::from(b));
                let mut bits = SplitMix64::new(*seed ^ place.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                (bits.next_u64(), bits.next_u64())
            }
        };
        let millis = u64::try_from(recorded_at).unwrap_or_default();
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&high.to_le_bytes());
        random[8..].copy_from_slice(&low.to_le_bytes()[..2]);
        uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
    }
}

/// Keeps the earliest and latest `at` in the stream's meta, for `list`. A later `at`
/// is swapped in, not cloned: the event, which the caller only drops, takes the old one,
/// so the shared text's count is not touched on every event (its cache line was last
/// written on the reading thread).
/// `bytes` (a canonical event whose hash is `hash`) with `signer`'s signature added.
fn signed(signer: &Signer, bytes: &[u8], hash: &Digest32) -> Result<Vec<u8>> {
    let mut map = match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => map,
        _ => return Err(Invalid::new("a sealed event does not read back").into()),
    };
    signer.sign_into(&mut map, hash)?;
    Ok(canonical(&map))
}

fn widen(meta: &mut StreamMeta, event: &mut Event) {
    let key = event.at.sort_key();
    if meta
        .first_at
        .as_ref()
        .is_none_or(|first| key < first.sort_key())
    {
        meta.first_at = Some(event.at.clone());
    }
    match &mut meta.last_at {
        Some(last) if key > last.sort_key() => std::mem::swap(last, &mut event.at),
        Some(_) => {}
        None => meta.last_at = Some(event.at.clone()),
    }
}

/// A negotiation [`Appender::pending`] should have loaded is not there.
fn unknown_pending(slug: &Slug) -> Error {
    Error::UnknownNegotiation {
        slug: slug.to_string(),
        known: Vec::new(),
    }
}

fn in_changes(e: Invalid) -> Invalid {
    Invalid::field(
        "changes",
        format!("the amended event would be invalid: {e}"),
    )
}

fn missing(slug: &Slug, seq: u64) -> Error {
    Error::Integrity {
        slug: slug.to_string(),
        seq,
        what: "the event is missing from the store".into(),
    }
}

fn integrity(slug: &Slug, seq: u64, e: Invalid) -> Error {
    Error::Integrity {
        slug: slug.to_string(),
        seq,
        what: e.to_string(),
    }
}
