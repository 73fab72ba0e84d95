//! `parley import`: a journal file into the store, all or nothing.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;

use clap::Args;

use super::{Global, print};
use parley::journal::{ImportOptions, import_signed};
use parley::model::Slug;
use parley::report::Table;
use parley::{Error, Result, clock};

/// Import a journal file (NDJSON, see journal-format.md); all lines or none.
///
/// Recorded lines already in the store, and authored lines identical to an event
/// already stored, are skipped: importing the same file twice adds nothing.
///
/// Example:
///   parley import journals/korea-us-2025.ndjson
///   cat moves.ndjson | parley import - --negotiation kr-us-2025 --dry-run
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ImportArgs {
    /// The journal file, or - for standard input.
    file: PathBuf,
    /// The negotiation of lines that name none and follow no opening.
    #[arg(long)]
    negotiation: Option<String>,
    /// Check every line and say what would be added; write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Runs `import`.
pub fn run(global: &Global, args: &ImportArgs) -> Result<()> {
    let negotiation = args
        .negotiation
        .as_deref()
        .map(|s| Slug::parse(s).map_err(|e| Error::input("--negotiation", e)))
        .transpose()?;
    let options = ImportOptions {
        negotiation,
        dry_run: args.dry_run,
        now: clock::now()?,
        recorder: global.recorder(),
    };
    let name = args.file.display().to_string();
    // Send: the lines are read on a second thread (see `journal::import`).
    let reader: Box<dyn Read + Send> = if name == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(&args.file).map_err(|e| Error::io(&args.file, e))?)
    };
    let reader = BufReader::with_capacity(1 << 20, reader);
    let signer = global.signer()?;
    let summary =
        global.write(|store| import_signed(store, reader, &name, &options, signer.as_ref()))?;
    let mut table = Table::new(&["negotiation", "added", "seq"]).right(&[1]);
    for (slug, added) in &summary.added {
        table.row(vec![
            slug.to_string(),
            parley::format::number(added.count as f64),
            format!("{}–{}", added.first, added.last),
        ]);
    }
    let verb = if args.dry_run { "would add" } else { "added" };
    let total: u64 = summary.added.values().map(|a| a.count).sum();
    let mut text = format!(
        "{name}: {}; {verb} {}, {} already in the store{}\n",
        parley::format::count(summary.lines as u64, "event line"),
        parley::format::number(total as f64),
        parley::format::number(summary.already_present as f64),
        if args.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    if !table.is_empty() {
        text.push_str(&table.render());
    }
    print(&text)
}
