//! Reading a negotiation's recorded events back out of the store, decoded once each.

use crate::model::Recorded;
use crate::store::{Store, StreamMeta};
use crate::{Error, Result};

/// Every event of `meta`, in seq order, decoded.
pub fn recorded_events(store: &Store, meta: &StreamMeta) -> Result<Vec<Recorded>> {
    let mut out = Vec::with_capacity(usize::try_from(meta.head.seq).unwrap_or(0));
    store.scan(meta, 1, |seq, bytes| {
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
