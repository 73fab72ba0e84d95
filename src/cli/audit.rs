//! `parley audit`: did each side stay proactive or drift defensive?

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{Global, ViewFlags, io_error, json_text, print, print_bytes, print_json};
use parley::journal::recorded_events;
use parley::model::Invalid;
use parley::model::PartyCode;
use parley::projection::audit::{AuditReport, Rubric, Verdict, audit, audit_toward};
use parley::projection::{Entry, Timeline, memo};
use parley::report::audit_json::AuditJson;
use parley::report::audit_text::{self, EventLine};
use parley::store::{Access, Log, Store, StreamMeta, Upkeep};
use parley::{Error, Result};

/// The posture audit of each side (docs/audit-method.md).
///
/// Per side: the verdict, the index per window, each measure with its counts (all moves
/// and table moves only), the rules that fired, and flags (the first 10 of each kind when
/// there are more). Every figure names the events behind it with --explain.
///
/// The answer is kept in the store: asked again with the same flags and rubric while
/// the journal has no new event, the audit prints it at once (docs/cli.md).
///
/// Example:
///   parley audit korea-us-2025
///   parley audit korea-us-2025 --explain --window 60d
///   parley audit korea-us-2025 --rubric strict.json --json
///   parley audit --print-rubric > my-rubric.json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct AuditArgs {
    /// The negotiation.
    #[arg(required_unless_present = "print_rubric")]
    slug: Option<String>,
    #[command(flatten)]
    view: ViewFlags,
    /// Windows: a number N (N windows with equal numbers of the side's moves) or
    /// a span such as 30d (calendar windows).
    #[arg(long, value_name = "N|DAYSd")]
    window: Option<String>,
    /// A JSON rubric with the weights and thresholds to change (see --print-rubric).
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
    /// Audit each side's dealings with PARTY alone (PARTY's moves made to the side and
    /// the side's made to PARTY).
    #[arg(long, value_name = "PARTY")]
    toward: Option<String>,
    /// List the events behind every figure, and every flag.
    #[arg(long)]
    explain: bool,
    /// One JSON document (shape in docs/cli.md).
    #[arg(long)]
    json: bool,
    /// Print the default rubric as JSON and exit.
    #[arg(long)]
    print_rubric: bool,
}

/// Runs `audit`.
pub fn run(global: &Global, args: &AuditArgs) -> Result<()> {
    let mut rubric = match &args.rubric {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            Rubric::from_json(&text).map_err(|e| Error::input(path.display().to_string(), e))?
        }
        None => Rubric::default(),
    };
    if args.print_rubric {
        return print_json(&rubric);
    }
    if let Some(window) = &args.window {
        apply_window(&mut rubric, window)?;
    }
    let slug = args.slug.as_deref().unwrap_or_default();
    let spec = args.view.spec()?;
    let request = request(args, &rubric)?;
    let store = global.open(Access::Read)?;
    let meta = store.require(slug)?;
    if let Some(output) = memo::recall(&store, &meta, &request) {
        return print_bytes(&output);
    }
    let records = recorded_events(&store, &meta)?;
    let keeps_memos = store.keeps_caches();
    // The audit needs nothing more from the store: let writers in while it works.
    drop(store);
    let timeline = super::kept_until_exit(Timeline::build(meta.slug.clone(), records, spec));
    let report = super::kept_until_exit(match &args.toward {
        Some(party) => audit_toward(&timeline, &rubric, &counterpart(&timeline, party)?),
        None => audit(&timeline, &rubric),
    });
    let output = if args.json {
        json_text(&AuditJson::new(&report))?
    } else {
        render(&timeline, &report, &args.view, args.explain)
    };
    print(&output)?;
    if keeps_memos {
        keep(global, &meta, &request, &output);
    }
    Ok(())
}

/// Keeps `output` as the memo of `request`, if the store is free within a moment and
/// still at the head the audit read. A cache write: a busy or full store, or a head
/// that moved meanwhile, costs the next audit time, never this one its answer. Not
/// called for a store the user may not write (`Store::keeps_caches`): that is read from
/// a private copy, and the memo would be lost with it.
fn keep(global: &Global, meta: &StreamMeta, request: &memo::Request, output: &str) {
    let wait = Duration::from_millis(200);
    let Ok(store) = Store::open_with(&global.store, Access::Read, wait, Upkeep::None) else {
        return;
    };
    if store
        .require(meta.slug.as_str())
        .is_ok_and(|now| now.head == meta.head)
    {
        let _ = memo::keep(&store, meta, request, output.as_bytes());
    }
    // The process exits next; a lost memo is only a slower next audit.
    store.close_at_exit();
}

/// What the output depends on besides the log: the flags that shape it and the rubric
/// as applied (a rubric file's contents, `--window`).
fn request(args: &AuditArgs, rubric: &Rubric) -> Result<memo::Request> {
    let text = |flag: &Option<String>| flag.as_deref().unwrap_or("\0none").as_bytes().to_vec();
    let rubric = serde_json::to_vec(rubric).map_err(|e| io_error(e.into()))?;
    let mut parts: Vec<&[u8]> = vec![
        b"audit",
        if args.json { b"json" } else { b"text" },
        if args.explain { b"explain" } else { b"brief" },
    ];
    let (as_of, known_at) = (text(&args.view.as_of), text(&args.view.known_at));
    parts.extend([as_of.as_slice(), known_at.as_slice(), rubric.as_slice()]);
    // Only a dyadic view adds a part, so the keys of the others stay as they were.
    let toward = args
        .toward
        .as_ref()
        .map(|p| format!("toward {p}").into_bytes());
    parts.extend(toward.as_deref());
    Ok(memo::Request::new(&parts))
}

/// The party `--toward` names, when the negotiation has it.
fn counterpart(timeline: &Timeline, party: &str) -> Result<PartyCode> {
    let codes: Vec<&str> = (timeline.agenda.parties.iter())
        .map(|p| p.code.as_str())
        .collect();
    if !codes.contains(&party) {
        let message = format!(
            "party {party:?} is not in negotiation {} (parties: {})",
            timeline.slug,
            codes.join(", ")
        );
        return Err(Error::input("--toward", Invalid::new(message)));
    }
    PartyCode::parse(party).map_err(|e| Error::input("--toward", e))
}

/// `--window 4` or `--window 30d`.
fn apply_window(rubric: &mut Rubric, window: &str) -> Result<()> {
    let bad = || {
        Error::input(
            "--window",
            Invalid::new(format!(
                "{window:?} is not a number of windows (3) or a span in days (30d)"
            )),
        )
    };
    match window.strip_suffix('d') {
        Some(days) => {
            rubric.window_days = Some(days.parse().ok().filter(|d| *d > 0).ok_or_else(bad)?)
        }
        None => {
            // `--window N` asks for equal windows, whatever calendar span a rubric set.
            rubric.windows = window.parse().ok().filter(|n| *n > 0).ok_or_else(bad)?;
            rubric.window_days = None;
        }
    }
    Ok(())
}

fn render(timeline: &Timeline, report: &AuditReport, view: &ViewFlags, explain: bool) -> String {
    // The lines shown need only their event, found by seq; reading every move again for
    // the audit's own lookups cost about a second at a million events.
    let by_seq: HashMap<u64, &Entry> = timeline.moves().map(|e| (e.seq(), e)).collect();
    let names = |code: &str| {
        timeline
            .agenda
            .parties
            .iter()
            .find(|p| p.code.as_str() == code)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let lookup = |seq: u64| {
        by_seq.get(&seq).map(|e| EventLine {
            at: e.event.at.to_string(),
            kind: e.event.kind.to_string(),
            summary: e.event.summary.clone().unwrap_or_default(),
        })
    };
    let verdicts: Vec<&str> = Verdict::ALL.iter().map(|v| v.as_str()).collect();
    let heading = format!(
        "{} — posture audit, {}\nmethod: docs/audit-method.md; verdicts: {}\n\n",
        timeline.slug,
        view.describe(),
        verdicts.join(", ")
    );
    heading + &audit_text::render(report, &names, &lookup, explain)
}
