//! Arbitrary input into the line reader and the importer (the fuzz targets' properties,
//! in the normal test run): never a panic, and every refusal names the file and line.
//! A dry run never changes the store, whatever it is given.

use std::sync::OnceLock;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use parley::journal::{Lines, import};
use parley::model::{Event, Recorded};
use parley::store::{Access, Log, Store};

use super::options;
use crate::common::OPENING;

/// One store for every case (a dry run writes nothing), holding `t` with a move `o1`.
fn store() -> &'static Store {
    static STORE: OnceLock<(tempfile::TempDir, Store)> = OnceLock::new();
    &STORE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&dir.path().join("s"), Access::Write, Duration::from_secs(30)).unwrap();
            let text = format!(
                "{OPENING}\n{}\n",
                r#"{"kind":"offer","at":"2025-03-10","by":"KR","issue":"tariff","position":12,"summary":"o","ref":"o1"}"#
            );
            import(&store, text.as_bytes(), "seed.ndjson", &options(false)).unwrap();
            (dir, store)
        })
        .1
}

/// Imports `text` as a dry run; the error, if any, must name the file and a line.
fn dry_import(text: &[u8]) -> Result<(), TestCaseError> {
    let head = store().require("t").unwrap().head;
    if let Err(e) = import(store(), text, "g.ndjson", &options(true)) {
        let message = e.to_string();
        let line = message
            .strip_prefix("g.ndjson:")
            .and_then(|rest| rest.split(':').next());
        prop_assert!(
            line.is_some_and(|n| n.parse::<usize>().is_ok()),
            "the error does not name the line: {}",
            message
        );
    }
    prop_assert_eq!(store().require("t").unwrap().head, head, "a dry run wrote");
    Ok(())
}

/// JSON values of every shape, nested a few levels.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "KR",
            "US",
            "JP",
            "tariff",
            "o1",
            "2025-04-01",
            "offer",
            "amend"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(field(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Field names from the format, and some that are not.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "kind",
            "at",
            "by",
            "to",
            "issue",
            "issues",
            "summary",
            "position",
            "positions",
            "terms",
            "channel",
            "level",
            "reversibility",
            "responds_to",
            "conditional_on",
            "ref",
            "target",
            "action",
            "changes",
            "reason",
            "note",
            "label",
            "parties",
            "issues",
            "code",
            "name",
            "key",
            "title",
            "prefer",
            "negotiation",
            "id",
            "seq",
            "hash",
            "prev_hash",
            "schema",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ]
}

/// A valid move with some fields replaced by arbitrary values.
fn mutated_move() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(field(), any_json(), 1..4).prop_map(|changes| {
        let mut map = json!({"kind": "offer", "negotiation": "t", "at": "2025-04-01", "by": "KR",
                             "issue": "tariff", "position": 10, "summary": "s"})
        .as_object()
        .unwrap()
        .clone();
        map.extend(changes);
        map
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_read_as_lines_decode_or_fail_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for line in Lines::new(bytes.as_slice()) {
            let line = line.unwrap();
            if let Ok(map) = line.content {
                let _ = Event::from_map(&map);
                let _ = Recorded::from_map(map);
            }
        }
    }

    #[test]
    fn any_text_imported_is_refused_naming_the_line_or_accepted(text in "(\\PC|\n|\r|\\{|\\}|\"|:|,){0,300}") {
        dry_import(text.as_bytes())?;
    }

    #[test]
    fn any_json_object_imported_is_refused_naming_the_line_or_accepted(
        lines in prop::collection::vec(prop::collection::btree_map(field(), any_json(), 0..8), 1..4)
    ) {
        let text: String = lines.iter().map(|m| format!("{}\n", json!(m))).collect();
        dry_import(text.as_bytes())?;
    }

    #[test]
    fn a_valid_move_with_arbitrary_fields_is_refused_naming_the_line_or_accepted(map in mutated_move()) {
        dry_import(format!("{}\n", Value::Object(map)).as_bytes())?;
    }
}
