//! `audit --csv`: the audit as one table, a row per side and measure, for a spreadsheet.
//! The figures are the text's, written the same way (`audit_text::figure`, `signed`);
//! the events behind them are in `--explain` and `--json`.

use crate::projection::audit::AuditReport;
use crate::report::Table;
use crate::report::audit_text::{figure, signed};

/// A row per side and measure: the side's verdict and index, the measure's value with
/// every move and with table moves only.
pub fn csv(report: &AuditReport) -> String {
    let mut table = Table::new(&[
        "side",
        "verdict",
        "index",
        "weak",
        "measure",
        "value",
        "table moves only",
    ]);
    for (party, side) in &report.sides {
        for (code, measure) in side.measures.iter() {
            table.row(vec![
                party.to_string(),
                side.verdict.as_str().to_owned(),
                signed(side.index),
                if side.confidence.weak { "weak" } else { "" }.to_owned(),
                code.as_str().to_owned(),
                figure(code, measure.value()),
                figure(code, measure.table.value),
            ]);
        }
    }
    table.csv()
}
