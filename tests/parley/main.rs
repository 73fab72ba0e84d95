//! parley's integration tests: one binary, a module per capability.
//!
//! - `common`: the hermetic test environment (temp store, pinned clock) and helpers
//! - `capture`: log as a person types it, the line form, a scripted session, korea-us-2025 re-entered
//! - `checkpoints`: a checkpointed positions view equals a full replay (issue 3 item 6)
//! - `convert`: GDELT 1.0 rows into journals, on real third-party rows
//! - `decode`: the fast decode of views agrees with the strict one
//! - `invariance`: no figure depends on party codes, opening order or the order of ties (issue 19)
//! - `audit`: the posture audit, one constructed journal per verdict and per flag
//! - `journal`: recording, import/export, corrections, verify, concurrency (issue: journal core)
//! - `library`: the write path and timeline through the library API
//! - `many_party`: a three-party journal with a chair, worked out by hand; roles; pairwise gaps (issue 19)
//! - `memo`: a kept audit is served only for the same request and log
//! - `pg`: a throw-away PostgreSQL cluster for the tests, a database per test
//! - `properties`: random journals; known-at agrees with the log history
//! - `reliability`: crash, concurrency, bad input, fuzz regressions, tamper, faults, fixtures (issue 6)
//! - `references`: a ref or id names the same event when recording and viewing (issue 14)
//! - `replay`: positions, replay and diff, bitemporal views
//! - `report`: the HTML report, in the library and in headless Chromium (issue 5)
//! - `report_explain`: the events behind each posture figure, one click away (issue 16)
//! - `report_layout`: the report laid out in Chromium: the summary on the first screen,
//!   any width, eight parties (issue 16)
//! - `seams`: issues paired with their numbers, corrections that say what they change,
//!   numbers bounded and written one way (issue 13)
//! - `snapshots`: every command's whole output on the bundled journals and the README tour
//! - `terminal`: interactive commands in a real terminal (tmux)
//! - `seams_store`: a failed first write removes only what it made; a store the user may
//!   not write is read unchanged (issue 13)
//! - `shared`: a shared journal on PostgreSQL: the same output as sled, append-only rows,
//!   concurrent writers (issue 17)
//! - `statuses`: open, converged, agreed and retraction, for two parties and three (issue 13)
//! - `transparency`: checkpoints, inclusion proofs, copies checked against a checkpoint (issue 18)
//! - `views`: the views layer through the library: the audit and its memo, as the CLI reads them (issue 14)
//! - `vocabulary`: the audit's rules and findings in words; the rubric's measure codes

mod audit;
mod capture;
mod checkpoints;
mod common;
mod contract;
mod convert;
mod decode;
mod invariance;
mod journal;
mod library;
mod many_party;
mod memo;
mod pg;
mod properties;
mod references;
mod reliability;
mod replay;
mod report;
mod report_explain;
mod report_layout;
mod seams;
mod seams_store;
mod shared;
mod snapshots;
mod statuses;
mod sync;
mod terminal;
mod transparency;
mod views;
mod vocabulary;
