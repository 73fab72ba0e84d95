//! `parley checkpoint`, `parley prove` and `parley verify-proof`: a negotiation's tree
//! head, and one event proven to be under it.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{Global, json_text, print, write_file_atomically};
use parley::store::{Access, Log};
use parley::transparency::{self, Checkpoint, EventProof, Note};
use parley::{Error, Result};

/// Print the checkpoint of a negotiation: the C2SP tlog-checkpoint note naming its Merkle
/// tree head (origin `parley/SLUG`, tree size, base64 head), with --sign-with a signed
/// note. Another copy checks it with `parley verify --against FILE`.
///
/// Example:
///   parley checkpoint kr-us-2025 --sign-with ~/.ssh/id_ed25519 > kr-us-2025.checkpoint
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct CheckpointArgs {
    /// The negotiation.
    slug: String,
}

/// Check a checkpoint against this copy (which must begin with its tree) and print it
/// with this copy's signature line added (--sign-with): the other delegation's witness.
///
/// Example:
///   parley cosign kr-us-2025.checkpoint --sign-with ~/.ssh/id_ed25519 > cosigned.checkpoint
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct CosignArgs {
    /// The checkpoint.
    file: PathBuf,
}

/// Write an inclusion proof of one event (JSON: tree size, head, leaf index, proof
/// hashes, the event as recorded), which `parley verify-proof` checks with no store.
///
/// Example:
///   parley prove kr-us-2025 7 --checkpoint kr-us-2025.checkpoint --out seq-7.proof.json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ProveArgs {
    /// The negotiation.
    slug: String,
    /// The event's seq.
    seq: u64,
    /// Prove it under this checkpoint's tree (which this copy must begin with), not
    /// under this copy's head.
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
    /// The file to write (replaced atomically); standard output when omitted or `-`.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Check an inclusion proof `parley prove` wrote, with no store: the event hashes to
/// its `hash`, is the seq the proof names, and the proof leads to the tree head; with
/// --checkpoint, that head is the checkpoint's. Exit 1 naming what does not hold.
///
/// Example:
///   parley verify-proof seq-7.proof.json --checkpoint kr-us-2025.checkpoint
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct VerifyProofArgs {
    /// The proof.
    file: PathBuf,
    /// The checkpoint the proof's tree head must be.
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
}

/// Runs `checkpoint`.
pub fn run(global: &Global, args: &CheckpointArgs) -> Result<()> {
    let store = global.open(Access::Read)?;
    let meta = store.require(&args.slug)?;
    let mut note = Note::of(transparency::checkpoint(&store, &meta)?);
    if let Some(signer) = global.signer()? {
        note.sign(&signer)?;
    }
    print(&note.render())
}

/// Runs `cosign`.
pub fn cosign(global: &Global, args: &CosignArgs) -> Result<()> {
    let signer = global.signer()?.ok_or_else(|| {
        Error::input(
            "--sign-with",
            parley::model::Invalid::new("cosign signs: name the key with --sign-with KEYFILE"),
        )
    })?;
    let file = place(&args.file);
    let mut note = Note::parse(&read(&args.file)?, &file)?;
    let store = global.open(Access::Read)?;
    let meta = store.require(note.checkpoint.slug.as_str())?;
    transparency::check_against(&store, &meta, &note.checkpoint, &file)?;
    note.sign(&signer)?;
    print(&note.render())
}

/// Runs `prove`.
pub fn prove(global: &Global, args: &ProveArgs) -> Result<()> {
    let store = global.open(Access::Read)?;
    let meta = store.require(&args.slug)?;
    let at_size = match &args.checkpoint {
        Some(path) => {
            let checkpoint = read_checkpoint(path)?;
            same_negotiation(&checkpoint, &args.slug, path)?;
            transparency::check_against(&store, &meta, &checkpoint, &place(path))?;
            Some(checkpoint.size)
        }
        None => None,
    };
    let proof = EventProof::make(&store, &meta, args.seq, at_size)?;
    let text = json_text(&proof)?;
    match super::out_file(args.out.as_deref()) {
        None => print(&text),
        Some(path) => write_file_atomically(path, |out| {
            out.write_all(text.as_bytes())
                .map_err(|e| Error::io(path, e))
        }),
    }
}

/// Runs `verify-proof`.
pub fn verify_proof(args: &VerifyProofArgs) -> Result<()> {
    let file = place(&args.file);
    let proof = EventProof::parse(&read(&args.file)?, &file)?;
    let proven = proof.check(&file)?;
    let tree = &proven.checkpoint;
    let mut text = format!(
        "seq {} of {} (hash {}) is in the tree of {} with head {}\n",
        proven.seq,
        tree.slug,
        &proven.hash.to_hex()[..16],
        parley::format::count(tree.size, "event"),
        transparency::base64(&tree.root),
    );
    if let Some(signed_by) = &proven.signed_by {
        text.push_str(&format!("signed by {signed_by}\n"));
    }
    match &args.checkpoint {
        Some(path) => {
            let checkpoint = read_checkpoint(path)?;
            matches_checkpoint(tree, &checkpoint, &file, path)?;
            text.push_str(&format!("that is the tree {} names\n", place(path)));
        }
        None => text.push_str(
            "that head is the proof's own: check it against a checkpoint you trust (--checkpoint FILE)\n",
        ),
    }
    print(&text)
}

/// Refuses a proof whose tree is not the checkpoint's.
fn matches_checkpoint(
    tree: &Checkpoint,
    checkpoint: &Checkpoint,
    file: &str,
    path: &Path,
) -> Result<()> {
    if tree == checkpoint {
        return Ok(());
    }
    let named = |c: &Checkpoint| {
        format!(
            "the tree of {} of {} with head {}",
            parley::format::count(c.size, "event"),
            c.slug,
            transparency::base64(&c.root)
        )
    };
    let advice = if tree.slug == checkpoint.slug && tree.size != checkpoint.size {
        format!(
            ": prove it under the checkpoint with `parley prove {} SEQ --checkpoint {}`",
            checkpoint.slug,
            place(path)
        )
    } else {
        ": the event is not in the journal the checkpoint names".to_owned()
    };
    Err(Error::input(
        file,
        parley::model::Invalid::new(format!(
            "the proof is for {}, and {} names {}{advice}",
            named(tree),
            place(path),
            named(checkpoint)
        )),
    ))
}

/// Refuses a checkpoint of another negotiation than `slug`.
pub(super) fn same_negotiation(checkpoint: &Checkpoint, slug: &str, path: &Path) -> Result<()> {
    if checkpoint.slug.to_string() == slug {
        return Ok(());
    }
    Err(Error::input(
        format!("{}:1", place(path)),
        parley::model::Invalid::new(format!(
            "the checkpoint is of {}, not {slug}",
            checkpoint.slug
        )),
    ))
}

/// Reads a checkpoint file.
pub(super) fn read_checkpoint(path: &Path) -> Result<Checkpoint> {
    Ok(read_note(path)?.checkpoint)
}

/// Reads a checkpoint file with its signature lines.
pub(super) fn read_note(path: &Path) -> Result<Note> {
    Note::parse(&read(path)?, &place(path))
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// How a file is named in messages.
pub(super) fn place(path: &Path) -> String {
    path.display().to_string()
}
