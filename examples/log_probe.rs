//! Times the stages of one durable `log` (issue 7) inside the process: opening the store
//! (sled's recovery), appending, and the commit (its two flushes and the `fsync`s that
//! make it durable), so a slow `log` can be told apart from a slow process start or exit. It appends a real
//! statement to the negotiation, as `parley log` would.
//!
//! `cargo run --release --example log_probe -- STORE SLUG PARTY` (one `log` per process,
//! as the CLI does: run it in a loop for a series)

use std::time::{Duration, Instant};

use parley::journal::Appender;
use parley::model::{Slug, parse_instant};
use parley::store::{Access, Store, Upkeep};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [store, slug, party] = args.as_slice() else {
        return Err("usage: log_probe STORE SLUG PARTY".into());
    };
    let slug = Slug::parse(slug)?;
    let started = Instant::now();
    let store = Store::open_with(
        store.as_ref(),
        Access::Write,
        Duration::from_secs(5),
        Upkeep::None,
    )?;
    let opened = Instant::now();
    let now = parse_instant("2026-12-01T00:00:00Z")?;
    let mut appender = Appender::new(&store, now, "probe".into())?;
    let line =
        json!({"kind": "statement", "by": party, "at": "2001-06-01", "summary": "a timing probe"});
    appender.append(line.as_object().cloned().unwrap_or_default(), Some(&slug))?;
    let appended = Instant::now();
    appender.commit()?;
    let committed = Instant::now();
    // As `parley log` does: the append is durable, the exit closes the files.
    store.close_at_exit();
    let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
    println!(
        "open {:.1}  append {:.1}  commit (durable) {:.1}  in all {:.1} ms",
        ms(started, opened),
        ms(opened, appended),
        ms(appended, committed),
        ms(started, committed)
    );
    Ok(())
}
