//! parley: an event-sourced negotiation journal.
//!
//! Every offer, demand, concession, threat and agreement is appended to a hash-chained
//! log and never edited; corrections are new events. Every view is a pure function of
//! that log, so any of them can be rebuilt from it at any time.
//!
//! The flow, and where each step lives (docs/architecture.md has the whole map):
//!
//! ```text
//! journal file, parley log
//!   └─► model       parse and validate: vocabulary, references, times, sizes
//!   └─► journal     the write path: envelope, hash chain, all-or-nothing import
//!   └─► store       the log contract (Log); sled (segments, heads moved atomically,
//!                   one lock) and in memory
//!   └─► views       a view read from a log, with its caches (checkpoints, memos)
//!   └─► projection  pure: the timeline (corrections applied), then one fold per view
//!   └─► report      terminal tables, audit text and JSON, the HTML page
//! ```
//!
//! - [`model`]: names, times, kinds, the envelope and hash rule, validation. No I/O.
//! - [`journal`]: reading and writing journal files, the shared write path, `verify`.
//! - [`store`]: the log contract ([`store::Log`]) and its implementations, the sled
//!   store (the only code that touches sled) and one in memory; the invariants are
//!   documented on the trait.
//! - [`views`]: reading a view of a negotiation from a `&dyn Log`: the timeline, the
//!   positions (from their checkpoint) and the audit (from its memo).
//! - [`projection`]: pure functions of a timeline (corrections applied,
//!   `--as-of`/`--known-at`): one module per view, and the checkpoint's pure part.
//! - [`report`]: rendering for people; reports return data, rendering is separate.
//! - [`merkle`]: the RFC 6962 Merkle tree over a negotiation's event hashes, and its proofs.
//! - [`signing`]: SSH signatures of events (SSHSIG over the hash), `allowed_signers`.
//! - [`transparency`]: checkpoints of that tree and inclusion proofs of one event.
//! - [`format`](mod@format): numbers as every output writes them, one rule.
//! - [`clock`]: "now" from one place (`PARLEY_NOW` in tests).
//! - [`synth`]: seeded synthetic journals for benchmarks, 10^3 to 10^6 events.
//!
//! The command line (`src/cli/`) is in the binary, not here: the library has no clap.
//! Each command parses its flags, calls [`views`], and renders.
//!
//! # Example
//!
//! A journal imported into a log in memory, its positions, and its audit, which the
//! log then keeps as a memo:
//!
//! ```
//! use parley::journal::{ImportOptions, import};
//! use parley::model::parse_instant;
//! use parley::projection::ViewSpec;
//! use parley::projection::audit::Rubric;
//! use parley::store::MemoryLog;
//! use parley::views::{self, AuditForm, AuditRequest};
//!
//! let journal = r#"
//! {"kind":"opening","negotiation":"t","at":"2025-03-01","title":"Test talks","parties":[{"code":"KR","name":"Korea"},{"code":"US","name":"United States"}],"issues":[{"key":"tariff","title":"Tariff","unit":"%","prefer":{"KR":"lower","US":"higher"}}]}
//! {"kind":"demand","at":"2025-03-05","by":"US","issue":"tariff","position":25,"summary":"US asks 25%"}
//! {"kind":"offer","at":"2025-03-10","by":"KR","issue":"tariff","position":10,"summary":"Korea offers 10%"}
//! {"kind":"concession","at":"2025-04-02","by":"US","issue":"tariff","position":20,"summary":"US comes down to 20%"}
//! "#;
//! let log = MemoryLog::new();
//! let options = ImportOptions {
//!     negotiation: None,
//!     dry_run: false,
//!     now: parse_instant("2025-05-01T00:00:00Z")?,
//!     recorder: "clerk".into(),
//! };
//! let summary = import(&log, journal.as_bytes(), "journal.ndjson", &options)?;
//! assert_eq!(summary.lines, 4);
//!
//! let view = views::positions(&log, "t", ViewSpec::default())?;
//! let tariff = &view.positions.report(&view.agenda)[0];
//! assert_eq!((tariff.issue.as_str(), tariff.gap), ("tariff", Some(10.0)));
//!
//! let request = AuditRequest {
//!     spec: ViewSpec::default(),
//!     rubric: Rubric::default(),
//!     form: AuditForm::Json,
//!     toward: None,
//! };
//! let first = views::audit(&log, "t", &request)?;
//! let document: serde_json::Value = serde_json::from_str(&first.output)?;
//! assert_eq!(document["negotiation"], "t");
//! assert_eq!(document["sides"]["KR"]["moves"], 1);
//! assert!(!first.from_memo);
//! let again = views::audit(&log, "t", &request)?;
//! assert_eq!((again.output, again.from_memo), (first.output, true));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
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
pub mod views;

pub use error::{Error, Result};
