//! Times the posture audit alone (issue 7): loads one negotiation's timeline once, then
//! runs `audit::audit` a few times and prints each run and the median, so the audit's
//! own cost can be told from the timeline build's. CPU time is shown beside wall time:
//! on a shared machine the wall time also says how busy the other jobs were.
//!
//! `cargo run --release --example audit_probe -- STORE SLUG [RUNS]`

use std::time::{Duration, Instant};

use parley::projection::ViewSpec;
use parley::projection::audit::{Moves, Rubric, audit};
use parley::store::{Access, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [store, slug, rest @ ..] = args.as_slice() else {
        return Err("usage: audit_probe STORE SLUG [RUNS]".into());
    };
    let runs: usize = rest.first().map_or(Ok(5), |r| r.parse())?;
    let store = Store::open(store.as_ref(), Access::Read, Duration::from_secs(5))?;
    let started = Instant::now();
    let timeline = parley::views::timeline(&store, slug, ViewSpec::default())?;
    println!(
        "timeline: {} entries in {:.3} s",
        timeline.entries.len(),
        started.elapsed().as_secs_f64()
    );
    let rubric = Rubric::default();
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for run in 1..=runs.max(1) {
        let (started, cpu_before) = (Instant::now(), cpu_seconds());
        let moves = Moves::new(&timeline).all.len();
        let moves_cpu = cpu_seconds() - cpu_before;
        let (started_audit, cpu_before) = (Instant::now(), cpu_seconds());
        let report = audit(&timeline, &rubric);
        wall.push(started_audit.elapsed().as_secs_f64());
        cpu.push(cpu_seconds() - cpu_before);
        println!(
            "run {run}: audit {:.3} s wall, {:.3} s cpu ({} sides); Moves::new alone ({moves} moves) {moves_cpu:.3} s cpu; both {:.3} s wall",
            wall[run - 1],
            cpu[run - 1],
            report.sides.len(),
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "median: audit {:.3} s wall, {:.3} s cpu",
        median(&mut wall),
        median(&mut cpu)
    );
    Ok(())
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// CPU time this thread has run, from /proc (0 where /proc has no schedstat).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}
