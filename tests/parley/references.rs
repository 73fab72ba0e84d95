//! A `ref` or `id` names the same event when recording and when viewing: a ref exactly as
//! written, else an id in any form (issue 14). Unit tests of the index are in
//! src/projection/refs.rs.

use serde_json::Value;

use crate::common::*;

/// The `id` of each event of `t`, by seq.
fn ids(env: &TestEnv) -> Vec<String> {
    env.export("t")
        .lines()
        .map(|line| {
            let event: Value = serde_json::from_str(line).unwrap();
            event["id"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn a_correction_by_id_in_any_form_applies_in_every_view() {
    let env = TestEnv::new();
    env.import(&journal(&[
        r#"{"kind":"offer","at":"2025-03-02","by":"US","issue":"tariff","position":25,"summary":"US opens at 25%"}"#,
        r#"{"kind":"offer","at":"2025-03-03","by":"KR","issue":"tariff","position":5,"summary":"Korea opens at 5%"}"#,
    ]))
    .ok();
    let ids = ids(&env);
    let simple = ids[1].replace('-', "");
    let upper = ids[2].to_ascii_uppercase();
    let reason = ["--reason", "The figure was 22%"];
    env.run(
        &[
            &["correct", "t", &simple, "--set", "position=22"],
            &reason[..],
        ]
        .concat(),
    )
    .ok();
    env.run(&[
        "correct",
        "t",
        &upper,
        "--void",
        "--reason",
        "Never happened",
    ])
    .ok();
    assert_eq!(
        env.run(&["events", "t"]).ok().stdout,
        "seq  at                       kind        by  issues     summary
  1  2025-03-01               opening                    Talks open (opens “Test talks”; parties KR, US; issues tariff, autos, security)
  2  2025-03-02               offer       US  tariff 25  US opens at 25%
  3  2025-03-03               offer       KR  tariff 5   Korea opens at 5%
  4  2025-12-01 09:00 +00:00  correction                 amend seq 2: position 25 → 22 — The figure was 22%
  5  2025-12-01 09:00 +00:00  correction                 void seq 3 — Never happened
5 of 5 events of t
"
    );
    // US at 22 (amended by its id without hyphens), KR's move gone (voided by its id in
    // upper case).
    assert_eq!(
        env.run(&["positions", "t"]).ok().stdout,
        "t — positions now, every correction applied

issue     unit  KR               US  gap  opening gap  concession share  status  last move
tariff    %      —  22 (2025-03-02)    —            —                    open    US offer 2025-03-02
autos     %      —                —    —            —                    open
security         —                —    —            —                    open
"
    );
}
