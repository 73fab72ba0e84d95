//! Whole outputs, held as snapshots: every command's text and `--json` output on both
//! bundled journals, and the record-keeper's tour of the README, with the clock and the
//! ids pinned (`PARLEY_NOW`, `PARLEY_SEED`). Any change to what a person sees shows as a
//! snapshot diff to review (`INSTA_UPDATE=always cargo test` writes the new ones; `git
//! diff tests/parley/snapshots` shows them).
//!
//! Each snapshot is one command as a person would type it, then what it printed on
//! stdout, then on stderr, then its exit status.

use crate::common::*;

/// The bundled journals, each with a date inside it for `--as-of`, two for `diff` and a
/// busy day for `minutes`.
const JOURNALS: [(&str, &str, &str, &str, &str); 3] = [
    (
        "korea-us-2025",
        "2025-07-31",
        "2025-04-30",
        "2025-08-31",
        "2025-10-29",
    ),
    (
        "korea-us-sma-2019-2021",
        "2020-04-30",
        "2019-12-31",
        "2020-12-31",
        "2021-03-07",
    ),
    (
        "six-party-talks-2003-2009",
        "2006-12-31",
        "2005-06-30",
        "2007-12-31",
        "2007-02-13",
    ),
];

/// The clock for the bundled journals: after their last event (3 December 2025).
const BUNDLED_NOW: &str = "2026-01-05T09:00:00Z";

/// One run as a transcript: the command line, stdout, stderr and the exit status.
fn transcript(env: &TestEnv, args: &[&str]) -> String {
    let run = env.run(args);
    let dir = env.dir.path().to_str().expect("utf-8 path");
    let (stdout, stderr) = (
        run.stdout.replace(dir, "$TMP"),
        run.stderr.replace(dir, "$TMP"),
    );
    let line: Vec<String> = args.iter().map(|arg| quoted(arg)).collect();
    let mut text = format!("$ parley {}\n", line.join(" "));
    text.push_str(&stdout);
    if !stderr.is_empty() {
        text.push_str("--- stderr\n");
        text.push_str(&stderr);
    }
    text.push_str(&format!("--- exit {}\n", run.status));
    text
}

/// `arg` as a person would type it in a shell: in single quotes when it holds anything
/// but letters, digits and `-_.,:=/%@+`.
fn quoted(arg: &str) -> String {
    let plain = |c: char| c.is_alphanumeric() || "-_.,:=/%@+".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// A store with one bundled journal imported, and the import's own transcript.
fn imported(slug: &str) -> (TestEnv, String) {
    let mut env = TestEnv::new();
    env.now = BUNDLED_NOW.to_owned();
    let file = bundled(&format!("{slug}.ndjson"));
    let import = transcript(&env, &["import", file.to_str().expect("utf-8 path")]);
    (
        env,
        import.replace(file.to_str().expect("utf-8 path"), "JOURNAL"),
    )
}

fn assert_snapshots(name: &str, env: &TestEnv, commands: &[Vec<&str>]) {
    for args in commands {
        let label = args
            .iter()
            .map(|a| a.trim_start_matches('-'))
            .collect::<Vec<_>>()
            .join("_")
            .replace([':', '/'], "-");
        insta::assert_snapshot!(format!("{name}__{label}"), transcript(env, args));
    }
}

#[test]
fn every_reviewer_command_on_the_bundled_journals() {
    for (slug, as_of, from, to, day) in JOURNALS {
        let (env, import) = imported(slug);
        insta::assert_snapshot!(format!("{slug}__import"), import);
        let commands: Vec<Vec<&str>> = vec![
            vec!["list"],
            vec!["list", "--json"],
            vec!["events", slug],
            vec!["events", slug, "--json"],
            vec!["events", slug, "--by", "US", "--kind", "concession"],
            vec!["positions", slug],
            vec!["positions", slug, "--json"],
            vec!["positions", slug, "--as-of", as_of],
            vec!["positions", slug, "--as-of", as_of, "--json"],
            vec!["replay", slug],
            vec!["replay", slug, "--json"],
            vec!["diff", slug, from, to],
            vec!["diff", slug, from, to, "--json"],
            vec!["audit", slug],
            vec!["audit", slug, "--json"],
            vec!["audit", slug, "--explain"],
            vec!["audit", slug, "--as-of", as_of],
            vec!["export", slug],
            vec!["verify"],
            vec!["verify", slug],
            vec!["checkpoint", slug],
            vec!["prove", slug, "3"],
            vec!["minutes", slug, "--on", day],
            vec!["list", "--csv"],
            vec![
                "events",
                slug,
                "--csv",
                "--kind",
                "threat,sanction",
                "--to",
                "KR",
            ],
            vec![
                "events",
                slug,
                "--kind",
                "concession",
                "--kind",
                "acceptance",
                "--by",
                "KR,US",
                "--since",
                as_of,
            ],
            vec!["positions", slug, "--csv"],
            vec!["audit", slug, "--csv"],
            vec!["diff", slug, from, to, "--csv"],
            vec!["minutes", slug, "--from", from, "--to", as_of],
        ];
        assert_snapshots(slug, &env, &commands);
    }
}

/// The README's record-keeper tour, command by command: what each writing command says,
/// and what the reviewer commands then show of it, including `--known-at` before the
/// corrections.
#[test]
fn the_record_keepers_tour() {
    let mut env = TestEnv::new();
    let steps: Vec<(&str, Vec<&str>)> = vec![
        (
            "2025-03-04T09:00:00Z",
            vec![
                "open",
                "kr-us-2025",
                "--title",
                "Korea–US tariff talks",
                "--party",
                "KR=Republic of Korea",
                "--party",
                "US=United States",
                "--issue",
                "tariff=US reciprocal tariff;unit=%;track=trade;prefer=KR:lower,US:higher",
                "--at",
                "2025-03-04",
            ],
        ),
        (
            "2025-04-02T20:00:00Z",
            vec![
                "log",
                "kr-us-2025",
                "threat",
                "--by",
                "US",
                "--issue",
                "tariff",
                "--position",
                "25",
                "--channel",
                "public",
                "--level",
                "leader",
                "--summary",
                "Trump announces a 25% tariff on Korean goods",
                "--at",
                "2025-04-02",
                "--ref",
                "lib-day",
            ],
        ),
        (
            "2025-04-24T12:00:00Z",
            vec![
                "log",
                "kr-us-2025",
                "offer",
                "--by",
                "KR",
                "--issue",
                "tariff",
                "--position",
                "10",
                "--responds-to",
                "lib-day",
                "--summary",
                "Korea proposes a July package",
                "--at",
                "2025-04-24",
                "--ref",
                "july-package",
            ],
        ),
        (
            "2025-04-24T13:00:00Z",
            vec![
                "agenda",
                "kr-us-2025",
                "--issue",
                "autos=US tariff on cars;unit=%;track=trade;prefer=KR:lower,US:higher",
                "--party",
                "JP=Japan",
                "--at",
                "2025-04-24",
            ],
        ),
        (
            "2025-04-25T08:00:00Z",
            vec![
                "correct",
                "kr-us-2025",
                "july-package",
                "--set",
                "position=12",
                "--reason",
                "The figure was 12%, not 10%",
            ],
        ),
        (
            "2025-04-25T08:05:00Z",
            vec![
                "annotate",
                "kr-us-2025",
                "lib-day",
                "--note",
                "Rhetoric became tariffs here",
                "--label",
                "turning-point",
            ],
        ),
        (
            "2025-04-25T08:10:00Z",
            vec![
                "correct",
                "kr-us-2025",
                "2",
                "--set",
                "level=minister",
                "--reason",
                "It was the minister",
            ],
        ),
    ];
    for (index, (now, args)) in steps.iter().enumerate() {
        env.now = (*now).to_owned();
        insta::assert_snapshot!(format!("tour__{index}_{}", args[0]), transcript(&env, args));
    }
    env.now = "2025-04-26T00:00:00Z".to_owned();
    let commands: Vec<Vec<&str>> = vec![
        vec!["events", "kr-us-2025"],
        vec!["events", "kr-us-2025", "--by", "US"],
        vec!["positions", "kr-us-2025"],
        vec![
            "positions",
            "kr-us-2025",
            "--known-at",
            "2025-04-24T23:00:00Z",
        ],
        vec!["replay", "kr-us-2025"],
        vec!["list"],
        vec!["verify"],
        vec!["import", "--dry-run", "tour.ndjson"],
    ];
    env.write("tour.ndjson", &env.export("kr-us-2025"));
    assert_snapshots("tour", &env, &commands);
}

/// `convert` on the GDELT sample (tests/data/gdelt): what it says it kept and left out,
/// and the journal it writes.
#[test]
fn convert_on_the_gdelt_sample() {
    let env = TestEnv::new();
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/gdelt/gdelt-1.0-events-sample.tsv");
    let sample = sample.to_str().expect("utf-8 path");
    let args = [
        "convert",
        sample,
        "--from",
        "gdelt",
        "--between",
        "USA,ISR",
        "--negotiation",
        "usa-isr",
    ];
    let text = transcript(&env, &args).replace(sample, "SAMPLE");
    insta::assert_snapshot!("convert__gdelt_usa_isr", text);
}

/// Every command's `--help`, and the manual page, as a person reads them.
#[test]
fn help_and_the_manual_page() {
    let env = TestEnv::new();
    let commands = [
        "open",
        "agenda",
        "log",
        "session",
        "correct",
        "annotate",
        "import",
        "convert",
        "export",
        "list",
        "events",
        "verify",
        "checkpoint",
        "cosign",
        "prove",
        "verify-proof",
        "push",
        "pull",
        "positions",
        "replay",
        "diff",
        "audit",
        "report",
        "completions",
        "man",
    ];
    insta::assert_snapshot!("help__parley", transcript(&env, &["--help"]));
    for command in commands {
        insta::assert_snapshot!(
            format!("help__{command}"),
            transcript(&env, &[command, "--help"])
        );
    }
    insta::assert_snapshot!("man", transcript(&env, &["man"]));
}

/// With `CLICOLOR_FORCE`, statuses and the error prefix are coloured even in a pipe; with
/// neither it nor a terminal, nothing is.
#[test]
fn colour_when_forced() {
    let env = TestEnv::new();
    env.import(&journal(&[
        r#"{"kind":"offer","at":"2025-04-02","by":"US","issue":"tariff","position":15,"summary":"US offers 15%"}"#,
        r#"{"kind":"acceptance","at":"2025-04-03","by":"KR","issue":"tariff","position":15,"summary":"Korea accepts 15%"}"#,
    ]));
    let run = Run::from(
        env.command(&["positions", "t"])
            .env("CLICOLOR_FORCE", "1")
            .output()
            .expect("run parley"),
    );
    insta::assert_snapshot!("colour__positions", format!("{:?}", run.stdout));
    let run = Run::from(
        env.command(&["positions", "nowhere"])
            .env("CLICOLOR_FORCE", "1")
            .output()
            .expect("run parley"),
    );
    assert_eq!(
        run.stderr,
        "\u{1b}[1;31mparley:\u{1b}[0m no negotiation \"nowhere\" in the store (negotiations: t)\n\u{1b}[36mhint:\u{1b}[0m `parley list` shows the negotiations in this store\n"
    );
}

/// The README's session, line for line, from a script: what the record-keeper sees.
#[test]
fn the_readme_session() {
    let mut env = TestEnv::new();
    env.now = "2025-04-25T09:00:00Z".into();
    env.run(&[
        "open",
        "kr-us-2025",
        "--title",
        "Korea–US tariff talks",
        "--party",
        "KR=Republic of Korea",
        "--party",
        "US=United States",
        "--issue",
        "tariff=US reciprocal tariff;unit=%;track=trade;prefer=KR:lower,US:higher",
        "--issue",
        "investment=Korean investment in the US;unit=USD bn;track=industry",
        "--at",
        "2025-03-04",
    ])
    .ok();
    let script = concat!(
        "US threat tariff=25 \"Trump announces a 25% tariff on Korean goods\" @2025-04-02 public leader ref:lib-day\n",
        "KR off tariff=10 inv=100 \"Korea proposes a July package\" @2025-04-24 re:lib-day ref:july-package\n",
        "fix positions={\"tariff\": 12, \"investment\": 100}\n",
        "quit\n",
    );
    let run = env
        .run_with_input(&["session", "kr-us-2025"], script.as_bytes())
        .ok();
    insta::assert_snapshot!("readme__session", run.stdout);
    let args = [
        "log",
        "conc",
        "-b",
        "us",
        "-i",
        "tariff",
        "-p",
        "20",
        "-s",
        "The US eases to 20%",
        "-a",
        "2025-04-25",
        "-l",
        "senior",
    ];
    insta::assert_snapshot!("readme__log_short_flags", transcript(&env, &args));
    insta::assert_snapshot!(
        "readme__minutes",
        transcript(&env, &["minutes", "--on", "2025-04-24"])
    );
}
