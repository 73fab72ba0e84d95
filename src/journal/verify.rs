//! `verify`: re-read every stored event and prove the chain is whole.
//!
//! For each negotiation, in seq order, every event must decode, be stored in canonical
//! form (so no byte can change unnoticed), carry its own seq and negotiation, point at the
//! hash of the event before it, hash to its own `hash`, and not go back in recording
//! time; the last hash must be the head the store recorded. What it cannot prove is who
//! wrote an event, or that the first event was honest: the chain shows change, not truth.

use crate::model::{Digest32, Recorded, canonical, chain_hash};
use crate::store::{Store, StreamMeta};
use crate::{Error, Result};

/// What `verify` checked in one negotiation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Events checked.
    pub events: u64,
    /// The head hash.
    pub head: Digest32,
}

/// Checks one negotiation; the error names the first bad seq.
pub fn verify(store: &Store, meta: &StreamMeta) -> Result<Verified> {
    let slug = meta.slug.to_string();
    let mut prev = Digest32::ZERO;
    let mut prev_recorded = i64::MIN;
    let mut expected = 1;
    store.scan(meta, 1, |seq, bytes| {
        let fail = |what: String| Error::Integrity {
            slug: slug.clone(),
            seq,
            what,
        };
        let recorded =
            Recorded::decode(bytes).map_err(|e| fail(format!("does not decode: {e}")))?;
        let envelope = &recorded.envelope;
        if canonical(&recorded.raw) != bytes {
            return Err(fail(
                "the stored bytes are not in canonical form: they were changed".into(),
            ));
        }
        if envelope.seq != expected || seq != expected {
            return Err(fail(format!(
                "the event says seq {}, expected {expected}",
                envelope.seq
            )));
        }
        if envelope.negotiation != meta.slug {
            return Err(fail(format!(
                "the event says it belongs to {}",
                envelope.negotiation
            )));
        }
        if envelope.prev_hash != prev {
            return Err(fail(
                "prev_hash does not match the hash of the event before".into(),
            ));
        }
        let mut content = recorded.raw.clone();
        content.remove("hash");
        if chain_hash(&prev, &content) != envelope.hash {
            return Err(fail(
                "the content does not match its hash: the event was altered".into(),
            ));
        }
        if envelope.recorded_at < prev_recorded {
            return Err(fail("recorded_at goes back in time".into()));
        }
        prev = envelope.hash;
        prev_recorded = envelope.recorded_at;
        expected += 1;
        Ok(())
    })?;
    if prev != meta.head.hash || expected - 1 != meta.head.seq {
        return Err(Error::Integrity {
            slug,
            seq: meta.head.seq,
            what: "the last event's hash is not the head the store recorded".into(),
        });
    }
    Ok(Verified {
        events: expected - 1,
        head: prev,
    })
}
