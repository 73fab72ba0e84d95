//! `parley export`: a negotiation as a recorded journal.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{Global, io_error, stdout, write_file_atomically};
use parley::Result;
use parley::journal::export;
use parley::store::{Access, Log};

/// Write a negotiation as a recorded journal (NDJSON with envelopes), byte for byte as
/// stored. Importing it into an empty store reproduces the same ids, seqs and hashes.
///
/// Example:
///   parley export kr-us-2025 --out kr-us-2025.ndjson
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ExportArgs {
    /// The negotiation.
    slug: String,
    /// The file to write (replaced atomically); standard output when omitted or `-`.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Runs `export`.
pub fn run(global: &Global, args: &ExportArgs) -> Result<()> {
    let store = global.open(Access::Read)?;
    let meta = store.require(&args.slug)?;
    match super::out_file(args.out.as_deref()) {
        None => {
            let mut out = stdout();
            export(&store, &meta, &mut out)?;
            out.flush().map_err(io_error)
        }
        Some(path) => {
            let count = write_file_atomically(path, |mut out| export(&store, &meta, &mut out))?;
            eprintln!(
                "wrote {} of {} to {}",
                parley::format::count(count as u64, "event"),
                meta.slug,
                path.display()
            );
            Ok(())
        }
    }
}
