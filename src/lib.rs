//! parley: an event-sourced negotiation journal.
//!
//! Every offer, demand, concession, threat and agreement is appended to a hash-chained
//! log and never edited; corrections are new events. Every view is a pure function of
//! that log, so any of them can be rebuilt from it at any time.
//!
//! The flow, and where each step lives:
//!
//! ```text
//! journal file, parley log
//!   └─► model       parse and validate: vocabulary, references, times, sizes
//!   └─► journal     the write path: envelope, hash chain, all-or-nothing import
//!   └─► store       the log contract; sled (segments, heads moved atomically, one lock)
//!                   and in memory
//!   └─► projection  the timeline (corrections applied), then one fold per view
//!   └─► report      terminal tables and the HTML page
//! ```
//!
//! - [`model`]: names, times, kinds, the envelope and hash rule, validation. No I/O.
//! - [`journal`]: reading and writing journal files, the shared write path, `verify`.
//! - [`store`]: the log contract ([`store::Log`]) and its implementations, the sled
//!   store (the only code that touches sled) and one in memory; the invariants are
//!   documented on the trait.
//! - [`projection`]: the timeline (corrections applied, `--as-of`/`--known-at`) and one
//!   module per view.
//! - [`report`]: rendering for people; reports return data, rendering is separate.
//! - [`merkle`]: the RFC 6962 Merkle tree over a negotiation's event hashes, and its proofs.
//! - [`signing`]: SSH signatures of events (SSHSIG over the hash), `allowed_signers`.
//! - [`transparency`]: checkpoints of that tree and inclusion proofs of one event.
//! - [`format`]: numbers as every output writes them, one rule.
//! - [`clock`]: "now" from one place (`PARLEY_NOW` in tests).
//! - [`synth`]: seeded synthetic journals for benchmarks, 10^3 to 10^6 events.
//!
//! The command line (`src/cli/`) is in the binary, not here: the library has no clap.
#![forbid(unsafe_code)]

pub mod clock;
mod error;
pub mod format;
pub mod journal;
pub mod merkle;
pub mod model;
pub mod projection;
pub mod report;
pub mod signing;
mod splitmix;
pub mod store;
pub mod synth;
pub mod transparency;

pub use error::{Error, Result};
