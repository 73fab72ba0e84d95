//! The posture audit: constructed journals whose answers are known by construction, one
//! per verdict and one per flag; a rubric that moves a borderline verdict; the JSON shape.

use serde_json::{Value, json};

use crate::common::*;

/// Builds a journal on the standard opening, one move a day from 2 March 2025.
struct Talks {
    lines: Vec<String>,
    day: i64,
}

impl Talks {
    fn new() -> Talks {
        Talks {
            lines: Vec::new(),
            day: 0,
        }
    }

    /// Adds a move on the next day; returns its seq.
    fn add(&mut self, mut line: Value) -> u64 {
        self.day += 1;
        let at =
            chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap() + chrono::Duration::days(self.day);
        line["at"] = json!(at.format("%Y-%m-%d").to_string());
        if line.get("summary").is_none() {
            line["summary"] = json!(format!("move on day {}", self.day));
        }
        self.lines.push(line.to_string());
        self.lines.len() as u64 + 1
    }

    /// Skips `days` days.
    fn wait(&mut self, days: i64) {
        self.day += days;
    }

    /// KR bundles two issues across tracks: an initiation and a package.
    fn kr_package(&mut self) -> u64 {
        self.add(json!({"kind": "offer", "by": "KR", "issues": ["tariff", "security"], "package": "grand-bargain"}))
    }

    /// The US threatens; KR concedes in answer, on one issue, moving its tariff up.
    fn kr_yields(&mut self, position: f64) -> u64 {
        let label = format!("threat-{}", self.lines.len());
        self.add(json!({"kind": "threat", "by": "US", "issue": "tariff", "ref": label}));
        self.add(json!({"kind": "concession", "by": "KR", "issue": "tariff", "position": position, "responds_to": label}))
    }

    fn audit(&self, extra: &[&str]) -> Value {
        let env = TestEnv::new();
        let lines: Vec<&str> = self.lines.iter().map(String::as_str).collect();
        env.import(&journal(&lines));
        let mut args = vec!["audit", "t", "--json"];
        args.extend_from_slice(extra);
        serde_json::from_str(&env.run(&args).ok().stdout).expect("audit --json is JSON")
    }
}

fn verdict(audit: &Value, side: &str) -> String {
    audit["sides"][side]["verdict"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn window_verdicts(audit: &Value, side: &str) -> Vec<String> {
    audit["sides"][side]["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["verdict"].as_str().unwrap().to_owned())
        .collect()
}

fn flags(audit: &Value, side: &str, flag: &str) -> Vec<Vec<u64>> {
    audit["sides"][side]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["flag"] == flag)
        .map(|f| {
            f["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_u64().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn a_side_that_only_opens_packages_stayed_proactive() {
    let mut talks = Talks::new();
    for _ in 0..9 {
        talks.kr_package();
    }
    let audit = talks.audit(&[]);
    assert_eq!(verdict(&audit, "KR"), "stayed-proactive");
    assert_eq!(window_verdicts(&audit, "KR"), ["proactive"; 3]);
    assert_eq!(audit["sides"]["KR"]["index"], json!(1.0));
}

#[test]
fn a_side_that_yields_to_every_threat_stayed_defensive() {
    let mut talks = Talks::new();
    talks.add(json!({"kind": "offer", "by": "US", "issue": "tariff", "position": 25}));
    talks.add(json!({"kind": "offer", "by": "KR", "issue": "tariff", "position": 0}));
    for step in 1..=8 {
        talks.kr_yields(f64::from(step) * 2.0);
    }
    let audit = talks.audit(&[]);
    assert_eq!(verdict(&audit, "KR"), "stayed-defensive");
    assert!(
        window_verdicts(&audit, "KR")
            .iter()
            .all(|v| v == "defensive")
    );
    let cup = &audit["sides"]["KR"]["measures"]["CUP"];
    assert_eq!(
        cup["all"]["numerator"],
        json!(8.0),
        "every concession answered a threat: {cup}"
    );
    assert_eq!(cup["all"]["denominator"], json!(8.0));
}

#[test]
fn a_side_that_bundles_then_yields_drifted_defensive() {
    let mut talks = Talks::new();
    talks.add(json!({"kind": "offer", "by": "US", "issue": "tariff", "position": 25}));
    for _ in 0..6 {
        talks.kr_package();
    }
    talks.wait(60);
    for step in 1..=3 {
        talks.kr_yields(f64::from(step) * 5.0);
    }
    let audit = talks.audit(&[]);
    assert_eq!(
        window_verdicts(&audit, "KR"),
        ["proactive", "proactive", "defensive"]
    );
    assert_eq!(verdict(&audit, "KR"), "drifted-defensive");
    assert_eq!(
        audit["sides"]["KR"]["rules"],
        json!([
            "first window proactive",
            "last window defensive (≤ -0.20)",
            "index +1.00 in the first judged window, -1.00 in the last (-2.00): fell by at least 0.40"
        ])
    );
}

#[test]
fn a_side_that_yields_then_takes_the_initiative_turned_proactive() {
    let mut talks = Talks::new();
    talks.add(json!({"kind": "offer", "by": "US", "issue": "tariff", "position": 25}));
    for step in 1..=3 {
        talks.kr_yields(f64::from(step) * 5.0);
    }
    talks.wait(60);
    for _ in 0..6 {
        talks.kr_package();
    }
    let audit = talks.audit(&[]);
    assert_eq!(
        window_verdicts(&audit, "KR"),
        ["defensive", "proactive", "proactive"]
    );
    assert_eq!(verdict(&audit, "KR"), "turned-proactive");
}

#[test]
fn proactive_defensive_proactive_is_mixed() {
    let mut talks = Talks::new();
    talks.add(json!({"kind": "offer", "by": "US", "issue": "tariff", "position": 25}));
    for _ in 0..3 {
        talks.kr_package();
    }
    talks.wait(60);
    for step in 1..=3 {
        talks.kr_yields(f64::from(step) * 5.0);
    }
    talks.wait(60);
    for _ in 0..3 {
        talks.kr_package();
    }
    let audit = talks.audit(&[]);
    assert_eq!(
        window_verdicts(&audit, "KR"),
        ["proactive", "defensive", "proactive"]
    );
    assert_eq!(verdict(&audit, "KR"), "mixed");
}

#[test]
fn a_side_with_too_few_moves_has_no_index() {
    let mut talks = Talks::new();
    talks.kr_yields(10.0);
    talks.kr_yields(12.0);
    let audit = talks.audit(&[]);
    for side in ["KR", "US"] {
        assert_eq!(audit["sides"][side]["moves"], 2);
        assert_eq!(audit["sides"][side]["index"], Value::Null, "{side}");
        assert_eq!(verdict(&audit, side), "too-few-moves");
    }
}

#[test]
fn window_n_overrides_a_rubric_with_calendar_windows() {
    let mut talks = Talks::new();
    for _ in 0..6 {
        talks.kr_package();
        talks.wait(30);
    }
    let env = TestEnv::new();
    let rubric = env.write("calendar.json", r#"{"window_days": 10}"#);
    let rubric = rubric.to_str().unwrap();
    let calendar = talks.audit(&["--rubric", rubric]);
    assert!(calendar["sides"]["KR"]["windows"].as_array().unwrap().len() > 2);
    let two = talks.audit(&["--rubric", rubric, "--window", "2"]);
    assert_eq!(two["sides"]["KR"]["windows"].as_array().unwrap().len(), 2);
}

#[test]
fn two_moves_are_too_few_for_a_verdict() {
    let mut talks = Talks::new();
    talks.kr_package();
    talks.kr_package();
    let audit = talks.audit(&[]);
    assert_eq!(verdict(&audit, "KR"), "too-few-moves");
    assert_eq!(
        verdict(&audit, "US"),
        "too-few-moves",
        "a side with no moves at all"
    );
}

#[test]
fn an_empty_calendar_window_still_shows_its_dates() {
    let mut talks = Talks::new();
    for _ in 0..3 {
        talks.kr_package();
    }
    talks.wait(40);
    for _ in 0..3 {
        talks.kr_package();
    }
    let audit = talks.audit(&["--window", "20d"]);
    let windows = audit["sides"]["KR"]["windows"].as_array().unwrap();
    let spans: Vec<(u64, &str, &str)> = windows
        .iter()
        .map(|w| {
            let (from, to) = (w["from"].as_str().unwrap(), w["to"].as_str().unwrap());
            (w["moves"].as_u64().unwrap(), from, to)
        })
        .collect();
    assert_eq!(
        spans,
        [
            (3, "2025-03-02", "2025-03-04"),
            (0, "2025-03-22", "2025-04-10"),
            (3, "2025-04-14", "2025-04-16"),
        ]
    );
}

#[test]
fn a_concession_nobody_matches_is_flagged_unreciprocated() {
    let mut talks = Talks::new();
    let lonely = talks.add(json!({"kind": "concession", "by": "KR", "issue": "autos"}));
    talks.wait(40);
    let matched = talks.add(json!({"kind": "concession", "by": "KR", "issue": "autos"}));
    talks.add(json!({"kind": "concession", "by": "US", "issue": "autos"}));
    let audit = talks.audit(&[]);
    assert_eq!(
        flags(&audit, "KR", "unreciprocated-concession"),
        [vec![lonely]]
    );
    let rec = &audit["sides"]["KR"]["measures"]["REC"]["all"];
    assert_eq!(
        (rec["numerator"].as_f64(), rec["denominator"].as_f64()),
        (Some(1.0), Some(2.0))
    );
    assert!(
        !flags(&audit, "KR", "unreciprocated-concession")
            .concat()
            .contains(&matched)
    );
}

#[test]
fn a_concession_answering_a_threat_is_flagged_with_the_threat() {
    let mut talks = Talks::new();
    let threat = talks.add(json!({"kind": "threat", "by": "US", "issue": "autos", "ref": "t1"}));
    let yielded =
        talks.add(json!({"kind": "concession", "by": "KR", "issue": "autos", "responds_to": "t1"}));
    talks.wait(30);
    talks.add(json!({"kind": "threat", "by": "US", "issue": "security"}));
    talks.wait(20);
    talks.add(json!({"kind": "concession", "by": "KR", "issue": "security"}));
    let audit = talks.audit(&[]);
    assert_eq!(
        flags(&audit, "KR", "concession-under-threat"),
        [vec![yielded, threat]]
    );
}

#[test]
fn giving_sunk_money_for_a_pledge_is_flagged() {
    let mut talks = Talks::new();
    let pledge = talks.add(json!({"kind": "concession", "by": "US", "issue": "security", "reversibility": "pledge", "ref": "us-pledge"}));
    let paid = talks.add(json!({"kind": "implementation", "by": "KR", "issue": "security", "reversibility": "sunk", "responds_to": "us-pledge"}));
    let audit = talks.audit(&[]);
    assert_eq!(
        flags(&audit, "KR", "irreversible-for-reversible"),
        [vec![paid, pledge]]
    );
    let rv = &audit["sides"]["KR"]["measures"]["RV"];
    assert_eq!(
        rv["value"],
        json!(3.0),
        "gave 3 (sunk), received 0 (pledge): {rv}"
    );
    assert!(flags(&audit, "US", "irreversible-for-reversible").is_empty());
}

#[test]
fn an_issue_settled_alone_after_a_package_is_flagged_peeled_off() {
    let mut talks = Talks::new();
    let package = talks.kr_package();
    talks.add(json!({"kind": "demand", "by": "US", "issue": "tariff"}));
    let alone = talks.add(json!({"kind": "concession", "by": "KR", "issue": "tariff"}));
    let audit = talks.audit(&[]);
    assert_eq!(
        flags(&audit, "KR", "issue-peeled-off-package"),
        [vec![package, alone]]
    );
}

#[test]
fn a_public_threat_with_no_table_move_is_rhetoric_without_follow_up() {
    let mut talks = Talks::new();
    let bluster =
        talks.add(json!({"kind": "threat", "by": "KR", "issue": "autos", "channel": "public"}));
    let backed =
        talks.add(json!({"kind": "threat", "by": "KR", "issue": "tariff", "channel": "public"}));
    talks.add(json!({"kind": "demand", "by": "KR", "issue": "tariff"}));
    talks.wait(70);
    talks.add(json!({"kind": "meeting", "by": "US"}));
    let audit = talks.audit(&[]);
    assert_eq!(
        flags(&audit, "KR", "rhetoric-without-follow-up"),
        [vec![bluster]]
    );
    assert_ne!(bluster, backed);
}

#[test]
fn a_stricter_rubric_turns_a_borderline_side_balanced() {
    let mut talks = Talks::new();
    talks.kr_package();
    for _ in 0..3 {
        talks.add(json!({"kind": "offer", "by": "KR", "issue": "autos"}));
    }
    let env = TestEnv::new();
    let lines: Vec<&str> = talks.lines.iter().map(String::as_str).collect();
    env.import(&journal(&lines));
    let one = env.write("one-window.json", r#"{"windows": 1}"#);
    let strict = env.write("strict.json", r#"{"windows": 1, "proactive_at": 0.3}"#);
    let run = |rubric: &std::path::Path| -> Value {
        serde_json::from_str(
            &env.run(&["audit", "t", "--json", "--rubric", rubric.to_str().unwrap()])
                .ok()
                .stdout,
        )
        .unwrap()
    };
    let default = run(&one);
    assert_eq!(
        default["sides"]["KR"]["index"],
        json!(0.25),
        "INI +1 and PK -0.5 average to +0.25"
    );
    assert_eq!(verdict(&default, "KR"), "stayed-proactive");
    let stricter = run(&strict);
    assert_eq!(window_verdicts(&stricter, "KR"), ["balanced"]);
    assert_eq!(verdict(&stricter, "KR"), "mixed");
}

#[test]
fn a_rubric_with_an_unknown_key_is_refused_by_name() {
    let env = TestEnv::new();
    env.import(&journal(&[]));
    env.write("bad.json", r#"{"proactive": 0.3}"#);
    let run = env
        .run(&["audit", "t", "--rubric", "bad.json"])
        .user_error();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "parley: bad.json: line 1, column 12: unknown key \"proactive\"; the keys are: windows, \
         window_days, min_moves, public_weight, proactive_at, defensive_at, drift, \
         pressure_days, reciprocity_days, follow_up_days, reversibility, weights\n"
    );
}

#[test]
fn print_rubric_shows_the_defaults_as_data() {
    let env = TestEnv::new();
    let printed = env.run(&["audit", "--print-rubric"]).ok().stdout;
    insta::assert_snapshot!("print-rubric", printed);
    let rubric: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(rubric["proactive_at"], json!(0.2));
    assert_eq!(rubric["public_weight"], json!(0.5));
    assert_eq!(rubric["reversibility"]["sunk"], json!(3.0));
}

#[test]
fn audit_json_has_the_shape_scripts_rely_on() {
    let mut talks = Talks::new();
    for _ in 0..4 {
        talks.kr_package();
    }
    let audit = talks.audit(&[]);
    insta::assert_snapshot!(
        "audit-json-four-packages",
        serde_json::to_string_pretty(&audit).unwrap()
    );
    assert_eq!(audit["negotiation"], "t");
    let kr = &audit["sides"]["KR"];
    for key in ["verdict", "index", "windows", "measures", "flags"] {
        assert!(kr.get(key).is_some(), "sides.KR.{key} missing: {kr}");
    }
    for key in ["from", "to", "moves", "index", "verdict"] {
        assert!(
            kr["windows"][0].get(key).is_some(),
            "windows[0].{key} missing"
        );
    }
    for code in ["INI", "CB", "CUP", "REC", "PK", "RV"] {
        assert!(
            kr["measures"].get(code).is_some(),
            "measures.{code} missing"
        );
    }
}

#[test]
fn public_moves_count_at_half_weight_and_apart_in_the_table_figures() {
    let mut talks = Talks::new();
    talks.add(json!({"kind": "offer", "by": "KR", "issue": "autos"}));
    talks.add(json!({"kind": "threat", "by": "KR", "issue": "autos", "channel": "public"}));
    talks.add(json!({"kind": "rebuttal", "by": "KR", "issue": "autos"}));
    let audit = talks.audit(&[]);
    let ini = &audit["sides"]["KR"]["measures"]["INI"];
    assert_eq!(ini["all"]["numerator"], json!(1.5), "{ini}");
    assert_eq!(ini["all"]["denominator"], json!(2.5));
    assert_eq!(ini["table"]["numerator"], json!(1.0));
    assert_eq!(ini["table"]["denominator"], json!(2.0));
}

#[test]
fn explain_lists_the_events_behind_each_figure() {
    let mut talks = Talks::new();
    talks.add(
        json!({"kind": "offer", "by": "KR", "issue": "autos", "summary": "Korea floats a quota"}),
    );
    let env = TestEnv::new();
    let lines: Vec<&str> = talks.lines.iter().map(String::as_str).collect();
    env.import(&journal(&lines));
    let run = env.run(&["audit", "t", "--explain"]).ok();
    assert_eq!(run.stderr, "");
    insta::assert_snapshot!("explain-one-offer", run.stdout);
}

/// An opening of negotiation `t` among `parties` (codes, each named after itself) with
/// `issues` (JSON objects), then `lines`; returns `audit t --json` with `extra` flags.
fn audit_of(parties: &[&str], issues: &str, lines: &[&str], extra: &[&str]) -> Value {
    let parties: Vec<String> = parties
        .iter()
        .map(|p| format!(r#"{{"code":"{p}","name":"{p}"}}"#))
        .collect();
    let mut text = format!(
        r#"{{"kind":"opening","negotiation":"t","at":"2025-01-01","title":"T","parties":[{}],"issues":[{issues}],"summary":"open"}}"#,
        parties.join(",")
    );
    for line in lines {
        text.push('\n');
        text.push_str(line);
    }
    let env = TestEnv::new();
    env.import(&text);
    let mut args = vec!["audit", "t", "--json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&env.run(&args).ok().stdout).expect("audit --json is JSON")
}

fn measure(audit: &Value, side: &str, code: &str) -> Value {
    audit["sides"][side]["measures"][code]["value"].clone()
}

const X_A_LOWER: &str = r#"{"key":"x","title":"X","unit":"%","prefer":{"A":"lower","B":"higher"}}"#;

#[test]
fn an_index_exactly_on_the_defensive_threshold_is_defensive() {
    // INI 4 of 5 (component +0.6) and PK 0 of 4 (-1): the index is exactly -0.2.
    let offer = |day: u32| {
        format!(
            r#"{{"kind":"offer","at":"2025-01-0{day}","by":"A","issue":"x","summary":"o{day}"}}"#
        )
    };
    let mut lines: Vec<String> = (2..6).map(offer).collect();
    lines.push(
        r#"{"kind":"rejection","at":"2025-01-06","by":"A","issue":"x","summary":"r"}"#.into(),
    );
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let audit = audit_of(
        &["A", "B"],
        r#"{"key":"x","title":"X"}"#,
        &lines,
        &["--window", "1"],
    );
    assert_eq!(audit["sides"]["A"]["windows"][0]["index"], -0.2);
    assert_eq!(window_verdicts(&audit, "A"), ["defensive"]);
    assert_eq!(verdict(&audit, "A"), "stayed-defensive");
}

#[test]
fn a_public_concession_moves_the_concession_balance_at_half_weight() {
    let audit = audit_of(
        &["A", "B"],
        X_A_LOWER,
        &[
            r#"{"kind":"offer","at":"2025-01-02","by":"A","issue":"x","position":0,"summary":"a"}"#,
            r#"{"kind":"demand","at":"2025-01-03","by":"B","issue":"x","position":20,"summary":"b"}"#,
            r#"{"kind":"concession","at":"2025-01-10","by":"A","issue":"x","position":10,"channel":"public","summary":"c"}"#,
            r#"{"kind":"concession","at":"2025-01-12","by":"B","issue":"x","position":15,"summary":"d"}"#,
        ],
        &[],
    );
    // A moved 10 of a 20 gap in public (0.5 x 0.5), B moved 5 at the table (0.25).
    assert_eq!(measure(&audit, "A", "CB"), 0.5);
    assert_eq!(audit["sides"]["A"]["measures"]["CB"]["table"]["value"], 0.0);
}

#[test]
fn concessions_on_numbers_without_a_preference_are_counted() {
    let audit = audit_of(
        &["A", "B"],
        r#"{"key":"z","title":"Z","unit":"years"}"#,
        &[
            r#"{"kind":"offer","at":"2025-01-02","by":"A","issue":"z","position":1,"summary":"a"}"#,
            r#"{"kind":"demand","at":"2025-01-03","by":"B","issue":"z","position":5,"summary":"b"}"#,
            r#"{"kind":"concession","at":"2025-01-10","by":"A","issue":"z","position":3,"summary":"c"}"#,
            r#"{"kind":"concession","at":"2025-01-11","by":"A","issue":"z","terms":"drops a clause","summary":"d"}"#,
        ],
        &[],
    );
    assert_eq!(
        measure(&audit, "A", "CB"),
        1.0,
        "two concessions, none by B"
    );
}

#[test]
fn with_three_parties_a_concession_is_a_move_away_from_ones_own_preference() {
    let issue =
        r#"{"key":"x","title":"X","unit":"%","prefer":{"A":"higher","B":"higher","C":"lower"}}"#;
    let lines = [
        r#"{"kind":"offer","at":"2025-01-02","by":"A","issue":"x","position":10,"summary":"a"}"#,
        r#"{"kind":"offer","at":"2025-01-02","by":"B","issue":"x","position":12,"summary":"b"}"#,
        r#"{"kind":"offer","at":"2025-01-02","by":"C","issue":"x","position":0,"summary":"c"}"#,
        r#"{"kind":"concession","at":"2025-01-10","by":"A","issue":"x","position":5,"summary":"A gives ground to C"}"#,
    ];
    let audit = audit_of(&["A", "B", "C"], issue, &lines, &[]);
    assert_eq!(measure(&audit, "A", "CB"), 1.0);
}

#[test]
fn what_a_side_received_counts_only_what_was_addressed_to_it() {
    let audit = audit_of(
        &["A", "B", "C"],
        r#"{"key":"x","title":"X"},{"key":"y","title":"Y"}"#,
        &[
            r#"{"kind":"concession","at":"2025-01-02","by":"A","to":["B"],"issue":"x","reversibility":"pledge","summary":"a"}"#,
            r#"{"kind":"implementation","at":"2025-01-03","by":"B","to":["C"],"issue":"y","reversibility":"sunk","summary":"b"}"#,
            r#"{"kind":"offer","at":"2025-01-04","by":"C","to":["B"],"issue":"y","reversibility":"binding","summary":"c","ref":"co"}"#,
            r#"{"kind":"acceptance","at":"2025-01-05","by":"B","issue":"y","responds_to":"co","summary":"d"}"#,
            r#"{"kind":"implementation","at":"2025-01-06","by":"C","issue":"y","reversibility":"executive","summary":"e, to all"}"#,
        ],
        &[],
    );
    let rv = &audit["sides"]["A"]["measures"]["RV"]["all"];
    assert_eq!(
        (rv["numerator"].clone(), rv["denominator"].clone()),
        (0.0.into(), 1.0.into())
    );
}

#[test]
fn an_upper_case_id_in_responds_to_still_names_the_threat() {
    let audit = audit_of(
        &["A", "B"],
        r#"{"key":"x","title":"X"},{"key":"y","title":"Y"}"#,
        &[
            r#"{"id":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","kind":"threat","at":"2025-01-02","by":"B","issue":"y","summary":"t"}"#,
            r#"{"kind":"concession","at":"2025-03-01","by":"A","issue":"x","responds_to":"0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B","summary":"u"}"#,
        ],
        &[],
    );
    assert_eq!(measure(&audit, "A", "CUP"), 1.0);
    assert_eq!(flags(&audit, "A", "concession-under-threat"), [vec![3, 2]]);
}

#[test]
fn a_back_channel_move_is_no_follow_up_at_the_table() {
    let audit = audit_of(
        &["A", "B"],
        r#"{"key":"x","title":"X"}"#,
        &[
            r#"{"kind":"threat","at":"2025-01-02","by":"A","issue":"x","channel":"public","summary":"p"}"#,
            r#"{"kind":"demand","at":"2025-01-20","by":"A","issue":"x","channel":"back","summary":"b"}"#,
            r#"{"kind":"meeting","at":"2025-04-01","by":"B","summary":"m"}"#,
        ],
        &[],
    );
    assert_eq!(flags(&audit, "A", "rhetoric-without-follow-up"), [vec![2]]);
}

#[test]
fn talks_that_went_quiet_still_flag_rhetoric_but_not_as_of_a_date_within_the_span() {
    let lines = [
        r#"{"kind":"threat","at":"2025-01-02","by":"A","issue":"x","channel":"public","summary":"never followed up"}"#,
        r#"{"kind":"annotation","at":"2025-06-01","note":"talks went quiet"}"#,
    ];
    let issue = r#"{"key":"x","title":"X"}"#;
    let now = audit_of(&["A", "B"], issue, &lines, &[]);
    assert_eq!(flags(&now, "A", "rhetoric-without-follow-up"), [vec![2]]);
    let early = audit_of(&["A", "B"], issue, &lines, &["--as-of", "2025-02-15"]);
    assert!(flags(&early, "A", "rhetoric-without-follow-up").is_empty());
}

#[test]
fn moves_on_one_day_fall_in_one_window_each() {
    let lines = [
        r#"{"kind":"offer","at":"2025-01-02","by":"A","issue":"y","summary":"m1"}"#,
        r#"{"kind":"concession","at":"2025-02-01","by":"A","issue":"y","reversibility":"sunk","summary":"m2"}"#,
        r#"{"kind":"offer","at":"2025-02-01","by":"A","issue":"y","summary":"m3"}"#,
        r#"{"kind":"offer","at":"2025-03-01","by":"A","issue":"y","summary":"m4"}"#,
        r#"{"kind":"offer","at":"2025-04-01","by":"A","issue":"y","summary":"m5"}"#,
        r#"{"kind":"offer","at":"2025-05-01","by":"A","issue":"y","summary":"m6"}"#,
    ];
    let audit = audit_of(&["A", "B"], r#"{"key":"y","title":"Y"}"#, &lines, &[]);
    let rv: Vec<Value> = audit["sides"]["A"]["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["components"]["RV"].clone())
        .collect();
    assert_eq!(
        rv,
        [json!(-1.0), Value::Null, Value::Null],
        "the sunk concession (seq 3) is in the first window"
    );
}

/// `audit --json` is written straight from the audit through the report's JSON views;
/// scripts see its keys sorted, as a `Value` tree sorts them. A field added out of
/// order fails here.
#[test]
fn audit_json_keys_come_out_sorted_at_every_level() {
    for name in [
        "korea-us-2025.ndjson",
        "korea-us-sma-2019-2021.ndjson",
        "six-party-talks-2003-2009.ndjson",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::reliability::open_store(&dir.path().join("s"));
        let text = std::fs::read(bundled(name)).unwrap();
        let summary = crate::reliability::import_bytes(&store, name, &text).unwrap();
        for slug in summary.added.keys() {
            let timeline =
                parley::views::timeline(&store, slug.as_str(), Default::default()).unwrap();
            let rubric = parley::projection::audit::Rubric::default();
            let report = parley::projection::audit::audit(&timeline, &rubric);
            let json = parley::report::audit_json::AuditJson::new(&report);
            let straight = serde_json::to_string_pretty(&json).unwrap();
            let sorted =
                serde_json::to_string_pretty(&serde_json::to_value(&json).unwrap()).unwrap();
            assert!(straight == sorted, "{slug}: keys out of order");
        }
    }
}

#[test]
fn a_long_list_of_flags_shows_counts_and_the_first_of_each_kind_unless_explained() {
    let mut talks = Talks::new();
    for i in 0..12 {
        talks.kr_yields(10.0 + f64::from(i));
    }
    let env = TestEnv::new();
    let lines: Vec<&str> = talks.lines.iter().map(String::as_str).collect();
    env.import(&journal(&lines));
    let rows = |out: &str| {
        out.lines()
            // A flag row: the kind, its events and a finding (the count table's rows
            // are the kind, a count and a share).
            .filter(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                words.first() == Some(&"concession-under-threat") && words.len() > 3
            })
            .count()
    };
    let brief = env.run(&["audit", "t"]).ok().stdout;
    assert_eq!(rows(&brief), 10, "{brief}");
    let counted = |kind: &str| {
        brief
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == [kind, "12", "50.0%"])
    };
    assert!(
        counted("concession-under-threat") && counted("unreciprocated-concession"),
        "each kind with its count and share: {brief}"
    );
    insta::assert_snapshot!("twelve-yields-brief", brief);
    let explained = env.run(&["audit", "t", "--explain"]).ok().stdout;
    assert_eq!(rows(&explained), 12, "{explained}");
    insta::assert_snapshot!("twelve-yields-explained", explained);
}
