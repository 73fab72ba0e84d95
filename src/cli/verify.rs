//! `parley verify`: prove the stored chains whole.

use std::path::{Path, PathBuf};

use clap::Args;

use super::checkpoint::{place, read_checkpoint, same_negotiation};
use super::{Global, print};
use parley::journal::verify;
use parley::report::Table;
use parley::store::{Access, Log};
use parley::transparency;
use parley::{Error, Result};

/// Re-read every stored event, decode it and check the hash chain; exit 1 naming the
/// first bad seq. With --against CHECKPOINT, check instead that this copy begins with
/// the tree the checkpoint names (`parley checkpoint` on another copy): exit 1 naming
/// the size where the copies part.
///
/// Example:
///   parley verify
///   parley verify kr-us-2025
///   parley verify --against theirs.checkpoint
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct VerifyArgs {
    /// Only this negotiation.
    slug: Option<String>,
    /// A checkpoint (from `parley checkpoint`) whose tree this copy must begin with.
    #[arg(long, value_name = "CHECKPOINT")]
    against: Option<PathBuf>,
}

/// Runs `verify`.
pub fn run(global: &Global, args: &VerifyArgs) -> Result<()> {
    if let Some(path) = &args.against {
        return against(global, args.slug.as_deref(), path);
    }
    let store = global.open(Access::Read)?;
    let metas = match &args.slug {
        Some(slug) => vec![store.require(slug)?],
        None => store.negotiations()?,
    };
    let mut table = Table::new(&["negotiation", "events", "chain", "head hash"]).right(&[1]);
    let mut first_failure: Option<Error> = None;
    for meta in &metas {
        match verify(&store, meta) {
            Ok(verified) => table.row(vec![
                meta.slug.to_string(),
                verified.events.to_string(),
                "ok".into(),
                verified.head.to_hex()[..16].to_owned(),
            ]),
            Err(e) => {
                table.row(vec![
                    meta.slug.to_string(),
                    meta.head.seq.to_string(),
                    "BROKEN".into(),
                    String::new(),
                ]);
                first_failure.get_or_insert(e);
            }
        }
    }
    print(&table.render())?;
    match first_failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Checks that this copy begins with the checkpoint's tree.
fn against(global: &Global, slug: Option<&str>, path: &Path) -> Result<()> {
    let checkpoint = read_checkpoint(path)?;
    let slug = match slug {
        Some(slug) => {
            same_negotiation(&checkpoint, slug, path)?;
            slug.to_owned()
        }
        None => checkpoint.slug.to_string(),
    };
    let store = global.open(Access::Read)?;
    let meta = store.require(&slug)?;
    let size = transparency::check_against(&store, &meta, &checkpoint, &place(path))?;
    print(&format!(
        "{slug}: consistent with {}: its {} are the first of this copy's {size} (consistency proof checked)\n",
        place(path),
        parley::format::count(checkpoint.size, "event"),
    ))
}
