//! Properties over random journals: the bitemporal views agree with the log's history.

use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};

use parley::journal::{Appender, recorded_events};
use parley::model::Slug;
use parley::projection::positions::Positions;
use parley::projection::{Timeline, ViewSpec};
use parley::store::{Access, Log, Store};

use crate::common::OPENING;

/// One random step: a move with a number, or a correction of an earlier move.
#[derive(Clone, Debug)]
enum Step {
    Move { kr: bool, day: u32, position: u8 },
    Amend { target: usize, position: u8 },
    Void { target: usize },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (any::<bool>(), 1u32..60, 0u8..40).prop_map(|(kr, day, position)| Step::Move { kr, day, position }),
        1 => (any::<usize>(), 0u8..40).prop_map(|(target, position)| Step::Amend { target, position }),
        1 => any::<usize>().prop_map(|target| Step::Void { target }),
    ]
}

/// Records the steps one per minute; returns each step's recording instant.
fn record(store: &Store, steps: &[Step]) -> Vec<i64> {
    let slug = Slug::parse("t").unwrap();
    let start = parley::model::parse_instant("2025-06-01T00:00:00Z").unwrap();
    let mut instants = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let lines = std::iter::once(serde_json::from_str::<Value>(OPENING).unwrap()).chain(steps.iter().enumerate().filter_map(|(i, s)| {
        let line = match s {
            Step::Move { kr, day, position } => {
                labels.push(format!("m{i}"));
                json!({"kind": "offer", "at": format!("2025-03-{:02}", 1 + day % 28), "by": if *kr {"KR"} else {"US"},
                       "issue": "tariff", "position": position, "summary": "a move", "ref": format!("m{i}")})
            }
            Step::Amend { target, position } if !labels.is_empty() => json!({"kind": "correction", "at": "2025-05-01",
                "target": labels[target % labels.len()], "action": "amend", "changes": {"position": position}, "reason": "r"}),
            Step::Void { target } if !labels.is_empty() => json!({"kind": "correction", "at": "2025-05-01",
                "target": labels[target % labels.len()], "action": "void", "reason": "r"}),
            _ => return None,
        };
        Some(line)
    })).collect::<Vec<_>>();
    for (i, line) in lines.into_iter().enumerate() {
        let now = start + 60_000 * i as i64;
        let mut appender = Appender::new(store, now, "p".into()).unwrap();
        appender
            .append(line.as_object().unwrap().clone(), Some(&slug))
            .unwrap();
        appender.commit().unwrap();
        instants.push(now);
    }
    instants
}

fn view(records: &[parley::model::Stored], known_at: Option<i64>) -> Vec<Value> {
    let timeline = Timeline::build(
        Slug::parse("t").unwrap(),
        records.to_vec(),
        ViewSpec {
            as_of: None,
            known_at,
        },
    );
    let report = Positions::of(&timeline).report(&timeline.agenda);
    report.iter().map(|issue| json!({"sides": issue.sides.iter().map(|(p, s)| (p.to_string(), s.position)).collect::<Vec<_>>(), "gap": issue.gap})).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn known_at_just_before_an_event_equals_the_view_before_it(steps in prop::collection::vec(step(), 1..24)) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), Access::Write, Duration::from_secs(1)).unwrap();
        let instants = record(&store, &steps);
        let meta = store.require("t").unwrap();
        let records = recorded_events(&store, &meta).unwrap();
        for k in 1..records.len() {
            let before = view(&records[..k], None);
            let known = view(&records, Some(instants[k] - 1));
            prop_assert_eq!(before, known, "known-at just before seq {} differs from the view before it", k + 1);
        }
    }
}
