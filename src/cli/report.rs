//! `parley report`: the self-contained HTML page with the charts and tables.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use super::{Global, ViewFlags, write_file_atomically};
use parley::projection::audit::{Rubric, audit};
use parley::report::{Provenance, Report};
use parley::store::{Access, Log};
use parley::views;
use parley::{Error, Result};

/// Write a self-contained HTML report: the negotiation dance per numeric issue, posture
/// per side, a timeline by side, the position and concession tables, and a time slider
/// that replays the talks. The page loads nothing from any network; open it offline,
/// print it, or send it by mail.
///
/// Example:
///   parley report kr-us-2025 --out kr-us-2025.html
///   parley report kr-us-2025 --out july.html --as-of 2025-07-31
///   parley report kr-us-2025 --out strict.html --rubric strict.json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ReportArgs {
    /// The negotiation.
    slug: String,
    /// The HTML file to write (replaced atomically); `-` for standard output.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    view: ViewFlags,
    /// The audit's rubric (see `parley audit --print-rubric`); the defaults when omitted.
    #[arg(long, value_name = "FILE")]
    rubric: Option<PathBuf>,
}

/// Runs `report`.
pub fn run(global: &Global, args: &ReportArgs) -> Result<()> {
    let started = Instant::now();
    let rubric = read_rubric(args.rubric.as_deref())?;
    let generated = parley::clock::now()?;
    let store = global.open(Access::Read)?;
    let head = store.require(&args.slug)?.head;
    let timeline = super::kept_until_exit(views::timeline(&store, &args.slug, args.view.spec()?)?);
    drop(store);
    let audit = super::kept_until_exit(audit(&timeline, &rubric));
    let mut report = Report::build(&timeline, view(args), Some(&audit));
    report.provenance = Provenance {
        head: Some((head.seq, head.hash.to_hex())),
        as_of: args.view.as_of.clone(),
        known_at: args.view.known_at.clone(),
        rubric: args
            .rubric
            .as_ref()
            .map_or_else(|| "default".into(), |p| p.display().to_string()),
        generated: Some(instant_text(generated)),
        ..Provenance::of(&timeline)
    };
    let html = parley::report::render(&report);
    let Some(path) = super::out_file(Some(&args.out)) else {
        return super::print(&html);
    };
    write_file_atomically(path, |out| {
        out.write_all(html.as_bytes())
            .map_err(|e| Error::io(path, e))
    })?;
    eprintln!(
        "wrote the report on {} ({} moves) to {} in {} ms",
        timeline.slug,
        timeline.moves().count(),
        args.out.display(),
        started.elapsed().as_millis()
    );
    Ok(())
}

/// The view in words for the page's header: "as of D", "as the journal stood at K".
fn view(args: &ReportArgs) -> Option<String> {
    let parts: Vec<String> = [
        args.view.as_of.as_ref().map(|d| format!("as of {d}")),
        args.view
            .known_at
            .as_ref()
            .map(|k| format!("as the journal stood at {k}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// An instant as RFC 3339 in UTC, to the second.
fn instant_text(millis: parley::model::Millis) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn read_rubric(path: Option<&Path>) -> Result<Rubric> {
    let Some(path) = path else {
        return Ok(Rubric::default());
    };
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Rubric::from_json(&text).map_err(|e| Error::input(path.display().to_string(), e))
}
