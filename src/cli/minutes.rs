//! `parley minutes`: the Markdown memorandum of a day's or a span's moves.

use std::path::PathBuf;

use clap::Args;

use super::{Global, negotiation, person_date, write_file_atomically};
use parley::model::{ONE_DAY, parse_bound};
use parley::projection::{Timeline, ViewSpec};
use parley::report::minutes::minutes;
use parley::store::Access;
use parley::views;
use parley::{Error, Result};

/// Write the minutes of a day (or a span) as Markdown: who was there, each issue with
/// its moves in order and the positions before and after, what was agreed and what is
/// still open.
///
/// Examples:
///   parley minutes kr-us-2025 --on 2025-07-30
///   parley minutes --on today --out minutes.md
///   parley minutes kr-us-2025 --from 2025-10-28 --to 2025-10-30
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct MinutesArgs {
    /// The negotiation; defaults to PARLEY_NEGOTIATION, or the only one in the store.
    slug: Option<String>,
    /// The day: YYYY-MM-DD, today or yesterday.
    #[arg(long, value_name = "DATE", conflicts_with_all = ["from", "to"], required_unless_present = "from")]
    on: Option<String>,
    /// The first day of a span.
    #[arg(long, value_name = "DATE", requires = "to")]
    from: Option<String>,
    /// The last day of a span.
    #[arg(long, value_name = "DATE", requires = "from")]
    to: Option<String>,
    /// The file to write (replaced atomically); standard output when omitted or `-`.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Runs `minutes`.
pub fn run(global: &Global, args: &MinutesArgs) -> Result<()> {
    let slug = negotiation(global, args.slug.as_deref())?;
    let (first, last) = match (&args.on, &args.from, &args.to) {
        (Some(on), _, _) => (on.as_str(), on.as_str()),
        (None, Some(from), Some(to)) => (from.as_str(), to.as_str()),
        _ => {
            return Err(Error::input(
                "--on",
                parley::model::Invalid::new("give --on DATE, or --from DATE --to DATE"),
            ));
        }
    };
    let (first_flag, last_flag) = if args.on.is_some() {
        ("--on", "--on")
    } else {
        ("--from", "--to")
    };
    let first = person_date(first_flag, first)?;
    let last = person_date(last_flag, last)?;
    // The end of the day before the first, and the end of the last.
    let start = parse_bound(&first).map_err(|e| Error::input(first_flag, e))? - ONE_DAY;
    let end = parse_bound(&last).map_err(|e| Error::input(last_flag, e))?;
    if end <= start {
        return Err(Error::input(
            "--to",
            parley::model::Invalid::new(format!(
                "{last} is before {first}: give the earlier day first"
            )),
        ));
    }
    let store = global.open(Access::Read)?;
    let later = views::timeline(
        &store,
        &slug,
        ViewSpec {
            as_of: Some(end),
            known_at: None,
        },
    )?;
    drop(store);
    let earlier = Timeline::clone(&later).until(start);
    let span = if first == last {
        first.clone()
    } else {
        format!("{first} to {last}")
    };
    let text = minutes(&earlier, &later, start, &span);
    match super::out_file(args.out.as_deref()) {
        None => super::output::print_long(&text, global.no_pager),
        Some(path) => write_file_atomically(path, |out| {
            out.write_all(text.as_bytes())
                .map_err(|e| Error::io(path, e))
        }),
    }
}
