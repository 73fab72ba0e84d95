//! The audit's vocabulary as a person sees it: the rules of a verdict and the finding of
//! a flag in words, the verdicts the text lists, and the rubric file's measure codes,
//! each refused by name with the allowed names.

use serde_json::{Value, json};

use crate::common::*;

/// The audit of `lines` (one move a day from 2 March 2025) as JSON, with `extra` flags.
fn audit(lines: &[Value], extra: &[&str]) -> Value {
    let env = TestEnv::new();
    let lines = dated(lines);
    env.import(&journal(
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    let mut args = vec!["audit", "t", "--json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&env.run(&args).ok().stdout).expect("audit --json is JSON")
}

/// `lines` as journal lines, the n-th dated n days after 1 March 2025.
fn dated(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .zip(2..)
        .map(|(line, day)| {
            let mut line = line.clone();
            line["at"] = json!(format!("2025-03-{day:02}"));
            line["summary"] = json!(format!("move on day {day}"));
            line.to_string()
        })
        .collect()
}

/// The US threatens, KR concedes in answer: eight times, moving its tariff up each time.
fn kr_yields_to_every_threat() -> Vec<Value> {
    let mut lines = vec![
        json!({"kind": "offer", "by": "US", "issue": "tariff", "position": 25}),
        json!({"kind": "offer", "by": "KR", "issue": "tariff", "position": 0}),
    ];
    for step in 1..=8 {
        let label = format!("threat-{step}");
        lines.push(json!({"kind": "threat", "by": "US", "issue": "tariff", "ref": label}));
        lines.push(json!({"kind": "concession", "by": "KR", "issue": "tariff", "position": step * 2, "responds_to": label}));
    }
    lines
}

#[test]
fn a_side_that_stayed_defensive_is_told_why_in_words() {
    let audit = audit(&kr_yields_to_every_threat(), &[]);
    let kr = &audit["sides"]["KR"];
    assert_eq!(
        json!({"verdict": kr["verdict"], "rules": kr["rules"]}),
        json!({
            "verdict": "stayed-defensive",
            "rules": [
                "no window proactive",
                "last window defensive (≤ -0.20)",
                "index -0.87 in the first judged window, -1.00 in the last (-0.13)"
            ]
        })
    );
}

#[test]
fn the_rules_carry_the_thresholds_of_the_rubric_in_use() {
    let env = TestEnv::new();
    let rubric = env.write("r.json", r#"{"defensive_at": -0.5, "proactive_at": 0.5}"#);
    let audit = audit(
        &kr_yields_to_every_threat(),
        &["--rubric", rubric.to_str().unwrap()],
    );
    assert_eq!(
        audit["sides"]["KR"]["rules"],
        json!([
            "no window proactive",
            "last window defensive (≤ -0.50)",
            "index -0.87 in the first judged window, -1.00 in the last (-0.13)"
        ])
    );
}

#[test]
fn giving_sunk_money_for_a_pledge_is_flagged_in_words() {
    let audit = audit(
        &[
            json!({"kind": "concession", "by": "US", "issue": "security", "reversibility": "pledge", "ref": "us-pledge"}),
            json!({"kind": "implementation", "by": "KR", "issue": "security", "reversibility": "sunk", "responds_to": "us-pledge"}),
        ],
        &[],
    );
    assert_eq!(
        audit["sides"]["KR"]["flags"],
        json!([{
            "events": [3, 2],
            "flag": "irreversible-for-reversible",
            "note": "gave sunk (seq 3) for pledge (seq 2)"
        }])
    );
}

#[test]
fn a_rubric_weight_for_an_unknown_measure_is_refused_listing_the_codes() {
    let env = TestEnv::new();
    env.import(&journal(&[]));
    let rubric = env.write("bad.json", r#"{"weights": {"INI": 2, "XX": 1}}"#);
    let run = env
        .run(&["audit", "t", "--rubric", rubric.to_str().unwrap()])
        .user_error();
    assert_eq!(
        run.stderr,
        format!(
            "parley: {}: weights: \"XX\" is not a measure (measures: INI, CB, CUP, REC, PK, RV)\n",
            rubric.display()
        )
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn a_rubric_weighting_the_codes_moves_the_index() {
    let env = TestEnv::new();
    let only_cup = env.write(
        "cup.json",
        r#"{"weights": {"INI": 0, "CB": 0, "CUP": 1, "REC": 0, "PK": 0, "RV": 0}}"#,
    );
    let audit = audit(
        &kr_yields_to_every_threat(),
        &["--rubric", only_cup.to_str().unwrap()],
    );
    let kr = &audit["sides"]["KR"];
    assert_eq!(
        json!({"index": kr["index"], "CUP": kr["measures"]["CUP"]["component"]}),
        json!({"index": -1.0, "CUP": -1.0}),
        "every concession answered a threat, and CUP alone counts"
    );
}
