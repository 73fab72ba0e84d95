//! `export`: a negotiation written out as a recorded journal, one stored event per line,
//! byte for byte as the store holds it.

use std::io::Write;

use crate::Result;
use crate::store::{Log, StreamMeta};

/// Writes every event of `meta` to `out`, each followed by a newline.
pub fn export(store: &dyn Log, meta: &StreamMeta, out: &mut impl Write) -> Result<u64> {
    let mut count = 0;
    let mut failure = None;
    store.scan(meta, 1, &mut |_, bytes| {
        if failure.is_none()
            && let Err(e) = out.write_all(bytes).and_then(|()| out.write_all(b"\n"))
        {
            failure = Some(e);
        }
        count += 1;
        Ok(())
    })?;
    match failure {
        Some(e) => Err(crate::Error::io(std::path::Path::new("export"), e)),
        None => Ok(count),
    }
}
