//! `parley report`: the self-contained HTML page with the charts and tables.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;

use super::Global;
use parley::model::{Invalid, parse_bound};
use parley::projection::{ViewSpec, load};
use parley::store::Access;
use parley::{Error, Result};

/// Write a self-contained HTML report: the negotiation dance per numeric issue, posture
/// per side, a timeline by side, the position and concession tables, and a time slider
/// that replays the talks. The page loads nothing from any network; open it offline,
/// print it, or send it by mail.
///
/// Example:
///   parley report kr-us-2025 --out kr-us-2025.html
///   parley report kr-us-2025 --out july.html --as-of 2025-07-31
///   parley audit kr-us-2025 --json > audit.json
///   parley report kr-us-2025 --out kr-us-2025.html --audit audit.json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ReportArgs {
    /// The negotiation.
    slug: String,
    /// The HTML file to write (replaced atomically).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Show the world as of this date (`at` ≤ D; a date includes the whole day).
    #[arg(long, value_name = "D")]
    as_of: Option<String>,
    /// Show the journal as it stood at this instant (`recorded_at` ≤ D).
    #[arg(long, value_name = "D")]
    known_at: Option<String>,
    /// The posture audit to show, as written by `parley audit SLUG --json`.
    #[arg(long, value_name = "FILE")]
    audit: Option<PathBuf>,
}

/// Runs `report`.
pub fn run(global: &Global, args: &ReportArgs) -> Result<()> {
    let started = Instant::now();
    let spec = ViewSpec {
        as_of: bound("--as-of", args.as_of.as_deref())?,
        known_at: bound("--known-at", args.known_at.as_deref())?,
    };
    let audit = args.audit.as_deref().map(read_audit).transpose()?;
    let store = global.open(Access::Read)?;
    let timeline = load(&store, &args.slug, spec)?;
    let html = parley::report::report_html(&timeline, view(args), audit.as_ref());
    write_atomically(&args.out, html.as_bytes())?;
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
        args.as_of.as_ref().map(|d| format!("as of {d}")),
        args.known_at
            .as_ref()
            .map(|k| format!("as the journal stood at {k}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn bound(flag: &str, text: Option<&str>) -> Result<Option<i64>> {
    text.map(parse_bound)
        .transpose()
        .map_err(|e| Error::input(flag, e))
}

fn read_audit(path: &Path) -> Result<serde_json::Value> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        Error::input(
            path.display().to_string(),
            Invalid::new(format!("not the JSON of `parley audit --json`: {e}")),
        )
    })?;
    if value.get("sides").is_none_or(|s| !s.is_object()) {
        return Err(Error::input(
            path.display().to_string(),
            Invalid::new("has no \"sides\" object; write it with `parley audit SLUG --json`"),
        ));
    }
    Ok(value)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let partial = path.with_extension("html.partial");
    std::fs::write(&partial, bytes).map_err(|e| Error::io(&partial, e))?;
    std::fs::rename(&partial, path).map_err(|e| Error::io(path, e))
}
