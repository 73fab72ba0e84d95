//! `parley replay`: the history move by move, each step with what it changed.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use serde_json::{Value, json};

use super::{Global, ViewFlags, io_error, print_json, stdout};
use parley::Result;
use parley::projection::load;
use parley::projection::replay::replay;
use parley::report::narrative;
use parley::store::Access;

/// The history in the order things happened (`at`, ties by seq), each step with what it
/// changed: positions and gaps before → after, issues added, corrections applied.
///
/// Example:
///   parley replay korea-us-2025
///   parley replay korea-us-2025 --as-of 2025-07-31 --step
///   parley replay korea-us-2025 --known-at 2025-08-01T00:00:00Z --json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ReplayArgs {
    /// The negotiation.
    slug: String,
    #[command(flatten)]
    view: ViewFlags,
    /// Wait for Enter between steps (when standard input is a terminal); q quits.
    #[arg(long)]
    step: bool,
    /// One JSON document: {"negotiation", "events": [recorded events, each with "changes"]}.
    #[arg(long)]
    json: bool,
}

/// Runs `replay`.
pub fn run(global: &Global, args: &ReplayArgs) -> Result<()> {
    let store = global.open(Access::Read)?;
    let timeline = super::kept_until_exit(load(&store, &args.slug, args.view.spec()?)?);
    drop(store);
    let steps = replay(&timeline);
    if args.json {
        let events: Vec<Value> = steps
            .iter()
            .map(|step| {
                let mut raw = step.entry.raw();
                raw.insert("changes".into(), json!(step.changes));
                Value::Object(raw)
            })
            .collect();
        return print_json(&json!({"negotiation": timeline.slug.as_str(), "events": events}));
    }
    let interactive = args.step && std::io::stdin().is_terminal();
    let mut out = stdout();
    let heading = format!(
        "{} — {}\n{} events, {}\n\n",
        timeline.slug,
        timeline.agenda.title,
        steps.len(),
        args.view.describe()
    );
    out.write_all(heading.as_bytes()).map_err(io_error)?;
    let mut input = std::io::stdin().lock();
    for step in &steps {
        out.write_all(narrative::step(step).as_bytes())
            .map_err(io_error)?;
        if interactive {
            write!(out, "[Enter: next step, q: quit] ")
                .and_then(|()| out.flush())
                .map_err(io_error)?;
            let mut answer = String::new();
            let read = input.read_line(&mut answer).map_err(io_error)?;
            if read == 0 || answer.trim() == "q" {
                break;
            }
        }
    }
    out.flush().map_err(io_error)
}
