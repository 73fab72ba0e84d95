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
