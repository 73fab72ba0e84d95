//! `parley positions`: each side's position on each issue in a view.

use clap::Args;
use serde_json::{Map, Value, json};

use super::{Global, ViewFlags, print, print_json};
use parley::Result;
use parley::format;
use parley::model::Agenda;
use parley::projection::ViewSpec;
use parley::projection::positions::{IssueView, Status};
use parley::report::Table;
use parley::store::Access;
use parley::views::{self, PositionsView};

/// Each side's position on each issue: latest number and terms, since when, the gap,
/// the opening gap, concession shares, status and the last move.
///
/// Example:
///   parley positions korea-us-2025
///   parley positions korea-us-2025 --as-of 2025-07-31 --json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct PositionsArgs {
    /// The negotiation.
    slug: String,
    #[command(flatten)]
    view: ViewFlags,
    /// One JSON document (shape in docs/cli.md).
    #[arg(long)]
    json: bool,
    /// The table as CSV (RFC 4180), the cells as the text table shows them.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
}

/// Runs `positions`.
pub fn run(global: &Global, args: &PositionsArgs) -> Result<()> {
    let spec: ViewSpec = args.view.spec()?;
    let store = global.open(Access::Read)?;
    let view = super::kept_until_exit(views::positions(&store, &args.slug, spec)?);
    drop(store);
    let issues = view.positions.report(&view.agenda);
    if args.json {
        return print_json(&json!({
            "negotiation": view.slug.as_str(),
            "as_of": args.view.as_of,
            "known_at": args.view.known_at,
            "issues": issues.iter().map(|i| with_pairs(issue_json(i), i, &view.agenda)).collect::<Vec<_>>(),
        }));
    }
    if args.csv {
        return print(&table(&issues, &view.agenda, false).csv());
    }
    super::output::print_long(
        &text(&view, &args.view.describe(), super::output::colour(false)),
        global.no_pager,
    )
}

/// The positions table of `view` with its heading (`described` says which view it is)
/// and the terms stated, as `positions` prints it.
pub fn text(view: &PositionsView, described: &str, colour: bool) -> String {
    let issues = view.positions.report(&view.agenda);
    let heading = format!("{} — positions {described}\n\n", view.slug);
    heading
        + &table(&issues, &view.agenda, colour).render()
        + &pairs(&issues, &view.agenda)
        + &terms(&issues)
}

/// With three or more parties, the gap between each pair of sides, per issue.
fn pairs(issues: &[IssueView], agenda: &Agenda) -> String {
    if agenda.parties.len() < 3 {
        return String::new();
    }
    let mut out = String::new();
    for view in issues.iter().filter(|v| !v.pairwise_gaps.is_empty()) {
        let gaps: Vec<String> = view
            .pairwise_gaps
            .iter()
            .map(|p| {
                format!(
                    "{}–{} {}",
                    p.between[0],
                    p.between[1],
                    format::number(p.gap)
                )
            })
            .collect();
        out.push_str(&format!("  {}: {}\n", view.issue, gaps.join(" · ")));
    }
    if out.is_empty() {
        out
    } else {
        format!("\nPairwise gaps:\n{out}")
    }
}

/// `issue` with its `pairwise_gaps` when the talks have three or more parties.
fn with_pairs(mut issue: Value, view: &IssueView, agenda: &Agenda) -> Value {
    if agenda.parties.len() >= 3
        && let Some(object) = issue.as_object_mut()
    {
        object.insert("pairwise_gaps".into(), json!(view.pairwise_gaps));
    }
    issue
}

/// One issue in the cli.md shape, plus `title`, `status` and `last_move`.
pub fn issue_json(view: &IssueView) -> Value {
    let sides: Map<String, Value> = view
        .sides
        .iter()
        .map(|(party, side)| {
            let value = json!({"position": side.position, "terms": side.terms, "since": side.since, "seq": side.seq});
            (party.to_string(), value)
        })
        .collect();
    json!({
        "issue": view.issue,
        "title": view.title,
        "unit": view.unit,
        "sides": sides,
        "gap": view.gap,
        "opening_gap": view.opening_gap,
        "concession_share": view.concession_share,
        "status": view.status,
        "last_move": view.last_move,
    })
}

fn table(issues: &[IssueView], agenda: &Agenda, colour: bool) -> Table {
    let parties: Vec<&str> = agenda.parties.iter().map(|p| p.code.as_str()).collect();
    let mut headers = vec!["issue", "unit"];
    headers.extend(parties.iter().copied());
    headers.extend([
        "gap",
        "opening gap",
        "concession share",
        "status",
        "last move",
    ]);
    let numeric: Vec<usize> = (2..2 + parties.len() + 2).collect();
    let mut table = Table::new(&headers).right(&numeric);
    for view in issues {
        let mut row = vec![
            view.issue.to_string(),
            view.unit.clone().unwrap_or_default(),
        ];
        for party in &parties {
            row.push(side_cell(view, party));
        }
        row.push(format::optional(view.gap));
        row.push(format::optional(view.opening_gap));
        row.push(share_cell(view));
        row.push(status_cell(view.status, colour));
        row.push(
            view.last_move
                .as_ref()
                .map_or(String::new(), |m| format!("{} {} {}", m.by, m.kind, m.at)),
        );
        table.row(row);
    }
    table
}

/// The status word, coloured on a terminal: agreed green, converged cyan.
pub fn status_cell(status: Status, colour: bool) -> String {
    use super::output::{Paint, paint};
    let word = status.to_string();
    match status {
        Status::Agreed => paint(&word, Paint::Green, colour),
        Status::Converged => paint(&word, Paint::Cyan, colour),
        Status::Open => word,
    }
}

fn side_cell(view: &IssueView, party: &str) -> String {
    match view.sides.get(party) {
        Some(side) => match side.position {
            Some(value) => format!("{} ({})", format::number(value), side.since.day()),
            None if side.terms.is_some() => "terms".into(),
            None => "—".into(),
        },
        None => "—".into(),
    }
}

fn share_cell(view: &IssueView) -> String {
    let parts: Vec<String> = view
        .concession_share
        .iter()
        .filter_map(|(party, share)| share.map(|s| format!("{party} {:.0}%", s * 100.0)))
        .collect();
    parts.join(" · ")
}

/// The latest terms in words, per issue and side, under the table.
fn terms(issues: &[IssueView]) -> String {
    let mut out = String::new();
    for view in issues {
        for (party, side) in &view.sides {
            if let (Some(terms), Some(at)) = (&side.terms, &side.terms_at) {
                out.push_str(&format!("  {} · {party} ({at}): {terms}\n", view.issue));
            }
        }
    }
    if out.is_empty() {
        out
    } else {
        format!("\nTerms stated:\n{out}")
    }
}
