//! The posture section's rows, read from the audit's own types
//! ([`AuditReport`](crate::projection::audit::AuditReport)): each measure's value with
//! the counts behind it, in the words and figures `parley audit` prints.
//!
//! The report computes nothing of the audit's: it takes the audit as the audit made it,
//! so a field the audit renames or drops is a compile error here, not a blank cell.

use crate::projection::audit::SideAudit;
use crate::report::{audit_text, audit_words};

/// One measure as the page's table shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureRow {
    /// Its code, such as `INI`.
    pub code: &'static str,
    /// Its name, such as `initiative share`.
    pub name: &'static str,
    /// The value with all moves (public ones weighted) and its counts:
    /// `0.26 · 3.5 of 13.5 moves initiated`, or `no data`.
    pub all: String,
    /// The value from table moves only with its counts: `0.25 (2 of 8)`, or `no data`.
    pub table: String,
}

/// One side's measures in the method's order.
pub fn measure_rows(side: &SideAudit) -> Vec<MeasureRow> {
    side.measures
        .iter()
        .map(|(code, m)| {
            let reading = audit_words::reading(code, &m.all);
            MeasureRow {
                code: code.as_str(),
                name: audit_words::name(code),
                all: match m.value() {
                    Some(_) => format!("{} · {reading}", audit_text::value(code, m)),
                    None => reading,
                },
                table: audit_text::table_only(code, m),
            }
        })
        .collect()
}
