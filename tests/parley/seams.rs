//! Trust at the seams (issue 13): a move's issues shown with their own numbers, tables
//! that fit the terminal, corrections that can only change what the target holds and say
//! what they changed, numbers bounded and written one way everywhere.

use crate::common::*;

/// A US move on two issues, authored `tariff` then `autos`: `positions` holds them in
/// the other (key) order.
const TWO_ISSUES: &str = r#"{"kind":"offer","by":"US","issues":["tariff","autos"],"positions":{"tariff":25,"autos":82},"summary":"US asks 25% on everything and 82% on autos","at":"2025-04-02","ref":"us1","level":"senior"}"#;

fn two_issues() -> TestEnv {
    let env = TestEnv::new();
    env.import(&journal(&[TWO_ISSUES]));
    env
}

const HEADER: &str = "seq  at          kind     by  issues               summary\n";
const OPENING_ROW: &str = "  1  2025-03-01  opening                           Talks open (opens “Test talks”; parties KR, US; issues tariff, autos, security)\n";

#[test]
fn events_shows_each_issue_with_its_own_number_in_authored_order() {
    let env = two_issues();
    let run = env.run(&["events", "t"]).ok();
    assert_eq!(
        run.stdout,
        format!(
            "{HEADER}{OPENING_ROW}  2  2025-04-02  offer    US  tariff 25, autos 82  US asks 25% on everything and 82% on autos\n\
             2 of 2 events of t\n"
        )
    );
}

#[test]
fn events_fits_columns_when_asked_and_cuts_nothing_when_piped() {
    let env = two_issues();
    let piped = env.run(&["events", "t"]).ok().stdout;
    assert!(
        piped.lines().all(|line| !line.contains('…')),
        "output to a pipe is never cut:\n{piped}"
    );
    let fitted = env
        .command(&["events", "t"])
        .env("COLUMNS", "64")
        .output()
        .expect("run parley");
    let fitted = Run::from(fitted).ok();
    assert_eq!(
        fitted.stdout,
        "seq  at          kind     by  issues            summary\n\
         \u{20} 1  2025-03-01  opening                        Talks open (ope…\n\
         \u{20} 2  2025-04-02  offer    US  tariff 25, auto…  US asks 25% on…\n\
         2 of 2 events of t\n"
    );
    let narrow = Run::from(
        env.command(&["events", "t"])
            .env("COLUMNS", "50")
            .output()
            .expect("run parley"),
    )
    .ok();
    assert_eq!(
        narrow.stdout,
        "seq  at          kind     by  issues        summary\n\
         \u{20} 1  2025-03-01  opening                    Talks open…\n\
         \u{20} 2  2025-04-02  offer    US  tariff 25,…   US asks 25%…\n\
         2 of 2 events of t\n"
    );
}

const OFFER_FIELDS: &str = "kind, at, summary, source, by, to, issue, issues, position, positions, terms, channel, level, speaker, reversibility, responds_to, conditional_on, package, tags";

#[test]
fn a_correction_of_a_field_the_target_does_not_have_is_refused_and_records_nothing() {
    let env = two_issues();
    let before = env.export("t");
    let run = env
        .run(&[
            "correct",
            "t",
            "us1",
            "--set",
            "levl=minister",
            "--reason",
            "It was the minister",
        ])
        .user_error();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "parley: changes: \"levl\" is not a field of an offer; an amend of it may set: {OFFER_FIELDS}\n"
        )
    );
    assert_eq!(env.export("t"), before, "the store is unchanged");
}

#[test]
fn an_imported_correction_of_an_unknown_field_is_refused_the_same_way() {
    let env = two_issues();
    let before = env.export("t");
    env.write(
        "fix.ndjson",
        r#"{"kind":"correction","negotiation":"t","at":"2025-11-01","target":"us1","action":"amend","changes":{"levl":"minister"},"reason":"It was the minister"}
"#,
    );
    let run = env.run(&["import", "fix.ndjson"]).user_error();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "parley: fix.ndjson:1: changes: \"levl\" is not a field of an offer; an amend of it may set: {OFFER_FIELDS}\n"
        )
    );
    assert_eq!(env.export("t"), before, "the store is unchanged");
}

#[test]
fn a_correction_that_leaves_a_wrong_type_or_word_is_refused_naming_the_field() {
    let env = two_issues();
    let before = env.export("t");
    for (set, expected) in [
        (
            "level=5",
            "parley: changes: the amended event would be invalid: level: expected text, found the number 5\n",
        ),
        (
            "level=boss",
            "parley: changes: the amended event would be invalid: level: \"boss\" is not one of: leader, minister, senior, working\n",
        ),
    ] {
        let run = env
            .run(&["correct", "t", "us1", "--set", set, "--reason", "r"])
            .user_error();
        assert_eq!(run.stderr, expected);
    }
    assert_eq!(env.export("t"), before, "the store is unchanged");
}

#[test]
fn events_and_replay_say_what_each_correction_changed() {
    let env = two_issues();
    for (set, reason, at) in [
        ("level=minister", "It was the minister", "2025-11-01"),
        (
            r#"positions={"tariff":20,"autos":82}"#,
            "The figure was 20%",
            "2025-11-02",
        ),
    ] {
        env.run(&[
            "correct", "t", "us1", "--set", set, "--reason", reason, "--at", at,
        ])
        .ok();
    }
    let events = env.run(&["events", "t"]).ok().stdout;
    assert_eq!(
        events,
        format!(
            "seq  at          kind        by  issues               summary\n\
             \u{20} 1  2025-03-01  opening                              Talks open (opens “Test talks”; parties KR, US; issues tariff, autos, security)\n\
             \u{20} 2  2025-04-02  offer       US  tariff 25, autos 82  US asks 25% on everything and 82% on autos\n\
             \u{20} 3  2025-11-01  correction                           amend seq 2 (us1): level senior → minister — It was the minister\n\
             \u{20} 4  2025-11-02  correction                           amend seq 2 (us1): positions.tariff 25 → 20 — The figure was 20%\n\
             4 of 4 events of t\n"
        )
    );
    let replay = env.run(&["replay", "t"]).ok().stdout;
    assert_eq!(
        replay,
        "t — Test talks\n\
         2 events, now, every correction applied\n\
         \n\
         2025-03-01  opening  · seq 1\n\
         \u{20}   “Test talks”. Talks open\n\
         \u{20}   → party added: KR (Korea)\n\
         \u{20}   → party added: US (United States)\n\
         \u{20}   → issue added: tariff (Tariff)\n\
         \u{20}   → issue added: autos (Auto tariff)\n\
         \u{20}   → issue added: security (Cost sharing)\n\
         \n\
         2025-04-02  US offer (minister) on tariff, autos  · seq 2\n\
         \u{20}   US asks 25% on everything and 82% on autos\n\
         \u{20}   → tariff: US — → 20\n\
         \u{20}   → autos: US — → 82\n\
         \u{20}   → as corrected by seq 3 (level senior → minister), seq 4 (positions.tariff 25 → 20)\n\
         \n"
    );
}

const BOUND: &str = "is out of bounds: a number in the journal is finite and at most 10^15 (1,000,000,000,000,000) either way";

#[test]
fn a_number_beyond_the_bound_is_refused_by_log_import_and_correct() {
    let env = two_issues();
    let before = env.export("t");
    let logged = env
        .run(&[
            "log",
            "t",
            "offer",
            "--by",
            "KR",
            "--issue",
            "tariff",
            "--position",
            "1e308",
            "--summary",
            "Korea offers",
            "--at",
            "2025-04-05",
        ])
        .user_error();
    assert_eq!(logged.stderr, format!("parley: position: 1e308 {BOUND}\n"));
    env.write(
        "big.ndjson",
        r#"{"kind":"offer","negotiation":"t","at":"2025-04-05","by":"KR","positions":{"tariff":1e16,"autos":10},"summary":"Korea offers"}
"#,
    );
    let imported = env.run(&["import", "big.ndjson"]).user_error();
    assert_eq!(
        imported.stderr,
        format!("parley: big.ndjson:1: positions.tariff: 1e16 {BOUND}\n")
    );
    let corrected = env
        .run(&[
            "correct",
            "t",
            "us1",
            "--set",
            r#"positions={"tariff":-1e300,"autos":10}"#,
            "--reason",
            "r",
        ])
        .user_error();
    assert_eq!(
        corrected.stderr,
        format!(
            "parley: changes: the amended event would be invalid: positions.tariff: -1e300 {BOUND}\n"
        )
    );
    assert_eq!(env.export("t"), before, "the store is unchanged");
}

#[test]
fn the_largest_number_allowed_prints_in_full_and_the_same_everywhere() {
    let env = TestEnv::new();
    env.import(&journal(&[
        r#"{"kind":"offer","by":"US","issue":"tariff","position":1000000000000000,"summary":"US asks the most","at":"2025-04-02"}"#,
        r#"{"kind":"offer","by":"KR","issue":"tariff","position":-1519.2,"summary":"KR offers less","at":"2025-04-03"}"#,
    ]));
    let events = env.run(&["events", "t", "--kind", "offer"]).ok().stdout;
    assert_eq!(
        events,
        "seq  at          kind   by  issues                        summary\n\
         \u{20} 2  2025-04-02  offer  US  tariff 1,000,000,000,000,000  US asks the most\n\
         \u{20} 3  2025-04-03  offer  KR  tariff -1,519.2               KR offers less\n\
         2 of 3 events of t\n"
    );
    let replay = env
        .run(&["replay", "t", "--as-of", "2025-04-03"])
        .ok()
        .stdout;
    let kr_step = replay
        .split("\n\n")
        .find(|step| step.contains("· seq 3"))
        .expect("the KR step");
    // At 10^15 a double holds steps of 1/8: the gap 1e15 + 1519.2 is 1,000,000,000,001,519.25
    // exactly, and is written as it is held.
    assert_eq!(
        kr_step,
        "2025-04-03  KR offer on tariff  · seq 3\n\
         \u{20}   KR offers less\n\
         \u{20}   → tariff: KR — → -1,519.2 (gap — → 1,000,000,000,001,519.25)"
    );
    let positions: serde_json::Value =
        serde_json::from_str(&env.run(&["positions", "t", "--json"]).ok().stdout).unwrap();
    assert_eq!(
        positions["issues"][0]["gap"],
        serde_json::json!(1_000_000_000_001_519.2),
        "the gap is a finite number, not null"
    );
}

/// A GDELT 1.0 row of 57 columns between USA and KOR with `goldstein` as its score.
fn gdelt_row(goldstein: &str) -> String {
    let mut row = vec![""; 57];
    row[0] = "500000001";
    row[1] = "20250402";
    row[5] = "USA";
    row[6] = "UNITED STATES";
    row[7] = "USA";
    row[15] = "KOR";
    row[16] = "SOUTH KOREA";
    row[17] = "KOR";
    row[26] = "036";
    row[29] = "1";
    row[30] = goldstein;
    row[31] = "3";
    row.join("\t")
}

#[test]
fn a_goldstein_score_that_is_not_finite_is_refused_with_line_and_column() {
    let env = TestEnv::new();
    for score in ["NaN", "inf", "-inf"] {
        env.write(
            "rows.tsv",
            &format!("{}\n{}\n", gdelt_row("4"), gdelt_row(score)),
        );
        let out = env.path("out.ndjson");
        let run = env
            .run(&[
                "convert",
                "rows.tsv",
                "--from",
                "gdelt",
                "--between",
                "USA,KOR",
                "--negotiation",
                "x",
                "--out",
                "out.ndjson",
            ])
            .user_error();
        assert_eq!(
            run.stderr,
            format!(
                "parley: rows.tsv:2: goldsteinscale: \"{score}\" in column 31 is not a finite number; the Goldstein scale runs from -10 to +10\n"
            )
        );
        assert!(!out.exists(), "a refused conversion writes no file");
    }
}
