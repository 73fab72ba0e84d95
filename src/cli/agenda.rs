//! `parley agenda`: add issues or parties to an open negotiation.

use clap::Args;
use serde_json::{Map, Value};

use super::{Global, issues, now_text, parties, put, record_one};
use parley::Result;

/// Add issues or parties to a negotiation (an `agenda` event).
///
/// Example:
///   parley agenda kr-us-2025 --issue 'chips=CHIPS Act subsidies;track=technology' --at 2025-03-05
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct AgendaArgs {
    /// The negotiation.
    slug: String,
    /// An issue as 'key=Title;unit=U;track=T;prefer=KR:lower,US:higher'.
    #[arg(long = "issue", value_name = "SPEC")]
    issues: Vec<String>,
    /// A party as CODE=Name.
    #[arg(long = "party", value_name = "CODE=NAME")]
    parties: Vec<String>,
    /// When: YYYY-MM-DD or RFC 3339; defaults to now.
    #[arg(long)]
    at: Option<String>,
    /// One line on why the agenda grew.
    #[arg(long)]
    summary: Option<String>,
    /// Where you learned it.
    #[arg(long)]
    source: Option<String>,
}

/// Runs `agenda`.
pub fn run(global: &Global, args: &AgendaArgs) -> Result<()> {
    let mut map = Map::new();
    map.insert("kind".into(), "agenda".into());
    map.insert(
        "at".into(),
        Value::String(args.at.clone().map_or_else(now_text, Ok)?),
    );
    if !args.issues.is_empty() {
        map.insert("issues".into(), issues(&args.issues)?);
    }
    if !args.parties.is_empty() {
        map.insert("parties".into(), parties(&args.parties)?);
    }
    put(&mut map, "summary", args.summary.as_deref());
    put(&mut map, "source", args.source.as_deref());
    record_one(global, &args.slug, map, None)
}
