//! `parley replay`: the history move by move, each step with what it changed.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use serde_json::{Value, json};

use super::{Global, ViewFlags, io_error, stdout};
use parley::Result;
use parley::projection::replay::replay;
use parley::report::narrative;
use parley::store::Access;
use parley::views;

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
    let timeline = super::kept_until_exit(views::timeline(&store, &args.slug, args.view.spec()?)?);
    drop(store);
    let steps = replay(&timeline);
    if args.json {
        let events = steps.iter().map(|step| {
            let mut raw = step.entry.raw();
            raw.insert("changes".into(), json!(step.changes));
            Value::Object(raw)
        });
        let mut out = stdout();
        write_replay_json(&mut out, timeline.slug.as_str(), events)
            .and_then(|()| out.flush())
            .map_err(io_error)?;
        return Ok(());
    }
    let interactive = args.step && std::io::stdin().is_terminal();
    let mut out = stdout();
    let heading = format!(
        "{} — {}\n{}, {}\n\n",
        timeline.slug,
        timeline.agenda.title,
        parley::format::count(steps.len() as u64, "event"),
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

/// Writes `{"events": [...], "negotiation": SLUG}` as `print_json` would print it, one
/// event at a time: a tree of every event at once held gigabytes at a million events,
/// and freeing it took longer than writing it.
fn write_replay_json(
    out: &mut impl Write,
    slug: &str,
    events: impl Iterator<Item = Value>,
) -> std::io::Result<()> {
    out.write_all(b"{\n  \"events\": [")?;
    let mut any = false;
    for event in events {
        out.write_all(if any { b",\n" } else { b"\n" })?;
        any = true;
        // Strings in JSON hold no raw line breaks, so indenting every line nests the
        // event exactly as a pretty printer two levels down would.
        let text = serde_json::to_string_pretty(&event)?;
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(b"    ")?;
            out.write_all(line.as_bytes())?;
        }
    }
    out.write_all(if any { b"\n  ]" } else { b"]" })?;
    writeln!(
        out,
        ",\n  \"negotiation\": {}\n}}",
        serde_json::to_string(slug)?
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(slug: &str, events: &[Value]) -> String {
        let mut out = Vec::new();
        write_replay_json(&mut out, slug, events.iter().cloned()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn streamed_json_is_what_the_pretty_printer_writes() {
        let events = [
            json!({"seq": 1, "summary": "line one\nline two", "changes": [], "nested": {"a": [1, 2], "b": {}}}),
            json!({"seq": 2, "changes": [{"issue": "tariff", "before": null, "after": 15.0}]}),
        ];
        for events in [&events[..], &events[..1], &[]] {
            let whole = json!({"negotiation": "korea \"us\"", "events": events});
            let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
            assert_eq!(streamed("korea \"us\"", events), expected);
        }
    }
}
