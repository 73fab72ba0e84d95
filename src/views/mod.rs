//! Views: a view of a negotiation read from a log, with its caches.
//!
//! The projections ([`crate::projection`]) are pure functions of a [`Timeline`]; this
//! layer is where a view meets a [`Log`]: it reads the negotiation's events, builds the
//! timeline, and keeps and uses the caches a log holds beside it — the positions
//! checkpoint ([`crate::projection::checkpoint`]) and the audit's memo ([`memo`]). Every
//! cache gives exactly the answer computing afresh would, or is not used; a log that
//! keeps no caches ([`Log::keeps_caches`]) is read and never written.
//!
//! - [`timeline`]: the timeline of a view, read in full.
//! - [`positions`]: the positions view, from the checkpoint when it is valid.
//! - [`audit()`]: the audit as text or JSON, from its memo when it is at the same head.

pub mod audit;
pub mod memo;
mod positions;

pub use audit::{AuditForm, AuditRequest, AuditView, audit};
pub use positions::{PositionsView, positions};

use crate::Result;
use crate::projection::{Timeline, ViewSpec};
use crate::store::Log;

/// The timeline of negotiation `slug` in view `spec`, read from `log` in full.
pub fn timeline(log: &dyn Log, slug: &str, spec: ViewSpec) -> Result<Timeline> {
    let meta = log.require(slug)?;
    let records = crate::journal::recorded_events(log, &meta)?;
    Ok(Timeline::build(meta.slug, records, spec))
}
