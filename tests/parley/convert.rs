//! `parley convert`: GDELT 1.0 rows into journals, tested on real rows that nobody on
//! this project wrote: `tests/data/gdelt/gdelt-1.0-events-sample.tsv`, 710 GDELT 1.0 event
//! rows (reed9999/gdelt-demo, data from the GDELT Project, free and open with citation; see
//! the README beside the file).

use std::path::PathBuf;

use serde_json::Value;

use crate::common::*;

fn gdelt_sample() -> PathBuf {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/gdelt/gdelt-1.0-events-sample.tsv");
    assert!(
        path.exists(),
        "the GDELT sample is missing at {}",
        path.display()
    );
    path
}

/// The sample's rows, each split into its columns.
fn sample_rows() -> Vec<Vec<String>> {
    std::fs::read_to_string(gdelt_sample())
        .expect("read the GDELT sample")
        .lines()
        .map(|line| line.split('\t').map(str::to_owned).collect())
        .collect()
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

fn convert(env: &TestEnv, file: &str, between: &str) -> crate::common::Run {
    env.run(&[
        "convert",
        file,
        "--from",
        "gdelt",
        "--between",
        between,
        "--negotiation",
        "usa-isr",
    ])
}

#[test]
fn real_gdelt_rows_become_a_journal_that_imports_and_verifies() {
    let env = TestEnv::new();
    let sample = gdelt_sample();
    let run = convert(&env, sample.to_str().unwrap(), "USA,ISR").ok();
    assert_eq!(
        run.stderr.replace(sample.to_str().unwrap(), "SAMPLE"),
        "SAMPLE: 710 rows; 4 moves kept; left out: 706 between other actors, 0 uses of force\n"
    );
    insta::assert_snapshot!("usa-isr-journal", run.stdout);
    let journal = lines(&run.stdout);
    assert_eq!(journal[0]["kind"], "opening");
    assert_eq!(journal[0]["parties"][0]["name"], "United States");
    let moves: Vec<(&str, &str, &str, &str)> = journal[1..]
        .iter()
        .map(|m| {
            let field = |name: &str| m[name].as_str().unwrap();
            (
                field("at"),
                field("by"),
                field("kind"),
                m["gdelt"]["cameo"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        moves,
        [
            ("1982-01-02", "ISR", "offer", "030"),
            ("1982-01-02", "USA", "implementation", "060"),
            ("2016-07-28", "USA", "statement", "012"),
            ("2016-07-28", "USA", "statement", "010"),
        ],
        "oldest first, each kind from its CAMEO root"
    );
    env.write("usa-isr.ndjson", &run.stdout);
    let mut seen = String::new();
    for args in [
        ["import", "usa-isr.ndjson"].as_slice(),
        &["verify", "usa-isr"],
        &["import", "usa-isr.ndjson"],
    ] {
        let run = env.run(args).ok();
        assert_eq!(run.stderr, "", "{args:?}");
        seen.push_str(&format!("$ parley {}\n{}", args.join(" "), run.stdout));
    }
    // The first import adds the opening and the four moves, verify finds the chain
    // whole, and the second import adds nothing.
    insta::assert_snapshot!("usa-isr-import-verify-reimport", seen);
}

#[test]
fn the_use_of_force_is_left_out_and_counted() {
    let env = TestEnv::new();
    let mut rows: Vec<Vec<String>> = sample_rows()
        .into_iter()
        .filter(|row| row[7] == "USA" && row[17] == "ISR")
        .collect();
    rows[0][26] = "190".into();
    let text: Vec<String> = rows.iter().map(|row| row.join("\t")).collect();
    env.write("force.tsv", &text.join("\n"));
    let run = convert(&env, "force.tsv", "USA,ISR").ok();
    assert_eq!(
        run.stderr,
        "force.tsv: 3 rows; 2 moves kept; left out: 0 between other actors, 1 use of force\n"
    );
    assert_eq!(
        lines(&run.stdout).len(),
        rows.len(),
        "an opening and one move fewer"
    );
}

#[test]
fn a_broken_row_is_named_by_line_and_column_and_nothing_is_written() {
    let env = TestEnv::new();
    let rows = sample_rows();
    let good = rows[0].join("\t");
    let cases = [
        (
            rows[1][..40].join("\t"),
            "a GDELT 1.0 row has 57 or 58 tab-separated columns; this one has 40",
        ),
        (
            with_column(&rows, 2, 1, "2016-07-28"),
            r#"day: "2016-07-28" is not a date of the form YYYYMMDD"#,
        ),
        (
            with_column(&rows, 2, 26, "0x1"),
            r#"eventcode: "0x1" is not a CAMEO event code (two to four digits, root 01 to 20)"#,
        ),
    ];
    for (bad, expected) in cases {
        env.write("broken.tsv", &format!("{good}\n{bad}\n"));
        let out = env.path("out.ndjson");
        let run = env
            .run(&[
                "convert",
                "broken.tsv",
                "--from",
                "gdelt",
                "--between",
                "USA,ISR,PSE,EGY",
                "--negotiation",
                "x",
                "--out",
                "out.ndjson",
            ])
            .user_error();
        assert_eq!(run.stdout, "");
        assert_eq!(run.stderr, format!("parley: broken.tsv:2: {expected}\n"));
        assert!(!out.exists(), "a refused conversion writes no file");
    }
}

/// Row `index` of the sample (one between two of USA, ISR, PSE, EGY) with one column replaced.
fn with_column(rows: &[Vec<String>], index: usize, column: usize, value: &str) -> String {
    let between = ["USA", "ISR", "PSE", "EGY"];
    let mut row = rows
        .iter()
        .filter(|row| {
            between.contains(&row[7].as_str())
                && between.contains(&row[17].as_str())
                && row[7] != row[17]
        })
        .nth(index)
        .expect("enough rows between the four")
        .clone();
    row[column] = value.into();
    row.join("\t")
}
