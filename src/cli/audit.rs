//! `parley audit`: did each side stay proactive or drift defensive?

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{Global, ViewFlags, print, print_json};
use parley::model::{Invalid, PartyCode};
use parley::projection::audit::Rubric;
use parley::store::{Access, Upkeep};
use parley::views::audit::{self, Audited, Begun};
use parley::views::{AuditForm, AuditRequest};
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
    /// A CSV table, a row per side and measure (verdict, index, value, table moves only).
    #[arg(long, conflicts_with_all = ["json", "explain"])]
    csv: bool,
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
    let request = AuditRequest {
        spec: args.view.spec()?,
        rubric,
        toward: args
            .toward
            .as_deref()
            .map(|p| PartyCode::parse(p).map_err(|e| Error::input("--toward", e)))
            .transpose()?,
        form: if args.json {
            AuditForm::Json
        } else if args.csv {
            AuditForm::Csv
        } else {
            AuditForm::Text {
                described: args.view.describe(),
                explain: args.explain,
            }
        },
    };
    let store = global.open(Access::Read)?;
    let pending = match audit::begin(&store, slug, &request)? {
        Begun::Kept(output) => return print(&output),
        Begun::Read(pending) => pending,
    };
    // The audit needs nothing more from the store: let writers in while it works.
    drop(store);
    let audited = super::kept_until_exit(pending.compute()?);
    print(&audited.output)?;
    if audited.wants_keeping() {
        keep(global, &audited);
    }
    Ok(())
}

/// Keeps the audit as its memo, if the store is free within a moment (and still at the
/// head the audit read: [`Audited::keep`]). A cache write: a busy or full store, or a
/// head that moved meanwhile, costs the next audit time, never this one its answer.
fn keep(global: &Global, audited: &Audited) {
    let wait = Duration::from_millis(200);
    let Ok(store) = global.open_waiting(Access::Read, wait, Upkeep::None) else {
        return;
    };
    let _ = audited.keep(&store);
    // The process exits next; a lost memo is only a slower next audit.
    store.close_at_exit();
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
