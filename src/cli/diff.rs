//! `parley diff`: what moved between two dates.

use clap::Args;
use serde_json::json;

use super::{Global, ViewFlags, print, print_json};
use crate::cli::events::format_number;
use parley::model::parse_bound;
use parley::projection::diff::{IssueDiff, diff};
use parley::projection::{ViewSpec, load};
use parley::report::Table;
use parley::store::Access;
use parley::{Error, Result};

/// What changed in positions between two dates: per issue and side, the position at each
/// date, the change, the gap, and the moves made in between.
///
/// Example:
///   parley diff korea-us-2025 2025-04-30 2025-07-31
///   parley diff korea-us-2025 2025-04-30 2025-07-31 --json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct DiffArgs {
    /// The negotiation.
    slug: String,
    /// The first date (a date means the end of that day).
    from: String,
    /// The second date.
    to: String,
    /// Look at the journal as it stood at this instant (see --known-at in cli.md).
    #[arg(long, value_name = "DATE")]
    known_at: Option<String>,
    /// One JSON document.
    #[arg(long)]
    json: bool,
}

/// Runs `diff`.
pub fn run(global: &Global, args: &DiffArgs) -> Result<()> {
    let from = parse_bound(&args.from).map_err(|e| Error::input("D1", e))?;
    let to = parse_bound(&args.to).map_err(|e| Error::input("D2", e))?;
    let known = ViewFlags {
        as_of: None,
        known_at: args.known_at.clone(),
    }
    .spec()?
    .known_at;
    let store = global.open(Access::Read)?;
    let earlier = load(
        &store,
        &args.slug,
        ViewSpec {
            as_of: Some(from),
            known_at: known,
        },
    )?;
    let later = load(
        &store,
        &args.slug,
        ViewSpec {
            as_of: Some(to),
            known_at: known,
        },
    )?;
    let issues = diff(&earlier, &later, from);
    if args.json {
        return print_json(&json!({
            "negotiation": later.slug.as_str(),
            "from": args.from,
            "to": args.to,
            "issues": issues,
        }));
    }
    let heading = format!(
        "{} — what moved between {} and {}\n\n",
        later.slug, args.from, args.to
    );
    print(&(heading + &table(&issues)))
}

fn table(issues: &[IssueDiff]) -> String {
    let mut table =
        Table::new(&["issue", "side", "from", "to", "change", "moves", "gap"]).right(&[2, 3, 4, 5]);
    for issue in issues
        .iter()
        .filter(|i| !i.moves.is_empty() || i.gap_from != i.gap_to)
    {
        let gap = format!("{} → {}", number(issue.gap_from), number(issue.gap_to));
        for (n, (party, side)) in issue.sides.iter().enumerate() {
            table.row(vec![
                if n == 0 {
                    issue.issue.to_string()
                } else {
                    String::new()
                },
                party.to_string(),
                number(side.from),
                number(side.to),
                side.change.map_or(String::new(), |c| format!("{c:+}")),
                side.moves.to_string(),
                if n == 0 { gap.clone() } else { String::new() },
            ]);
        }
    }
    if table.is_empty() {
        return "Nothing moved between these dates.\n".into();
    }
    table.render()
}

fn number(value: Option<f64>) -> String {
    value.map_or("—".into(), format_number)
}
