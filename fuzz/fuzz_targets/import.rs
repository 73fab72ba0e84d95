//! Any bytes as a journal file, imported (as a dry run) into a store that already holds
//! the bundled Korea–US journal: the import validator must answer with an error or a
//! summary, never a panic. A dry run writes nothing, so every input meets the same store.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use parley::journal::{ImportOptions, import};
use parley::model::{Millis, parse_instant};
use parley::store::{Access, Store};

const JOURNAL: &[u8] = include_bytes!("../../journals/korea-us-2025.ndjson");

fn now() -> Millis {
    parse_instant("2026-01-15T09:00:00Z").expect("a fixed instant")
}

fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("parley-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&PathBuf::from(&dir), Access::Write, Duration::from_secs(1))
            .expect("open the fuzz store");
        let options = options(false);
        import(&store, JOURNAL, "korea-us-2025.ndjson", &options).expect("seed the store");
        store
    })
}

fn options(dry_run: bool) -> ImportOptions {
    ImportOptions {
        negotiation: None,
        dry_run,
        now: now(),
        recorder: "fuzz".into(),
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = import(store(), data, "fuzz.ndjson", &options(true));
});
