//! `parley open`: start a negotiation with its parties and issues.

use clap::Args;
use serde_json::{Map, Value};

use super::{EntryFlags, Global, issues, parties, record_one};
use parley::Result;

/// Start a negotiation (an `opening` event).
///
/// Example:
///   parley open kr-us-2025 --title "Korea–US tariff talks" \
///     --party KR="Republic of Korea" --party US="United States" \
///     --issue 'tariff=US reciprocal tariff;unit=%;track=trade;prefer=KR:lower,US:higher' \
///     --at 2025-03-04
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct OpenArgs {
    /// The negotiation's slug: a-z, 0-9 and '-'.
    slug: String,
    /// The title.
    #[arg(long)]
    title: String,
    /// A party as CODE=Name; give at least two.
    #[arg(long = "party", value_name = "CODE=NAME", required = true)]
    parties: Vec<String>,
    /// An issue as 'key=Title;unit=U;track=T;prefer=KR:lower,US:higher'.
    #[arg(long = "issue", value_name = "SPEC")]
    issues: Vec<String>,
    #[command(flatten)]
    entry: EntryFlags,
}

/// Runs `open`.
pub fn run(global: &Global, args: &OpenArgs) -> Result<()> {
    let mut map = Map::new();
    map.insert("kind".into(), "opening".into());
    map.insert("negotiation".into(), Value::String(args.slug.clone()));
    args.entry.write_into(&mut map)?;
    map.insert("title".into(), Value::String(args.title.clone()));
    map.insert("parties".into(), parties(&args.parties)?);
    map.insert("issues".into(), issues(&args.issues)?);
    record_one(global, &args.slug, map, None)
}
