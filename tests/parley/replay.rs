//! Positions, replay and diff: the reviewer's views, at several `--as-of` dates and
//! `--known-at` instants, with late-recorded, amended and voided moves.

use serde_json::Value;

use crate::common::*;

/// A journal recorded in three sittings, so `--known-at` has something to tell apart:
///
/// - 2025-04-01: US opens at 25, KR at 5; US moves to 20 on 2025-03-20
/// - 2025-05-01: KR moves to 10 (at 2025-04-10); a KR move at 2025-03-15 (to 8) is logged late
/// - 2025-06-01: the US 20 is amended to 22; the late KR move is voided
fn recorded_in_three_sittings() -> TestEnv {
    let mut env = TestEnv::new();
    env.now = "2025-04-01T00:00:00Z".into();
    env.import(&journal(&[
        r#"{"kind":"offer","at":"2025-03-02","by":"US","issue":"tariff","position":25,"summary":"US opens at 25%"}"#,
        r#"{"kind":"offer","at":"2025-03-03","by":"KR","issue":"tariff","position":5,"summary":"Korea opens at 5%"}"#,
        r#"{"kind":"concession","at":"2025-03-20","by":"US","issue":"tariff","position":20,"summary":"US comes down to 20%","ref":"us-20"}"#,
    ]));
    env.now = "2025-05-01T00:00:00Z".into();
    let logged = env.run(&[
        "log",
        "t",
        "concession",
        "--by",
        "KR",
        "--issue",
        "tariff",
        "--position",
        "10",
        "--at",
        "2025-04-10",
        "--summary",
        "Korea moves to 10%",
    ]);
    assert_eq!(
        logged.ok().stdout,
        "t seq 5  id 01968924-9c00-7d0e-b80c-6edcd7a4d86e\n2025-04-10  KR concession on tariff  · seq 5\n    Korea moves to 10%\n    states tariff 10\n\n"
    );
    let late = env.run(&[
        "log",
        "t",
        "concession",
        "--by",
        "KR",
        "--issue",
        "tariff",
        "--position",
        "8",
        "--at",
        "2025-03-15",
        "--summary",
        "Korea moved to 8% (logged late)",
        "--ref",
        "kr-8",
    ]);
    assert_eq!(
        late.ok().stdout,
        "t seq 6  id 01968924-9c00-7b23-a03c-239e924e6d41\n2025-03-15  KR concession on tariff  · seq 6\n    Korea moved to 8% (logged late)\n    states tariff 8\n\n"
    );
    env.now = "2025-06-01T00:00:00Z".into();
    let amended = env.run(&[
        "correct",
        "t",
        "us-20",
        "--set",
        "position=22",
        "--reason",
        "The figure was 22%",
    ]);
    assert_eq!(
        amended.ok().stdout,
        "t seq 7  id 019728c9-c000-7448-bbe3-c5fad2d496a1\n"
    );
    let voided = env.run(&[
        "correct",
        "t",
        "kr-8",
        "--void",
        "--reason",
        "Never happened",
    ]);
    assert_eq!(
        voided.ok().stdout,
        "t seq 8  id 019728c9-c000-7b37-b439-55bc7a8cec39\n"
    );
    env
}

fn positions(env: &TestEnv, flags: &[&str]) -> Value {
    let mut args = vec!["positions", "t", "--json"];
    args.extend_from_slice(flags);
    serde_json::from_str(&env.run(&args).ok().stdout).expect("positions --json is JSON")
}

fn tariff(view: &Value) -> &Value {
    view["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["issue"] == "tariff")
        .expect("tariff issue")
}

fn side(view: &Value, party: &str) -> Option<f64> {
    tariff(view)["sides"][party]["position"].as_f64()
}

#[test]
fn positions_now_apply_every_correction() {
    let env = recorded_in_three_sittings();
    let now = positions(&env, &[]);
    assert_eq!(
        (side(&now, "KR"), side(&now, "US")),
        (Some(10.0), Some(22.0))
    );
    assert_eq!(tariff(&now)["gap"], 12.0);
    assert_eq!(tariff(&now)["opening_gap"], 20.0);
}

#[test]
fn as_of_cuts_by_valid_time_with_corrections_applied() {
    let env = recorded_in_three_sittings();
    let early = positions(&env, &["--as-of", "2025-03-10"]);
    assert_eq!(
        (side(&early, "KR"), side(&early, "US")),
        (Some(5.0), Some(25.0))
    );
    let march = positions(&env, &["--as-of", "2025-03-31"]);
    assert_eq!(
        side(&march, "US"),
        Some(22.0),
        "the amendment applies to an as-of view"
    );
    assert_eq!(
        side(&march, "KR"),
        Some(5.0),
        "the voided late move is gone"
    );
}

#[test]
fn known_at_shows_the_journal_as_it_stood() {
    let env = recorded_in_three_sittings();
    let first = positions(&env, &["--known-at", "2025-04-15T00:00:00Z"]);
    assert_eq!(
        (side(&first, "KR"), side(&first, "US")),
        (Some(5.0), Some(20.0))
    );
    let second = positions(&env, &["--known-at", "2025-05-15T00:00:00Z"]);
    assert_eq!(side(&second, "KR"), Some(10.0));
    assert_eq!(
        side(&second, "US"),
        Some(20.0),
        "the amendment was not yet recorded"
    );
    let both = positions(
        &env,
        &[
            "--known-at",
            "2025-05-15T00:00:00Z",
            "--as-of",
            "2025-03-31",
        ],
    );
    assert_eq!(
        side(&both, "KR"),
        Some(8.0),
        "the late move counts before it was voided"
    );
}

#[test]
fn concession_share_follows_the_formula_in_cli_md() {
    // KR: 5 → 10 toward the US's preferred "higher": Δ = 5. US: 25 → 22 toward "lower": Δ = 3.
    let env = recorded_in_three_sittings();
    let view = positions(&env, &[]);
    let share = &tariff(&view)["concession_share"];
    assert_eq!(share["KR"], 5.0 / 8.0);
    assert_eq!(share["US"], 3.0 / 8.0);
    // Before anyone moved, both Δ are 0: shares are null.
    let opening = positions(&env, &["--as-of", "2025-03-05"]);
    assert!(tariff(&opening)["concession_share"]["KR"].is_null());
}

#[test]
fn moving_away_counts_as_no_concession() {
    let env = TestEnv::new();
    env.import(&journal(&[
        r#"{"kind":"offer","at":"2025-03-02","by":"US","issue":"tariff","position":25,"summary":"US 25"}"#,
        r#"{"kind":"offer","at":"2025-03-03","by":"KR","issue":"tariff","position":10,"summary":"KR 10"}"#,
        r#"{"kind":"demand","at":"2025-03-04","by":"KR","issue":"tariff","position":5,"summary":"KR hardens to 5"}"#,
        r#"{"kind":"concession","at":"2025-03-05","by":"US","issue":"tariff","position":20,"summary":"US 20"}"#,
    ]));
    let view = positions(&env, &[]);
    let share = &tariff(&view)["concession_share"];
    assert_eq!(
        (share["KR"].as_f64(), share["US"].as_f64()),
        (Some(0.0), Some(1.0))
    );
}

#[test]
fn an_acceptance_of_the_other_position_marks_the_issue_agreed() {
    let env = TestEnv::new();
    env.import(&journal(&[
        r#"{"kind":"offer","at":"2025-03-02","by":"US","issue":"tariff","position":15,"summary":"US 15"}"#,
        r#"{"kind":"offer","at":"2025-03-03","by":"KR","issue":"tariff","position":10,"summary":"KR 10"}"#,
    ]));
    assert_eq!(tariff(&positions(&env, &[]))["status"], "open");
    let accepted = env.run(&[
        "log",
        "t",
        "acceptance",
        "--by",
        "KR",
        "--issue",
        "tariff",
        "--position",
        "15",
        "--summary",
        "Korea accepts 15%",
        "--at",
        "2025-03-04",
    ]);
    assert_eq!(
        accepted.ok().stdout,
        "t seq 4  id 019ad923-e680-73fa-a850-2a98f46ab3a5\n2025-03-04  KR acceptance on tariff  · seq 4\n    Korea accepts 15%\n    states tariff 15\n\n"
    );
    let now = positions(&env, &[]);
    assert_eq!(tariff(&now)["status"], "agreed");
    assert_eq!(tariff(&now)["gap"], 0.0);
}

#[test]
fn replay_json_lists_each_events_changes_in_valid_time_order() {
    let env = recorded_in_three_sittings();
    let replay: Value =
        serde_json::from_str(&env.run(&["replay", "t", "--json"]).ok().stdout).unwrap();
    let events = replay["events"].as_array().unwrap();
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(
        seqs,
        [1, 2, 3, 4, 5],
        "corrections are applied, not replayed; the voided seq 6 is gone"
    );
    let us_move = &events[3];
    assert_eq!(us_move["seq"], 4);
    let change = &us_move["changes"][0];
    assert_eq!(
        (
            change["change"].as_str(),
            change["before"].as_f64(),
            change["after"].as_f64()
        ),
        (Some("position"), Some(25.0), Some(22.0))
    );
    assert_eq!(us_move["changes"][1]["change"], "corrected");
}

#[test]
fn replay_reads_as_a_narrative() {
    let env = recorded_in_three_sittings();
    let run = env.run(&["replay", "t"]).ok();
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!("replay-three-sittings", run.stdout);
}

#[test]
fn replay_step_without_a_terminal_runs_through() {
    let env = recorded_in_three_sittings();
    let run = env.run_with_input(&["replay", "t", "--step"], b"");
    let run = run.ok();
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        env.run(&["replay", "t"]).ok().stdout,
        "with no terminal to step in, --step prints the whole replay"
    );
}

#[test]
fn diff_shows_what_moved_between_two_dates() {
    let env = recorded_in_three_sittings();
    let diff: Value = serde_json::from_str(
        &env.run(&["diff", "t", "2025-03-10", "2025-04-30", "--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    let tariff = diff["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["issue"] == "tariff")
        .unwrap();
    assert_eq!(tariff["sides"]["US"]["from"], 25.0);
    assert_eq!(tariff["sides"]["US"]["to"], 22.0);
    assert_eq!(tariff["sides"]["KR"]["change"], 5.0);
    assert_eq!(
        (tariff["gap_from"].as_f64(), tariff["gap_to"].as_f64()),
        (Some(20.0), Some(12.0))
    );
    let text = env
        .run(&["diff", "t", "2025-03-10", "2025-04-30"])
        .ok()
        .stdout;
    insta::assert_snapshot!("diff-three-sittings", text);
}

#[test]
fn a_bad_date_names_the_flag() {
    let env = recorded_in_three_sittings();
    let run = env
        .run(&["positions", "t", "--as-of", "31/03/2025"])
        .user_error();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "parley: --as-of: \"31/03/2025\" is not a date or time (2025-04-24, 2025-04-24T10:05, \
         10:05, today, yesterday, or RFC 3339)\n"
    );
}

#[test]
fn diff_with_the_dates_reversed_says_to_give_the_earlier_first() {
    let env = recorded_in_three_sittings();
    let run = env
        .run(&["diff", "t", "2025-08-31", "2025-04-30"])
        .user_error();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "parley: D2: 2025-04-30 is before 2025-08-31: give the earlier date first\n"
    );
}

/// An issue put on the agenda with a date later than a move on it (the record-keeper
/// dated the agenda entry when the issue was formally added, the move when it was
/// made): a view between the two dates still shows the move.
#[test]
fn a_move_dated_before_its_issue_joined_the_agenda_shows_in_views_between() {
    let env = TestEnv::new();
    env.import(&journal(&[
        r#"{"kind":"agenda","at":"2025-06-01","issues":[{"key":"chips","title":"Chip export controls","unit":"%"}],"summary":"chips join the agenda"}"#,
        r#"{"kind":"offer","at":"2025-05-01","by":"KR","issue":"chips","position":30,"summary":"Korea raised chips early"}"#,
    ]));
    let between = positions(&env, &["--as-of", "2025-05-15"]);
    let chips = between["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["issue"] == "chips")
        .unwrap_or_else(|| panic!("chips missing: {between}"));
    assert_eq!(chips["sides"]["KR"]["position"], 30.0, "{chips}");
    let text = env
        .run(&["positions", "t", "--as-of", "2025-05-15"])
        .ok()
        .stdout;
    insta::assert_snapshot!("positions-move-before-its-agenda-entry", text);
    let before = positions(&env, &["--as-of", "2025-04-15"]);
    let listed: Vec<&Value> = before["issues"].as_array().unwrap().iter().collect();
    assert!(listed.iter().all(|i| i["issue"] != "chips"), "{before}");
    let diff = env
        .run(&["diff", "t", "2025-04-15", "2025-05-15"])
        .ok()
        .stdout;
    insta::assert_snapshot!("diff-move-before-its-agenda-entry", diff);
    // From a checkpoint as from a full replay.
    let now = env.run(&["positions", "t"]).ok();
    insta::assert_snapshot!("positions-after-the-agenda-entry", now.stdout);
    assert_eq!(positions(&env, &["--as-of", "2025-05-15"]), between);
}
