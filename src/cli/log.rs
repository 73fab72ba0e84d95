//! `parley log`: append one move as it happens.

use clap::Args;
use serde_json::{Map, Value};

use super::{Global, now_text, put, record_one};
use parley::Result;
use parley::model::Invalid;

/// Append one move; prints its seq and id. Durable when it returns.
///
/// KIND is one of: offer, demand, concession, acceptance, rejection, rebuttal, threat,
/// sanction, implementation, meeting, statement, linkage, retraction.
///
/// Example:
///   parley log kr-us-2025 offer --by KR --issue tariff --position 15 \
///     --summary "Korea offers to accept a 15% tariff" --at 2025-07-30 --reversibility pledge
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct LogArgs {
    /// The negotiation.
    slug: String,
    /// The kind of move.
    kind: String,
    /// The party that moved.
    #[arg(long)]
    by: String,
    /// One line in your words.
    #[arg(long)]
    summary: String,
    /// When it happened: YYYY-MM-DD or RFC 3339; defaults to now.
    #[arg(long)]
    at: Option<String>,
    /// An issue the move is about (repeat for several).
    #[arg(long = "issue", value_name = "KEY")]
    issues: Vec<String>,
    /// The side's position on the (single) issue after the move.
    #[arg(long, allow_negative_numbers = true)]
    position: Option<f64>,
    /// The substance in words.
    #[arg(long)]
    terms: Option<String>,
    /// table, public or back.
    #[arg(long)]
    channel: Option<String>,
    /// leader, minister, senior or working.
    #[arg(long)]
    level: Option<String>,
    /// Who spoke or signed.
    #[arg(long)]
    speaker: Option<String>,
    /// pledge, executive, binding or sunk.
    #[arg(long)]
    reversibility: Option<String>,
    /// Party addressed (repeat for several; default: every other party).
    #[arg(long = "to", value_name = "PARTY")]
    to: Vec<String>,
    /// The ref or id of the event this move answers.
    #[arg(long)]
    responds_to: Option<String>,
    /// A ref, id or issue key this move depends on (repeat for several).
    #[arg(long = "conditional-on", value_name = "REF")]
    conditional_on: Vec<String>,
    /// Label grouping moves offered as one package.
    #[arg(long)]
    package: Option<String>,
    /// Your label for this event, for later responds_to, target or conditional_on.
    #[arg(long = "ref", value_name = "LABEL")]
    label: Option<String>,
    /// Where you learned it.
    #[arg(long)]
    source: Option<String>,
    /// A tag (repeat for several).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Refuse unless the negotiation's last seq is N (someone else may have logged first).
    #[arg(long, value_name = "N")]
    expect_seq: Option<u64>,
}

/// Runs `log`.
pub fn run(global: &Global, args: &LogArgs) -> Result<()> {
    let mut map = Map::new();
    map.insert("kind".into(), Value::String(args.kind.clone()));
    map.insert("by".into(), Value::String(args.by.clone()));
    map.insert("summary".into(), Value::String(args.summary.clone()));
    map.insert(
        "at".into(),
        Value::String(args.at.clone().map_or_else(now_text, Ok)?),
    );
    match args.issues.as_slice() {
        [] => {}
        [one] => {
            map.insert("issue".into(), Value::String(one.clone()));
        }
        many => {
            map.insert(
                "issues".into(),
                many.iter().cloned().map(Value::String).collect(),
            );
        }
    }
    if let Some(position) = args.position {
        map.insert("position".into(), Value::Number(number_as_typed(position)?));
    }
    for (field, value) in [
        ("terms", &args.terms),
        ("channel", &args.channel),
        ("level", &args.level),
        ("speaker", &args.speaker),
        ("reversibility", &args.reversibility),
        ("responds_to", &args.responds_to),
        ("package", &args.package),
        ("ref", &args.label),
        ("source", &args.source),
    ] {
        put(&mut map, field, value.as_deref());
    }
    for (field, list) in [
        ("to", &args.to),
        ("conditional_on", &args.conditional_on),
        ("tags", &args.tags),
    ] {
        if !list.is_empty() {
            map.insert(
                field.into(),
                list.iter().cloned().map(Value::String).collect(),
            );
        }
    }
    record_one(global, &args.slug, map, args.expect_seq)
}

/// The number as a record-keeper typed it: `--position 10` is stored as `10`, not `10.0`,
/// so the journal reads the same whether a move was logged or imported.
fn number_as_typed(value: f64) -> Result<serde_json::Number> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53: every integer below is exact
    if value.fract() == 0.0 && value.abs() < EXACT {
        return Ok(serde_json::Number::from(value as i64));
    }
    serde_json::Number::from_f64(value)
        .ok_or_else(|| parley::Error::input("--position", Invalid::new("expected a finite number")))
}
