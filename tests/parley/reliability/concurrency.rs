//! Concurrency: four processes logging 250 moves each into one store at once. Every
//! `log` must succeed (the only failure the CLI documents is running out of `--wait`,
//! and the wait here is generous), and the log must hold 1,000 new events, seq without
//! gaps, each exactly once.

use std::collections::BTreeSet;
use std::time::Duration;

use parley::journal::{recorded_events, verify};
use parley::store::{Access, Log, Store};

use crate::common::{TestEnv, journal};

const WRITERS: usize = 4;
const EACH: usize = 250;

#[test]
fn four_writers_at_once_give_one_gapless_log_and_no_failure() {
    let env = TestEnv::new();
    env.import(&journal(&[]));
    let env = &env;
    let failures: Vec<String> = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                scope.spawn(move || {
                    let mut failures = Vec::new();
                    for n in 0..EACH {
                        let summary = format!("writer {w} move {n}");
                        let args = [
                            "--wait",
                            "120",
                            "log",
                            "t",
                            "statement",
                            "--by",
                            "KR",
                            "--at",
                            "2025-04-01",
                            "--summary",
                            &summary,
                        ];
                        let run = env.run(&args);
                        if run.status != 0 {
                            failures
                                .push(format!("{summary}: exit {}: {}", run.status, run.stderr));
                        }
                    }
                    failures
                })
            })
            .collect();
        writers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} logs failed, e.g. {}",
        failures.len(),
        failures[0]
    );

    let store = Store::open(&env.store(), Access::Read, Duration::from_secs(5)).unwrap();
    let meta = store.require("t").unwrap();
    verify(&store, &meta).unwrap();
    let events = recorded_events(&store, &meta).unwrap();
    let seqs: Vec<u64> = events.iter().map(|e| e.envelope.seq).collect();
    let expected: Vec<u64> = (1..=1 + (WRITERS * EACH) as u64).collect();
    assert_eq!(seqs, expected, "seq 1 (the opening) to 1,001 without gaps");
    let summaries: BTreeSet<&str> = events[1..]
        .iter()
        .filter_map(|e| e.event.summary.as_deref())
        .collect();
    assert_eq!(summaries.len(), WRITERS * EACH, "each move exactly once");
}
