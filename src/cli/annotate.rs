//! `parley annotate`: a reviewer's note, on the negotiation or on one event.

use clap::Args;
use serde_json::{Map, Value};

use super::{Global, now_text, put, record_one, target_id};
use parley::Result;

/// Add a reviewer's note (an `annotation`), optionally about one event.
///
/// Example:
///   parley annotate kr-us-2025 us-liberation-day --note "The turn from rhetoric to tariffs" --label turning-point
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct AnnotateArgs {
    /// The negotiation.
    slug: String,
    /// The ref, id or seq of the event the note is about.
    target: Option<String>,
    /// The note.
    #[arg(long)]
    note: String,
    /// A short label such as turning-point.
    #[arg(long)]
    label: Option<String>,
    /// When; defaults to now.
    #[arg(long)]
    at: Option<String>,
}

/// Runs `annotate`.
pub fn run(global: &Global, args: &AnnotateArgs) -> Result<()> {
    let mut map = Map::new();
    map.insert("kind".into(), "annotation".into());
    map.insert(
        "at".into(),
        Value::String(args.at.clone().map_or_else(now_text, Ok)?),
    );
    map.insert("note".into(), Value::String(args.note.clone()));
    if let Some(target) = &args.target {
        let target = target_id(global, &args.slug, target)?;
        map.insert("target".into(), Value::String(target));
    }
    put(&mut map, "label", args.label.as_deref());
    record_one(global, &args.slug, map, None)
}
