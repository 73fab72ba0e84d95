//! Checkpoints (issue 3, item 6): a checkpointed positions view equals a full replay, for
//! random journals with late-recorded moves, amendments of numbers and dates, voids, and
//! voids of corrections, at every seq, under `--as-of` and `--known-at` too.

use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};

use parley::journal::{Appender, recorded_events};
use parley::model::{Agenda, Slug, Stored};
use parley::projection::checkpoint::{self, Checkpoint};
use parley::projection::positions::Positions;
use parley::projection::{Timeline, ViewSpec};
use parley::store::{Access, Log, Store};
use parley::views;

use crate::common::OPENING;

const DAY: i64 = 86_400_000;

/// One random line of the journal.
#[derive(Clone, Debug)]
enum Step {
    /// A move on `tariff` or `autos` on day `day` of 2025 (so often earlier than moves
    /// already recorded).
    Move {
        kr: bool,
        autos: bool,
        day: u32,
        position: u8,
    },
    Amend {
        target: usize,
        position: u8,
    },
    /// Moves an earlier move to another day: across any checkpoint's cut.
    Redate {
        target: usize,
        day: u32,
    },
    Void {
        target: usize,
    },
    /// Voids an earlier correction, which undoes it.
    Undo {
        target: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (any::<bool>(), any::<bool>(), 0u32..300, 0u8..40)
            .prop_map(|(kr, autos, day, position)| Step::Move { kr, autos, day, position }),
        1 => (any::<usize>(), 0u8..40).prop_map(|(target, position)| Step::Amend { target, position }),
        1 => (any::<usize>(), 0u32..300).prop_map(|(target, day)| Step::Redate { target, day }),
        1 => any::<usize>().prop_map(|target| Step::Void { target }),
        1 => any::<usize>().prop_map(|target| Step::Undo { target }),
    ]
}

fn date(day: u32) -> String {
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    (start + chrono::Days::new(u64::from(day))).to_string()
}

/// The journal's lines: the opening, then the steps that have something to target.
fn lines(steps: &[Step]) -> Vec<Value> {
    let mut moves: Vec<String> = Vec::new();
    let mut corrections: Vec<String> = Vec::new();
    let mut out = vec![serde_json::from_str::<Value>(OPENING).unwrap()];
    for (i, s) in steps.iter().enumerate() {
        let pick = |list: &[String], t: usize| list[t % list.len()].clone();
        let correction = |target: String, body: Value| {
            let mut line = json!({"kind": "correction", "at": "2025-10-01", "target": target,
                "reason": "r", "ref": format!("c{i}")});
            for (k, v) in body.as_object().unwrap() {
                line[k] = v.clone();
            }
            line
        };
        let line = match s {
            Step::Move {
                kr,
                autos,
                day,
                position,
            } => {
                moves.push(format!("m{i}"));
                json!({"kind": "offer", "at": date(*day), "by": if *kr {"KR"} else {"US"},
                       "issue": if *autos {"autos"} else {"tariff"}, "position": position,
                       "summary": "a move", "ref": format!("m{i}")})
            }
            _ if moves.is_empty() => continue,
            Step::Amend { target, position } => correction(
                pick(&moves, *target),
                json!({"action": "amend", "changes": {"position": position}}),
            ),
            Step::Redate { target, day } => correction(
                pick(&moves, *target),
                json!({"action": "amend", "changes": {"at": date(*day)}}),
            ),
            Step::Void { target } => correction(pick(&moves, *target), json!({"action": "void"})),
            Step::Undo { .. } if corrections.is_empty() => continue,
            Step::Undo { target } => {
                correction(pick(&corrections, *target), json!({"action": "void"}))
            }
        };
        if line["kind"] == "correction" {
            corrections.push(format!("c{i}"));
        }
        out.push(line);
    }
    out
}

/// Records the lines one a day from 2025-01-01, so `at` and `recorded_at` interleave.
fn record(store: &Store, lines: Vec<Value>) {
    let slug = Slug::parse("t").unwrap();
    let start = parley::model::parse_instant("2025-01-01T12:00:00Z").unwrap();
    for (i, line) in lines.into_iter().enumerate() {
        let now = start + DAY * 300 + 60_000 * i as i64;
        let mut appender = Appender::new(store, now, "p".into()).unwrap();
        appender
            .append(line.as_object().unwrap().clone(), Some(&slug))
            .unwrap();
        appender.commit().unwrap();
    }
}

fn full(records: &[Stored], spec: ViewSpec) -> (Agenda, Positions) {
    let timeline = Timeline::build(Slug::parse("t").unwrap(), records.to_vec(), spec);
    (timeline.agenda.clone(), Positions::of(&timeline))
}

/// The agenda as recorded by events 1 … `records.len()`: what the store keeps as the
/// stream's, which a checkpointed view takes late issues from.
fn recorded(records: &[Stored]) -> Agenda {
    let timeline = Timeline::build(
        Slug::parse("t").unwrap(),
        records.to_vec(),
        ViewSpec::default(),
    );
    timeline.recorded_agenda().clone()
}

/// The views to compare: everything, as of several dates, known at several instants.
fn specs(records: &[Stored]) -> Vec<ViewSpec> {
    let mut out = vec![ViewSpec::default()];
    for r in records.iter().step_by(3) {
        out.push(ViewSpec {
            as_of: Some(r.event.at.millis()),
            known_at: None,
        });
        out.push(ViewSpec {
            as_of: None,
            known_at: Some(r.envelope.recorded_at),
        });
        out.push(ViewSpec {
            as_of: Some(r.event.at.millis() + 40 * DAY),
            known_at: Some(r.envelope.recorded_at),
        });
    }
    out
}

fn tail(records: &[Stored], cp: &Checkpoint, head: usize) -> Vec<Stored> {
    records[cp.tail_from as usize - 1..head].to_vec()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn a_checkpointed_view_equals_a_full_replay_at_every_seq(
        steps in prop::collection::vec(step(), 1..28),
        margin_days in 0i64..120,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), Access::Write, Duration::from_secs(1)).unwrap();
        record(&store, lines(&steps));
        let records = recorded_events(&store, &store.require("t").unwrap()).unwrap();
        let n = records.len();
        for built in 1..=n {
            let Some(cp) = checkpoint::build(&records[..built], margin_days * DAY) else { continue };
            for head in built..=n {
                for spec in specs(&records[..head]) {
                    if let Some(view) = checkpoint::resume(&cp, tail(&records, &cp, head), spec, &recorded(&records[..head])) {
                        prop_assert_eq!(&view, &full(&records[..head], spec),
                            "checkpoint built at seq {} (tail from {}), head {}, {:?}",
                            built, cp.tail_from, head, spec);
                    }
                }
            }
            // At the head it was built, the unbounded view is always served.
            prop_assert!(checkpoint::resume(&cp, tail(&records, &cp, built), ViewSpec::default(), &recorded(&records[..built])).is_some());
        }
    }

    #[test]
    fn a_checkpoint_changed_log_is_never_used(steps in prop::collection::vec(step(), 4..20)) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s"), Access::Write, Duration::from_secs(1)).unwrap();
        record(&store, lines(&steps));
        let records = recorded_events(&store, &store.require("t").unwrap()).unwrap();
        let Some(mut cp) = checkpoint::build(&records, 0) else { return Ok(()) };
        cp.hash.0[0] ^= 1;
        prop_assert!(checkpoint::resume(&cp, tail(&records, &cp, records.len()), ViewSpec::default(), &recorded(&records)).is_none());
        let mut stale = checkpoint::build(&records, 0).unwrap();
        stale.version += 1;
        prop_assert!(checkpoint::resume(&stale, tail(&records, &stale, records.len()), ViewSpec::default(), &recorded(&records)).is_none());
        prop_assert!(checkpoint::decode(&checkpoint::encode(&stale)).is_none());
    }
}

#[test]
fn the_store_serves_positions_from_its_checkpoint_and_agrees_with_a_full_replay() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s"), Access::Write, Duration::from_secs(1)).unwrap();
    let steps: Vec<Step> = (0..60u32)
        .map(|i| match i % 7 {
            3 => Step::Amend {
                target: i as usize,
                position: (i % 40) as u8,
            },
            5 => Step::Redate {
                target: i as usize * 3,
                day: (i * 37) % 300,
            },
            6 => Step::Void {
                target: i as usize * 5,
            },
            _ => Step::Move {
                kr: i % 2 == 0,
                autos: i % 3 == 0,
                day: (i * 5 + (i % 4) * 40) % 300,
                position: (i % 40) as u8,
            },
        })
        .collect();
    let slug = Slug::parse("t").unwrap();
    let start = parley::model::parse_instant("2025-01-01T12:00:00Z").unwrap();
    let mut served = 0;
    for (i, line) in lines(&steps).into_iter().enumerate() {
        let now = start + DAY * 300 + 60_000 * i as i64;
        let mut appender = Appender::new(&store, now, "p".into()).unwrap();
        appender
            .append(line.as_object().unwrap().clone(), Some(&slug))
            .unwrap();
        appender.commit().unwrap();
        let records = recorded_events(&store, &store.require("t").unwrap()).unwrap();
        for spec in [
            ViewSpec::default(),
            ViewSpec {
                as_of: Some(start + 280 * DAY),
                known_at: None,
            },
        ] {
            let view = views::positions(&store, "t", spec).unwrap();
            served += usize::from(view.from_checkpoint);
            assert_eq!(
                (view.agenda, view.positions),
                full(&records, spec),
                "after line {i}, {spec:?}"
            );
        }
    }
    assert!(served > 10, "the checkpoint served {served} views");
}

#[test]
fn a_damaged_checkpoint_reads_as_none() {
    let records: Vec<Stored> = Vec::new();
    assert!(checkpoint::build(&records, 0).is_none());
    assert!(checkpoint::decode(b"").is_none());
    assert!(checkpoint::decode(&[0, 0, 0, 1, 9, 9]).is_none());
}

#[test]
fn synthetic_journals_import_and_their_checkpoint_agrees() {
    let text = parley::synth::journal(&parley::synth::SynthOptions {
        events: 10_000,
        seed: 11,
        negotiations: 1,
    });
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s"), Access::Write, Duration::from_secs(1)).unwrap();
    let options = parley::journal::ImportOptions {
        negotiation: None,
        dry_run: false,
        now: parley::model::parse_instant("2026-12-01T00:00:00Z").unwrap(),
        recorder: "bench".into(),
    };
    let summary = parley::journal::import(&store, text.as_bytes(), "synth", &options).unwrap();
    assert_eq!(summary.lines, 10_000);
    for meta in store.negotiations().unwrap() {
        let records = recorded_events(&store, &meta).unwrap();
        let expected = {
            let t = Timeline::build(meta.slug.clone(), records.clone(), ViewSpec::default());
            (t.agenda.clone(), Positions::of(&t))
        };
        let first = views::positions(&store, meta.slug.as_str(), ViewSpec::default()).unwrap();
        let second = views::positions(&store, meta.slug.as_str(), ViewSpec::default()).unwrap();
        assert!(!first.from_checkpoint && second.from_checkpoint);
        assert_eq!((first.agenda, first.positions), expected);
        assert_eq!((second.agenda, second.positions), expected);
    }
}
