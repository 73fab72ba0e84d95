//! `parley verify`: prove the stored chains whole.

use std::path::{Path, PathBuf};

use clap::Args;

use super::checkpoint::{place, read_note, same_negotiation};
use super::{Global, print};
use parley::journal::verify;
use parley::model::Invalid;
use parley::report::Table;
use parley::signing::{AllowedSigners, Signers, signers};
use parley::store::{Access, Log, StreamMeta};
use parley::transparency;
use parley::{Error, Result, clock};

/// Re-read every stored event, decode it and check the hash chain; exit 1 naming the
/// first bad seq. With --against CHECKPOINT, check instead that this copy begins with
/// the tree the checkpoint names (`parley checkpoint` on another copy): exit 1 naming
/// the size where the copies part. With --allowed-signers FILE, also say who signed:
/// exit 1 naming the seq of an event signed by a key the file does not allow; with
/// --against too, that such a key signed the checkpoint.
///
/// Example:
///   parley verify
///   parley verify kr-us-2025
///   parley verify --against theirs.checkpoint
///   parley verify --allowed-signers allowed_signers --require-signed
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct VerifyArgs {
    /// Only this negotiation.
    slug: Option<String>,
    /// A checkpoint (from `parley checkpoint`) whose tree this copy must begin with.
    #[arg(long, value_name = "CHECKPOINT")]
    against: Option<PathBuf>,
    /// Also check who signed each event against this `allowed_signers` file (git's
    /// format; `namespaces` and validity dates honoured): exit 1 on a key it does not
    /// allow.
    #[arg(long, value_name = "FILE")]
    allowed_signers: Option<PathBuf>,
    /// With --allowed-signers, exit 1 on an unsigned event too.
    #[arg(long, requires = "allowed_signers")]
    require_signed: bool,
}

/// Runs `verify`.
pub fn run(global: &Global, args: &VerifyArgs) -> Result<()> {
    let allowed = args
        .allowed_signers
        .as_deref()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            AllowedSigners::parse(&text, &place(path))
        })
        .transpose()?;
    if let Some(path) = &args.against {
        return against(global, args, path, allowed.as_ref());
    }
    let store = global.open(Access::Read)?;
    let metas = match &args.slug {
        Some(slug) => vec![store.require(slug)?],
        None => store.negotiations()?,
    };
    let mut headers = vec!["negotiation", "events", "chain"];
    if allowed.is_some() {
        headers.push("signatures");
    }
    headers.push("head hash");
    let mut table = Table::new(&headers).right(&[1]);
    let mut first_failure: Option<Error> = None;
    for meta in &metas {
        let checked = verify(&store, meta).and_then(|verified| {
            let signed = match &allowed {
                Some(allowed) => Some(signers(&store, meta, allowed)?),
                None => None,
            };
            Ok((verified, signed))
        });
        let mut row = vec![meta.slug.to_string()];
        match checked {
            Ok((verified, signed)) => {
                row.extend([verified.events.to_string(), "ok".into()]);
                if let Some(signed) = signed {
                    row.push(signatures_cell(&signed));
                    if let Some(e) = signature_failure(meta, &signed, args.require_signed) {
                        first_failure.get_or_insert(e);
                    }
                }
                row.push(verified.head.to_hex()[..16].to_owned());
            }
            Err(e) => {
                row.extend([meta.head.seq.to_string(), "BROKEN".into()]);
                if allowed.is_some() {
                    row.push(String::new());
                }
                row.push(String::new());
                first_failure.get_or_insert(e);
            }
        }
        table.row(row);
    }
    print(&table.render())?;
    match first_failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// What the signatures column says of one negotiation.
fn signatures_cell(signed: &Signers) -> String {
    if let Some((seq, _)) = &signed.unknown {
        return format!("UNKNOWN KEY at seq {seq}");
    }
    let mut cell = format!("{} allowed", signed.allowed);
    if !signed.unsigned.is_empty() {
        cell.push_str(&format!(", {} unsigned", signed.unsigned.len()));
    }
    cell
}

/// The error a negotiation's signatures make `verify` exit with, if any.
fn signature_failure(meta: &StreamMeta, signed: &Signers, require_signed: bool) -> Option<Error> {
    let refuse = |seq: u64, what: String| {
        Error::input(format!("{} seq {seq}", meta.slug), Invalid::new(what))
    };
    if let Some((seq, why)) = &signed.unknown {
        return Some(refuse(*seq, why.clone()));
    }
    match signed.unsigned.first() {
        Some(&seq) if require_signed => Some(refuse(
            seq,
            "the event is not signed, and --require-signed was given".into(),
        )),
        _ => None,
    }
}

/// Checks that this copy begins with the checkpoint's tree; with `allowed`, also that
/// a key it allows signed the checkpoint.
fn against(
    global: &Global,
    args: &VerifyArgs,
    path: &Path,
    allowed: Option<&AllowedSigners>,
) -> Result<()> {
    let note = read_note(path)?;
    let checkpoint = &note.checkpoint;
    let slug = match args.slug.as_deref() {
        Some(slug) => {
            same_negotiation(checkpoint, slug, path)?;
            slug.to_owned()
        }
        None => checkpoint.slug.to_string(),
    };
    // A checkpoint nobody trusted signed is refused before the store is read.
    let mut signed = String::new();
    if let Some(allowed) = allowed {
        let names = note.signed_by(allowed, clock::now()?, &place(path))?;
        if names.is_empty() {
            return Err(Error::input(
                place(path),
                Invalid::new(
                    "no signature on the checkpoint is by a key the allowed signers allow",
                ),
            ));
        }
        signed = format!("signed by {}\n", names.join(", "));
    }
    let store = global.open(Access::Read)?;
    let meta = store.require(&slug)?;
    let size = transparency::check_against(&store, &meta, checkpoint, &place(path))?;
    let mut text = format!(
        "{slug}: consistent with {}: its {} are the first of this copy's {size} (consistency proof checked)\n",
        place(path),
        parley::format::count(checkpoint.size, "event"),
    );
    text.push_str(&signed);
    print(&text)
}
