//! "Now" and the seed of fresh ids, from one place: `PARLEY_NOW` and `PARLEY_SEED` when
//! set (tests and demos stay deterministic), the system clock and the operating system's
//! randomness otherwise.

use crate::model::{Invalid, Millis, parse_instant};

/// The environment variable that pins the clock.
pub const NOW_VAR: &str = "PARLEY_NOW";

/// The environment variable that makes fresh ids deterministic.
pub const SEED_VAR: &str = "PARLEY_SEED";

/// The seed of fresh ids: `PARLEY_SEED` (an unsigned integer) if set, else `None`, for
/// fresh randomness.
pub fn id_seed() -> Result<Option<u64>, Invalid> {
    match std::env::var(SEED_VAR) {
        Ok(text) => text.trim().parse().map(Some).map_err(|_| {
            Invalid::new(format!(
                "{SEED_VAR}: {text:?} is not an unsigned integer, such as 7"
            ))
        }),
        Err(_) => Ok(None),
    }
}

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
