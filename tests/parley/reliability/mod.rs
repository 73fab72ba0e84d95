//! Issue 6: nothing recorded is ever lost, altered unnoticed, or half-written.
//! docs/reliability.md says what each module proves and the figures it reached.
//!
//! - `bad_input`: the corpus under tests/bad-input/, each file refused with its message
//! - `concurrency`: four writers at once, one gapless log
//! - `crash`: SIGKILL during `import` and `log`; the store stays whole (`PARLEY_LONG=1`: 120 kills)
//! - `faults`: read-only, missing, full and newer-format stores
//! - `fixtures`: today's journals (tests/fixtures/v1/) import and verify forever
//! - `garbage`: arbitrary bytes and strings into the parser and importer, no panics
//! - `tamper`: every flipped byte of an export refused, every corrupted stored byte caught

mod bad_input;
mod concurrency;
mod crash;
mod faults;
mod fixtures;
mod garbage;
mod tamper;

use std::path::Path;
use std::time::Duration;

use parley::journal::{ImportOptions, ImportSummary, export, import};
use parley::model::parse_instant;
use parley::store::{Access, Log, Store};

/// A tiny xorshift64* generator: the same seed gives the same run on every machine.
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> XorShift {
        XorShift(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// True when the long variants are asked for (`PARLEY_LONG=1 cargo test`).
pub fn long() -> bool {
    std::env::var("PARLEY_LONG").is_ok_and(|v| v == "1")
}

/// Opens (creating) the store at `dir`.
pub fn open_store(dir: &Path) -> Store {
    Store::open(dir, Access::Write, Duration::from_secs(30)).expect("open the store")
}

/// Opens the store's sled database directly. sled releases its file lock only when its
/// flusher thread lets go of the file, a moment after the `Db` is dropped, so an open
/// right after another in this process may find it still locked: try again for a while.
pub fn open_sled(store: &Path) -> sled::Db {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match sled::open(store.join("db")) {
            Ok(db) => return db,
            Err(e) if std::time::Instant::now() > deadline => panic!("open sled: {e}"),
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
}

/// The clock of library imports: after the last move of the bundled journals.
pub const LATER: &str = "2026-01-15T09:00:00Z";

/// Import options at the clock [`LATER`].
pub fn options(dry_run: bool) -> ImportOptions {
    ImportOptions {
        negotiation: None,
        dry_run,
        now: parse_instant(LATER).expect("test clock"),
        recorder: "tester".into(),
    }
}

/// Imports `text` (named `name` in messages) through the library.
pub fn import_bytes(store: &Store, name: &str, text: &[u8]) -> parley::Result<ImportSummary> {
    import(store, text, name, &options(false))
}

/// A negotiation exported through the library, byte for byte.
pub fn export_bytes(store: &Store, slug: &str) -> Vec<u8> {
    let meta = store.require(slug).expect("negotiation");
    let mut out = Vec::new();
    export(store, &meta, &mut out).expect("export");
    out
}

/// A short journal in `t` with moves of every shape a flip could meet: numbers with
/// decimals, non-ASCII text, lists, nested objects, an unknown field.
pub fn small_journal() -> String {
    crate::common::journal(&[
        r#"{"kind":"offer","at":"2025-03-10","by":"KR","issue":"tariff","position":12.5,"summary":"Korea offers 12.5% — «first»","ref":"o1","tags":["a","b"],"x_note":{"n":[1,2]}}"#,
        r#"{"kind":"demand","at":"2025-03-11T10:00:00+09:00","by":"US","issue":"tariff","position":25,"summary":"US asks 25%","responds_to":"o1"}"#,
    ])
}
