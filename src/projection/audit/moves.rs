//! The moves as the audit reads them: resolved references, issue tracks, channel weight,
//! and each side's stated numbers over time.
//!
//! Parties, issues, tracks and package labels are numbered once here ([`Id`]): the
//! measures compare them millions of times at a million events, and comparing numbers
//! instead of strings is what keeps the audit fast. The text a reviewer reads (the `at`
//! as written, the summary) is looked up from the timeline only for the moves shown.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use crate::model::{
    Agenda, Channel, Direction, IssueKey, Kind, Level, Millis, Move, PartyCode, Reversibility,
};
use crate::projection::positions::concession_direction;
use crate::projection::{Entry, Timeline};

/// A party, issue, track or package label as a number: its place in the audit's table
/// of names ([`Moves::party`], [`Moves::issue`]).
pub type Id = usize;

/// A number a side stated, where it stands in the talks, and what it weighs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// The stating move's place in valid-time order ([`AuditMove::index`]).
    pub index: usize,
    /// The move's seq.
    pub seq: u64,
    /// The number.
    pub value: f64,
    /// The move's channel weight (public moves count at the rubric's weight).
    pub weight: f64,
    /// The first number the side stated after a `retraction` withdrew its number: a new
    /// start, so no step leads to it from the number before.
    pub fresh: bool,
}

/// Stated numbers over time, in valid-time order.
pub type Points = Vec<Point>;

/// Each side's stated numbers on each issue: per issue id, the parties that stated one,
/// in the order of their codes (the order events are listed in; sums do not depend on it).
#[derive(Debug, Default)]
pub struct Series {
    by_issue: Vec<Vec<(Id, Points)>>,
}

impl Series {
    /// The parties' numbers on `issue`, parties in code order.
    pub fn issue(&self, issue: Id) -> &[(Id, Points)] {
        self.by_issue.get(issue).map_or(&[], Vec::as_slice)
    }

    /// The numbers `party` stated on `issue`.
    pub fn points(&self, issue: Id, party: Id) -> Option<&Points> {
        self.issue(issue)
            .iter()
            .find(|(p, _)| *p == party)
            .map(|(_, points)| points)
    }
}

/// A short list kept inline: most moves name one to three issues and no addressee, and
/// a million small vectors were a million allocations.
#[derive(Clone, Debug)]
pub enum Few<T: Copy + Default, const N: usize> {
    /// Up to `N` items in place.
    Inline(u8, [T; N]),
    /// More.
    Spilled(Vec<T>),
}

impl<T: Copy + Default, const N: usize> Few<T, N> {
    fn collect(items: impl Iterator<Item = T>) -> Few<T, N> {
        let mut inline = [T::default(); N];
        let mut len = 0;
        let mut spilled: Option<Vec<T>> = None;
        for item in items {
            match &mut spilled {
                Some(v) => v.push(item),
                None if len < N => {
                    inline[len] = item;
                    len += 1;
                }
                None => {
                    let mut v = inline.to_vec();
                    v.push(item);
                    spilled = Some(v);
                }
            }
        }
        match spilled {
            Some(v) => Few::Spilled(v),
            // `len` is at most `N`, and `N` is small.
            None => Few::Inline(u8::try_from(len).unwrap_or(u8::MAX), inline),
        }
    }
}

impl<T: Copy + Default, const N: usize> std::ops::Deref for Few<T, N> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Few::Inline(len, items) => &items[..usize::from(*len).min(N)],
            Few::Spilled(v) => v,
        }
    }
}

impl<'a, T: Copy + Default, const N: usize> IntoIterator for &'a Few<T, N> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// One day in milliseconds.
pub const DAY: Millis = 86_400_000;

/// A move, with what every measure needs at hand.
#[derive(Clone, Debug)]
pub struct AuditMove {
    /// Its place among all moves in valid-time order: windows are ranges of it, so a
    /// move falls in exactly one window even when several share one `at`.
    pub index: usize,
    /// Its seq.
    pub seq: u64,
    /// Its `at`, as an instant.
    pub at: Millis,
    /// The kind.
    pub kind: Kind,
    /// Who moved.
    pub by: Id,
    /// Whom it addressed; empty means every other party whose role is `party`
    /// ([`Moves::made_to`]).
    pub to: Few<Id, 2>,
    /// The issues.
    pub issues: Few<Id, 3>,
    /// True when its issues (and the rest of its package) span two or more tracks.
    pub cross_track: bool,
    /// Where it was made: at the table, in public, or through a back channel.
    pub channel: Channel,
    /// The place ([`AuditMove::index`]) of the move it answers, if its `responds_to`
    /// resolves to a move.
    pub responds_to: Option<usize>,
    /// The place ([`AuditMove::index`]) of the other side's move it answers, if any.
    pub answers: Option<usize>,
    /// Its package label.
    pub package: Option<Id>,
    /// True when it is conditional on something.
    pub conditional: bool,
    /// How hard what it gives is to undo.
    pub reversibility: Option<Reversibility>,
    /// Who made it, by rank.
    pub level: Option<Level>,
    /// Its place in [`Timeline::entries`], for the text shown of it.
    entry: usize,
}

impl AuditMove {
    /// True for rhetoric: `channel: public`.
    pub fn is_public(&self) -> bool {
        self.channel == Channel::Public
    }

    /// True when it was made at leader or minister level.
    pub fn from_the_top(&self) -> bool {
        matches!(self.level, Some(Level::Leader | Level::Minister))
    }

    /// True when it was made at the top and sets a framework: an offer, linkage or demand.
    pub fn directs(&self) -> bool {
        self.from_the_top() && matches!(self.kind, Kind::Offer | Kind::Linkage | Kind::Demand)
    }

    /// True when it shares an issue with `other`.
    pub fn shares_issue(&self, other: &AuditMove) -> bool {
        self.issues.iter().any(|i| other.issues.contains(i))
    }
}

/// A hasher for the audit's own keys (seqs, ids, refs): the default SipHash showed in
/// profiles at a million events, and these keys come from the journal, not from a network.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut buf = [0u8; 8];
            buf.copy_from_slice(word);
            self.add(u64::from_le_bytes(buf));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            // Byte by byte: a copy of a variable length is a call to memmove.
            let tail = rest.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            self.add(tail);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// A hash map with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Names numbered in the order first seen.
#[derive(Debug)]
struct Names<K> {
    names: Vec<K>,
    ids: FastMap<K, Id>,
}

impl<K> Default for Names<K> {
    fn default() -> Names<K> {
        Names {
            names: Vec::new(),
            ids: FastMap::default(),
        }
    }
}

impl<K: Clone + Eq + Hash> Names<K> {
    /// The id of `name`, numbering it if it is new; true when it is.
    fn intern(&mut self, name: &K) -> (Id, bool) {
        if let Some(&id) = self.ids.get(name) {
            return (id, false);
        }
        let id = self.names.len();
        self.names.push(name.clone());
        self.ids.insert(name.clone(), id);
        (id, true)
    }

    fn get(&self, name: &K) -> Option<Id> {
        self.ids.get(name).copied()
    }
}

/// The numbered names of a timeline's moves, with each issue's track.
#[derive(Debug, Default)]
struct Table {
    parties: Names<PartyCode>,
    issues: Names<IssueKey>,
    tracks: Names<String>,
    packages: Names<String>,
    issue_track: Vec<Option<Id>>,
}

impl Table {
    fn party(&mut self, code: &PartyCode) -> Id {
        self.parties.intern(code).0
    }

    fn issue(&mut self, key: &IssueKey, agenda: &Agenda) -> Id {
        let (id, new) = self.issues.intern(key);
        if new {
            let track = agenda
                .issue(key)
                .and_then(|def| def.track.as_ref())
                .map(|t| self.tracks.intern(t).0);
            self.issue_track.push(track);
        }
        id
    }

    /// The move `m` of entry `e` (at `entry` in the timeline), numbered `index` among the
    /// moves; its reference is resolved later, once every label is seen.
    fn read_move(
        &mut self,
        agenda: &Agenda,
        e: &Entry,
        m: &Move,
        entry: usize,
        index: usize,
    ) -> AuditMove {
        let issues: Few<Id, 3> = Few::collect(m.issues.iter().map(|k| self.issue(k, agenda)));
        AuditMove {
            index,
            seq: e.seq(),
            at: e.event.at.millis(),
            kind: e.event.kind,
            by: self.party(&m.by),
            to: Few::collect(m.to.iter().map(|p| self.party(p))),
            cross_track: self.spans_tracks(&issues),
            issues,
            channel: m.channel,
            responds_to: None,
            answers: None,
            package: m.package.as_ref().map(|p| self.packages.intern(p).0),
            conditional: !m.conditional_on.is_empty(),
            reversibility: m.reversibility,
            level: m.level,
            entry,
        }
    }

    /// True when `issues` span two or more tracks.
    fn spans_tracks(&self, issues: &[Id]) -> bool {
        let mut tracks = issues.iter().filter_map(|&i| self.issue_track[i]);
        let first = tracks.next();
        tracks.any(|t| Some(t) != first)
    }

    /// The distinct tracks of `issues`, in first-seen order.
    fn tracks_of(&self, issues: &[Id]) -> Vec<Id> {
        let mut out = Vec::new();
        for track in issues.iter().filter_map(|&i| self.issue_track[i]) {
            if !out.contains(&track) {
                out.push(track);
            }
        }
        out
    }
}

/// Every move of a timeline, in valid-time order, with lookups.
pub struct Moves<'t> {
    /// The moves.
    pub all: Vec<AuditMove>,
    /// The numbers the moves state: (the move's place, issue, number, whether it is the
    /// first after a retraction), in valid-time order; kept apart from the moves, which
    /// every measure walks and few state one.
    stated: Vec<(usize, Id, f64, bool)>,
    table: Table,
    /// Per party id, true when its role is `party`: the addressee of a move "to everyone".
    sides: Vec<bool>,
    timeline: &'t Timeline,
    /// How far the view reaches ([`Timeline::horizon`]).
    pub horizon: Millis,
}

impl<'t> Moves<'t> {
    /// Reads the moves of `timeline`.
    pub fn new(timeline: &'t Timeline) -> Moves<'t> {
        Moves::kept(timeline, &|_| true)
    }

    /// Reads the moves of `timeline` that `keep` keeps; a reference to a move left out
    /// answers nothing.
    pub fn kept(timeline: &'t Timeline, keep: &dyn Fn(&Move) -> bool) -> Moves<'t> {
        let agenda = &timeline.agenda;
        let mut table = Table::default();
        for party in &agenda.parties {
            table.party(&party.code);
        }
        for def in &agenda.issues {
            table.issue(&def.key, agenda);
        }
        // The seq each move answers (the timeline's reference index), and the place
        // among the moves of each event answered, found in the pass below.
        let refs = timeline.refs();
        let answering: Vec<Option<u64>> = timeline
            .entries
            .iter()
            .filter_map(|e| {
                e.event
                    .as_move()
                    .filter(|m| e.event.kind.is_move() && keep(m))
            })
            .map(|m| m.responds_to.as_deref().and_then(|r| refs.seq(r)))
            .collect();
        let mut answered: FastMap<u64, Option<usize>> =
            answering.iter().flatten().map(|&seq| (seq, None)).collect();
        let mut all = Vec::with_capacity(timeline.entries.len());
        let mut stated = Vec::new();
        // (party, issue) whose number a retraction withdrew and no number replaced yet.
        let mut withdrawn: Vec<(Id, Id)> = Vec::new();
        for (entry, e) in timeline.entries.iter().enumerate() {
            let Some(m) = e
                .event
                .as_move()
                .filter(|m| e.event.kind.is_move() && keep(m))
            else {
                continue;
            };
            if let Some(slot) = answered.get_mut(&e.seq()) {
                *slot = Some(all.len());
            }
            all.push(table.read_move(agenda, e, m, entry, all.len()));
            let by = all[all.len() - 1].by;
            if e.event.kind == Kind::Retraction {
                for key in &m.issues {
                    withdrawn.push((by, table.issue(key, agenda)));
                }
            }
            for (key, value) in &m.positions {
                let issue = table.issue(key, agenda);
                let before = withdrawn.len();
                withdrawn.retain(|w| *w != (by, issue));
                stated.push((all.len() - 1, issue, *value, withdrawn.len() < before));
            }
        }
        for (m, seq) in all.iter_mut().zip(answering) {
            m.responds_to = seq.and_then(|seq| answered.get(&seq).copied().flatten());
        }
        widen_package_tracks(&mut all, &table);
        for i in 0..all.len() {
            all[i].answers = all[i].responds_to.filter(|&t| all[t].by != all[i].by);
        }
        let sides = (table.parties.names.iter())
            .map(|code| agenda.party(code).is_none_or(|p| p.role.is_party()))
            .collect();
        Moves {
            all,
            stated,
            sides,
            table,
            timeline,
            horizon: timeline.horizon(),
        }
    }

    /// The `at` of `m` as written (instants as `2025-07-30 16:05 -04:00`).
    pub fn at_text(&self, m: &AuditMove) -> String {
        self.timeline
            .entries
            .get(m.entry)
            .map(|e| e.event.at.to_string())
            .unwrap_or_default()
    }

    /// The agenda.
    pub fn agenda(&self) -> &Agenda {
        &self.timeline.agenda
    }

    /// The id of a party, if it is on the agenda or made or received a move.
    pub fn party_id(&self, code: &PartyCode) -> Option<Id> {
        self.table.parties.get(code)
    }

    /// The code of party `id`.
    pub fn party(&self, id: Id) -> Option<&PartyCode> {
        self.table.parties.names.get(id)
    }

    /// True when `m` was made to `party`: by someone else, and to it by name, or without
    /// `to` when `party`'s role is `party` (a mediator or observer is not addressed by a
    /// move "to everyone").
    pub fn made_to(&self, m: &AuditMove, party: Id) -> bool {
        m.by != party
            && if m.to.is_empty() {
                self.sides.get(party).copied().unwrap_or(true)
            } else {
                m.to.contains(&party)
            }
    }

    /// True when `party`'s role is `party`: it gets a posture verdict.
    pub fn is_side(&self, party: Id) -> bool {
        self.sides.get(party).copied().unwrap_or(true)
    }

    /// How many parties have an id.
    pub fn party_count(&self) -> usize {
        self.table.parties.names.len()
    }

    /// The id of an issue, if it is on the agenda or a move is about it.
    pub fn issue_id(&self, key: &IssueKey) -> Option<Id> {
        self.table.issues.get(key)
    }

    /// The key of issue `id`.
    pub fn issue(&self, id: Id) -> Option<&IssueKey> {
        self.table.issues.names.get(id)
    }

    /// How many issues have an id.
    pub fn issue_count(&self) -> usize {
        self.table.issues.names.len()
    }

    /// The move `m` answers, when it was made by another side.
    pub fn answers_counterpart(&self, m: &AuditMove) -> Option<&AuditMove> {
        m.answers.map(|i| &self.all[i])
    }

    /// The direction in which `party` concedes on `issue`, if the issue has numbers and a preference.
    pub fn concession_direction(&self, issue: Id, party: Id) -> Option<Direction> {
        let key = self.issue(issue)?;
        let code = self.party(party)?;
        self.agenda()
            .issue(key)
            .and_then(|def| concession_direction(def, code))
    }

    /// Each side's stated numbers on each issue over time, public ones at `public_weight`
    /// (0 leaves them out).
    pub fn series(&self, public_weight: f64) -> Series {
        let mut by_issue: Vec<Vec<(Id, Points)>> = vec![Vec::new(); self.issue_count()];
        // A fresh number left out (public, at weight 0) makes the next one kept fresh.
        let mut fresh_left_out: Vec<(Id, Id)> = Vec::new();
        for &(index, issue, value, fresh) in &self.stated {
            let m = &self.all[index];
            let weight = if m.is_public() { public_weight } else { 1.0 };
            if weight == 0.0 {
                if fresh {
                    fresh_left_out.push((m.by, issue));
                }
                continue;
            }
            let before = fresh_left_out.len();
            fresh_left_out.retain(|w| *w != (m.by, issue));
            let parties = &mut by_issue[issue];
            let point = Point {
                index: m.index,
                seq: m.seq,
                value,
                weight,
                fresh: fresh || fresh_left_out.len() < before,
            };
            match parties.iter_mut().find(|(p, _)| *p == m.by) {
                Some((_, points)) => points.push(point),
                None => parties.push((m.by, vec![point])),
            }
        }
        for parties in &mut by_issue {
            parties.sort_by(|(a, _), (b, _)| self.party(*a).cmp(&self.party(*b)));
        }
        Series { by_issue }
    }
}

/// True when the move `m` was made to `party` under `agenda`'s roles: by someone else,
/// and to it by name, or without `to` when `party`'s role is `party` ([`Moves::made_to`]).
pub fn made_to_code(agenda: &Agenda, m: &Move, party: &PartyCode) -> bool {
    m.by != *party
        && if m.to.is_empty() {
            agenda.party(party).is_none_or(|p| p.role.is_party())
        } else {
            m.to.contains(party)
        }
}

/// A package's moves share their tracks: bundling security with trade across several
/// moves under one label is still a cross-track package.
fn widen_package_tracks(moves: &mut [AuditMove], table: &Table) {
    let mut by_package: FastMap<(Id, Id), Vec<Id>> = FastMap::default();
    for m in moves.iter() {
        if let Some(p) = m.package {
            let tracks = by_package.entry((m.by, p)).or_default();
            for track in table.tracks_of(&m.issues) {
                if !tracks.contains(&track) {
                    tracks.push(track);
                }
            }
        }
    }
    for m in moves.iter_mut() {
        if let Some(tracks) = m.package.and_then(|p| by_package.get(&(m.by, p))) {
            m.cross_track = tracks.len() >= 2;
        }
    }
}
