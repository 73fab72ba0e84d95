//! Rendering for people: aligned terminal tables, the replay narrative, and the
//! self-contained HTML report.
//!
//! The report is built in two steps, data then page:
//!
//! - [`model`] turns a timeline (and its audit, an `AuditReport`, when there is one)
//!   into a plain [`Report`]: the moves, the dances and positions (`positions`), the
//!   concession ledger, the audit and the replay series;
//! - [`audit_words`] puts the audit in words: measure names and readings, roles, flag
//!   notes, verdict rules; the audit itself hands over types, and every output takes its
//!   words from here: the terminal ([`audit_text`]), the page ([`posture`], `html`) and
//!   `audit --json` ([`audit_json`]);
//! - [`posture`] lays out each measure of the audit with its counts, as [`audit_text`]
//!   prints them, and on the page the events behind each figure;
//! - [`html`] renders a `Report` into one page: sections and tables (`html_tables`),
//!   inline SVG charts (`charts`, with scales and symbols from `svg`), and the page's
//!   own CSS and script (`report.css`, `report.js`), both inlined.

pub mod audit_csv;
pub mod audit_json;
pub mod audit_text;
pub mod audit_words;
mod charts;
pub mod html;
mod html_tables;
mod ledger;
pub mod minutes;
pub mod model;
pub mod narrative;
mod positions;
pub mod posture;
pub mod provenance;
mod summary;
mod svg;
pub mod table;

pub use html::{render, report_html};
pub use model::Report;
pub use provenance::Provenance;
pub use table::{Align, Table};
