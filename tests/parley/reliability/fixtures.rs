//! Format stability: tests/fixtures/v1/ holds journals in format v1, authored and recorded
//! (the recorded one is the export of the authored one, made once). Every later parley must
//! import and verify both, and export the recorded one byte for byte as it is.
//! Never regenerate these files: a change that breaks this test breaks the format.

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::common::TestEnv;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/v1")
        .join(name)
}

/// What the first import of either fixture prints, its path written `FIXTURE`.
const IMPORTED: &str = "FIXTURE: 19 event lines; added 19, 0 already in the store
negotiation  added  seq
fixture-v1      19  1–19
";

/// An environment whose clock is after the fixtures were recorded.
fn env() -> TestEnv {
    let mut env = TestEnv::new();
    env.now = "2026-01-15T09:00:00Z".into();
    env
}

#[test]
fn the_recorded_v1_fixture_imports_verifies_and_exports_byte_for_byte() {
    let env = env();
    let path = fixture("recorded.ndjson");
    let file = path.to_str().unwrap();
    let first = env
        .run(&["import", file])
        .ok()
        .stdout
        .replace(file, "FIXTURE");
    assert_eq!(first, IMPORTED);
    assert_eq!(
        env.run(&["verify"]).ok().stdout,
        "negotiation  events  chain  head hash\n\
         fixture-v1       19  ok     01a6fa10386e26e6\n"
    );
    let original = std::fs::read_to_string(&path).unwrap();
    assert_eq!(env.export("fixture-v1"), original);
    let again = env
        .run(&["import", file])
        .ok()
        .stdout
        .replace(file, "FIXTURE");
    assert_eq!(
        again,
        "FIXTURE: 19 event lines; added 0, 19 already in the store\n"
    );
}

/// A recorded line without its envelope: what the record-keeper wrote.
fn authored_content(line: &str) -> Map<String, Value> {
    let mut map: Map<String, Value> = serde_json::from_str(line).unwrap();
    for field in parley::model::ENVELOPE_FIELDS {
        map.remove(field);
    }
    map.remove("negotiation");
    map
}

#[test]
fn the_authored_v1_fixture_imports_verifies_and_records_the_same_content() {
    let env = env();
    let path = fixture("authored.ndjson");
    let file = path.to_str().unwrap();
    let run = env.run(&["import", file]).ok();
    assert_eq!(run.stdout.replace(file, "FIXTURE"), IMPORTED);
    // Recorded afresh at this clock: the same content under a new envelope and hash.
    assert_eq!(
        env.run(&["verify"]).ok().stdout,
        "negotiation  events  chain  head hash\n\
         fixture-v1       19  ok     1bea00c4c0e5f650\n"
    );
    let now = env.export("fixture-v1");
    let then = std::fs::read_to_string(fixture("recorded.ndjson")).unwrap();
    assert_eq!(now.lines().count(), then.lines().count());
    for (n, (a, b)) in now.lines().zip(then.lines()).enumerate() {
        assert_eq!(authored_content(a), authored_content(b), "event {}", n + 1);
    }
}

#[test]
fn every_recorded_v1_line_says_schema_1() {
    let text = std::fs::read_to_string(fixture("recorded.ndjson")).unwrap();
    for line in text.lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        assert_eq!(value["schema"], 1, "{line}");
    }
}
