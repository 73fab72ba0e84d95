//! Times the stages of a full view in one process: opening the store, reading the log
//! (segments decompressed, nothing decoded), reading and decoding it, building the timeline, the positions fold, the audit, and freeing
//! the timeline. The figures in docs/benchmarks.md ("where a full view spends it") come
//! from it.
//!
//! ```sh
//! cargo run --release --example view_probe -- STORE SLUG [--audit]
//! ```

use std::process::ExitCode;
use std::time::{Duration, Instant};

use parley::model::Stored;
use parley::projection::audit::{Rubric, audit};
use parley::projection::positions::Positions;
use parley::projection::{Entry, Timeline, ViewSpec};
use parley::store::{Access, Log, Store};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [store, slug, rest @ ..] = args.as_slice() else {
        eprintln!("usage: view_probe STORE SLUG [--audit]");
        return ExitCode::from(2);
    };
    match probe(store, slug, rest.iter().any(|a| a == "--audit")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("view_probe: {e}");
            ExitCode::FAILURE
        }
    }
}

fn probe(dir: &str, slug: &str, with_audit: bool) -> parley::Result<()> {
    println!(
        "sizes: Stored {} B, Entry {} B",
        size_of::<Stored>(),
        size_of::<Entry>()
    );
    let started = Instant::now();
    let store = Store::open(dir.as_ref(), Access::Read, Duration::from_secs(1))?;
    let meta = store.require(slug)?;
    stage("open", started);
    let started = Instant::now();
    let mut bytes = 0;
    store.scan(&meta, 1, &mut |_, event| {
        bytes += event.len();
        Ok(())
    })?;
    stage(&format!("read only ({} MB)", bytes >> 20), started);
    let started = Instant::now();
    let records = parley::journal::recorded_events(&store, &meta)?;
    stage(
        &format!("read and decode {} events", records.len()),
        started,
    );
    let started = Instant::now();
    let timeline = Timeline::build(meta.slug.clone(), records, ViewSpec::default());
    stage("timeline", started);
    let started = Instant::now();
    std::hint::black_box(Positions::of(&timeline));
    stage("positions fold", started);
    if with_audit {
        let started = Instant::now();
        std::hint::black_box(audit(&timeline, &Rubric::default()));
        stage("audit", started);
    }
    let started = Instant::now();
    drop(timeline);
    stage("free the timeline", started);
    Ok(())
}

fn stage(name: &str, started: Instant) {
    println!(
        "{name:<32} {:>8.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
}
