//! What lets two copies of a journal, or a third party with one event, check each other:
//! the Merkle tree of a negotiation's event hashes ([`crate::merkle`]), the checkpoint
//! that names its head, and the inclusion proof that places one event under it.
//!
//! Leaf *i* of a negotiation's tree is the 32 raw bytes of the `hash` of the event with
//! seq *i*+1. The hash chain already proves each event follows the one before; the tree
//! adds short proofs: that one event is in a journal of a given head (inclusion) and
//! that one journal is the start of another (consistency), without the other events.

mod checkpoint;
mod note;
mod proof;

pub use checkpoint::{Checkpoint, ORIGIN_PREFIX};
pub use note::{Note, key_id};
pub use proof::{EventProof, Proven};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::journal::{recorded_events, verify};
use crate::merkle::{Hash, Tree};
use crate::model::Invalid;
use crate::store::{Log, StreamMeta};
use crate::{Error, Result};

/// The tree of `meta`'s events, from a chain that verifies: a checkpoint or a proof is
/// never made over a chain `verify` refuses.
pub fn tree(store: &dyn Log, meta: &StreamMeta) -> Result<Tree> {
    verify(store, meta)?;
    let events = recorded_events(store, meta)?;
    let leaves: Vec<Hash> = events.iter().map(|e| e.envelope.hash.0).collect();
    Ok(Tree::from_leaves(&leaves))
}

/// The checkpoint of `meta`'s whole tree.
pub fn checkpoint(store: &dyn Log, meta: &StreamMeta) -> Result<Checkpoint> {
    let tree = tree(store, meta)?;
    Ok(Checkpoint::of(&meta.slug, &tree, tree.size()))
}

/// Checks that `meta`'s events begin with the tree `checkpoint` names: its head at the
/// checkpoint's size is the checkpoint's, and the consistency proof from that size to
/// this copy's head verifies. Returns this copy's size; a refusal is bad input at
/// `place` (the checkpoint's file).
pub fn check_against(
    store: &dyn Log,
    meta: &StreamMeta,
    checkpoint: &Checkpoint,
    place: &str,
) -> Result<u64> {
    let tree = tree(store, meta)?;
    let refused = |problem: String| Error::input(place, Invalid::new(problem));
    let size = tree.size() as u64;
    let old = usize::try_from(checkpoint.size).unwrap_or(usize::MAX);
    let Some(old_root) = tree.root(old) else {
        return Err(refused(format!(
            "the checkpoint names {} and this copy holds {size}: it is not this copy's, or this copy lost events",
            crate::format::count(checkpoint.size, "event"),
        )));
    };
    let consistent = tree.consistency(old, tree.size()).is_some_and(|proof| {
        tree.root(tree.size()).is_some_and(|new_root| {
            crate::merkle::verify_consistency(
                checkpoint.size,
                size,
                &checkpoint.root,
                &new_root,
                &proof,
            )
        })
    });
    if old_root != checkpoint.root || !consistent {
        return Err(refused(format!(
            "this copy's first {} have the tree head {}, the checkpoint says {}: the copies differ at or before seq {}",
            crate::format::count(checkpoint.size, "event"),
            base64(&old_root),
            base64(&checkpoint.root),
            checkpoint.size,
        )));
    }
    Ok(size)
}

/// `hash` in standard base64, as checkpoints and proofs write hashes.
pub fn base64(hash: &Hash) -> String {
    STANDARD.encode(hash)
}

/// A hash written in standard base64; `None` unless it is 32 bytes.
pub fn hash_from_base64(text: &str) -> Option<Hash> {
    STANDARD.decode(text).ok()?.try_into().ok()
}
