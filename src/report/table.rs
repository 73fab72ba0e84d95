//! Aligned plain-text tables for the terminal: columns sized to their widest cell,
//! numbers right-aligned, long text cut with an ellipsis at a column's limit or where
//! the line would be wider than the terminal.

use std::fmt::Write;

/// How a column lines up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// A table being built row by row.
#[derive(Clone, Debug)]
pub struct Table {
    headers: Vec<String>,
    align: Vec<Align>,
    limits: Vec<Option<usize>>,
    fit: Option<Fit>,
    rows: Vec<Vec<String>>,
}

/// A line width to fit, and the columns that give way to it, the widest first.
#[derive(Clone, Debug)]
struct Fit {
    width: usize,
    flexible: Vec<usize>,
}

/// The narrowest a column is cut to when fitting a width: enough to tell cells apart.
const NARROWEST: usize = 12;

impl Table {
    /// A table with these column headers, all left-aligned and unlimited.
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            align: vec![Align::Left; headers.len()],
            limits: vec![None; headers.len()],
            fit: None,
            rows: Vec::new(),
        }
    }

    /// Right-aligns the columns at `columns`.
    pub fn right(mut self, columns: &[usize]) -> Table {
        for &c in columns {
            if let Some(a) = self.align.get_mut(c) {
                *a = Align::Right;
            }
        }
        self
    }

    /// Cuts cells of `column` to `width` characters.
    pub fn limit(mut self, column: usize, width: usize) -> Table {
        if let Some(l) = self.limits.get_mut(column) {
            *l = Some(width.max(2));
        }
        self
    }

    /// Cuts the `flexible` columns, the widest first and none below 12
    /// characters, so that every line is at most `width` characters; the other columns
    /// keep their width. `None` leaves the table as wide as its cells.
    pub fn fit(mut self, width: Option<usize>, flexible: &[usize]) -> Table {
        self.fit = width.map(|width| Fit {
            width,
            flexible: flexible.to_vec(),
        });
        self
    }

    /// Adds a row; missing cells are blank.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// True when no row was added.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as CSV (RFC 4180): the headers, then one line per row, every cell whole
    /// (no cutting), quoted when it holds a comma, a quote or a line break.
    pub fn csv(&self) -> String {
        let line = |row: &[String]| {
            let cells: Vec<String> = (0..self.headers.len())
                .map(|c| csv_cell(row.get(c).map_or("", String::as_str)))
                .collect();
            cells.join(",") + "\r\n"
        };
        std::iter::once(&self.headers)
            .chain(&self.rows)
            .map(|row| line(row))
            .collect()
    }

    /// The table as text, one line per row, ending with a newline.
    pub fn render(&self) -> String {
        let cells: Vec<Vec<String>> = std::iter::once(&self.headers)
            .chain(&self.rows)
            .map(|row| {
                (0..self.headers.len())
                    .map(|c| cut(row.get(c).map_or("", String::as_str), self.limits[c]))
                    .collect()
            })
            .collect();
        let mut widths: Vec<usize> = (0..self.headers.len())
            .map(|c| cells.iter().map(|row| width(&row[c])).max().unwrap_or(0))
            .collect();
        let cells = match &self.fit {
            Some(fit) => fitted(cells, &mut widths, fit),
            None => cells,
        };
        let mut out = String::new();
        for row in &cells {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                let pad = widths[c] - width(cell);
                let last = c + 1 == row.len();
                match self.align[c] {
                    Align::Right => {
                        let _ = write!(line, "{}{cell}", " ".repeat(pad));
                    }
                    Align::Left if last => line.push_str(cell),
                    Align::Left => {
                        let _ = write!(line, "{cell}{}", " ".repeat(pad));
                    }
                }
                if !last {
                    line.push_str("  ");
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// `cells` with the flexible columns of `fit` narrowed in `widths` and cut to them.
fn fitted(cells: Vec<Vec<String>>, widths: &mut [usize], fit: &Fit) -> Vec<Vec<String>> {
    let gaps = 2 * widths.len().saturating_sub(1);
    let mut excess = (widths.iter().sum::<usize>() + gaps).saturating_sub(fit.width);
    // The widest flexible column gives a character at a time (the first listed on a tie),
    // so the columns end as even as their contents allow.
    while excess > 0 {
        let widest = fit
            .flexible
            .iter()
            .copied()
            .filter(|&c| widths.get(c).is_some_and(|&w| w > NARROWEST))
            .max_by_key(|&c| (widths[c], std::cmp::Reverse(c)));
        let Some(c) = widest else { break };
        widths[c] -= 1;
        excess -= 1;
    }
    cells
        .into_iter()
        .map(|row| {
            row.into_iter()
                .enumerate()
                .map(|(c, cell)| cut(&cell, Some(widths[c])))
                .collect()
        })
        .collect()
}

/// A CSV cell: quoted, quotes doubled, when it holds a comma, a quote or a line break.
fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

/// Display width: East Asian wide characters take two columns.
/// Terminal colour codes (`ESC [ … m`) take none.
pub fn width(text: &str) -> usize {
    let mut total = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // Skip to the end of the escape sequence.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        total += char_width(c);
    }
    total
}

fn char_width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

fn cut(text: &str, limit: Option<usize>) -> String {
    match limit {
        Some(limit) if width(text) > limit => {
            let mut out = String::new();
            let mut used = 0;
            for c in text.chars() {
                if used + char_width(c) > limit - 1 {
                    break;
                }
                used += char_width(c);
                out.push(c);
            }
            out.truncate(out.trim_end().len());
            out.push('…');
            out
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_and_numbers_align_right() {
        let mut table = Table::new(&["slug", "events"]).right(&[1]);
        table.row(vec!["a".into(), "5".into()]);
        table.row(vec!["longer".into(), "120".into()]);
        assert_eq!(
            table.render(),
            "slug    events\na            5\nlonger     120\n"
        );
    }

    #[test]
    fn long_cells_are_cut_with_an_ellipsis() {
        let mut table = Table::new(&["x"]).limit(0, 5);
        table.row(vec!["abcdefgh".into()]);
        assert_eq!(table.render(), "x\nabcd…\n");
    }

    #[test]
    fn a_table_fits_the_width_by_cutting_its_widest_flexible_column_first() {
        let mut table = Table::new(&["n", "what", "why"]).fit(Some(30), &[2, 1]);
        table.row(vec![
            "1".into(),
            "a fairly long text".into(),
            "short".into(),
        ]);
        table.row(vec![
            "2".into(),
            "x".into(),
            "a reason that goes on and on".into(),
        ]);
        assert_eq!(
            table.render(),
            "n  what          why\n\
             1  a fairly lo…  short\n\
             2  x             a reason tha…\n"
        );
        let wide = Table::new(&["n", "what"]).fit(None, &[1]);
        assert_eq!(wide.render(), "n  what\n");
    }

    #[test]
    fn hangul_counts_double() {
        assert_eq!(width("한국"), 4);
    }
}
