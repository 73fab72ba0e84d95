//! The reference index: the seq of the event a `ref` or `id` names, by the one rule the
//! write path enforces ([`id_named`]): a reference is first a ref, exactly as written
//! (case and all), then an id, in any form `uuid` reads (so in either case). Refs are
//! unique within a negotiation and no ref may be an existing event's id (`log` and
//! `import` refuse both), so at most one event answers; should two (a store written
//! otherwise), the later seq does.
//!
//! An index keeps only the references it was asked for: indexing every ref and id of a
//! million events costs more than the views that look a few of them up.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use crate::model::{Body, Envelope, Event, id_named};

/// Ref and id → seq, for the references some events name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RefIndex {
    labels: HashMap<String, u64>,
    ids: HashMap<Uuid, u64>,
}

impl RefIndex {
    /// Indexes, among `events`, those that the references in `wanted` name.
    pub fn of<'e>(
        wanted: impl IntoIterator<Item = &'e str>,
        events: impl IntoIterator<Item = (&'e Envelope, &'e Event)>,
    ) -> RefIndex {
        let wanted: HashSet<&str> = wanted.into_iter().collect();
        let mut index = RefIndex::default();
        if wanted.is_empty() {
            return index;
        }
        let ids: HashSet<Uuid> = wanted.iter().filter_map(|r| id_named(r)).collect();
        for (envelope, event) in events {
            let seq = envelope.seq;
            if let Some(label) = &event.label
                && wanted.contains(label.as_str())
            {
                keep_latest(index.labels.entry(label.clone()).or_insert(seq), seq);
            }
            if !ids.is_empty() && ids.contains(&envelope.id) {
                keep_latest(index.ids.entry(envelope.id).or_insert(seq), seq);
            }
        }
        index
    }

    /// Indexes the references `events` themselves name ([`named_by`]).
    pub fn within<'e>(
        events: impl IntoIterator<Item = (&'e Envelope, &'e Event)> + Clone,
    ) -> RefIndex {
        let wanted = events.clone().into_iter().filter_map(|(_, e)| named_by(e));
        RefIndex::of(wanted, events)
    }

    /// The seq of the event `reference` names: the event with that ref, else the event
    /// with that id.
    pub fn seq(&self, reference: &str) -> Option<u64> {
        self.labels
            .get(reference)
            .or_else(|| id_named(reference).and_then(|id| self.ids.get(&id)))
            .copied()
    }

    /// Whether `reference` names its event by ref (not by id).
    pub fn is_ref(&self, reference: &str) -> bool {
        self.labels.contains_key(reference)
    }
}

fn keep_latest(slot: &mut u64, seq: u64) {
    *slot = (*slot).max(seq);
}

/// The reference an event makes that a view resolves: a move's `responds_to`, an
/// annotation's or a correction's `target`.
pub fn named_by(event: &Event) -> Option<&str> {
    match &event.body {
        Body::Move(m) => m.responds_to.as_deref(),
        Body::Annotation(a) => a.target.as_deref(),
        Body::Correction(c) => Some(c.target.as_str()),
        Body::Agenda(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{At, Digest32, Kind, Slug};

    fn event(seq: u64, id: u128, label: Option<&str>) -> (Envelope, Event) {
        let envelope = Envelope {
            id: Uuid::from_u128(id),
            negotiation: Slug::parse("kr-us").unwrap(),
            seq,
            recorded_at: 0,
            recorded_by: "desk".into(),
            schema: 1,
            prev_hash: Digest32::ZERO,
            hash: Digest32::ZERO,
        };
        let event = Event {
            kind: Kind::Annotation,
            at: At::parse("2025-01-01").unwrap(),
            negotiation: None,
            summary: None,
            label: label.map(str::to_owned),
            source: None,
            body: Body::Annotation(crate::model::Annotation {
                note: "n".into(),
                target: None,
                label: None,
            }),
        };
        (envelope, event)
    }

    const ID: u128 = 0x01a2_3589_d5b2_7ec6_afdd_5ca3_9276_3173;
    const ID_TEXT: &str = "01a23589-d5b2-7ec6-afdd-5ca392763173";

    fn index(events: &[(Envelope, Event)], wanted: &[&str]) -> RefIndex {
        RefIndex::of(wanted.iter().copied(), events.iter().map(|(e, v)| (e, v)))
    }

    #[test]
    fn a_ref_is_exact_case_and_all() {
        let events = [event(1, 1, Some("m1")), event(2, 2, Some("M2"))];
        let refs = index(&events, &["m1", "M1", "M2", "m2"]);
        assert_eq!(
            ["m1", "M1", "M2", "m2"].map(|r| refs.seq(r)),
            [Some(1), None, Some(2), None]
        );
    }

    #[test]
    fn an_id_is_read_in_either_case_and_any_form_uuid_reads() {
        let events = [event(1, 7, Some("m1")), event(2, ID, None)];
        let upper = ID_TEXT.to_ascii_uppercase();
        let simple = ID_TEXT.replace('-', "");
        let braced = format!("{{{ID_TEXT}}}");
        let forms = [ID_TEXT, upper.as_str(), simple.as_str(), braced.as_str()];
        let refs = index(&events, &forms);
        assert_eq!(forms.map(|r| refs.seq(r)), [Some(2); 4]);
        assert!(!refs.is_ref(ID_TEXT));
        assert_eq!(refs.seq("01a23589-d5b2-7ec6-afdd-5ca39276317"), None);
    }

    #[test]
    fn a_ref_is_tried_before_an_id_even_when_it_looks_like_one() {
        let events = [event(1, 7, Some(ID_TEXT)), event(2, ID, None)];
        let refs = index(&events, &[ID_TEXT]);
        assert_eq!(refs.seq(ID_TEXT), Some(1), "the ref, not the id");
        assert!(refs.is_ref(ID_TEXT));
        let seven = Uuid::from_u128(7).to_string();
        let refs = index(&events, &[&seven]);
        assert_eq!(refs.seq(&seven), Some(1), "the same event by its id");
        assert!(!refs.is_ref(&seven));
    }

    #[test]
    fn only_the_wanted_references_are_kept_and_the_later_seq_answers() {
        let events = [
            event(1, 1, Some("a")),
            event(2, 2, Some("b")),
            event(3, 3, Some("a")),
        ];
        let refs = index(&events, &["a"]);
        assert_eq!((refs.seq("a"), refs.seq("b")), (Some(3), None));
        assert_eq!(index(&events, &[]), RefIndex::default());
    }
}
