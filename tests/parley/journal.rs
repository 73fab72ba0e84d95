//! The journal core: recording, import and export, corrections, verify, concurrency.

use crate::common::*;

#[test]
fn log_prints_seq_and_id_and_events_shows_the_move() {
    let env = TestEnv::new();
    env.import(&journal(&[]));
    let run = env
        .run(&[
            "log",
            "t",
            "offer",
            "--by",
            "KR",
            "--issue",
            "tariff",
            "--position",
            "10",
            "--summary",
            "Korea offers 10%",
            "--at",
            "2025-04-01",
        ])
        .ok();
    assert!(run.stdout.starts_with("t seq 2  id "), "{}", run.stdout);
    let events = env.run(&["events", "t"]).ok().stdout;
    assert!(events.contains("Korea offers 10%"), "{events}");
}

#[test]
fn every_bundled_journal_imports_verifies_and_reimports_as_nothing() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("journals");
    let mut journals: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    journals.sort();
    assert!(
        journals.len() >= 2,
        "the project bundles at least two journals"
    );
    for path in journals {
        let mut env = TestEnv::new();
        env.now = "2026-01-15T09:00:00Z".into();
        let file = path.to_str().unwrap();
        let first = env.run(&["import", file]).ok().stdout;
        assert!(first.contains("0 already in the store"), "{first}");
        env.run(&["verify"]).ok();
        let again = env.run(&["import", file]).ok().stdout;
        assert!(
            again.contains("added 0,"),
            "re-import adds nothing: {again}"
        );
    }
}
