//! `parley list`: the negotiations in the store.

use clap::Args;
use serde::Serialize;

use super::{Global, print, print_json};
use parley::Result;
use parley::report::Table;
use parley::store::{Access, Log};

/// List the negotiations in the store with their parties, issues, events and dates.
///
/// Example:
///   parley list
///   parley list --json | jq '.negotiations[].slug'
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ListArgs {
    /// One JSON document instead of a table.
    #[arg(long)]
    json: bool,
    /// The table as CSV (RFC 4180), the cells as the text table shows them.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
}

#[derive(Serialize)]
struct Listing {
    negotiations: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    slug: String,
    title: String,
    parties: Vec<String>,
    issues: usize,
    events: u64,
    first_at: Option<String>,
    last_at: Option<String>,
}

/// Runs `list`.
pub fn run(global: &Global, args: &ListArgs) -> Result<()> {
    let store = global.open(Access::Read)?;
    let entries: Vec<Entry> = store
        .negotiations()?
        .into_iter()
        .map(|meta| Entry {
            slug: meta.slug.to_string(),
            title: meta.agenda.title.clone(),
            parties: meta
                .agenda
                .parties
                .iter()
                .map(|p| p.code.to_string())
                .collect(),
            issues: meta.agenda.issues.len(),
            events: meta.head.seq,
            first_at: meta.first_at.as_ref().map(|a| a.as_str().to_owned()),
            last_at: meta.last_at.as_ref().map(|a| a.as_str().to_owned()),
        })
        .collect();
    if args.json {
        return print_json(&Listing {
            negotiations: entries,
        });
    }
    if entries.is_empty() {
        return print(
            "The store holds no negotiations yet. Start one with `parley open` or `parley import`.\n",
        );
    }
    let mut table = Table::new(&[
        "negotiation",
        "parties",
        "issues",
        "events",
        "from",
        "to",
        "title",
    ])
    .right(&[2, 3])
    .limit(6, 60);
    for e in &entries {
        table.row(vec![
            e.slug.clone(),
            e.parties.join(" "),
            e.issues.to_string(),
            e.events.to_string(),
            day(&e.first_at),
            day(&e.last_at),
            e.title.clone(),
        ]);
    }
    print(&if args.csv {
        table.csv()
    } else {
        table.render()
    })
}

fn day(at: &Option<String>) -> String {
    at.as_deref()
        .map(|a| a.chars().take(10).collect())
        .unwrap_or_default()
}
