//! Memos: a view's finished output, kept beside the log with the head it was computed
//! at, so that asking again for the same view of an unchanged log prints it without
//! replaying the history.
//!
//! `positions` resumes a fold from its checkpoint; the audit cannot, because its windows
//! are quantiles of the whole history and every new move shifts them. What an audit of a
//! million events can keep is its answer: a reviewer reads the same audit several times,
//! with and without `--explain`, as JSON for a script, while the log does not change.
//!
//! A memo is a cache: it is used only when it gives exactly what computing afresh would
//! print, and otherwise ignored and replaced. It is valid when all of these hold:
//!
//! 1. it answers the same request: the digest of the command, every flag and file that
//!    shapes the output, and the build ([`Request::new`]);
//! 2. the log is the one it was computed from: the stream's head seq and hash, as the
//!    stream's metadata gives them and as the head event itself records its hash, are
//!    the ones the memo recorded;
//! 3. its bytes are intact: the SHA-256 of the output matches, so a torn or damaged
//!    write reads as "no memo", never as a wrong answer.
//!
//! Like a checkpoint, a memo trusts the log below the head: the hash chain makes the
//! head's hash stand for every event before it, and `verify` is what proves the chain.
//! A store damaged after an audit can still print that audit from its memo, where a
//! fresh audit would stop at the damage; `verify` finds the damage either way.
//!
//! A stream keeps at most [`PER_STREAM`] memos, all at its current head: keeping one
//! removes those of older heads and, past the limit, the least recently kept.
//!
//! ```text
//! stored: VERSION:u32 ‖ head seq:u64 ‖ head hash:[32] ‖ kept:u64 ‖ SHA-256 of output:[32]
//!         ‖ zstd(output)          (kept: 1 + the largest among the stream's memos)
//! ```

use sha2::{Digest, Sha256};

use crate::store::{Log, StreamMeta};

/// The version of the stored form.
pub const VERSION: u32 = 1;

/// Outputs longer than this are not kept: they would cost more to store than to
/// recompute is worth, and the store is not the place for them.
pub const MAX_OUTPUT: usize = 256 << 20;

/// The most memos one stream keeps.
pub const PER_STREAM: usize = 8;

/// zstd level: the outputs are text and JSON with long repeats; level 1 is fast and
/// shrinks them several times.
const LEVEL: i32 = 1;

/// The bytes before the compressed output.
const HEADER: usize = 4 + 8 + 32 + 8 + 32;

/// What an output is a function of, as a digest: the command, each part of the request
/// that shapes the output (flags, a rubric file's contents), and the build, since another
/// build may print differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request([u8; 32]);

impl Request {
    /// The request made of `parts`, in order; each part is length-prefixed, so
    /// `["ab", "c"]` and `["a", "bc"]` differ.
    pub fn new(parts: &[&[u8]]) -> Request {
        let mut hasher = Sha256::new();
        let build = concat!(env!("CARGO_PKG_VERSION"), "+", env!("PARLEY_BUILD_DIGEST"));
        for part in std::iter::once(build.as_bytes()).chain(parts.iter().copied()) {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        Request(hasher.finalize().into())
    }

    /// The digest, which names the memo in the store.
    pub fn digest(&self) -> &[u8; 32] {
        &self.0
    }
}

/// The kept output of `request` on `meta`'s stream, when there is one valid for the log
/// as it is now. Reading or validating it never fails a command: a memo that cannot be
/// read is no memo.
pub fn recall(store: &dyn Log, meta: &StreamMeta, request: &Request) -> Option<Vec<u8>> {
    let stored = store.memo(meta, request.digest()).ok()??;
    let kept = split(&stored)?;
    if !kept.is_at(meta) {
        return None;
    }
    let head = crate::journal::recorded_events_from(store, meta, meta.head.seq).ok()?;
    if head.last().map(|r| (r.envelope.seq, r.envelope.hash))
        != Some((meta.head.seq, meta.head.hash))
    {
        return None;
    }
    let output = zstd::bulk::decompress(kept.body, MAX_OUTPUT).ok()?;
    (Sha256::digest(&output).as_slice() == kept.digest).then_some(output)
}

/// Keeps `output` as the answer to `request` on `meta`'s stream at its head, removing
/// memos of the stream computed at other heads and, past [`PER_STREAM`], the least
/// recently kept. A cache write: failing costs the next command time, never
/// correctness, so callers may ignore the error. A store that keeps no caches
/// ([`Log::keeps_caches`]) keeps no memo.
pub fn keep(
    store: &dyn Log,
    meta: &StreamMeta,
    request: &Request,
    output: &[u8],
) -> crate::Result<()> {
    if output.len() > MAX_OUTPUT || !store.keeps_caches() {
        return Ok(());
    }
    let body = zstd::bulk::compress(output, LEVEL)
        .map_err(|e| crate::store::StoreError::io(format!("a memo does not compress: {e}"), e))?;
    let (remove, kept) = make_room(store, meta, request)?;
    let mut stored = Vec::with_capacity(HEADER + body.len());
    stored.extend_from_slice(&VERSION.to_be_bytes());
    stored.extend_from_slice(&meta.head.seq.to_be_bytes());
    stored.extend_from_slice(&meta.head.hash.0);
    stored.extend_from_slice(&kept.to_be_bytes());
    stored.extend_from_slice(&Sha256::digest(output));
    stored.extend_from_slice(&body);
    store.save_memo(meta, request.digest(), &stored, &remove)
}

/// The memos of `meta`'s stream that keeping one for `request` replaces (those of other
/// heads or unreadable, then the least recently kept beyond [`PER_STREAM`]), and the
/// number that orders the new one after every other: a counter, not a clock, so the
/// order holds under a pinned or jumping clock.
fn make_room(
    store: &dyn Log,
    meta: &StreamMeta,
    request: &Request,
) -> crate::Result<(Vec<[u8; 32]>, u64)> {
    let mut remove = Vec::new();
    let mut current = Vec::new();
    let mut latest = 0;
    for (other, head) in store.memo_heads(meta, HEADER)? {
        let kept = split(&head);
        latest = latest.max(kept.as_ref().map_or(0, |k| k.kept));
        match kept {
            _ if other == request.0 => {}
            Some(kept) if kept.is_at(meta) => current.push((kept.kept, other)),
            _ => remove.push(other),
        }
    }
    current.sort_unstable();
    let excess = (current.len() + 1).saturating_sub(PER_STREAM);
    remove.extend(current.into_iter().take(excess).map(|(_, other)| other));
    Ok((remove, latest.saturating_add(1)))
}

/// The requests `meta`'s stream holds memos for, at any head: for tests and for
/// seeing what a store keeps.
pub fn kept(store: &dyn Log, meta: &StreamMeta) -> crate::Result<Vec<Request>> {
    Ok(store
        .memo_heads(meta, 0)?
        .into_iter()
        .map(|(request, _)| Request(request))
        .collect())
}

/// The parts of a stored memo.
struct Kept<'a> {
    head_seq: u64,
    head_hash: [u8; 32],
    kept: u64,
    digest: &'a [u8],
    body: &'a [u8],
}

impl Kept<'_> {
    /// Whether it was computed at `meta`'s head as the metadata gives it.
    fn is_at(&self, meta: &StreamMeta) -> bool {
        self.head_seq == meta.head.seq && self.head_hash == meta.head.hash.0
    }
}

/// Splits a stored memo (or the first [`HEADER`] bytes of one), or `None` for another
/// version or too few bytes.
fn split(stored: &[u8]) -> Option<Kept<'_>> {
    let version = u32::from_be_bytes(stored.get(..4)?.try_into().ok()?);
    if version != VERSION {
        return None;
    }
    Some(Kept {
        head_seq: u64::from_be_bytes(stored.get(4..12)?.try_into().ok()?),
        head_hash: stored.get(12..44)?.try_into().ok()?,
        kept: u64::from_be_bytes(stored.get(44..52)?.try_into().ok()?),
        digest: stored.get(52..84)?,
        body: stored.get(HEADER..)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_differ_when_any_part_or_its_boundary_differs() {
        let base = Request::new(&[b"audit", b"ab", b"c"]);
        assert_eq!(base, Request::new(&[b"audit", b"ab", b"c"]));
        assert_ne!(base, Request::new(&[b"audit", b"a", b"bc"]));
        assert_ne!(base, Request::new(&[b"audit", b"ab", b"d"]));
        assert_ne!(base, Request::new(&[b"report", b"ab", b"c"]));
    }

    #[test]
    fn a_short_or_foreign_memo_reads_as_none() {
        assert!(split(&[]).is_none());
        assert!(split(&[0, 0, 0, 9]).is_none());
        let mut other_version = vec![0u8; HEADER];
        other_version[3] = 2;
        assert!(split(&other_version).is_none());
        let mut ours = vec![0u8; HEADER];
        ours[3] = 1;
        ours[11] = 5;
        assert_eq!(split(&ours).map(|k| k.head_seq), Some(5));
    }
}
