//! Capture at meeting speed (issue 15): `log` as a person types it (short flags, names in
//! any case, several numbers, "did you mean", the echo, a default negotiation), the line
//! form through `log --line` and `session` from a script, and the whole bundled
//! korea-us-2025 journal re-entered through the line form.

use serde_json::{Map, Value};

use crate::common::*;

fn talks() -> TestEnv {
    let env = TestEnv::new();
    env.import(&journal(&[]));
    env
}

#[test]
fn log_takes_short_flags_names_in_any_case_and_several_numbers_and_echoes_the_move() {
    let env = talks();
    let run = env
        .run(&[
            "log",
            "conc",
            "-b",
            "us",
            "-P",
            "TARIFF=15,autos=12.5",
            "-s",
            "The July deal",
            "-a",
            "2025-07-30",
            "-c",
            "Public",
            "-l",
            "leader",
        ])
        .ok();
    assert_eq!(
        run.stdout,
        "t seq 2  id 019ad923-e680-78e8-aabd-f40060539017
2025-07-30  US concession [public] (leader) on tariff, autos  · seq 2
    The July deal
    states tariff 15, autos 12.5

"
    );
}

#[test]
fn log_line_records_what_the_line_form_says() {
    let env = talks();
    let run = env
        .run(&[
            "log",
            "t",
            "--line",
            r#"KR off tar=10 "Korea offers 10%" @2025-04-24 working ref:k10 src:Yonhap"#,
        ])
        .ok();
    assert_eq!(
        run.stdout,
        "t seq 2  id 019ad923-e680-78e8-aabd-f40060539017
2025-04-24  KR offer (working) on tariff  · seq 2
    Korea offers 10%
    states tariff 10

"
    );
    let exported = env.export("t");
    let last: Value = serde_json::from_str(exported.lines().last().expect("a line")).expect("JSON");
    let mut fields: Map<String, Value> = last.as_object().expect("an object").clone();
    for envelope in [
        "id",
        "hash",
        "prev_hash",
        "recorded_at",
        "recorded_by",
        "schema",
        "seq",
        "negotiation",
    ] {
        fields.remove(envelope);
    }
    assert_eq!(
        Value::Object(fields),
        serde_json::json!({
            "kind": "offer", "by": "KR", "at": "2025-04-24", "issue": "tariff", "position": 10,
            "summary": "Korea offers 10%", "level": "working", "ref": "k10", "source": "Yonhap"
        })
    );
}

#[test]
fn near_misses_are_refused_with_a_did_you_mean_and_nothing_is_written() {
    let env = talks();
    let before = env.export("t");
    let cases: [(&[&str], &str); 4] = [
        (
            &["log", "t", "concesion", "--by", "KR", "--summary", "x"],
            "parley: kind: \"concesion\" is not one, did you mean \"concession\"? (kinds: offer, demand, concession, acceptance, rejection, rebuttal, threat, sanction, implementation, meeting, statement, linkage, retraction)\n",
        ),
        (
            &["log", "t", "offer", "--by", "KRR", "--summary", "x"],
            "parley: by: \"KRR\" is not a party here, did you mean \"KR\"? (parties: KR, US)\n",
        ),
        (
            &[
                "log",
                "t",
                "offer",
                "--by",
                "KR",
                "--issue",
                "tarif",
                "--issue",
                "secrity",
                "--summary",
                "x",
            ],
            "parley: issues: \"secrity\" is not one of the issues, did you mean \"security\"? (issues: tariff, autos, security)\n",
        ),
        (
            &["log", "t", "--line", "KR offer \"x\" @lunch"],
            "parley: at: @lunch is not a date or time (@2025-04-24, @2025-04-24T10:05, @10:05, @today, @yesterday)\n",
        ),
    ];
    for (args, expected) in cases {
        let run = env.run(args).user_error();
        assert_eq!(run.stderr, expected, "{args:?}");
    }
    assert_eq!(env.export("t"), before);
}

#[test]
fn the_only_negotiation_is_the_default_and_parley_negotiation_names_another() {
    let env = talks();
    env.run(&[
        "log",
        "offer",
        "-b",
        "KR",
        "-s",
        "Korea offers 10%",
        "-a",
        "today",
        "-i",
        "tariff",
        "-p",
        "10",
    ])
    .ok();
    let events = env.run(&["events", "t", "--by", "KR"]).ok().stdout;
    assert_eq!(
        events,
        "seq  at          kind   by  issues     summary
  2  2025-12-01  offer  KR  tariff 10  Korea offers 10%
1 of 2 events of t
"
    );
    env.import(&journal(&[]).replace("\"negotiation\":\"t\"", "\"negotiation\":\"u\""));
    let run = env
        .run(&["log", "offer", "-b", "KR", "-s", "x"])
        .user_error();
    assert_eq!(
        run.stderr,
        "parley: SLUG: name the negotiation (or set PARLEY_NEGOTIATION): the store holds t, u\n"
    );
    let run = env
        .command(&[
            "log",
            "offer",
            "-b",
            "KR",
            "-s",
            "Korea offers in u",
            "-a",
            "yesterday",
            "-i",
            "tariff",
        ])
        .env("PARLEY_NEGOTIATION", "u")
        .output()
        .expect("run parley");
    let run = Run::from(run).ok();
    assert_eq!(
        run.stdout,
        "u seq 2  id 019ad923-e680-73ed-b4b5-fe26871588c9
2025-11-30  KR offer on tariff  · seq 2
    Korea offers in u

"
    );
}

#[test]
fn a_scripted_session_keeps_every_valid_line_and_fails_for_the_refused_one() {
    let env = talks();
    let script = concat!(
        "KR offer tariff=10 \"Korea offers 10%\" @2025-04-24 ref:k10\n",
        "US rebut tariff \"The US says no\" @2025-04-25 re:k1\n",
        "US rebut tariff \"The US says no\" @2025-04-25 re:k10\n",
        "fix summary=\"The US rejects 10%\"\n",
        "positions\n",
    );
    let run = env.run_with_input(&["session"], script.as_bytes());
    assert_eq!(run.status, 1);
    assert_eq!(
        run.stderr,
        "parley: stdin:2: responds_to: \"k1\" is not the ref or id of an earlier event in t\n\
         parley: session: 1 line was refused; every other line was recorded\n"
    );
    insta::assert_snapshot!("scripted_session", run.stdout);
}

/// One authored move of a journal in the line form, as a record-keeper would type it.
fn as_line(map: &Map<String, Value>) -> String {
    let text = |field: &str| map.get(field).and_then(Value::as_str);
    let quote = |value: &str| match (value.contains('"'), value.contains('\'')) {
        (false, _) => format!("\"{value}\""),
        (true, false) => format!("'{value}'"),
        (true, true) => panic!("a text with both kinds of quote: {value}"),
    };
    let mut words = vec![
        text("by").expect("a move names its party").to_owned(),
        text("kind").expect("a kind").to_owned(),
    ];
    let issues: Vec<String> = match (map.get("issue"), map.get("issues")) {
        (Some(Value::String(one)), _) => vec![one.clone()],
        (_, Some(Value::Array(many))) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    for issue in &issues {
        let number = map
            .get("positions")
            .and_then(|p| p.get(issue))
            .or_else(|| map.get("position").filter(|_| issues.len() == 1));
        words.push(match number {
            Some(n) => format!("{issue}={n}"),
            None => issue.clone(),
        });
    }
    words.push(quote(text("summary").unwrap_or_default()));
    words.push(format!("@{}", text("at").expect("an at")));
    for field in ["channel", "level", "reversibility"] {
        words.extend(text(field).map(str::to_owned));
    }
    for (field, key) in [
        ("ref", "ref"),
        ("responds_to", "re"),
        ("package", "pkg"),
        ("speaker", "who"),
        ("source", "src"),
        ("terms", "terms"),
    ] {
        if let Some(value) = text(field) {
            words.push(format!("{key}:{}", quote(value)));
        }
    }
    for (field, key) in [("conditional_on", "if"), ("to", "to"), ("tags", "tag")] {
        for value in map
            .get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            words.push(format!("{key}:{}", value.as_str().expect("text")));
        }
    }
    words.join(" ")
}

/// The same move as `parley log` with long flags, counted in characters.
fn as_long_flags(map: &Map<String, Value>) -> String {
    let mut words = vec![format!(
        "parley log korea-us-2025 {}",
        map["kind"].as_str().unwrap_or_default()
    )];
    for (field, value) in map {
        let flag = match field.as_str() {
            "kind" | "negotiation" => continue,
            "ref" => "--ref".to_owned(),
            other => format!("--{}", other.replace('_', "-")),
        };
        match value {
            Value::Array(items) => {
                for item in items {
                    words.push(format!(
                        "{flag} {}",
                        item.as_str()
                            .map_or(item.to_string(), |s| format!("\"{s}\""))
                    ));
                }
            }
            Value::String(text) => words.push(format!("{flag} \"{text}\"")),
            other => words.push(format!("{flag} {other}")),
        }
    }
    words.join(" ")
}

fn median(mut values: Vec<usize>) -> usize {
    values.sort_unstable();
    values[values.len() / 2]
}

/// Every move of korea-us-2025, typed again through the line form in one scripted
/// session after its opening and agenda lines are imported, gives the same positions and
/// the same audit as the import. The characters per move of both forms are what
/// docs/cli.md reports.
#[test]
fn korea_us_2025_re_entered_through_the_line_form_gives_the_same_positions_and_audit() {
    let mut imported = TestEnv::new();
    imported.now = crate::reliability::LATER.into();
    let file = bundled("korea-us-2025.ndjson");
    imported
        .run(&["import", file.to_str().expect("utf-8 path")])
        .ok();

    let text = std::fs::read_to_string(&file).expect("the bundled journal");
    let lines: Vec<Map<String, Value>> = text
        .lines()
        .filter(|l| l.trim_start().starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let mut typed = TestEnv::new();
    typed.now = crate::reliability::LATER.into();
    let (mut script, mut line_chars, mut flag_chars) = (String::new(), Vec::new(), Vec::new());
    for map in &lines {
        let is_move = map.contains_key("by");
        if !is_move {
            // Openings, agenda changes and notes are not moves: they go in as lines.
            if !script.is_empty() {
                typed
                    .run_with_input(&["session", "korea-us-2025"], script.as_bytes())
                    .ok();
                script.clear();
            }
            let mut map = map.clone();
            map.entry("negotiation")
                .or_insert_with(|| "korea-us-2025".into());
            typed.import(&serde_json::to_string(&map).expect("JSON"));
            continue;
        }
        let line = as_line(map);
        line_chars.push(line.chars().count());
        flag_chars.push(as_long_flags(map).chars().count());
        script.push_str(&line);
        script.push('\n');
    }
    typed
        .run_with_input(&["session", "korea-us-2025"], script.as_bytes())
        .ok();

    for args in [
        vec!["positions", "korea-us-2025", "--json"],
        vec!["positions", "korea-us-2025", "--as-of", "2025-07-31"],
        vec!["audit", "korea-us-2025", "--json"],
        vec!["audit", "korea-us-2025"],
    ] {
        assert_eq!(
            typed.run(&args).ok().stdout,
            imported.run(&args).ok().stdout,
            "{args:?}"
        );
    }
    assert_eq!(
        (
            lines.iter().filter(|m| m.contains_key("by")).count(),
            median(line_chars),
            median(flag_chars)
        ),
        (50, 293, 412),
        "moves, median characters per move in the line form and with long flags (docs/cli.md)"
    );
}
