//! `parley verify`: prove the stored chains whole.

use clap::Args;

use super::{Global, print};
use parley::journal::verify;
use parley::report::Table;
use parley::store::{Access, Log};
use parley::{Error, Result};

/// Re-read every stored event, decode it and check the hash chain; exit 1 naming the
/// first bad seq.
///
/// Example:
///   parley verify
///   parley verify kr-us-2025
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct VerifyArgs {
    /// Only this negotiation.
    slug: Option<String>,
}

/// Runs `verify`.
pub fn run(global: &Global, args: &VerifyArgs) -> Result<()> {
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
