//! The journal core: recording, import and export, corrections, verify, concurrency.

use crate::common::*;

#[test]
fn log_prints_seq_and_id_and_events_shows_the_move() {
    let env = TestEnv::new();
    env.import(&journal(&[]));
    let run = korea_offers(&env, &["--position", "10"]).ok();
    assert!(run.stdout.starts_with("t seq 2  id "), "{}", run.stdout);
    let events = env.run(&["events", "t"]).ok().stdout;
    assert!(events.contains("Korea offers 10%"), "{events}");
}

#[test]
fn every_bundled_journal_imports_verifies_and_reimports_as_nothing() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("journals");
    let mut journals: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    journals.sort();
    assert!(
        journals.len() >= 2,
        "the project bundles at least two journals"
    );
    for path in journals {
        let mut env = TestEnv::new();
        env.now = "2026-01-15T09:00:00Z".into();
        let file = path.to_str().unwrap();
        let first = env.run(&["import", file]).ok().stdout;
        assert!(first.contains("0 already in the store"), "{first}");
        env.run(&["verify"]).ok();
        let again = env.run(&["import", file]).ok().stdout;
        assert!(
            again.contains("added 0,"),
            "re-import adds nothing: {again}"
        );
    }
}

/// A store holding the test negotiation `t` with one threat (`ref` "lib").
fn store_with_a_threat() -> TestEnv {
    let env = TestEnv::new();
    env.import(&journal(&[
        r#"{"kind":"threat","by":"US","issue":"tariff","position":25,"summary":"A 25% tariff","at":"2025-04-02","ref":"lib"}"#,
    ]));
    env
}

/// Logs "Korea offers 10%" on the tariff in `t` on 5 April 2025, with `extra` flags.
fn korea_offers(env: &TestEnv, extra: &[&str]) -> Run {
    let mut args = vec![
        "log",
        "t",
        "offer",
        "--by",
        "KR",
        "--issue",
        "tariff",
        "--summary",
        "Korea offers 10%",
        "--at",
        "2025-04-05",
    ];
    args.extend_from_slice(extra);
    env.run(&args)
}

/// Imports `text` as `bad.ndjson` into `env`, expects a user error, and returns stderr.
#[track_caller]
fn refused_import(env: &TestEnv, text: &str) -> String {
    let before = env.export("t");
    let path = env.write("bad.ndjson", text);
    let run = env
        .run(&["import", path.to_str().expect("utf-8 path")])
        .user_error();
    assert_eq!(
        env.export("t"),
        before,
        "a refused import changed the store"
    );
    run.stderr
}

/// A good line, then `bad` on line 3 of the file.
fn with_bad_third_line(bad: &str) -> String {
    format!(
        "# a comment on line 1\n{}\n{bad}\n",
        r#"{"kind":"meeting","negotiation":"t","by":"KR","summary":"A round of talks","at":"2025-04-03"}"#
    )
}

#[test]
fn each_bad_line_is_named_by_file_line_and_problem_and_writes_nothing() {
    let env = store_with_a_threat();
    let move_with = |fields: &str| {
        format!(
            r#"{{"negotiation":"t","kind":"offer","by":"KR","issue":"tariff","at":"2025-04-05","summary":"An offer"{fields}}}"#
        )
    };
    let cases = [
        (
            r#"{"negotiation":"t","kind":"offer","#.to_owned(),
            "not valid JSON",
        ),
        (
            r#"{"negotiation":"t","kind":"bribe","by":"KR","at":"2025-04-05","summary":"x"}"#
                .to_owned(),
            r#"kind: "bribe" is not one of: offer, demand, concession"#,
        ),
        (
            move_with(r#","by":"JP""#),
            r#"by: party "JP" is not in negotiation t (parties: KR, US)"#,
        ),
        (
            move_with(r#","issue":"rice""#),
            r#"issue: issue "rice" is not on the agenda of t (issues: tariff, autos, security)"#,
        ),
        (
            move_with(r#","responds_to":"lib-dy""#),
            r#"responds_to: "lib-dy" is not the ref or id of an earlier event in t"#,
        ),
        (
            r#"{"negotiation":"t","kind":"offer","by":"KR","issue":"tariff","at":"2025-04-05"}"#
                .to_owned(),
            "summary: an offer needs a summary",
        ),
        (move_with(r#","position":1e999"#), "too large to be finite"),
        (
            move_with(r#","position":"NaN""#),
            r#"position: expected a finite number, found the text "NaN""#,
        ),
        (
            move_with(r#","at":"2025-12-03""#),
            "at: 2025-12-03 is in the future",
        ),
        (
            move_with(r#","ref":"lib""#),
            r#"ref: ref "lib" is already used by seq 2 of t"#,
        ),
    ];
    for (line, expected) in cases {
        let stderr = refused_import(&env, &with_bad_third_line(&line));
        assert!(
            stderr.contains("bad.ndjson:3: ") && stderr.contains(expected),
            "for {line}\nexpected `bad.ndjson:3: … {expected}`, got: {stderr}"
        );
    }
}

/// Everything a user can see of a store: its listing and every negotiation's export.
fn snapshot(env: &TestEnv) -> String {
    let list = env.run(&["list", "--json"]).ok().stdout;
    let parsed: serde_json::Value = serde_json::from_str(&list).expect("list --json");
    let mut all = list.clone();
    for negotiation in parsed["negotiations"].as_array().expect("negotiations") {
        all.push_str(&env.export(negotiation["slug"].as_str().expect("slug")));
    }
    all
}

/// A store holding some other negotiation, to import recorded files into.
fn store_with_other_talks() -> TestEnv {
    let env = TestEnv::new();
    env.import(&OPENING.replace(r#""negotiation":"t""#, r#""negotiation":"other""#));
    env
}

/// Imports `text` into `env`, expects a user error that leaves the store as it was,
/// and returns stderr.
#[track_caller]
fn refused_recorded_import(env: &TestEnv, text: &str) -> String {
    let before = snapshot(env);
    let path = env.write("recorded.ndjson", text);
    let run = env.run(&["import", path.to_str().unwrap()]).user_error();
    assert_eq!(snapshot(env), before, "a refused import changed the store");
    run.stderr
}

#[test]
fn a_recorded_line_whose_hash_does_not_match_is_refused() {
    let recorded = store_with_a_threat().export("t");
    let altered = recorded.replace(r#""position":25"#, r#""position":26"#);
    assert_ne!(altered, recorded);
    let stderr = refused_recorded_import(&store_with_other_talks(), &altered);
    assert!(
        stderr.contains("recorded.ndjson:2: hash: does not match the line's content"),
        "{stderr}"
    );
}

#[test]
fn a_recorded_line_chained_to_another_history_is_refused_by_prev_hash() {
    // The same threat recorded after two different openings: each line's own hash is
    // right, but the second line of the spliced file does not follow the first.
    let ours = store_with_a_threat().export("t");
    let theirs = TestEnv::new();
    theirs.import(&journal(&[]).replace("Talks open", "Talks begin"));
    let our_threat = ours.lines().nth(1).expect("two lines");
    let spliced = format!("{}{our_threat}\n", theirs.export("t"));
    let stderr = refused_recorded_import(&store_with_other_talks(), &spliced);
    assert!(stderr.contains("recorded.ndjson:2: prev_hash"), "{stderr}");
}

#[test]
fn export_import_export_is_byte_identical_and_a_second_import_adds_nothing() {
    let env = store_with_a_threat();
    env.run(&[
        "correct",
        "t",
        "lib",
        "--set",
        "position=30",
        "--reason",
        "It was 30%",
    ])
    .ok();
    let first = env.export("t");
    let file = env.write("recorded.ndjson", &first);
    let copy = TestEnv::new();
    copy.run(&["import", file.to_str().unwrap()]).ok();
    assert_eq!(copy.export("t"), first);
    let again = copy.run(&["import", file.to_str().unwrap()]).ok().stdout;
    assert!(again.contains("added 0, 3 already in the store"), "{again}");
    assert_eq!(copy.export("t"), first);
}

#[test]
fn an_authored_file_imported_twice_is_deduplicated() {
    let env = TestEnv::new();
    let text = journal(&[
        r#"{"kind":"threat","by":"US","issue":"tariff","position":25,"summary":"A 25% tariff","at":"2025-04-02"}"#,
        r#"{"kind":"offer","by":"KR","issue":"tariff","position":10,"summary":"Korea offers 10%","at":"2025-04-05"}"#,
    ]);
    env.import(&text);
    let once = env.export("t");
    let again = env.import(&text).stdout;
    assert!(again.contains("added 0, 3 already in the store"), "{again}");
    assert_eq!(env.export("t"), once);
}

#[test]
fn verify_names_the_negotiation_and_seq_of_a_changed_byte() {
    let env = store_with_a_threat();
    korea_offers(&env, &[]).ok();
    env.run(&["verify"]).ok();
    {
        let store = parley::store::Store::open(
            &env.store(),
            parley::store::Access::Write,
            std::time::Duration::from_secs(5),
        )
        .expect("open store");
        let meta = parley::store::Log::require(&store, "t").expect("negotiation t");
        store
            .tamper_with_segment(&meta, 2, |bytes| {
                let at = find(bytes, b"A 25% tariff").expect("the threat's summary is stored");
                bytes[at + 2] = b'3';
            })
            .expect("tamper");
    }
    let run = env.run(&["verify"]).user_error();
    assert!(
        run.stderr.contains("t") && run.stderr.contains("seq 2"),
        "{}",
        run.stderr
    );
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn two_logs_started_together_both_succeed_without_a_gap() {
    let env = store_with_a_threat();
    let start = |side: &str| {
        env.command(&[
            "log",
            "t",
            "statement",
            "--by",
            side,
            "--summary",
            "We stand firm",
            "--wait",
            "30",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn parley log")
    };
    let (kr, us) = (start("KR"), start("US"));
    for child in [kr, us] {
        Run::from(child.wait_with_output().expect("wait")).ok();
    }
    let events = env.run(&["events", "t", "--json"]).ok().stdout;
    let events: serde_json::Value = serde_json::from_str(&events).unwrap();
    let seqs: Vec<u64> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    env.run(&["verify"]).ok();
}

#[test]
fn expect_seq_refuses_a_stale_write() {
    let env = store_with_a_threat();
    let offer = |expect: &str| korea_offers(&env, &["--expect-seq", expect]);
    offer("2").ok();
    let before = env.export("t");
    let stale = offer("2").user_error();
    assert!(
        stale
            .stderr
            .contains("you expected seq 2 to be the last, but it is 3"),
        "{}",
        stale.stderr
    );
    assert_eq!(env.export("t"), before);
}

#[test]
fn amend_and_void_are_new_events_and_events_shows_both() {
    let env = store_with_a_threat();
    korea_offers(&env, &["--position", "10", "--ref", "k10"]).ok();
    env.run(&[
        "correct",
        "t",
        "k10",
        "--set",
        "position=12",
        "--reason",
        "The figure was 12%",
    ])
    .ok();
    env.run(&[
        "correct",
        "t",
        "lib",
        "--void",
        "--reason",
        "Never announced",
    ])
    .ok();
    let listing = env.run(&["events", "t"]).ok().stdout;
    for expected in [
        "A 25% tariff",
        "Korea offers 10%",
        "amend seq 3 (k10): position 10 → 12 — The figure was 12%",
        "void seq 2 (lib) — Never announced",
        "5 of 5 events of t",
    ] {
        assert!(
            listing.contains(expected),
            "missing {expected:?} in\n{listing}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["events", "t", "--json"]).ok().stdout).unwrap();
    let events = json["events"].as_array().unwrap();
    assert_eq!(
        events[2]["position"], 10,
        "the original is kept as recorded"
    );
    assert_eq!(events[3]["kind"], "correction");
    assert_eq!(events[3]["action"], "amend");
    assert_eq!(events[4]["action"], "void");
}

#[test]
fn a_second_writer_waits_then_says_the_store_is_busy() {
    let env = store_with_a_threat();
    let before = env.export("t");
    let held = parley::store::Store::open(
        &env.store(),
        parley::store::Access::Read,
        std::time::Duration::from_secs(5),
    )
    .expect("open store");
    let run = env
        .run(&[
            "log",
            "t",
            "statement",
            "--by",
            "KR",
            "--summary",
            "We wait",
            "--wait",
            "0.3",
        ])
        .user_error();
    assert!(
        run.stderr
            .contains("is busy: another parley process holds it (waited 0.3s)")
            && run
                .stderr
                .contains("hint: wait for the other command to finish, or raise --wait"),
        "{}",
        run.stderr
    );
    drop(held);
    assert_eq!(env.export("t"), before);
}

#[test]
fn a_correction_or_note_may_name_its_target_by_seq() {
    let env = store_with_a_threat();
    env.run(&[
        "correct",
        "t",
        "2",
        "--set",
        "position=30",
        "--reason",
        "It was 30%",
    ])
    .ok();
    env.run(&["annotate", "t", "2", "--note", "The turn to tariffs"])
        .ok();
    let listing = env.run(&["events", "t"]).ok().stdout;
    assert!(
        listing.contains("amend seq 2: position 25 → 30 — It was 30%"),
        "{listing}"
    );
    assert!(
        listing.contains("on seq 2: The turn to tariffs"),
        "{listing}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["events", "t", "--json"]).ok().stdout).unwrap();
    let events = json["events"].as_array().unwrap();
    assert_eq!(
        events[2]["target"], events[1]["id"],
        "the file names the target by id"
    );
    let positions = env.run(&["positions", "t", "--json"]).ok().stdout;
    assert!(positions.contains("\"position\": 30"), "{positions}");
}
