//! `parley convert`: coded event data (GDELT 1.0) into an authored journal to read,
//! check and then import.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{Global, io_error, stdout, write_file_atomically};
use parley::journal::{Converted, GdeltOptions, convert_gdelt};
use parley::model::{PartyCode, Slug};
use parley::{Error, Result};

/// Convert coded event data into an authored journal (NDJSON), one move per event
/// between the chosen countries, for `parley import`. The store is not touched.
///
/// GDELT 1.0 rows (tab-separated, 57 or 58 columns) become moves by their CAMEO code
/// (03 offer, 08 concession, 10 demand, 13 threat …; see docs/journal-format.md); the
/// use of force (CAMEO 18–20) is left out and counted. GDELT codes no issues, so every
/// move is on one issue, `relations`, and carries no position.
///
/// Example:
///   parley convert events.tsv --from gdelt --between USA,ISR --negotiation usa-isr --out usa-isr.ndjson
///   parley import usa-isr.ndjson
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ConvertArgs {
    /// The event file, or - for standard input.
    file: PathBuf,
    /// The format of the file.
    #[arg(long, value_enum)]
    from: Format,
    /// The countries (GDELT's three-letter codes) whose events with each other are kept.
    #[arg(long, value_delimiter = ',', required = true, value_name = "CODE,CODE")]
    between: Vec<String>,
    /// The negotiation the journal opens.
    #[arg(long)]
    negotiation: String,
    /// Its title; by default it names the countries.
    #[arg(long)]
    title: Option<String>,
    /// The journal file to write (replaced atomically); standard output when omitted.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// The event-data formats parley reads.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    /// GDELT 1.0 event records.
    Gdelt,
}

/// Runs `convert`.
pub fn run(_global: &Global, args: &ConvertArgs) -> Result<()> {
    let options = GdeltOptions {
        negotiation: Slug::parse(&args.negotiation)
            .map_err(|e| Error::input("--negotiation", e))?,
        title: args.title.clone(),
        between: args
            .between
            .iter()
            .map(|code| PartyCode::parse(code.trim()).map_err(|e| Error::input("--between", e)))
            .collect::<Result<_>>()?,
    };
    let name = args.file.display().to_string();
    let reader: Box<dyn Read> = if name == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(File::open(&args.file).map_err(|e| Error::io(&args.file, e))?)
    };
    let converted = match args.from {
        Format::Gdelt => convert_gdelt(BufReader::with_capacity(1 << 20, reader), &name, &options)?,
    };
    match super::out_file(args.out.as_deref()) {
        Some(path) => write_file_atomically(path, |out| {
            write_lines(&converted, out).map_err(|e| Error::io(path, e))
        })?,
        None => {
            let mut out = stdout();
            write_lines(&converted, &mut out).map_err(io_error)?;
        }
    }
    eprintln!("{}", tally(&converted, &name));
    Ok(())
}

fn write_lines(converted: &Converted, out: &mut dyn Write) -> std::io::Result<()> {
    for line in &converted.lines {
        serde_json::to_writer(&mut *out, line)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// "events.tsv: 710 rows; 4 moves kept; left out: 704 between other actors, 2 uses of force".
fn tally(converted: &Converted, name: &str) -> String {
    use parley::format::{count, number};
    let force = match converted.use_of_force {
        1 => "1 use of force".to_owned(),
        n => format!("{} uses of force", number(n as f64)),
    };
    format!(
        "{name}: {}; {} kept; left out: {} between other actors, {force}",
        count(converted.rows as u64, "row"),
        count(converted.moves() as u64, "move"),
        number(converted.other_actors as f64),
    )
}
