//! `parley events`: the log of a negotiation, filtered.

use std::collections::HashMap;

use clap::Args;
use serde_json::{Map, Value, json};

use super::{Global, print, print_json};
use parley::journal::recorded_events;
use parley::model::{
    Action, Body, IssueKey, Kind, PartyCode, Stored, amended, field_changes, parse_bound,
};
use parley::projection::RefIndex;
use parley::report::Table;
use parley::report::narrative::amendment;
use parley::store::{Access, Log};
use parley::{Error, Result};

/// Show the log of a negotiation in the order it was recorded (seq), with filters.
///
/// Example:
///   parley events kr-us-2025 --by US --kind threat --since 2025-03-01
///   parley events kr-us-2025 --json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct EventsArgs {
    /// The negotiation.
    slug: String,
    /// Only events of these kinds (repeat, or a comma list).
    #[arg(long, value_delimiter = ',')]
    kind: Vec<String>,
    /// Only moves by these parties (repeat, or a comma list).
    #[arg(long, value_delimiter = ',')]
    by: Vec<String>,
    /// Only moves addressed to these parties: named in `to`, or made to every other party
    /// (repeat, or a comma list).
    #[arg(long, value_delimiter = ',')]
    to: Vec<String>,
    /// Only events about these issues (repeat, or a comma list).
    #[arg(long, value_delimiter = ',')]
    issue: Vec<String>,
    /// Only events at or after this date (`at`).
    #[arg(long)]
    since: Option<String>,
    /// Only events at or before this date (`at`; a date includes the whole day).
    #[arg(long)]
    until: Option<String>,
    /// One JSON document: {"negotiation": ..., "events": [recorded events]}.
    #[arg(long)]
    json: bool,
    /// The table as CSV (RFC 4180), the cells as the text table shows them.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
}

/// What `events` keeps: an empty list keeps every value.
struct Filter {
    kinds: Vec<Kind>,
    by: Vec<PartyCode>,
    to: Vec<PartyCode>,
    issues: Vec<IssueKey>,
    since: Option<i64>,
    until: Option<i64>,
}

/// Runs `events`.
pub fn run(global: &Global, args: &EventsArgs) -> Result<()> {
    let filter = Filter {
        kinds: parsed("--kind", &args.kind, Kind::parse)?,
        by: parsed("--by", &args.by, PartyCode::parse)?,
        to: parsed("--to", &args.to, PartyCode::parse)?,
        issues: parsed("--issue", &args.issue, IssueKey::parse)?,
        since: date("--since", args.since.as_deref(), |d| {
            parley::model::At::parse(d).map(|a| a.millis())
        })?,
        until: date("--until", args.until.as_deref(), parse_bound)?,
    };
    let store = global.open(Access::Read)?;
    let meta = store.require(&args.slug)?;
    let all = recorded_events(&store, &meta)?;
    let seqs = Seqs::of(&all);
    let amendments = Amendments::of(&all, &seqs);
    let events: Vec<&Stored> = all.iter().filter(|r| filter.keeps(r)).collect();
    if args.json {
        let list: Vec<Value> = events.iter().map(|r| Value::Object(r.raw())).collect();
        return print_json(&json!({"negotiation": meta.slug.as_str(), "events": list}));
    }
    let mut table = Table::new(&["seq", "at", "kind", "by", "issues", "summary"])
        .right(&[0])
        .fit(super::output_width(), &[4, 5]);
    for r in events.iter().copied() {
        table.row(row(r, &seqs, &amendments));
    }
    if args.csv {
        return print(&table.csv());
    }
    let shown = events.len();
    let note = format!(
        "{shown} of {} of {}\n",
        parley::format::count(meta.head.seq, "event"),
        meta.slug
    );
    super::output::print_long(&(table.render() + &note), global.no_pager)
}

/// A date flag as a person types it ([`super::person_date`]), then read by `read`.
fn date(
    flag: &str,
    text: Option<&str>,
    read: impl Fn(&str) -> std::result::Result<i64, parley::model::Invalid>,
) -> Result<Option<i64>> {
    let Some(text) = text else { return Ok(None) };
    let text = super::person_date(flag, text)?;
    read(&text).map(Some).map_err(|e| Error::input(flag, e))
}

/// Each of `values` read by `parse`, refused naming `flag`.
fn parsed<T>(
    flag: &str,
    values: &[String],
    parse: impl Fn(&str) -> std::result::Result<T, parley::model::Invalid>,
) -> Result<Vec<T>> {
    values
        .iter()
        .map(|v| parse(v.trim()).map_err(|e| Error::input(flag, e)))
        .collect()
}

impl Filter {
    fn keeps(&self, r: &Stored) -> bool {
        let event = &r.event;
        let m = event.as_move();
        let any = |empty: bool, hit: bool| empty || hit;
        any(self.kinds.is_empty(), self.kinds.contains(&event.kind))
            && any(
                self.by.is_empty(),
                m.is_some_and(|m| self.by.contains(&m.by)),
            )
            && any(
                self.to.is_empty(),
                m.is_some_and(|m| self.to.iter().any(|p| addressed(m, p))),
            )
            && any(
                self.issues.is_empty(),
                m.is_some_and(|m| m.issues.iter().any(|i| self.issues.contains(i))),
            )
            && self.since.is_none_or(|s| event.at.millis() >= s)
            && self.until.is_none_or(|u| event.at.millis() <= u)
    }
}

/// Whether move `m` is addressed to `party`: named in its `to`, or, with no `to`, made
/// to every party but its own.
fn addressed(m: &parley::model::Move, party: &PartyCode) -> bool {
    if m.to.is_empty() {
        &m.by != party
    } else {
        m.to.contains(party)
    }
}

/// The seq of each event a correction or note names (by `ref` or `id`, by the one rule of
/// [`RefIndex`]), so they can say which row they are about.
struct Seqs(RefIndex);

impl Seqs {
    fn of(events: &[Stored]) -> Seqs {
        Seqs(RefIndex::within(
            events.iter().map(|r| (&r.envelope, &r.event)),
        ))
    }

    /// "seq 3 (k10)" for a ref, "seq 3" for an id, the target as written otherwise.
    fn describe(&self, target: &str) -> String {
        match self.0.seq(target) {
            Some(seq) if self.0.is_ref(target) => format!("seq {seq} ({target})"),
            Some(seq) => format!("seq {seq}"),
            None => target.to_owned(),
        }
    }
}

/// What each amendment in the log changed, in words, by the amendment's seq: each is
/// read against its target as it stood then (recorded, earlier amendments applied).
struct Amendments(HashMap<u64, String>);

impl Amendments {
    fn of(events: &[Stored], seqs: &Seqs) -> Amendments {
        let mut targets: HashMap<u64, Map<String, Value>> = HashMap::new();
        let mut words = HashMap::new();
        for r in events {
            let Body::Correction(c) = &r.event.body else {
                continue;
            };
            let Some(target) = seqs.0.seq(&c.target) else {
                continue;
            };
            if c.action != Action::Amend {
                continue;
            }
            let before = targets.entry(target).or_insert_with(|| {
                events
                    .iter()
                    .find(|e| e.seq() == target)
                    .map(Stored::raw)
                    .unwrap_or_default()
            });
            words.insert(r.seq(), amendment(&field_changes(before, &c.changes)));
            *before = amended(before, &c.changes);
        }
        Amendments(words)
    }
}

fn row(r: &Stored, seqs: &Seqs, amendments: &Amendments) -> Vec<String> {
    let event = &r.event;
    let (by, issues) = match event.as_move() {
        Some(m) => (m.by.to_string(), stated(m)),
        None => Default::default(),
    };
    let summary = match &event.body {
        Body::Correction(c) => match amendments.0.get(&r.seq()) {
            Some(changed) if !changed.is_empty() => format!(
                "{} {}: {changed} — {}",
                c.action,
                seqs.describe(&c.target),
                c.reason
            ),
            _ => format!("{} {} — {}", c.action, seqs.describe(&c.target), c.reason),
        },
        Body::Annotation(a) => match &a.target {
            Some(target) => format!("on {}: {}", seqs.describe(target), a.note),
            None => a.note.clone(),
        },
        Body::Agenda(change) => agenda_summary(event.summary.as_deref(), change),
        _ => event.summary.clone().unwrap_or_default(),
    };
    let channel = event.as_move().map(|m| m.channel);
    let summary = match channel {
        Some(parley::model::Channel::Public) => format!("[public] {summary}"),
        Some(parley::model::Channel::Back) => format!("[back] {summary}"),
        _ => summary,
    };
    vec![
        r.seq().to_string(),
        event.at.to_string(),
        event.kind.to_string(),
        by,
        issues,
        summary,
    ]
}

/// Each issue of a move with the number it states on it: `steel 25, rvc 82`.
fn stated(m: &parley::model::Move) -> String {
    m.stated()
        .map(|(issue, value)| match value {
            Some(value) => format!("{issue} {}", parley::format::number(value)),
            None => issue.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn agenda_summary(summary: Option<&str>, change: &parley::model::AgendaChange) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(title) = &change.title {
        parts.push(format!("opens “{title}”"));
    }
    if !change.parties.is_empty() {
        parts.push(format!(
            "parties {}",
            change
                .parties
                .iter()
                .map(|p| p.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !change.issues.is_empty() {
        parts.push(format!(
            "issues {}",
            change
                .issues
                .iter()
                .map(|i| i.key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    match summary {
        Some(summary) => format!("{summary} ({})", parts.join("; ")),
        None => parts.join("; "),
    }
}
