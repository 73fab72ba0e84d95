//! Talks among three parties with a chair (issue 19): the constructed journal
//! tests/fixtures/three-party.ndjson, whose header works out every figure of its audit by
//! hand; a mediator's role; pairwise gaps.

use serde_json::{Value, json};

use crate::common::*;

fn three_party() -> TestEnv {
    let env = TestEnv::new();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/three-party.ndjson");
    let text = std::fs::read_to_string(path).expect("the fixture");
    env.import(&text);
    env
}

fn json_of(env: &TestEnv, args: &[&str]) -> Value {
    serde_json::from_str(&env.run(args).ok().stdout).expect("one JSON document")
}

/// The figures of one side of `audit --json`: what the fixture's header works out.
fn figures(side: &Value) -> Value {
    let measures: serde_json::Map<String, Value> = side["measures"]
        .as_object()
        .expect("measures")
        .iter()
        .map(|(code, m)| {
            let figure = json!({
                "value": m["all"]["value"],
                "numerator": m["all"]["numerator"],
                "denominator": m["all"]["denominator"],
                "cross_track": m["all"].get("cross_track"),
                "component": m["component"],
                "table": m["table"]["value"],
            });
            (code.clone(), figure)
        })
        .collect();
    let flags: Vec<Value> = (side["flags"].as_array().expect("flags").iter())
        .map(|f| json!([f["flag"], f["events"]]))
        .collect();
    let windows: Vec<Value> = (side["windows"].as_array().expect("windows").iter())
        .map(|w| json!([w["moves"], w["index"], w["verdict"]]))
        .collect();
    json!({
        "verdict": side["verdict"],
        "rules": side["rules"],
        "index": side["index"],
        "table_index": side["table_index"],
        "confidence": side["confidence"],
        "windows": windows,
        "measures": measures,
        "flags": flags,
    })
}

/// A figure as the header writes it: value, numerator, denominator, component, table
/// value (and PK's cross-track count).
fn m(value: Value, num: f64, den: f64, component: Value, table: Value) -> Value {
    json!({"value": value, "numerator": num, "denominator": den, "cross_track": null,
        "component": component, "table": table})
}

#[test]
fn the_three_party_audit_is_the_one_worked_out_by_hand() {
    let env = three_party();
    let audit = json_of(&env, &["audit", "three-party", "--window", "1", "--json"]);
    let third = 1.0 / 3.0;
    let aa = json!({
        "verdict": "mixed",
        "rules": ["windows went balanced", "index -0.17 in the first judged window, -0.17 in the last (+0.00)"],
        "index": -0.166666667, "table_index": -0.166666667,
        "confidence": {"moves": 3, "weak": true, "windows": 1},
        "windows": [[3, -0.166666667, "balanced"]],
        "measures": {
            "INI": m(json!(third), 1.0, 3.0, json!(2.0 * third - 1.0), json!(third)),
            "CB": m(json!(0.5), 0.25, 0.5, json!(0.0), json!(0.5)),
            "CUP": m(json!(0.5), 1.0, 2.0, json!(0.0), json!(0.5)),
            "REC": m(json!(1.0), 1.0, 1.0, json!(1.0), json!(1.0)),
            "PK": {"value": 0.0, "numerator": 0.0, "denominator": 2.0, "cross_track": 0.0,
                "component": -1.0, "table": 0.0},
            "RV": m(json!(2.0), 2.0, 0.0, json!(-(2.0 / 3.0)), json!(2.0)),
        },
        "flags": [["concession-under-threat", [6, 5]], ["irreversible-for-reversible", [6, 7]]],
    });
    let bb = json!({
        "verdict": "mixed",
        "rules": ["windows went balanced", "index +0.13 in the first judged window, +0.13 in the last (+0.00)"],
        "index": 0.12962963, "table_index": 0.111111111,
        "confidence": {"moves": 5, "weak": true, "windows": 1},
        "windows": [[5, 0.12962963, "balanced"]],
        "measures": {
            "INI": m(json!(2.5 / 4.5), 2.5, 4.5, json!(2.0 * (2.5 / 4.5) - 1.0), json!(0.5)),
            "CB": m(json!(1.25 / 1.5), 1.25, 1.5, json!(1.0 - 2.0 * (1.25 / 1.5)), json!(1.25 / 1.5)),
            "CUP": m(json!(0.0), 0.0, 3.0, json!(1.0), json!(0.0)),
            "REC": m(json!(1.0), 2.0, 2.0, json!(1.0), json!(1.0)),
            "PK": {"value": 0.0, "numerator": 0.0, "denominator": 3.0, "cross_track": 0.0,
                "component": -1.0, "table": 0.0},
            "RV": m(json!(-1.0), 1.0, 2.0, json!(third), json!(-1.0)),
        },
        "flags": [],
    });
    let ch = json!({
        "verdict": "not-judged",
        "rules": ["a mediator gets no posture verdict"],
        "index": null, "table_index": null,
        "confidence": {"moves": 1, "weak": true, "windows": 0},
        "windows": [[1, null, "too-few-moves"]],
        "measures": {
            "INI": m(json!(1.0), 1.0, 1.0, json!(1.0), json!(1.0)),
            "CB": m(json!(0.0), 0.0, 1.0, json!(1.0), json!(0.0)),
            "CUP": m(json!(null), 0.0, 0.0, json!(null), json!(null)),
            "REC": m(json!(null), 0.0, 0.0, json!(null), json!(null)),
            "PK": {"value": 1.0, "numerator": 1.0, "denominator": 1.0, "cross_track": 1.0,
                "component": 1.0, "table": 1.0},
            "RV": m(json!(-1.0), 0.0, 1.0, json!(third), json!(-1.0)),
        },
        "flags": [],
    });
    let got: serde_json::Map<String, Value> = (audit["sides"].as_object().expect("sides").iter())
        .map(|(party, side)| (party.clone(), figures(side)))
        .collect();
    assert_eq!(Value::Object(got), json!({"AA": aa, "BB": bb, "CH": ch}));
}

/// Positions with three parties: the gap is highest minus lowest, the opening gap that of
/// the first numbers, the chair has no direction of concession (no share), and each pair
/// has its gap.
#[test]
fn three_party_positions_have_pairwise_gaps() {
    let env = three_party();
    let positions = json_of(&env, &["positions", "three-party", "--json"]);
    let quota = &positions["issues"][0];
    assert_eq!(
        json!([
            quota["gap"],
            quota["opening_gap"],
            quota["concession_share"],
            quota["pairwise_gaps"]
        ]),
        json!([10.0, 20.0, {"AA": 0.5, "BB": 0.5}, [
            {"between": ["AA", "BB"], "gap": 10.0},
            {"between": ["AA", "CH"], "gap": 5.0},
            {"between": ["BB", "CH"], "gap": 5.0},
        ]])
    );
}

/// A bad role is refused with the field and the allowed words, and nothing is written.
#[test]
fn an_unknown_role_is_refused_by_name() {
    let env = TestEnv::new();
    let path = env.write(
        "bad.ndjson",
        r#"{"kind":"opening","negotiation":"r","at":"2025-01-01","title":"T","parties":[{"code":"AA","name":"A"},{"code":"BB","name":"B","role":"chair"}],"issues":[],"summary":"open"}
"#,
    );
    let run = env.run(&["import", path.to_str().expect("utf-8 path")]);
    assert_eq!(
        env.masked(&run.stderr),
        "parley: $TMP/bad.ndjson:1: role: \"chair\" is not one of: party, mediator, observer\n"
    );
    assert!(!env.store().exists(), "the refused import wrote a store");
}

/// In bilateral talks, each side's dealings with the other are all its dealings:
/// `--toward US` is the audit without the US.
#[test]
fn toward_the_other_side_of_bilateral_talks_changes_nothing() {
    let env = TestEnv::new();
    let path = bundled("korea-us-sma-2019-2021.ndjson");
    env.run(&["import", path.to_str().expect("utf-8 path")])
        .ok();
    let mut whole = json_of(&env, &["audit", "korea-us-sma-2019-2021", "--json"]);
    if let Some(sides) = whole["sides"].as_object_mut() {
        sides.remove("US");
    }
    let toward = json_of(
        &env,
        &[
            "audit",
            "korea-us-sma-2019-2021",
            "--json",
            "--toward",
            "US",
        ],
    );
    assert_eq!(toward, whole);
}

/// Toward BB, Alpha's dealings are its offer and concession to Beta and Beta's demand,
/// threat and concession to it: its acceptance of the chair's text and Beta's moves to
/// the chair drop out (two moves: too few for a verdict).
#[test]
fn toward_one_party_counts_only_the_moves_between_the_two() {
    let env = three_party();
    let audit = json_of(
        &env,
        &[
            "audit",
            "three-party",
            "--window",
            "1",
            "--json",
            "--toward",
            "BB",
        ],
    );
    let aa = figures(&audit["sides"]["AA"]);
    let value = |code: &str| aa["measures"][code]["value"].clone();
    let values = ["INI", "CB", "CUP", "REC", "PK", "RV"].map(value);
    assert_eq!(
        json!([aa["verdict"], aa["confidence"], values, aa["flags"]]),
        json!(["too-few-moves", {"moves": 2, "weak": true, "windows": 0}, [0.5, 0.5, 1.0, 1.0, 0.0, 2.0],
            [["concession-under-threat", [6, 5]], ["irreversible-for-reversible", [6, 7]]]])
    );
    let sides: Vec<&String> = audit["sides"].as_object().expect("sides").keys().collect();
    assert_eq!(sides, ["AA", "CH"]);
}

#[test]
fn toward_a_party_not_in_the_talks_is_refused() {
    let env = three_party();
    let run = env.run(&["audit", "three-party", "--toward", "ZZ"]);
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        (
            "",
            "parley: --toward: party \"ZZ\" is not in negotiation three-party (parties: AA, BB, CH)\n"
        )
    );
}

/// Issue 19's cases 4 and 5: Alpha gives something sunk to Beta and Beta gives a pledge
/// to Gamma, which is no exchange for Alpha; and a rebuttal on two issues is no package,
/// so Alpha's later concession on one of them peels nothing off. What is left is Alpha's
/// concession with no concession made to Alpha.
#[test]
fn a_give_to_a_third_party_and_a_rebuttal_on_two_issues_flag_nothing_for_alpha() {
    let env = TestEnv::new();
    env.import(concat!(
        r#"{"kind":"opening","negotiation":"abc","at":"2025-01-01","title":"T","parties":[{"code":"AA","name":"Alpha"},{"code":"BB","name":"Beta"},{"code":"CC","name":"Gamma"}],"issues":[{"key":"quota","title":"Quota"},{"key":"fund","title":"Fund"}],"summary":"open"}"#,
        "\n",
        r#"{"kind":"rebuttal","at":"2025-01-02","by":"AA","issues":["quota","fund"],"summary":"Alpha rebuts both"}"#,
        "\n",
        r#"{"kind":"concession","at":"2025-01-03","by":"AA","to":["BB"],"issue":"quota","reversibility":"sunk","summary":"Alpha pays"}"#,
        "\n",
        r#"{"kind":"concession","at":"2025-01-04","by":"BB","to":["CC"],"issue":"quota","reversibility":"pledge","summary":"Beta pledges to Gamma"}"#,
        "\n",
    ));
    let audit = json_of(&env, &["audit", "abc", "--json"]);
    let aa = figures(&audit["sides"]["AA"]);
    assert_eq!(
        json!([aa["flags"], aa["measures"]["RV"]["value"]]),
        json!([[["unreciprocated-concession", [3]]], 3.0])
    );
}
