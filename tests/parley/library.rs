//! The library API, without the binary: the write path and the timeline views.

use std::time::Duration;

use parley::journal::{Appender, ImportOptions, Outcome, import};
use parley::model::{Kind, Slug, parse_bound, parse_instant};
use parley::projection::{Timeline, ViewSpec};
use parley::store::{Access, Log, Store};
use parley::views;
use serde_json::{Map, Value, json};

use crate::common::OPENING;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(
        &dir.path().join("store"),
        Access::Write,
        Duration::from_secs(1),
    )
    .unwrap();
    (dir, store)
}

fn object(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

/// Appends `lines` at clock `now` and commits them.
fn record(store: &Store, now: &str, lines: &[Value]) -> Vec<Outcome> {
    let mut appender = Appender::new(store, parse_instant(now).unwrap(), "tester".into()).unwrap();
    let slug = Slug::parse("t").unwrap();
    let outcomes = lines
        .iter()
        .map(|l| appender.append(object(l.clone()), Some(&slug)).unwrap())
        .collect();
    appender.commit().unwrap();
    outcomes
}

fn tariff_of(timeline: &Timeline, by: &str) -> Option<f64> {
    timeline
        .moves()
        .filter_map(|e| e.event.as_move())
        .filter(|m| m.by.as_str() == by)
        .filter_map(|m| m.positions.first().map(|(_, v)| *v))
        .last()
}

fn view(store: &Store, as_of: Option<&str>, known_at: Option<&str>) -> Timeline {
    let spec = ViewSpec {
        as_of: as_of.map(|d| parse_bound(d).unwrap()),
        known_at: known_at.map(|d| parse_instant(d).unwrap()),
    };
    views::timeline(store, "t", spec).unwrap()
}

fn opening() -> Value {
    serde_json::from_str(OPENING).unwrap()
}

#[test]
fn an_amend_is_a_new_event_and_known_at_before_it_shows_the_original() {
    let (_dir, store) = store();
    record(
        &store,
        "2025-04-01T00:00:00Z",
        &[
            opening(),
            json!({"kind": "offer", "at": "2025-03-10", "by": "KR", "issue": "tariff", "position": 10, "summary": "Korea offers 10%", "ref": "o1"}),
        ],
    );
    let outcomes = record(
        &store,
        "2025-05-01T00:00:00Z",
        &[
            json!({"kind": "correction", "at": "2025-05-01", "target": "o1", "action": "amend", "changes": {"position": 12}, "reason": "misread"}),
        ],
    );
    assert!(matches!(outcomes[0], Outcome::Appended { seq: 3, .. }));
    assert_eq!(tariff_of(&view(&store, None, None), "KR"), Some(12.0));
    assert_eq!(
        tariff_of(&view(&store, None, Some("2025-04-15T00:00:00Z")), "KR"),
        Some(10.0)
    );
    let timeline = view(&store, Some("2025-03-31"), None);
    assert_eq!(
        tariff_of(&timeline, "KR"),
        Some(12.0),
        "as-of applies every correction recorded so far"
    );
}

#[test]
fn a_void_hides_the_event_and_voiding_the_void_restores_it() {
    let (_dir, store) = store();
    record(
        &store,
        "2025-04-01T00:00:00Z",
        &[
            opening(),
            json!({"kind": "offer", "at": "2025-03-10", "by": "KR", "issue": "tariff", "position": 10, "summary": "Korea offers 10%", "ref": "o1"}),
            json!({"kind": "correction", "at": "2025-04-01", "target": "o1", "action": "void", "reason": "duplicate", "ref": "v1"}),
        ],
    );
    let timeline = view(&store, None, None);
    assert_eq!(tariff_of(&timeline, "KR"), None);
    assert_eq!(timeline.voided, vec![(2, 3)]);
    record(
        &store,
        "2025-04-02T00:00:00Z",
        &[
            json!({"kind": "correction", "at": "2025-04-02", "target": "v1", "action": "void", "reason": "it was not a duplicate", "ref": "v2"}),
        ],
    );
    assert_eq!(tariff_of(&view(&store, None, None), "KR"), Some(10.0));
    record(
        &store,
        "2025-04-03T00:00:00Z",
        &[
            json!({"kind": "correction", "at": "2025-04-03", "target": "v2", "action": "void", "reason": "it was a duplicate after all"}),
        ],
    );
    assert_eq!(
        tariff_of(&view(&store, None, None), "KR"),
        None,
        "voiding the void of the void hides the offer again"
    );
}

#[test]
fn a_late_recorded_move_takes_its_place_in_valid_time() {
    let (_dir, store) = store();
    record(
        &store,
        "2025-04-01T00:00:00Z",
        &[
            opening(),
            json!({"kind": "offer", "at": "2025-03-20", "by": "KR", "issue": "tariff", "position": 10, "summary": "later offer"}),
        ],
    );
    record(
        &store,
        "2025-04-02T00:00:00Z",
        &[
            json!({"kind": "offer", "at": "2025-03-10", "by": "KR", "issue": "tariff", "position": 5, "summary": "earlier offer, logged late"}),
        ],
    );
    let timeline = view(&store, None, None);
    let seqs: Vec<u64> = timeline.moves().map(|e| e.seq()).collect();
    assert_eq!(seqs, [3, 2], "valid-time order, not recording order");
    assert_eq!(tariff_of(&timeline, "KR"), Some(10.0));
    assert_eq!(
        tariff_of(&view(&store, Some("2025-03-15"), None), "KR"),
        Some(5.0)
    );
}

#[test]
fn an_amend_that_would_make_an_invalid_event_is_refused() {
    let (_dir, store) = store();
    record(
        &store,
        "2025-04-01T00:00:00Z",
        &[
            opening(),
            json!({"kind": "offer", "at": "2025-03-10", "by": "KR", "issue": "tariff", "summary": "offer", "ref": "o1"}),
        ],
    );
    let mut appender = Appender::new(
        &store,
        parse_instant("2025-04-02T00:00:00Z").unwrap(),
        "t".into(),
    )
    .unwrap();
    let slug = Slug::parse("t").unwrap();
    let bad = json!({"kind": "correction", "at": "2025-04-02", "target": "o1", "action": "amend", "changes": {"issue": "fisheries"}, "reason": "x"});
    let err = appender
        .append(object(bad), Some(&slug))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("fisheries") && err.contains("not on the agenda"),
        "{err}"
    );
    let opening_amend = json!({"kind": "correction", "at": "2025-04-02", "target": "o1", "action": "amend", "changes": {"kind": "opening"}, "reason": "x"});
    assert!(appender.append(object(opening_amend), Some(&slug)).is_err());
}

#[test]
fn a_failed_import_writes_nothing_even_after_good_lines() {
    let (_dir, store) = store();
    let text = format!(
        "{OPENING}\n{}\n{}\n",
        r#"{"kind":"offer","at":"2025-03-10","by":"KR","issue":"tariff","summary":"fine"}"#,
        r#"{"kind":"offer","at":"2025-03-11","by":"JP","issue":"tariff","summary":"bad party"}"#
    );
    let options = ImportOptions {
        negotiation: None,
        dry_run: false,
        now: parse_instant("2025-04-01T00:00:00Z").unwrap(),
        recorder: "t".into(),
    };
    let err = import(&store, text.as_bytes(), "x.ndjson", &options)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "x.ndjson:3: by: party \"JP\" is not in negotiation t (parties: KR, US)"
    );
    assert!(store.negotiations().unwrap().is_empty());
}

#[test]
fn journal_entries_are_not_moves() {
    let (_dir, store) = store();
    record(
        &store,
        "2025-04-01T00:00:00Z",
        &[
            opening(),
            json!({"kind": "annotation", "at": "2025-03-02", "note": "a note"}),
            json!({"kind": "meeting", "at": "2025-03-03", "by": "US", "summary": "round one"}),
        ],
    );
    let timeline = view(&store, None, None);
    let kinds: Vec<Kind> = timeline.moves().map(|e| e.event.kind).collect();
    assert_eq!(kinds, [Kind::Meeting]);
    assert_eq!(timeline.agenda.party_list(), "KR, US");
}

#[test]
fn a_full_timeline_cut_at_a_date_is_the_view_built_for_that_date() {
    let options = parley::synth::SynthOptions {
        events: 3_000,
        seed: 5,
        negotiations: 1,
    };
    let (_dir, store) = store();
    let import_options = ImportOptions {
        negotiation: None,
        dry_run: false,
        now: parse_instant("2026-12-01T00:00:00Z").unwrap(),
        recorder: "tester".into(),
    };
    let text = parley::synth::journal(&options);
    import(&store, text.as_bytes(), "synth", &import_options).unwrap();
    let meta = store.negotiations().unwrap().remove(0);
    let records = parley::journal::recorded_events(&store, &meta).unwrap();
    let full = Timeline::build(meta.slug.clone(), records.clone(), ViewSpec::default());
    assert!(full.amendments_applied() > 0, "the journal has amendments");
    let ats: Vec<i64> = full.entries.iter().map(|e| e.event.at.millis()).collect();
    for at in [
        ats[0],
        ats[ats.len() / 3],
        ats[ats.len() / 2],
        ats[ats.len() - 40],
    ] {
        let spec = ViewSpec {
            as_of: Some(at),
            known_at: None,
        };
        let built = Timeline::build(meta.slug.clone(), records.clone(), spec);
        let cut = full.clone().until(at);
        assert_eq!(cut.entries, built.entries);
        assert_eq!(cut.agenda, built.agenda);
        assert_eq!(cut.spec, built.spec);
        assert_eq!(cut.amendments_applied(), built.amendments_applied());
        for entry in &built.entries {
            assert_eq!(
                cut.corrected_by(entry.seq()),
                built.corrected_by(entry.seq())
            );
        }
    }
}
