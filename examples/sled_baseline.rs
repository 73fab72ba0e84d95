//! The obvious design, for comparison: one sled key per event, its JSON as the value,
//! an `apply_batch` every 100,000 events. No validation, no envelope, no hash chain: it
//! does strictly less work than `parley import`, so a ratio against it is conservative.
//!
//! ```sh
//! cargo run --release --example sled_baseline -- import big.ndjson /tmp/baseline-store
//! cargo run --release --example sled_baseline -- scan /tmp/baseline-store
//! ```

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [mode, file, dir] if mode == "import" => import(file, dir),
        [mode, dir] if mode == "scan" => scan(dir),
        _ => Err("usage: sled_baseline import FILE DIR | sled_baseline scan DIR".into()),
    }
}

fn import(file: &str, dir: &str) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let db = sled::open(dir)?;
    let events = db.open_tree("events")?;
    let mut streams: HashMap<String, (u32, u64)> = HashMap::new();
    let mut batch = sled::Batch::default();
    let mut pending = 0;
    for line in BufReader::with_capacity(1 << 20, File::open(file)?).lines() {
        let line = line?;
        let value: serde_json::Value = serde_json::from_str(&line)?;
        let slug = value["negotiation"]
            .as_str()
            .unwrap_or("default")
            .to_owned();
        let next = streams.len() as u32;
        let (stream, seq) = streams.entry(slug).or_insert((next, 0));
        *seq += 1;
        let mut key = [0u8; 12];
        key[..4].copy_from_slice(&stream.to_be_bytes());
        key[4..].copy_from_slice(&seq.to_be_bytes());
        batch.insert(&key, serde_json::to_vec(&value)?);
        pending += 1;
        if pending == 100_000 {
            events.apply_batch(std::mem::take(&mut batch))?;
            pending = 0;
        }
    }
    events.apply_batch(batch)?;
    db.flush()?;
    eprintln!("baseline import: {:.3} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn scan(dir: &str) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let db = sled::open(dir)?;
    let events = db.open_tree("events")?;
    let opened = started.elapsed().as_secs_f64();
    let mut count = 0u64;
    for entry in events.iter() {
        let (_, value) = entry?;
        let _: serde_json::Value = serde_json::from_slice(&value)?;
        count += 1;
    }
    eprintln!(
        "baseline scan: {count} events, open {opened:.3} s, total {:.3} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
