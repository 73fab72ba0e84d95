//! The two clocks of a journal: `at`, when a move happened in the world (valid time),
//! and `recorded_at`, when the journal learned of it (transaction time).
//!
//! `at` keeps the text the record-keeper wrote, so a date stays a date on export; for
//! ordering it becomes a [`SortKey`]. A date-only `at` sorts as the start of its day in
//! UTC, before any timed event of that day. As a *bound* (`--as-of 2025-07-30`) a date
//! means the end of that day.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::Invalid;

/// Milliseconds since the Unix epoch, UTC: the one number every time compares by.
pub type Millis = i64;

const DAY_MS: Millis = 86_400_000;

/// When a move happened, as written: a calendar date or an instant with its offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At {
    /// Shared: views copy an `at` into every state they keep, and a clone is a count.
    text: Arc<str>,
    millis: Millis,
    date_only: bool,
}

/// Orders events by valid time: earlier instants first, a date before timed events at
/// the same instant (midnight UTC), then by `seq` (added by the caller).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct SortKey {
    millis: Millis,
    timed: bool,
}

impl At {
    /// Parses `YYYY-MM-DD` or an RFC 3339 date-time with offset.
    pub fn parse(text: &str) -> Result<At, Invalid> {
        // The length test first: a format-string parse costs more than the whole
        // RFC 3339 parse, and nearly every stored `at` is a date-time.
        if text.len() == 10
            && let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        {
            return Ok(At {
                text: Arc::from(text),
                millis: start_of_day(date),
                date_only: true,
            });
        }
        match DateTime::parse_from_rfc3339(text) {
            Ok(instant) => Ok(At {
                text: Arc::from(text),
                millis: instant.timestamp_millis(),
                date_only: false,
            }),
            Err(_) => Err(Invalid::new(format!(
                "{text:?} is not a date (YYYY-MM-DD) or an RFC 3339 date-time with offset \
                 (2025-07-30T16:05:00-04:00)"
            ))),
        }
    }

    /// The text as the record-keeper wrote it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant this `at` sorts at (start of day for a date).
    pub fn millis(&self) -> Millis {
        self.millis
    }

    /// True when only the day is known.
    pub fn is_date_only(&self) -> bool {
        self.date_only
    }

    /// The key that orders events by valid time.
    pub fn sort_key(&self) -> SortKey {
        SortKey {
            millis: self.millis,
            timed: !self.date_only,
        }
    }

    /// The UTC calendar day this `at` falls on, for charts and windows.
    pub fn day(&self) -> NaiveDate {
        to_datetime(self.millis).date_naive()
    }
}

impl fmt::Display for At {
    /// Dates print as written; instants print as `2025-07-30 16:05 -04:00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.date_only {
            return f.write_str(&self.text);
        }
        match DateTime::parse_from_rfc3339(&self.text) {
            Ok(instant) => write!(f, "{}", instant.format("%Y-%m-%d %H:%M %:z")),
            Err(_) => f.write_str(&self.text),
        }
    }
}

impl serde::Serialize for At {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for At {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        At::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl SortKey {
    /// The instant, for comparing against bounds.
    pub fn millis(&self) -> Millis {
        self.millis
    }
}

/// Parses a bound given on the command line: a date means the *end* of that day in UTC
/// (so `--as-of 2025-07-30` includes everything that happened that day).
pub fn parse_bound(text: &str) -> Result<Millis, Invalid> {
    let at = At::parse(text)?;
    Ok(if at.date_only {
        at.millis + DAY_MS - 1
    } else {
        at.millis
    })
}

/// Parses an RFC 3339 instant such as `recorded_at`.
pub fn parse_instant(text: &str) -> Result<Millis, Invalid> {
    DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.timestamp_millis())
        .map_err(|_| Invalid::new(format!("{text:?} is not an RFC 3339 date-time")))
}

/// Formats an instant the way the store writes `recorded_at`: UTC, milliseconds, `Z`.
pub fn format_instant(millis: Millis) -> String {
    to_datetime(millis).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Formats an instant for people: `2025-07-30 20:05 UTC`.
pub fn format_human(millis: Millis) -> String {
    to_datetime(millis).format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Formats the UTC day of an instant: `2025-07-30`.
pub fn format_date(millis: Millis) -> String {
    to_datetime(millis).format("%Y-%m-%d").to_string()
}

/// One day in milliseconds: how far `at` may run ahead of `recorded_at`.
pub const ONE_DAY: Millis = DAY_MS;

fn start_of_day(date: NaiveDate) -> Millis {
    date.and_hms_opt(0, 0, 0)
        .map(|naive| naive.and_utc().timestamp_millis())
        .unwrap_or_default()
}

fn to_datetime(millis: Millis) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_sorts_before_timed_events_of_its_day() {
        let date = At::parse("2025-07-30").unwrap();
        let midnight = At::parse("2025-07-30T00:00:00Z").unwrap();
        let evening = At::parse("2025-07-30T16:05:00-04:00").unwrap();
        assert!(date.sort_key() < midnight.sort_key());
        assert!(midnight.sort_key() < evening.sort_key());
    }

    #[test]
    fn a_date_bound_means_the_end_of_the_day() {
        let bound = parse_bound("2025-07-30").unwrap();
        let late = At::parse("2025-07-30T23:59:00Z").unwrap();
        let next = At::parse("2025-07-31").unwrap();
        assert!(late.millis() <= bound);
        assert!(next.millis() > bound);
    }

    #[test]
    fn bad_dates_say_what_is_allowed() {
        let err = At::parse("30/07/2025").unwrap_err().to_string();
        assert!(err.contains("YYYY-MM-DD"), "{err}");
        assert!(At::parse("2025-02-30").is_err());
        assert!(
            At::parse("2025-07-30T16:05:00").is_err(),
            "an instant needs an offset"
        );
    }

    #[test]
    fn instants_print_for_people() {
        let at = At::parse("2025-07-30T16:05:00-04:00").unwrap();
        assert_eq!(at.to_string(), "2025-07-30 16:05 -04:00");
        assert_eq!(format_instant(0), "1970-01-01T00:00:00.000Z");
    }
}
