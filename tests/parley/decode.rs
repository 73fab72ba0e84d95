//! The fast decode views use (`Stored`) reads every stored event exactly as the strict
//! decode the write path and `verify` use (`Recorded`): same envelope, same event.

use std::time::Duration;

use parley::journal::{ImportOptions, import, recorded_events};
use parley::model::{Recorded, parse_instant};
use parley::store::{Access, Log, Store};
use parley::synth::{SynthOptions, journal};

use crate::common::bundled;

fn imported(text: &str) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s"), Access::Write, Duration::from_secs(1)).unwrap();
    let options = ImportOptions {
        negotiation: None,
        dry_run: false,
        now: parse_instant("2026-12-01T00:00:00Z").unwrap(),
        recorder: "decode-test".into(),
    };
    import(&store, text.as_bytes(), "journal", &options).unwrap();
    (dir, store)
}

/// Checks every stored event of every negotiation; returns how many there were.
fn both_decodes_agree(store: &Store) -> usize {
    let mut checked = 0;
    for meta in store.negotiations().unwrap() {
        let fast = recorded_events(store, &meta).unwrap();
        let mut seq = 0;
        store
            .scan(&meta, 1, &mut |_, bytes| {
                let strict = Recorded::decode(bytes).unwrap();
                let stored = &fast[seq];
                assert_eq!(stored.envelope, strict.envelope, "{}", meta.slug);
                assert_eq!(stored.event, strict.event, "{} seq {}", meta.slug, seq + 1);
                assert_eq!(stored.raw(), strict.raw);
                seq += 1;
                Ok(())
            })
            .unwrap();
        assert_eq!(seq, fast.len());
        checked += seq;
    }
    checked
}

#[test]
fn the_bundled_journals_decode_the_same_both_ways() {
    for name in ["korea-us-2025.ndjson", "korea-us-sma-2019-2021.ndjson"] {
        let text = std::fs::read_to_string(bundled(name)).unwrap();
        let (_dir, store) = imported(&text);
        assert!(both_decodes_agree(&store) > 10, "{name}");
    }
}

#[test]
fn a_generated_journal_decodes_the_same_both_ways_across_threads() {
    // Large enough that the read decodes in batches on several threads.
    let options = SynthOptions {
        events: 12_000,
        seed: 11,
        negotiations: 2,
    };
    let (_dir, store) = imported(&journal(&options));
    assert_eq!(both_decodes_agree(&store), 12_000);
}
