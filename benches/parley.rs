//! Criterion benchmarks of the hot paths over a synthetic journal (`parley::synth`):
//! one durable `log` into a large store, import, positions (checkpointed and full),
//! replay, audit, positions as of a late date, verify, and the HTML report of a
//! 10,000-move journal (issue 5: generated in under a second).
//!
//! Sizes stay at 10^4–10^5 events so `cargo bench` ends in a few minutes; the 10^6
//! figures come from `benches/compare.sh`. Set `PARLEY_BENCH_EVENTS` to change the size.

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use parley::journal::{Appender, ImportOptions, import, recorded_events, verify};
use parley::model::{Slug, parse_instant};
use parley::projection::audit::{Rubric, audit};
use parley::projection::replay::replay;
use parley::projection::{Timeline, ViewSpec};
use parley::store::{Access, Log, Store};
use parley::synth::{SynthOptions, journal};
use parley::views;
use serde_json::json;

const SLUG: &str = "synth-7-0";

fn events() -> u64 {
    std::env::var("PARLEY_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000)
}

fn options() -> ImportOptions {
    ImportOptions {
        negotiation: None,
        dry_run: false,
        now: parse_instant("2026-12-01T00:00:00Z").unwrap(),
        recorder: "bench".into(),
    }
}

fn text(events: u64) -> String {
    journal(&SynthOptions {
        events,
        seed: 7,
        negotiations: 1,
    })
}

fn store_with(dir: &std::path::Path, text: &str) -> Store {
    let store = Store::open(dir, Access::Write, Duration::from_secs(5)).unwrap();
    import(&store, text.as_bytes(), "bench", &options()).unwrap();
    store
}

fn bench_import(c: &mut Criterion) {
    let text = text(events() / 5);
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function(format!("{} events", events() / 5), |b| {
        b.iter_batched(
            || tempfile::tempdir().unwrap(),
            |dir| store_with(&dir.path().join("s"), &text),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn bench_views(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with(&dir.path().join("s"), &text(events()));
    let meta = store.require(SLUG).unwrap();
    let late = meta.last_at.as_ref().unwrap().millis() - 10 * 86_400_000;
    let mut group = c.benchmark_group(format!("views over {} events", events()));
    group.sample_size(10);
    // The first call writes the checkpoint; the measured ones use it.
    views::positions(&store, SLUG, ViewSpec::default()).unwrap();
    group.bench_function("positions (checkpointed)", |b| {
        b.iter(|| views::positions(&store, SLUG, ViewSpec::default()).unwrap())
    });
    let as_of = ViewSpec {
        as_of: Some(late),
        known_at: None,
    };
    group.bench_function("positions --as-of late (checkpointed)", |b| {
        b.iter(|| views::positions(&store, SLUG, as_of).unwrap())
    });
    group.bench_function("positions (full replay)", |b| {
        b.iter(|| {
            let timeline = views::timeline(&store, SLUG, ViewSpec::default()).unwrap();
            parley::projection::positions::Positions::of(&timeline)
        })
    });
    group.bench_function("replay", |b| {
        b.iter(|| {
            let timeline = views::timeline(&store, SLUG, ViewSpec::default()).unwrap();
            replay(&timeline).len()
        })
    });
    group.bench_function("audit", |b| {
        b.iter(|| {
            let timeline = views::timeline(&store, SLUG, ViewSpec::default()).unwrap();
            audit(&timeline, &Rubric::default())
        })
    });
    group.bench_function("verify", |b| b.iter(|| verify(&store, &meta).unwrap()));
    group.bench_function("decode every event", |b| {
        b.iter(|| recorded_events(&store, &meta).unwrap().len())
    });
    group.bench_function("timeline build", |b| {
        let records = recorded_events(&store, &meta).unwrap();
        b.iter_batched(
            || records.clone(),
            |records| Timeline::build(meta.slug.clone(), records, ViewSpec::default()),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

fn bench_log(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with(&dir.path().join("s"), &text(events()));
    let slug = Slug::parse(SLUG).unwrap();
    let by = store.require(SLUG).unwrap().agenda.parties[0]
        .code
        .to_string();
    let now = parse_instant("2026-12-01T00:00:00Z").unwrap();
    let mut group = c.benchmark_group(format!("log into {} events", events()));
    group.sample_size(20);
    group.bench_function("one durable log", |b| {
        b.iter(|| {
            let mut appender = Appender::new(&store, now, "bench".into()).unwrap();
            let line = json!({"kind": "offer", "by": by, "issue": "issue-01", "position": 50,
                "summary": "a bench move", "at": "2026-11-30"});
            appender
                .append(line.as_object().unwrap().clone(), Some(&slug))
                .unwrap();
            appender.commit().unwrap()
        })
    });
    group.finish();
}

/// What `parley report` does once the events are read: the timeline, the audit, the page.
fn bench_report(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with(&dir.path().join("s"), &text(10_000));
    let records = recorded_events(&store, &store.require(SLUG).unwrap()).unwrap();
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.bench_function("10,000 events: timeline, audit and page", |b| {
        b.iter_batched(
            || records.clone(),
            |records| {
                let timeline =
                    Timeline::build(Slug::parse(SLUG).unwrap(), records, ViewSpec::default());
                let audit = audit(&timeline, &Rubric::default());
                parley::report::report_html(&timeline, None, Some(&audit)).len()
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_log, bench_views, bench_import, bench_report);
criterion_main!(benches);
