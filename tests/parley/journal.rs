//! The journal core: recording, import and export, corrections, verify, concurrency.

use crate::common::*;

#[test]
fn log_prints_seq_and_id_and_events_shows_the_move() {
    let env = TestEnv::new();
    env.import(&journal(&[]));
    let run = korea_offers(&env, &["--position", "10"]).ok();
    assert_eq!(
        run.stdout,
        "t seq 2  id 019ad923-e680-78e8-aabd-f40060539017\n2025-04-05  KR offer on tariff  · seq 2\n    Korea offers 10%\n    states tariff 10\n\n"
    );
    assert_eq!(run.stderr, "");
    let events = env.run(&["events", "t"]).ok().stdout;
    assert_eq!(
        events,
        "seq  at          kind     by  issues     summary\n  \
         1  2025-03-01  opening                 Talks open (opens “Test talks”; parties KR, US; issues tariff, autos, security)\n  \
         2  2025-04-05  offer    KR  tariff 10  Korea offers 10%\n\
         2 of 2 events of t\n"
    );
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
        let name = path.file_name().unwrap().to_str().unwrap();
        let mut seen = String::new();
        for args in [["import", file].as_slice(), &["verify"], &["import", file]] {
            let run = env.run(args).ok();
            assert_eq!(run.stderr, "", "{args:?}");
            seen.push_str(&format!("$ parley {}\n{}", args.join(" "), run.stdout));
        }
        // The first import adds every line, verify finds the chain whole, and the
        // second import adds nothing.
        insta::assert_snapshot!(
            format!("bundled-{}", name.trim_end_matches(".ndjson")),
            seen.replace(file, &format!("journals/{name}"))
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
    env.write("bad.ndjson", text);
    let run = env.run(&["import", "bad.ndjson"]).user_error();
    assert_eq!(run.stdout, "");
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
            "not valid JSON: EOF while parsing a value (column 34)",
        ),
        (
            r#"{"negotiation":"t","kind":"bribe","by":"KR","at":"2025-04-05","summary":"x"}"#
                .to_owned(),
            concat!(
                r#"kind: "bribe" is not one of: offer, demand, concession, acceptance, "#,
                "rejection, rebuttal, threat, sanction, implementation, meeting, statement, ",
                "linkage, retraction, opening, agenda, correction, annotation"
            ),
        ),
        (
            move_with(r#","by":"JP""#),
            r#"by: party "JP" is not in negotiation t (parties: KR, US)"#,
        ),
        (
            move_with(r#","issue":"rice""#),
            concat!(
                r#"issue: issue "rice" is not on the agenda of t (issues: tariff, autos, security); "#,
                "add it with `parley agenda t --issue ...`"
            ),
        ),
        (
            move_with(r#","responds_to":"lib-dy""#),
            r#"responds_to: "lib-dy" is not the ref or id of an earlier event in t"#,
        ),
        (
            r#"{"negotiation":"t","kind":"offer","by":"KR","issue":"tariff","at":"2025-04-05"}"#
                .to_owned(),
            "summary: an offer needs a summary: one line in your words",
        ),
        (
            move_with(r#","position":1e999"#),
            "position: the number at column 116 is far out of bounds: a number in the journal is \
             finite and at most 10^15 (1,000,000,000,000,000) either way",
        ),
        (
            move_with(r#","position":"NaN""#),
            r#"position: expected a finite number, found the text "NaN""#,
        ),
        (
            move_with(r#","at":"2025-12-03""#),
            "at: 2025-12-03 is in the future: it is more than a day after the event was \
             recorded (2025-12-01T09:00:00.000Z)",
        ),
        (
            move_with(r#","ref":"lib""#),
            r#"ref: ref "lib" is already used by seq 2 of t; refs are unique within a negotiation"#,
        ),
    ];
    for (line, expected) in cases {
        let stderr = refused_import(&env, &with_bad_third_line(&line));
        assert_eq!(
            stderr,
            format!("parley: bad.ndjson:3: {expected}\n"),
            "for {line}"
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
    env.write("recorded.ndjson", text);
    let run = env.run(&["import", "recorded.ndjson"]).user_error();
    assert_eq!(run.stdout, "");
    assert_eq!(snapshot(env), before, "a refused import changed the store");
    run.stderr
}

#[test]
fn a_recorded_line_whose_hash_does_not_match_is_refused() {
    let recorded = store_with_a_threat().export("t");
    let altered = recorded.replace(r#""position":25"#, r#""position":26"#);
    assert_ne!(altered, recorded);
    let stderr = refused_recorded_import(&store_with_other_talks(), &altered);
    assert_eq!(
        stderr,
        "parley: recorded.ndjson:2: hash: does not match the line's content: \
         the line was altered after it was recorded\n"
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
    assert_eq!(
        stderr,
        "parley: recorded.ndjson:2: prev_hash: does not match the hash of seq 1 of t: \
         an event before this line was removed, reordered or altered\n"
    );
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
    let copy = TestEnv::new();
    copy.write("recorded.ndjson", &first);
    let once = copy.run(&["import", "recorded.ndjson"]).ok().stdout;
    assert_eq!(
        once,
        "recorded.ndjson: 3 event lines; added 3, 0 already in the store\n\
         negotiation  added  seq\n\
         t                3  1–3\n"
    );
    assert_eq!(copy.export("t"), first);
    let again = copy.run(&["import", "recorded.ndjson"]).ok().stdout;
    assert_eq!(
        again,
        "recorded.ndjson: 3 event lines; added 0, 3 already in the store\n"
    );
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
    let again = env.masked(&env.import(&text).stdout);
    assert_eq!(
        again,
        "$TMP/import.ndjson: 3 event lines; added 0, 3 already in the store\n"
    );
    assert_eq!(env.export("t"), once);
}

#[test]
fn verify_names_the_negotiation_and_seq_of_a_changed_byte() {
    let env = store_with_a_threat();
    korea_offers(&env, &[]).ok();
    assert_eq!(
        env.run(&["verify"]).ok().stdout,
        "negotiation  events  chain  head hash\n\
         t                 3  ok     295ffe4af42ecf11\n"
    );
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
    assert_eq!(
        run.stdout,
        "negotiation  events  chain   head hash\n\
         t                 3  BROKEN\n"
    );
    assert_eq!(
        run.stderr,
        "parley: integrity failure in t at seq 2: the content does not match its hash: \
         the event was altered\n\
         hint: the store has been altered or damaged; restore it from an export or a backup\n"
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
    // Either may win the store first; ids follow from the seed, the negotiation and seq,
    // and each echo names the side that logged it.
    let printed: Vec<(String, String)> = [("KR", kr), ("US", us)]
        .into_iter()
        .map(|(side, child)| {
            let run = Run::from(child.wait_with_output().expect("wait")).ok();
            (side.to_owned(), format!("{}{}", run.stdout, run.stderr))
        })
        .collect();
    let mut seqs: Vec<u64> = Vec::new();
    for (side, output) in &printed {
        let seq = if output.starts_with("t seq 3 ") { 3 } else { 4 };
        let id = match seq {
            3 => "019ad923-e680-7687-a965-68c4e2109c44",
            _ => "019ad923-e680-73fa-a850-2a98f46ab3a5",
        };
        assert_eq!(
            output,
            &format!(
                "t seq {seq}  id {id}\n2025-12-01 09:00 +00:00  {side} statement  · seq {seq}\n    We stand firm\n\n"
            )
        );
        seqs.push(seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, [3, 4]);
    let events = env.run(&["events", "t", "--json"]).ok().stdout;
    let events: serde_json::Value = serde_json::from_str(&events).unwrap();
    let events = events["events"].as_array().unwrap();
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    // The head hash covers the order the two statements landed in.
    let head = match events[2]["by"].as_str() {
        Some("KR") => "c33a00a6fb28d59c",
        _ => "ae9bb627f25bf585",
    };
    assert_eq!(
        env.run(&["verify"]).ok().stdout,
        format!(
            "negotiation  events  chain  head hash\n\
             t                 4  ok     {head}\n"
        )
    );
}

#[test]
fn expect_seq_refuses_a_stale_write() {
    let env = store_with_a_threat();
    let offer = |expect: &str| korea_offers(&env, &["--expect-seq", expect]);
    assert_eq!(
        offer("2").ok().stdout,
        "t seq 3  id 019ad923-e680-7687-a965-68c4e2109c44\n2025-04-05  KR offer on tariff  · seq 3\n    Korea offers 10%\n\n"
    );
    let before = env.export("t");
    let stale = offer("2").user_error();
    assert_eq!(stale.stdout, "");
    assert_eq!(
        stale.stderr,
        "parley: t has moved on: you expected seq 2 to be the last, but it is 3\n\
         hint: read the new events with `parley events`, then log again\n"
    );
    assert_eq!(env.export("t"), before);
}

#[test]
fn amend_and_void_are_new_events_and_events_shows_both() {
    let env = store_with_a_threat();
    let logged = korea_offers(&env, &["--position", "10", "--ref", "k10"]).ok();
    assert_eq!(
        logged.stdout,
        "t seq 3  id 019ad923-e680-7687-a965-68c4e2109c44\n2025-04-05  KR offer on tariff  · seq 3\n    Korea offers 10%\n    states tariff 10\n\n"
    );
    let amended = env
        .run(&[
            "correct",
            "t",
            "k10",
            "--set",
            "position=12",
            "--reason",
            "The figure was 12%",
        ])
        .ok();
    assert_eq!(
        amended.stdout,
        "t seq 4  id 019ad923-e680-73fa-a850-2a98f46ab3a5\n"
    );
    let voided = env
        .run(&[
            "correct",
            "t",
            "lib",
            "--void",
            "--reason",
            "Never announced",
        ])
        .ok();
    assert_eq!(
        voided.stdout,
        "t seq 5  id 019ad923-e680-7d0e-b80c-6edcd7a4d86e\n"
    );
    let listing = env.run(&["events", "t"]).ok().stdout;
    insta::assert_snapshot!("events-amend-and-void", listing);
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
    assert_eq!(run.stdout, "");
    assert_eq!(
        env.masked(&run.stderr),
        "parley: the store $TMP/store is busy: another parley process holds it (waited 0.3s)\n\
         hint: wait for the other command to finish, or raise --wait\n"
    );
    drop(held);
    assert_eq!(env.export("t"), before);
}

#[test]
fn a_correction_or_note_may_name_its_target_by_seq() {
    let env = store_with_a_threat();
    let corrected = env
        .run(&[
            "correct",
            "t",
            "2",
            "--set",
            "position=30",
            "--reason",
            "It was 30%",
        ])
        .ok();
    assert_eq!(
        corrected.stdout,
        "t seq 3  id 019ad923-e680-7687-a965-68c4e2109c44\n"
    );
    let annotated = env
        .run(&["annotate", "t", "2", "--note", "The turn to tariffs"])
        .ok();
    assert_eq!(
        annotated.stdout,
        "t seq 4  id 019ad923-e680-73fa-a850-2a98f46ab3a5\n"
    );
    let listing = env.run(&["events", "t"]).ok().stdout;
    insta::assert_snapshot!("events-correction-and-note-by-seq", listing);
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["events", "t", "--json"]).ok().stdout).unwrap();
    let events = json["events"].as_array().unwrap();
    assert_eq!(
        events[2]["target"], events[1]["id"],
        "the file names the target by id"
    );
    let positions = env.run(&["positions", "t", "--json"]).ok().stdout;
    insta::assert_snapshot!("positions-after-correction-by-seq", positions);
}
