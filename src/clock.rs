//! "Now", from one place: `PARLEY_NOW` when set (tests and demos stay deterministic),
//! the system clock otherwise.

use crate::model::{Invalid, Millis, parse_instant};

/// The environment variable that pins the clock.
pub const NOW_VAR: &str = "PARLEY_NOW";

/// Reads the clock: `PARLEY_NOW` (RFC 3339) if set, else the system time.
pub fn now() -> Result<Millis, Invalid> {
    match std::env::var(NOW_VAR) {
        Ok(text) => parse_instant(&text).map_err(|e| Invalid::new(format!("{NOW_VAR}: {e}"))),
        Err(_) => Ok(chrono::Utc::now().timestamp_millis()),
    }
}

/// Who is recording: `--as`, else `PARLEY_USER`, else the OS user, else `unknown`.
pub fn recorder(explicit: Option<&str>) -> String {
    explicit
        .map(str::to_owned)
        .or_else(|| std::env::var("PARLEY_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}
