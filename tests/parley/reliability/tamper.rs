//! Tamper evidence: one changed byte anywhere in an exported journal makes `import`
//! refuse it, naming the line; one changed byte in a stored event makes `verify` fail,
//! naming the seq.

use parley::journal::verify;
use parley::store::{Log, Store};

use super::{XorShift, export_bytes, import_bytes, long, open_store, small_journal};
use crate::common::{TestEnv, bundled};

/// The line (1-based) that holds byte `at` of `text`.
fn line_of(text: &[u8], at: usize) -> usize {
    1 + text[..at].iter().filter(|&&b| b == b'\n').count()
}

/// An exported journal of `source`, recorded in a fresh store.
fn recorded(source: &[u8]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir.path().join("s"));
    let summary = import_bytes(&store, "source.ndjson", source).unwrap();
    let slug = summary.added.keys().next().unwrap().to_string();
    export_bytes(&store, &slug)
}

/// Imports `text` with byte `at` replaced by `byte` into `empty`; `None` if refused as
/// it must be (naming the line), else what went wrong.
fn flip_is_refused(empty: &Store, text: &[u8], at: usize, byte: u8) -> Option<String> {
    let mut flipped = text.to_vec();
    flipped[at] = byte;
    let line = line_of(text, at);
    match import_bytes(empty, "flip.ndjson", &flipped) {
        Ok(summary) => Some(format!(
            "byte {at} (line {line}) {:?} -> {:?} was accepted: {summary:?}",
            text[at] as char, byte as char
        )),
        Err(e) => {
            let message = e.to_string();
            // A flip to a line end splits the line: what is left broken is the next one.
            let named = [line, line + 1]
                .iter()
                .take(if byte == b'\n' { 2 } else { 1 })
                .any(|n| message.starts_with(&format!("flip.ndjson:{n}: ")));
            (!named).then(|| format!("byte {at} (line {line}) -> {byte:?}: {message}"))
        }
    }
}

/// Fails with the first few, unless every flip was caught as it should be.
fn assert_all_refused(failures: &[String], tried: usize) {
    assert!(
        failures.is_empty(),
        "{} of {tried} flips were not caught as they should be, e.g.:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
}

/// Every byte of a small export flipped in one bit (all eight bits with `PARLEY_LONG=1`).
#[test]
fn a_bit_flip_at_every_byte_of_a_small_export_is_refused_naming_its_line() {
    let text = recorded(small_journal().as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let empty = open_store(&dir.path().join("empty"));
    let mut rng = XorShift::new(0xb17);
    let mut failures = Vec::new();
    let mut tried = 0;
    for at in 0..text.len() {
        let bits: Vec<u8> = if long() {
            (0..8).collect()
        } else {
            vec![rng.below(8) as u8]
        };
        for bit in bits {
            tried += 1;
            failures.extend(flip_is_refused(&empty, &text, at, text[at] ^ (1 << bit)));
        }
    }
    assert!(tried >= 1_000, "{tried}");
    assert_all_refused(&failures, tried);
    assert!(
        empty.negotiations().unwrap().is_empty(),
        "nothing was written"
    );
}

#[test]
fn a_thousand_random_byte_changes_in_a_small_export_are_refused_naming_the_line() {
    random_changes_are_refused(small_journal().as_bytes(), 1_000, 0x7a3e_91c4);
}

#[test]
fn random_byte_changes_in_a_bundled_export_are_refused_naming_the_line() {
    let source = std::fs::read(bundled("korea-us-2025.ndjson")).unwrap();
    random_changes_are_refused(&source, if long() { 5_000 } else { 150 }, 0x5eed);
}

fn random_changes_are_refused(source: &[u8], tried: usize, seed: u64) {
    let text = recorded(source);
    let dir = tempfile::tempdir().unwrap();
    let empty = open_store(&dir.path().join("empty"));
    let mut rng = XorShift::new(seed);
    let mut failures = Vec::new();
    for _ in 0..tried {
        let at = rng.below(text.len());
        let byte = text[at] ^ (1 + rng.below(255)) as u8;
        failures.extend(flip_is_refused(&empty, &text, at, byte));
    }
    assert_all_refused(&failures, tried);
    assert!(
        empty.negotiations().unwrap().is_empty(),
        "nothing was written"
    );
}

#[test]
fn the_unflipped_export_imports_so_the_flip_tests_can_fail() {
    let text = recorded(small_journal().as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir.path().join("s"));
    let summary = import_bytes(&store, "clean.ndjson", &text).unwrap();
    assert_eq!(summary.added.values().map(|a| a.count).sum::<u64>(), 3);
    assert_eq!(export_bytes(&store, "t"), text);
}

#[test]
fn a_commented_out_recorded_line_is_refused_not_skipped() {
    let text = String::from_utf8(recorded(small_journal().as_bytes())).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.len();
    for commented in [
        format!("#{}", lines[last - 1]),
        format!("#{}", &lines[last - 1][1..]),
    ] {
        let mut edited = lines[..last - 1].join("\n");
        edited.push('\n');
        edited.push_str(&commented);
        edited.push('\n');
        let dir = tempfile::tempdir().unwrap();
        let store = open_store(&dir.path().join("s"));
        let error = import_bytes(&store, "c.ndjson", edited.as_bytes()).unwrap_err();
        assert!(
            error.to_string().starts_with(&format!(
                "c.ndjson:{last}: this comment holds a recorded event"
            )),
            "{error}"
        );
    }
}

#[test]
fn a_recorded_line_that_lost_its_hash_is_refused_not_recorded_anew() {
    let text = String::from_utf8(recorded(small_journal().as_bytes())).unwrap();
    let edited = text.replacen("\"hash\":", "\"hasx\":", 1);
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir.path().join("s"));
    let error = import_bytes(&store, "h.ndjson", edited.as_bytes()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "h.ndjson:1: seq: is assigned by the store; an authored line may not carry it, \
         and a recorded line needs its whole envelope, \"hash\" included"
    );
}

#[test]
fn random_flips_through_the_cli_are_refused_with_file_line_and_write_nothing() {
    let env = TestEnv::new();
    let text = recorded(small_journal().as_bytes());
    let mut rng = XorShift::new(0x51f1);
    for _ in 0..12 {
        let at = rng.below(text.len());
        let mut flipped = text.clone();
        flipped[at] ^= (1 + rng.below(255)) as u8;
        let path = env.path("flip.ndjson");
        std::fs::write(&path, &flipped).unwrap();
        let run = env.run(&["import", path.to_str().unwrap()]).user_error();
        let line = line_of(&text, at);
        let prefix = format!("parley: {}:", path.display());
        assert!(
            run.stderr.starts_with(&format!("{prefix}{line}: "))
                || (flipped[at] == b'\n'
                    && run.stderr.starts_with(&format!("{prefix}{}: ", line + 1))),
            "byte {at} (line {line}): {}",
            run.stderr
        );
        assert!(
            !env.store().exists(),
            "a refused first import leaves no store"
        );
    }
}

/// Where the events of a segment lie: (first byte, end) of each event's JSON, in order.
/// The layout is store/segment.rs's: codec:u8 ‖ count:u32 ‖ (length:u32 ‖ bytes)*.
fn event_spans(segment: &[u8]) -> Vec<(usize, usize)> {
    let count = u32::from_be_bytes(segment[1..5].try_into().unwrap()) as usize;
    let mut at = 5;
    let mut spans = Vec::new();
    for _ in 0..count {
        let len = u32::from_be_bytes(segment[at..at + 4].try_into().unwrap()) as usize;
        spans.push((at + 4, at + 4 + len));
        at += 4 + len;
    }
    assert_eq!(at, segment.len(), "the segment layout is as documented");
    spans
}

/// A store holding the small journal (one segment) and three logged moves (one each).
fn store_with_segments(dir: &std::path::Path) -> Store {
    let store = open_store(dir);
    import_bytes(&store, "k.ndjson", small_journal().as_bytes()).unwrap();
    for n in 0..3 {
        let line = format!(
            r#"{{"kind":"statement","negotiation":"t","at":"2025-12-01","by":"KR","summary":"note {n}"}}"#
        );
        import_bytes(&store, "log.ndjson", line.as_bytes()).unwrap();
    }
    store
}

#[test]
fn a_thousand_corrupted_stored_bytes_each_fail_verify_naming_the_seq() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_segments(&dir.path().join("s"));
    let meta = store.require("t").unwrap();
    let head = meta.head.seq;
    assert!(verify(&store, &meta).is_ok());
    let mut rng = XorShift::new(0x00c0_ffee);
    let mut failures = Vec::new();
    let flips = 1_000;
    for n in 0..flips {
        let seq = 1 + rng.below(head as usize) as u64;
        let mask = (1 + rng.below(255)) as u8;
        let pick = rng.next_u64();
        let mut spot = None;
        store
            .tamper_with_segment(&meta, seq, |segment| {
                let spans = event_spans(segment);
                // This store's segments: the import's events from seq 1, then one per log.
                let first = if spans.len() == 1 { seq } else { 1 };
                let at = (pick % segment.len() as u64) as usize;
                // A byte inside an event's JSON names that event; framing names the segment.
                let expected = spans
                    .iter()
                    .position(|&(start, end)| (start..end).contains(&at))
                    .map_or(first, |i| first + i as u64);
                segment[at] ^= mask;
                spot = Some((at, expected));
            })
            .unwrap();
        let (at, expected) = spot.unwrap();
        match verify(&store, &meta) {
            Ok(_) => failures.push(format!(
                "flip {n}: byte {at} of the segment of seq {seq} passed verify"
            )),
            Err(parley::Error::Integrity { seq: named, .. }) if named == expected => {}
            Err(e) => failures.push(format!("flip {n}: byte {at}, expected seq {expected}: {e}")),
        }
        store
            .tamper_with_segment(&meta, seq, |segment| segment[at] ^= mask)
            .unwrap();
        if n % 100 == 99 {
            verify(&store, &meta).expect("restored");
        }
    }
    assert_all_refused(&failures, flips);
}

#[test]
fn verify_through_the_cli_names_the_seq_of_a_corrupted_event() {
    let env = TestEnv::new();
    let head = {
        let store = store_with_segments(&env.store());
        let meta = store.require("t").unwrap();
        store
            .tamper_with_segment(&meta, meta.head.seq, |segment| {
                let at = segment.len() - 10;
                segment[at] ^= 0x01;
            })
            .unwrap();
        meta.head.seq
    };
    let run = env.run(&["verify"]).user_error();
    assert_eq!(
        run.stdout,
        format!(
            "negotiation  events  chain   head hash\n\
             t            {head:>6}  BROKEN\n"
        )
    );
    assert_eq!(
        run.stderr,
        format!(
            "parley: integrity failure in t at seq {head}: does not decode: a stored event \
             is not valid JSON: expected `:` at line 1 column 356\n\
             hint: the store has been altered or damaged; restore it from an export or a backup\n"
        )
    );
}

/// A store holding one generated negotiation of `events` events, imported at once (so
/// its segments start at seq 1, 257, 513, …).
fn long_store(dir: &std::path::Path, events: u64) -> (Store, parley::store::StreamMeta) {
    let store = open_store(dir);
    let options = parley::synth::SynthOptions {
        events,
        seed: 11,
        negotiations: 1,
    };
    let text = parley::synth::journal(&options);
    import_bytes(&store, "long.ndjson", text.as_bytes()).unwrap();
    let meta = store.negotiations().unwrap().remove(0);
    (store, meta)
}

/// Flips one byte inside the JSON of event `seq` of a [`long_store`]; flipping it again
/// restores it.
fn flip_inside(store: &Store, meta: &parley::store::StreamMeta, seq: u64, pick: u64) {
    store
        .tamper_with_segment(meta, seq, |segment| {
            let (start, end) = event_spans(segment)[((seq - 1) % 256) as usize];
            let at = start + (pick % (end - start) as u64) as usize;
            segment[at] ^= 0x04;
        })
        .unwrap();
}

/// Long journals are checked in batches on several threads: the seq named is still the
/// first bad one, wherever it falls among the batches.
#[test]
fn verify_of_a_long_journal_names_the_first_corrupted_seq() {
    let dir = tempfile::tempdir().unwrap();
    let (store, meta) = long_store(&dir.path().join("s"), 9_000);
    assert_eq!(verify(&store, &meta).unwrap().events, 9_000);
    let mut rng = XorShift::new(7);
    // Batch edges (1,024 events each) and random places; each time a second, later
    // event is corrupted too, in another batch where there is one.
    let mut seqs = vec![1, 1024, 1025, 2048, 2049, 8999, 9000];
    seqs.extend((0..8).map(|_| 1 + rng.below(9_000) as u64));
    for seq in seqs {
        let later = (seq + 1500).min(9_000);
        let picks = (rng.next_u64(), rng.next_u64());
        flip_inside(&store, &meta, seq, picks.0);
        if later != seq {
            flip_inside(&store, &meta, later, picks.1);
        }
        match verify(&store, &meta) {
            Err(parley::Error::Integrity { seq: named, .. }) => {
                assert_eq!(named, seq, "corrupted {seq} and {later}")
            }
            other => panic!("corrupted {seq} and {later}: {other:?}"),
        }
        flip_inside(&store, &meta, seq, picks.0);
        if later != seq {
            flip_inside(&store, &meta, later, picks.1);
        }
        assert!(verify(&store, &meta).is_ok(), "restored after {seq}");
    }
}

/// A segment the store cannot read stops the reading; the events read before it in the
/// same batch are still checked first, so an earlier bad event is the one named.
#[test]
fn verify_names_a_bad_event_before_an_unreadable_segment_in_the_same_batch() {
    let dir = tempfile::tempdir().unwrap();
    let (store, meta) = long_store(&dir.path().join("s"), 9_000);
    // Seq 8,961 starts a segment (8,960 = 35 × 256); 8,900 lies in the batch before it
    // is read (batches of 1,024 from seq 8,193).
    flip_inside(&store, &meta, 8_900, 17);
    store
        .tamper_with_segment(&meta, 8_961, |segment| segment[0] = 9)
        .unwrap();
    match verify(&store, &meta) {
        Err(parley::Error::Integrity { seq, .. }) => assert_eq!(seq, 8_900),
        other => panic!("{other:?}"),
    }
    flip_inside(&store, &meta, 8_900, 17);
    match verify(&store, &meta) {
        Err(parley::Error::Integrity { seq, what, .. }) => {
            assert_eq!(seq, 8_961, "{what}");
            assert_eq!(what, "unknown segment codec 9");
        }
        other => panic!("{other:?}"),
    }
}
