//! Reading a negotiation's recorded events back out of the store, decoded once each.

use crate::model::Recorded;
use crate::store::{Store, StreamMeta};
use crate::{Error, Result};

/// Every event of `meta`, in seq order, decoded.
pub fn recorded_events(store: &Store, meta: &StreamMeta) -> Result<Vec<Recorded>> {
    recorded_events_from(store, meta, 1)
}

/// The events of `meta` from `from_seq` to the head, in seq order, decoded.
pub fn recorded_events_from(
    store: &Store,
    meta: &StreamMeta,
    from_seq: u64,
) -> Result<Vec<Recorded>> {
    let count = meta.head.seq.saturating_sub(from_seq.max(1)) + 1;
    let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    store.scan(meta, from_seq, |seq, bytes| {
        let recorded = Recorded::decode(bytes).map_err(|e| Error::Integrity {
            slug: meta.slug.to_string(),
            seq,
            what: format!("does not decode: {e}"),
        })?;
        out.push(recorded);
        Ok(())
    })?;
    Ok(out)
}
