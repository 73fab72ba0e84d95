//! `parley agenda`: add issues or parties to an open negotiation.

use clap::Args;
use serde_json::Map;

use super::{EntryFlags, Global, issues, parties, record_one};
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
    #[command(flatten)]
    entry: EntryFlags,
}

/// Runs `agenda`.
pub fn run(global: &Global, args: &AgendaArgs) -> Result<()> {
    let mut map = Map::new();
    map.insert("kind".into(), "agenda".into());
    args.entry.write_into(&mut map)?;
    if !args.issues.is_empty() {
        map.insert("issues".into(), issues(&args.issues)?);
    }
    if !args.parties.is_empty() {
        map.insert("parties".into(), parties(&args.parties)?);
    }
    record_one(global, &args.slug, map, None)
}
