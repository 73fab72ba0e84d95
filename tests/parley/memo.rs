//! Memos (issue 7): an audit asked again of an unchanged log prints its kept answer, and
//! that answer is never served once the log, the flags or the rubric differ, nor when its
//! bytes are damaged.

use std::time::Duration;

use parley::journal::Appender;
use parley::model::{Slug, parse_instant};
use parley::store::{Access, Log, Store};
use parley::views::memo::{self, Request};
use serde_json::json;

use crate::common::{TestEnv, bundled};

const SLUG: &str = "korea-us-2025";
const MOVE: &[&str] = &[
    "log",
    SLUG,
    "concession",
    "--by",
    "KR",
    "--issue",
    "auto-tariff",
    "--summary",
    "a late concession",
    "--at",
    "2025-12-20",
];

/// A test environment holding the bundled journal.
fn bundled_env() -> TestEnv {
    let mut env = TestEnv::new();
    env.now = crate::reliability::LATER.into();
    let journal = bundled("korea-us-2025.ndjson");
    let file = journal.to_str().unwrap();
    let run = env.run(&["import", file]).ok();
    assert_eq!(
        run.stdout.replace(file, "JOURNAL"),
        "JOURNAL: 54 event lines; added 54, 0 already in the store\n\
         negotiation    added  seq\n\
         korea-us-2025     54  1–54\n"
    );
    env
}

/// Logs `MOVE`, which must print its seq and id.
fn log_move(env: &TestEnv) {
    assert_eq!(
        env.run(MOVE).ok().stdout,
        "korea-us-2025 seq 55  id 019bc0e2-1280-7c7a-bac0-71110649a80c\n2025-12-20  KR concession on auto-tariff  · seq 55\n    a late concession\n\n"
    );
}

fn audit(env: &TestEnv, flags: &[&str]) -> String {
    let mut args = vec!["audit", SLUG];
    args.extend_from_slice(flags);
    env.run(&args).ok().stdout
}

#[test]
fn an_audit_after_a_new_move_is_the_audit_of_the_new_log() {
    let asked_before = bundled_env();
    let before = audit(&asked_before, &[]);
    assert_eq!(
        audit(&asked_before, &[]),
        before,
        "asked again, the same answer"
    );
    log_move(&asked_before);
    let fresh = bundled_env();
    log_move(&fresh);
    let after = audit(&asked_before, &[]);
    assert_ne!(after, before, "the new move changes the audit");
    assert_eq!(after, audit(&fresh, &[]));
}

#[test]
fn each_set_of_flags_gets_its_own_answer() {
    let env = bundled_env();
    let views: [&[&str]; 6] = [
        &[],
        &["--explain"],
        &["--json"],
        &["--window", "2"],
        &["--as-of", "2025-07-31"],
        &["--known-at", "2026-01-15T09:00:00Z"],
    ];
    let first: Vec<String> = views.iter().map(|flags| audit(&env, flags)).collect();
    for (flags, answer) in views.iter().zip(&first) {
        let fresh = bundled_env();
        assert_eq!(&audit(&fresh, flags), answer, "audit {flags:?}");
        assert_eq!(&audit(&env, flags), answer, "audit {flags:?} asked again");
    }
    let mut distinct = first.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), views.len(), "every view prints differently");
}

#[test]
fn an_audit_asked_again_prints_what_it_kept() {
    let env = bundled_env();
    let first = audit(&env, &[]);
    let store = Store::open(&env.store(), Access::Read, Duration::from_secs(5)).unwrap();
    let meta = store.require(SLUG).unwrap();
    let kept = memo::kept(&store, &meta).unwrap();
    assert_eq!(kept.len(), 1, "the audit kept its answer");
    // Swap the answer kept for another: asked again, the audit prints that one, so what
    // it printed came from the memo.
    memo::keep(&store, &meta, &kept[0], b"the kept answer\n").unwrap();
    drop(store);
    assert_eq!(audit(&env, &[]), "the kept answer\n");
    log_move(&env);
    let after = audit(&env, &[]);
    let fresh = bundled_env();
    log_move(&fresh);
    assert_eq!(after, audit(&fresh, &[]), "a new head computes afresh");
    assert_ne!(after, first, "the new move changes the audit");
}

#[test]
fn a_stream_keeps_a_bounded_number_of_memos() {
    let (_dir, store) = store();
    let meta = store.require(SLUG).unwrap();
    let requests: Vec<Request> = (0..memo::PER_STREAM as u8 + 3)
        .map(|n| Request::new(&[b"audit", &[n]]))
        .collect();
    for request in &requests {
        memo::keep(&store, &meta, request, b"an answer").unwrap();
    }
    let kept = memo::kept(&store, &meta).unwrap();
    assert_eq!(kept.len(), memo::PER_STREAM);
    let latest = &requests[requests.len() - memo::PER_STREAM..];
    assert!(
        latest.iter().all(|r| kept.contains(r)),
        "the {} kept last stay",
        memo::PER_STREAM
    );
}

#[test]
fn a_rubric_file_changed_in_place_changes_the_answer() {
    let env = bundled_env();
    let rubric = env.write("rubric.json", r#"{"proactive_at": 0.9}"#);
    let rubric = rubric.to_str().unwrap();
    let strict = audit(&env, &["--json", "--rubric", rubric]);
    env.write("rubric.json", r#"{"proactive_at": 0.05}"#);
    let lenient = audit(&env, &["--json", "--rubric", rubric]);
    assert_ne!(strict, lenient);
    assert_eq!(
        lenient,
        audit(&bundled_env(), &["--json", "--rubric", rubric])
    );
}

/// A store holding the bundled journal, opened through the library.
fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s"), Access::Write, Duration::from_secs(5)).unwrap();
    let text = std::fs::read(bundled("korea-us-2025.ndjson")).unwrap();
    crate::reliability::import_bytes(&store, "korea-us-2025.ndjson", &text).unwrap();
    (dir, store)
}

#[test]
fn a_memo_is_recalled_for_its_request_and_head_only() {
    let (_dir, store) = store();
    let meta = store.require(SLUG).unwrap();
    let request = Request::new(&[b"audit", b"text"]);
    assert_eq!(
        memo::recall(&store, &meta, &request),
        None,
        "nothing kept yet"
    );
    memo::keep(&store, &meta, &request, b"the answer").unwrap();
    assert_eq!(
        memo::recall(&store, &meta, &request).as_deref(),
        Some(&b"the answer"[..])
    );
    let other = Request::new(&[b"audit", b"json"]);
    assert_eq!(memo::recall(&store, &meta, &other), None, "another request");

    let mut appender = Appender::new(
        &store,
        parse_instant("2026-01-16T09:00:00Z").unwrap(),
        "tester".into(),
    )
    .unwrap();
    let line = json!({"kind": "statement", "by": "KR", "at": "2025-12-20", "summary": "later"});
    let slug = Slug::parse(SLUG).unwrap();
    appender
        .append(line.as_object().unwrap().clone(), Some(&slug))
        .unwrap();
    appender.commit().unwrap();
    let moved = store.require(SLUG).unwrap();
    assert_eq!(memo::recall(&store, &moved, &request), None, "a new head");
}

#[test]
fn a_damaged_memo_is_no_memo() {
    let (_dir, store) = store();
    let meta = store.require(SLUG).unwrap();
    let request = Request::new(&[b"audit"]);
    memo::keep(&store, &meta, &request, b"the answer").unwrap();
    let good = store.memo(&meta, request.digest()).unwrap().unwrap();
    // The version, the head seq, the head hash, the digest and the compressed output (the
    // time it was kept, bytes 44..52, only orders memos for removal).
    for at in [0, 5, 20, 60, good.len() - 1] {
        let mut bad = good.clone();
        bad[at] ^= 0x55;
        store.save_memo(&meta, request.digest(), &bad, &[]).unwrap();
        assert_eq!(
            memo::recall(&store, &meta, &request),
            None,
            "byte {at} flipped"
        );
    }
}
