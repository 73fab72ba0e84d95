//! `parley diff`: what moved between two dates.

use std::collections::BTreeMap;
use std::fmt;

use clap::Args;
use serde::Serialize;

use super::{Global, ViewFlags, print, print_json};
use parley::format;
use parley::model::parse_bound;
use parley::projection::audit::{AuditReport, Rubric, SideAudit, audit};
use parley::projection::diff::{IssueDiff, diff};
use parley::projection::{Timeline, ViewSpec};
use parley::report::Table;
use parley::store::Access;
use parley::views;
use parley::{Error, Result};

/// What changed between two dates.
///
/// Per issue and side: the position at each date, the change, the gap, the status and the
/// moves made in between; and each side's posture (the audit's verdict and index with the
/// default rubric) then and now.
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
    /// The table as CSV (RFC 4180), the cells as the text table shows them.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
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
    let later = super::kept_until_exit(views::timeline(
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
        return print_json(&DiffJson {
            from: &args.from,
            issues: &issues,
            negotiation: later.slug.as_str(),
            posture: &posture,
            to: &args.to,
        });
    }
    let heading = format!(
        "{} — what moved between {} and {}\n\n",
        later.slug, args.from, args.to
    );
    if args.csv {
        return print(&table(&issues, true).csv());
    }
    let text = heading + &issues_text(&issues) + "\n" + &posture_table(&posture);
    super::output::print_long(&text, global.no_pager)
}

/// `diff --json`: fields in key order, as the document has always printed them.
#[derive(Serialize)]
struct DiffJson<'a, V> {
    from: &'a str,
    issues: &'a [IssueDiff],
    negotiation: &'a str,
    posture: &'a Posture<V>,
    to: &'a str,
}

/// Each side's audit verdict and index at both dates, by party.
type Posture<V> = BTreeMap<String, SidePosture<V>>;

/// One side's posture then and now.
#[derive(Serialize)]
struct SidePosture<V> {
    from: Moment<V>,
    to: Moment<V>,
}

/// A side's verdict and index at one date (none where the side had not moved yet).
#[derive(Serialize)]
struct Moment<V> {
    index: Option<f64>,
    verdict: Option<V>,
}

impl<V: Copy> Moment<V> {
    fn of(side: Option<&SideAudit>, verdict: impl Fn(&SideAudit) -> V) -> Moment<V> {
        Moment {
            index: side.and_then(|s| s.index),
            verdict: side.map(verdict),
        }
    }
}

/// Each side's audit verdict and index at both dates.
fn posture(
    earlier: &AuditReport,
    later: &AuditReport,
) -> Posture<impl Serialize + fmt::Display + Copy + use<>> {
    later
        .sides
        .iter()
        .map(|(party, now)| {
            let was = earlier.sides.get(party);
            let side = SidePosture {
                from: Moment::of(was, |s| s.verdict),
                to: Moment::of(Some(now), |s| s.verdict),
            };
            (party.clone(), side)
        })
        .collect()
}

fn posture_table<V: fmt::Display>(posture: &Posture<V>) -> String {
    let index = |i: Option<f64>| i.map_or("—".into(), |i| format!("{i:+.2}"));
    let verdict = |v: &Option<V>| v.as_ref().map_or("—".into(), ToString::to_string);
    let mut table =
        Table::new(&["side", "posture then", "index", "posture now", "index"]).right(&[2, 4]);
    for (party, side) in posture {
        table.row(vec![
            party.clone(),
            verdict(&side.from.verdict),
            index(side.from.index),
            verdict(&side.to.verdict),
            index(side.to.index),
        ]);
    }
    table.render()
}

/// The issues that moved, a row per side; the issue, gap and status on the first row of
/// each issue, or on `every_row` (for CSV, where each row stands alone).
fn table(issues: &[IssueDiff], every_row: bool) -> Table {
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
            let shown = |cell: String| {
                if n == 0 || every_row {
                    cell
                } else {
                    String::new()
                }
            };
            table.row(vec![
                shown(issue.issue.to_string()),
                party.to_string(),
                format::optional(side.from),
                format::optional(side.to),
                side.change.map_or(String::new(), signed),
                side.moves.to_string(),
                shown(gap.clone()),
                shown(status.clone()),
            ]);
        }
    }
    table
}

/// The issues table as text, or a sentence when nothing moved.
fn issues_text(issues: &[IssueDiff]) -> String {
    let table = table(issues, false);
    if table.is_empty() {
        return "Nothing moved between these dates.\n".into();
    }
    table.render()
}

/// A change as a person writes it: `+15`, `-10`, `0`.
fn signed(change: f64) -> String {
    let text = format::number(change);
    if change > 0.0 && text != "0" {
        format!("+{text}")
    } else {
        text
    }
}
