//! Numbers as every output writes them: one rule for `positions`, `events`, `diff`,
//! `replay`, the audit and the report, so the same figure reads the same everywhere.
//!
//! The rule: rounded to at most two decimals, trailing zeros dropped (15, 12.5, 0.75),
//! thousands set apart with commas (1,519.2; 181,399), no `-0`. The journal holds only
//! finite numbers within ±10^15 (see [`crate::model::MAX_NUMBER`]), and so does every
//! figure derived from them; a number that is not finite all the same is written `—`,
//! as an absent one is, never `inf` or `NaN`.

/// What a missing number is written as.
pub const NONE: &str = "—";

/// `value` as a person writes it: `15`, `12.5`, `1,519.2`, `-62,592.5`.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return NONE.into();
    }
    // Adding 0.0 turns a rounded -0 into 0.
    let rounded = (value * 100.0).round() / 100.0 + 0.0;
    let text = format!("{rounded:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    let (sign, digits) = text.strip_prefix('-').map_or(("", text), |d| ("-", d));
    let (whole, fraction) = digits.split_at(digits.find('.').unwrap_or(digits.len()));
    let mut out = String::with_capacity(text.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out.push_str(fraction);
    out
}

/// A count with its noun: `1 move`, `2 moves`, `181,399 moves`. Nouns add an `s`.
pub fn count(n: u64, noun: &str) -> String {
    let plural = if n == 1 { "" } else { "s" };
    format!("{} {noun}{plural}", number(n as f64))
}

/// A number that may be absent: [`number`], or `—`.
pub fn optional(value: Option<f64>) -> String {
    value.map_or_else(|| NONE.into(), number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_their_noun_in_the_right_number() {
        assert_eq!(count(0, "move"), "0 moves");
        assert_eq!(count(1, "event line"), "1 event line");
        assert_eq!(count(181_399, "move"), "181,399 moves");
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        for (value, text) in [
            (0.0, "0"),
            (-0.0, "0"),
            (-0.001, "0"),
            (3.0, "3"),
            (15.0, "15"),
            (12.5, "12.5"),
            (0.75, "0.75"),
            (2.0 / 3.0, "0.67"),
            (0.005, "0.01"),
            (-1.005, "-1"),
            (999.5, "999.5"),
            (999.999, "1,000"),
            (1000.0, "1,000"),
            (1519.2, "1,519.2"),
            (181_399.0, "181,399"),
            (1482.66, "1,482.66"),
            (-62_592.5, "-62,592.5"),
            (1_000_000.0, "1,000,000"),
            (1e15, "1,000,000,000,000,000"),
            (-1e15, "-1,000,000,000,000,000"),
            (f64::INFINITY, "—"),
            (f64::NEG_INFINITY, "—"),
            (f64::NAN, "—"),
        ] {
            assert_eq!(number(value), text, "{value}");
        }
    }

    #[test]
    fn an_absent_number_is_a_dash() {
        assert_eq!(optional(None), "—");
        assert_eq!(optional(Some(25.0)), "25");
    }
}
