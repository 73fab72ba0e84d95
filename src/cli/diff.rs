//! `parley diff`: what moved between two dates.

use std::collections::BTreeMap;

use clap::Args;
use serde::Serialize;
use serde_json::json;

use super::{Global, ViewFlags, print, print_json};
use parley::format;
use parley::model::parse_bound;
use parley::projection::audit::{AuditReport, Rubric, SideAudit, Verdict, audit};
use parley::projection::diff::{IssueDiff, diff};
use parley::projection::{Timeline, ViewSpec, load};
use parley::report::Table;
use parley::store::Access;
use parley::{Error, Result};

/// What changed between two dates: per issue and side, the position at each date, the
/// change, the gap, the status and the moves made in between; and each side's posture (the audit's
/// verdict and index with the default rubric) then and now.
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
    if to < from {
        return Err(Error::input(
            "D2",
            parley::model::Invalid::new(format!(
                "{} is before {}: give the earlier date first",
                args.to, args.from
            )),
        ));
    }
    let known = ViewFlags {
        as_of: None,
        known_at: args.known_at.clone(),
    }
    .spec()?
    .known_at;
    let store = global.open(Access::Read)?;
    // Read once: the earlier view is the later one cut at `from`.
    let later = super::kept_until_exit(load(
        &store,
        &args.slug,
        ViewSpec {
            as_of: Some(to),
            known_at: known,
        },
    )?);
    let earlier = super::kept_until_exit(Timeline::clone(&later).until(from));
    let issues = diff(&earlier, &later, from);
    let rubric = Rubric::default();
    let posture = posture(&audit(&earlier, &rubric), &audit(&later, &rubric));
    if args.json {
        return print_json(&json!({
            "negotiation": later.slug.as_str(),
            "from": args.from,
            "to": args.to,
            "issues": issues,
            "posture": posture,
        }));
    }
    let heading = format!(
        "{} — what moved between {} and {}\n\n",
        later.slug, args.from, args.to
    );
    print(&(heading + &table(&issues) + "\n" + &posture_table(&posture)))
}

/// A side's posture at one date: the audit's verdict and index (None: the side is not
/// in the talks yet, or has no index).
#[derive(Serialize)]
struct Posture {
    index: Option<f64>,
    verdict: Option<Verdict>,
}

/// A side's posture at both dates.
#[derive(Serialize)]
struct Change {
    from: Posture,
    to: Posture,
}

/// Each side's audit verdict and index at both dates.
fn posture(earlier: &AuditReport, later: &AuditReport) -> BTreeMap<String, Change> {
    let at = |side: Option<&SideAudit>| Posture {
        index: side.and_then(|s| s.index),
        verdict: side.map(|s| s.verdict),
    };
    later
        .sides
        .iter()
        .map(|(party, now)| {
            let change = Change {
                from: at(earlier.sides.get(party)),
                to: at(Some(now)),
            };
            (party.clone(), change)
        })
        .collect()
}

fn posture_table(posture: &BTreeMap<String, Change>) -> String {
    let index = |i: Option<f64>| i.map_or("—".into(), |i| format!("{i:+.2}"));
    let verdict = |v: Option<Verdict>| v.map_or("—", Verdict::as_str).to_owned();
    let mut table =
        Table::new(&["side", "posture then", "index", "posture now", "index"]).right(&[2, 4]);
    for (party, change) in posture {
        table.row(vec![
            party.clone(),
            verdict(change.from.verdict),
            index(change.from.index),
            verdict(change.to.verdict),
            index(change.to.index),
        ]);
    }
    table.render()
}

fn table(issues: &[IssueDiff]) -> String {
    let mut table = Table::new(&[
        "issue", "side", "from", "to", "change", "moves", "gap", "status",
    ])
    .right(&[2, 3, 4, 5]);
    for issue in issues
        .iter()
        .filter(|i| !i.moves.is_empty() || i.gap_from != i.gap_to || i.status_from != i.status_to)
    {
        let gap = format!(
            "{} → {}",
            format::optional(issue.gap_from),
            format::optional(issue.gap_to)
        );
        let status = if issue.status_from == issue.status_to {
            issue.status_to.to_string()
        } else {
            format!("{} → {}", issue.status_from, issue.status_to)
        };
        for (n, (party, side)) in issue.sides.iter().enumerate() {
            table.row(vec![
                if n == 0 {
                    issue.issue.to_string()
                } else {
                    String::new()
                },
                party.to_string(),
                format::optional(side.from),
                format::optional(side.to),
                side.change.map_or(String::new(), |c| format!("{c:+}")),
                side.moves.to_string(),
                if n == 0 { gap.clone() } else { String::new() },
                if n == 0 {
                    status.clone()
                } else {
                    String::new()
                },
            ]);
        }
    }
    if table.is_empty() {
        return "Nothing moved between these dates.\n".into();
    }
    table.render()
}
