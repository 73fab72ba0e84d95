//! The fast decode views use (`Stored`) reads every stored event exactly as the strict
//! decode the write path and `verify` use (`Recorded`): same envelope, same event; and
//! the fast reading of authored lines (`FastLine`) reads every move field of the schema
//! as the strict one does.

use std::time::Duration;

use parley::journal::{ImportOptions, import, recorded_events};
use parley::model::{CanonicalFields, Event, FastLine, Field, LineCache, Recorded, parse_instant};
use parley::store::{Access, Log, Store};
use parley::synth::{SynthOptions, journal};
use serde_json::{Map, Value, json};

use crate::common::bundled;

fn imported(text: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s"), Access::Write, Duration::from_secs(1)).unwrap();
    let options = ImportOptions {
        negotiation: None,
        dry_run: false,
        now: parse_instant("2026-12-01T00:00:00Z").unwrap(),
        recorder: "decode-test".into(),
    };
    import(&store, text.as_bytes(), "journal", &options).unwrap();
    (dir, store)
}

/// Checks every stored event of every negotiation; returns how many there were.
fn both_decodes_agree(store: &Store) -> usize {
    let mut checked = 0;
    for meta in store.negotiations().unwrap() {
        let fast = recorded_events(store, &meta).unwrap();
        let mut seq = 0;
        store
            .scan(&meta, 1, &mut |_, bytes| {
                let strict = Recorded::decode(bytes).unwrap();
                let stored = &fast[seq];
                assert_eq!(stored.envelope, strict.envelope, "{}", meta.slug);
                assert_eq!(stored.event, strict.event, "{} seq {}", meta.slug, seq + 1);
                assert_eq!(stored.raw(), strict.raw);
                seq += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(seq, fast.len());
        checked += seq;
    }
    checked
}

#[test]
fn the_bundled_journals_decode_the_same_both_ways() {
    for name in [
        "korea-us-2025.ndjson",
        "korea-us-sma-2019-2021.ndjson",
        "six-party-talks-2003-2009.ndjson",
    ] {
        let text = std::fs::read_to_string(bundled(name)).unwrap();
        let (_dir, store) = imported(&text);
        assert!(both_decodes_agree(&store) > 10, "{name}");
    }
}

#[test]
fn a_generated_journal_decodes_the_same_both_ways_across_threads() {
    // Large enough that the read decodes in batches on several threads.
    let options = SynthOptions {
        events: 12_000,
        seed: 11,
        negotiations: 2,
    };
    let (_dir, store) = imported(&journal(&options));
    assert_eq!(both_decodes_agree(&store), 12_000);
}

/// A value for each field of a move, other than what the base move has; a field added
/// to the schema without one here fails the test below, so that both readers are shown
/// to read it.
fn sample(field: Field) -> Value {
    match field {
        Field::Kind => json!("meeting"),
        Field::At => json!("2025-07-30T16:05:00-04:00"),
        Field::Negotiation => json!("kr-us"),
        Field::Summary => json!("Korea offers \"15%\" \u{e9}"),
        Field::Ref => json!("m9"),
        Field::Source => json!("press\npool"),
        Field::By => json!("US"),
        Field::To => json!(["US"]),
        Field::Issue => json!("autos"),
        Field::Issues => json!(["tariff", "autos"]),
        Field::Position => json!(15),
        Field::Positions => json!({"tariff": 15, "autos": 12.5}),
        Field::Terms => json!("15% on\neverything"),
        Field::Channel => json!("public"),
        Field::Level => json!("minister"),
        Field::Speaker => json!("Minister"),
        Field::Reversibility => json!("binding"),
        Field::RespondsTo => json!("m1"),
        Field::ConditionalOn => json!(["m1", "autos"]),
        Field::Package => json!("july"),
        Field::Tags => json!("july"),
        other => panic!("no sample value for the move field {other:?}: add one"),
    }
}

/// The base move each field is added to, and the move with `field` set.
fn move_with(field: Field) -> Map<String, Value> {
    let mut line = json!({"kind": "statement", "at": "2025-07-30", "by": "KR", "summary": "x"});
    let map = line.as_object_mut().unwrap();
    if field == Field::Position {
        map.insert("issue".into(), json!("tariff"));
    }
    map.insert(field.name().into(), sample(field));
    map.clone()
}

#[test]
fn the_strict_and_fast_readers_agree_on_every_move_field() {
    let base = json!({"kind": "statement", "at": "2025-07-30", "by": "KR", "summary": "x"});
    let base = Event::from_map(base.as_object().unwrap()).unwrap();
    let fields: Vec<Field> = Field::EVENT.iter().chain(Field::MOVE).copied().collect();
    let opening = json!({"kind": "opening", "negotiation": "kr-us", "at": "2025-07-01",
        "title": "Talks", "summary": "Talks open",
        "parties": [{"code": "KR", "name": "Korea"}, {"code": "US", "name": "United States"}],
        "issues": [{"key": "tariff", "title": "Tariff"}, {"key": "autos", "title": "Autos"}]});
    let answered = json!({"kind": "offer", "negotiation": "kr-us", "at": "2025-07-29",
        "by": "US", "issue": "tariff", "position": 25, "summary": "US asks 25%", "ref": "m1"});
    let mut journal = format!("{opening}\n{answered}\n");
    for field in fields {
        let map = move_with(field);
        let text = serde_json::to_string(&map).unwrap();
        // The authored reading of an import: the fast reader against the strict one.
        let strict = Event::from_map(&map).unwrap_or_else(|e| panic!("{text}: {e}"));
        let fast = FastLine::read(&text, &mut LineCache::default())
            .unwrap_or_else(|| panic!("{field:?}: the fast reader refused {text}"));
        assert_eq!(fast.event, strict, "{field:?}");
        assert_eq!(
            fast.fields.fingerprint(),
            CanonicalFields::from_map(&map).fingerprint(),
            "{field:?}"
        );
        assert_ne!(strict, base, "{field:?} changes nothing the readers read");
        let mut stored = map;
        stored.insert("negotiation".into(), json!("kr-us"));
        journal += &format!("{}\n", Value::Object(stored));
    }
    // The stored reading of views: every one of those moves decodes the same both ways.
    let (_dir, store) = imported(&journal);
    assert_eq!(
        both_decodes_agree(&store),
        2 + Field::EVENT.len() + Field::MOVE.len()
    );
}
