//! Writes a synthetic journal (see `parley::synth`) to standard output.
//!
//! ```sh
//! cargo run --release --example synth -- --events 1000000 --seed 7 > big.ndjson
//! ```

use std::io::{BufWriter, Write};

use clap::Parser;
use parley::synth::{SynthOptions, write_journal};

/// Write a synthetic journal in authored form, one event per line.
#[derive(Parser, Debug)]
struct Args {
    /// Event lines to write.
    #[arg(long, default_value_t = 1_000)]
    events: u64,
    /// The seed; the same flags always give the same bytes.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Negotiations to spread the events over.
    #[arg(long, default_value_t = 3)]
    negotiations: usize,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let options = SynthOptions {
        events: args.events,
        seed: args.seed,
        negotiations: args.negotiations,
    };
    let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    write_journal(&options, &mut out)?;
    out.flush()
}
