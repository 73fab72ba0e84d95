//! parley's integration tests: one binary, a module per capability.
//!
//! - `common`: the hermetic test environment (temp store, pinned clock) and helpers
//! - `journal`: recording, import/export, corrections, verify, concurrency (issue: journal core)

mod common;
mod journal;
