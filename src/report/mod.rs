//! Rendering for people: terminal tables, and the self-contained HTML report (a report
//! model computed from the timeline, then rendered to one page of HTML with inline SVG).

mod charts;
pub mod html;
pub mod model;
pub mod posture;
mod svg;
pub mod table;

pub use html::{render, report_html};
pub use model::Report;
pub use table::{Align, Table};
