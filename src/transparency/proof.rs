//! Inclusion proofs: one event, in recorded form, with the hashes that place it in a
//! negotiation's tree of a given size and head, checked with no store at hand.
//!
//! ```json
//! {
//!   "origin": "parley/kr-us-2025",
//!   "tree_size": 42,
//!   "root_hash": "BASE64",
//!   "leaf_index": 6,
//!   "inclusion_proof": ["BASE64", "…"],
//!   "event": { "…": "the event as `export` writes it" }
//! }
//! ```
//!
//! Checking one proves three things: the event hashes to its own `hash` (so no field of
//! it changed) and any signature it carries verifies over that hash, it is the event its leaf index names (seq = leaf index + 1, in the
//! origin's negotiation), and the proof leads from its `hash` to the root. The root is
//! the proof's own until it is compared with a checkpoint the reader trusts.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::merkle::{Hash, Tree, leaf_hash, verify_inclusion};
use crate::model::{Digest32, Invalid, Recorded, Slug, chain_hash};
use crate::store::{Log, StreamMeta};
use crate::{Error, Result};

use super::{Checkpoint, base64, hash_from_base64, tree};

/// An inclusion proof of one event, as `parley prove` writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventProof {
    /// The checkpoint origin of the negotiation (`parley/SLUG`).
    pub origin: String,
    /// The number of events in the tree the proof is for.
    pub tree_size: u64,
    /// That tree's head, in base64.
    pub root_hash: String,
    /// The event's leaf: its seq less one.
    pub leaf_index: u64,
    /// The sibling hashes from the leaf up, in base64 (RFC 9162 §2.1.3).
    pub inclusion_proof: Vec<String>,
    /// The event, as recorded.
    pub event: Map<String, Value>,
}

/// What a proof that checks out shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proven {
    /// The event's seq.
    pub seq: u64,
    /// Its hash.
    pub hash: Digest32,
    /// Who signed it and with which key (a signature that verifies over its hash; whether
    /// that key is trusted is for an `allowed_signers` file).
    pub signed_by: Option<String>,
    /// The tree it is in: its negotiation, size and head.
    pub checkpoint: Checkpoint,
}

impl EventProof {
    /// The proof of event `seq` of `meta`, in the tree of the first `at_size` events (the
    /// whole negotiation when `None`).
    pub fn make(
        store: &dyn Log,
        meta: &StreamMeta,
        seq: u64,
        at_size: Option<u64>,
    ) -> Result<EventProof> {
        let tree = tree(store, meta)?;
        let size = at_size.unwrap_or(tree.size() as u64);
        let index = seq.checked_sub(1).filter(|&i| i < size).ok_or_else(|| {
            Error::input(
                "SEQ",
                Invalid::new(format!(
                    "{} holds seqs 1 to {size} in this tree; there is no seq {seq}",
                    meta.slug
                )),
            )
        })?;
        let proof = inclusion(&tree, index, size).ok_or_else(|| {
            Error::input(
                "SEQ",
                Invalid::new(format!("no proof of seq {seq} at size {size}")),
            )
        })?;
        let events = crate::journal::recorded_events_from(store, meta, seq)?;
        let event = events.first().map(|e| e.raw()).unwrap_or_default();
        let checkpoint = Checkpoint::of(&meta.slug, &tree, size as usize);
        Ok(EventProof {
            origin: checkpoint.origin(),
            tree_size: size,
            root_hash: base64(&checkpoint.root),
            leaf_index: index,
            inclusion_proof: proof.iter().map(base64).collect(),
            event,
        })
    }

    /// Reads a proof; errors name `file`.
    pub fn parse(text: &str, file: &str) -> Result<EventProof> {
        serde_json::from_str(text).map_err(|e| {
            Error::input(
                file,
                Invalid::new(format!(
                    "is not an inclusion proof as `parley prove` writes it: {e}"
                )),
            )
        })
    }

    /// Checks the proof on its own; a refusal names `file`, the field and the seq.
    pub fn check(&self, file: &str) -> Result<Proven> {
        let refused = |problem: String| Error::input(file, Invalid::new(problem));
        let slug = self
            .origin
            .strip_prefix(super::ORIGIN_PREFIX)
            .and_then(|slug| Slug::parse(slug).ok())
            .ok_or_else(|| refused(format!("origin {:?} is not parley/SLUG", self.origin)))?;
        let root = hash_from_base64(&self.root_hash)
            .ok_or_else(|| refused("root_hash is not 32 bytes in standard base64".into()))?;
        let proof = self.proof_hashes().map_err(refused)?;
        let recorded = Recorded::from_map(self.event.clone())
            .map_err(|e| refused(format!("event is not a recorded event: {e}")))?;
        let envelope = &recorded.envelope;
        let seq = envelope.seq;
        if !hash_holds(&self.event, &envelope.prev_hash, &envelope.hash) {
            return Err(refused(format!(
                "event seq {seq} does not hash to its `hash`: it was changed"
            )));
        }
        let signature = crate::signing::Signature::of(&self.event, &envelope.hash)
            .map_err(|e| refused(format!("event seq {seq}: {e}")))?;
        if envelope.negotiation != slug || self.leaf_index.checked_add(1) != Some(seq) {
            return Err(refused(format!(
                "event seq {seq} of {} is not the event the proof is for: leaf {} is seq {} of {slug}",
                envelope.negotiation,
                self.leaf_index,
                self.leaf_index.saturating_add(1),
            )));
        }
        let leaf = leaf_hash(&envelope.hash.0);
        if !verify_inclusion(self.leaf_index, self.tree_size, &leaf, &proof, &root) {
            return Err(refused(format!(
                "the proof does not lead from event seq {seq} to the tree head {} of size {}",
                self.root_hash, self.tree_size
            )));
        }
        Ok(Proven {
            seq,
            hash: envelope.hash,
            signed_by: signature.map(|s| format!("{} ({})", s.signer, s.fingerprint())),
            checkpoint: Checkpoint {
                slug,
                size: self.tree_size,
                root,
            },
        })
    }

    fn proof_hashes(&self) -> std::result::Result<Vec<Hash>, String> {
        self.inclusion_proof
            .iter()
            .enumerate()
            .map(|(i, text)| {
                hash_from_base64(text).ok_or_else(|| {
                    format!("inclusion_proof[{i}] is not 32 bytes in standard base64")
                })
            })
            .collect()
    }
}

fn inclusion(tree: &Tree, index: u64, size: u64) -> Option<Vec<Hash>> {
    tree.inclusion(usize::try_from(index).ok()?, usize::try_from(size).ok()?)
}

/// Whether the event object hashes to `hash` over `prev`: the chain rule, on the
/// object without its `hash` and signature.
fn hash_holds(event: &Map<String, Value>, prev: &Digest32, hash: &Digest32) -> bool {
    chain_hash(prev, &crate::signing::hashed_content(event)) == *hash
}
