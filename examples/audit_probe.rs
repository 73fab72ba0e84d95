//! Times the posture audit alone (issue 7): loads one negotiation's timeline once, then
//! runs `audit::audit` a few times and prints each run and the median, so the audit's
//! own cost can be told from the timeline build's.
//!
//! `cargo run --release --example audit_probe -- STORE SLUG [RUNS]`

use std::time::{Duration, Instant};

use parley::projection::audit::{Rubric, audit};
use parley::projection::{ViewSpec, load};
use parley::store::{Access, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [store, slug, rest @ ..] = args.as_slice() else {
        return Err("usage: audit_probe STORE SLUG [RUNS]".into());
    };
    let runs: usize = rest.first().map_or(Ok(5), |r| r.parse())?;
    let store = Store::open(store.as_ref(), Access::Read, Duration::from_secs(5))?;
    let started = Instant::now();
    let timeline = load(&store, slug, ViewSpec::default())?;
    println!(
        "timeline: {} entries in {:.3} s",
        timeline.entries.len(),
        started.elapsed().as_secs_f64()
    );
    let rubric = Rubric::default();
    let mut times = Vec::new();
    for run in 1..=runs.max(1) {
        let started = Instant::now();
        let report = audit(&timeline, &rubric);
        let took = started.elapsed().as_secs_f64();
        println!(
            "run {run}: audit {took:.3} s ({} sides)",
            report.sides.len()
        );
        times.push(took);
    }
    times.sort_by(f64::total_cmp);
    println!("median: {:.3} s", times[times.len() / 2]);
    Ok(())
}
