//! `parley correct`: amend or void an earlier event by appending a correction.

use clap::Args;
use serde_json::{Map, Value};

use super::{Global, now_text, record_one, target_id};
use parley::model::Invalid;
use parley::{Error, Result};

/// Amend or void an earlier event (a `correction`). The original stays in the log;
/// every view applies the correction, and `--known-at` before it shows the original.
///
/// Examples:
///   parley correct kr-us-2025 kr-offer-jul --set position=15 --reason "Figure misread"
///   parley correct kr-us-2025 kr-offer-jul --void --reason "Logged twice"
///   parley correct kr-us-2025 14 --set level=minister --reason "It was the minister"
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct CorrectArgs {
    /// The negotiation.
    slug: String,
    /// The ref, id or seq of the event to correct.
    target: String,
    /// Void the target: every view leaves it out.
    #[arg(long, conflicts_with = "set", required_unless_present = "set")]
    void: bool,
    /// Replace a field: FIELD=VALUE, VALUE read as JSON when it parses (20, ["a","b"]),
    /// as text otherwise; FIELD=null removes the field.
    #[arg(long, value_name = "FIELD=VALUE")]
    set: Vec<String>,
    /// Why: required.
    #[arg(long)]
    reason: String,
    /// When the correction was made; defaults to now.
    #[arg(long)]
    at: Option<String>,
}

/// Runs `correct`.
pub fn run(global: &Global, args: &CorrectArgs) -> Result<()> {
    let mut map = Map::new();
    map.insert("kind".into(), "correction".into());
    map.insert(
        "at".into(),
        Value::String(args.at.clone().map_or_else(now_text, Ok)?),
    );
    let target = target_id(global, &args.slug, &args.target)?;
    map.insert("target".into(), Value::String(target));
    map.insert("reason".into(), Value::String(args.reason.clone()));
    if args.void {
        map.insert("action".into(), "void".into());
    } else {
        map.insert("action".into(), "amend".into());
        map.insert("changes".into(), Value::Object(changes(&args.set)?));
    }
    record_one(global, &args.slug, map, None)
}

/// The fields `--set FIELD=VALUE` (or a session's `fix`) replaces.
pub(super) fn changes(sets: &[String]) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for set in sets {
        let (field, value) = set.split_once('=').ok_or_else(|| {
            Error::input(
                "--set",
                Invalid::new(format!("{set:?} is not FIELD=VALUE, such as position=20")),
            )
        })?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_owned()));
        out.insert(field.trim().to_owned(), value);
    }
    Ok(out)
}
