//! Bad input: every file under tests/bad-input/ is refused with exit 1, its message names
//! the file, the line and what is wrong (the sibling `NAME.expected` holds the part after
//! the file name, `:LINE: what`), and the store is left exactly as it was. Two more are
//! made at test time: a line just over the 1 MiB limit and a 100 MB line.
//!
//! tests/bad-input/accepted/ holds tricky inputs that must import as written: a BOM and
//! CRLF line ends, comments, blank lines, `\u` escapes, no final newline, unknown fields.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::{OPENING, TestEnv};

fn corpus(sub: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/bad-input")
        .join(sub);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ndjson"))
        .collect();
    files.sort();
    files
}

/// A store that already holds negotiation `t` with a labelled move `o1`.
fn env_with_a_negotiation() -> TestEnv {
    let env = TestEnv::new();
    env.import(&format!(
        "{OPENING}\n{}\n",
        r#"{"kind":"offer","at":"2025-03-10","by":"KR","issue":"tariff","position":12,"summary":"Korea offers 12%","ref":"o1"}"#
    ));
    env
}

/// What a user can see of the store: every negotiation's export, and the list.
fn snapshot(env: &TestEnv) -> String {
    format!("{}{}", env.run(&["list"]).ok().stdout, env.export("t"))
}

/// Imports `path`, which must fail with exit 1, print nothing on stdout and on stderr
/// exactly `expected` after its file name, leaving the store as `before`.
fn refused(env: &TestEnv, before: &str, path: &Path, expected: &str) -> Result<(), String> {
    let name = path.file_name().unwrap().to_str().unwrap();
    let run = env.run(&["import", path.to_str().unwrap()]);
    let wanted = format!("parley: {}{expected}\n", path.display());
    if run.status != 1 || run.stderr != wanted || !run.stdout.is_empty() {
        return Err(format!(
            "{name}: expected exit 1, no stdout and\n  {wanted}got exit {}, stdout {:?} and\n  {}",
            run.status, run.stdout, run.stderr
        ));
    }
    if snapshot(env) != before {
        return Err(format!("{name}: the store changed"));
    }
    Ok(())
}

#[test]
fn every_bad_journal_is_refused_naming_file_line_and_problem_and_changes_nothing() {
    let env = env_with_a_negotiation();
    let before = snapshot(&env);
    let files = corpus("");
    assert!(files.len() >= 40, "the corpus has {} files", files.len());
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let expected = std::fs::read_to_string(path.with_extension("expected"))
                .unwrap_or_else(|_| panic!("{} has no .expected", path.display()));
            refused(&env, &before, path, expected.trim_end_matches('\n')).err()
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const COMMENT: &str = "# a move with a very long summary follows\n";

/// A journal whose second line is one move with a `summary` of `bytes` bytes.
fn long_line_journal(path: &Path, bytes: usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    file.write_all(COMMENT.as_bytes()).unwrap();
    write!(
        file,
        r#"{{"kind":"statement","negotiation":"t","at":"2025-04-01","by":"KR","summary":""#
    )
    .unwrap();
    let chunk = vec![b'x'; 1 << 20];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len());
        file.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    writeln!(file, "\"}}").unwrap();
}

#[test]
fn lines_over_the_limit_up_to_100_mb_are_refused_without_reading_them_whole() {
    let env = env_with_a_negotiation();
    let before = snapshot(&env);
    for (name, bytes) in [
        ("just-over-1mib.ndjson", 1 << 20),
        ("line-100mb.ndjson", 100_000_000),
    ] {
        let path = env.path(name);
        long_line_journal(&path, bytes);
        let total = std::fs::metadata(&path).unwrap().len() as usize - COMMENT.len();
        let expected = format!(
            ":2: the line is {total} bytes long; a journal line may be at most 1048576 bytes"
        );
        refused(&env, &before, &path, &expected).unwrap();
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn tricky_but_valid_journals_import_as_written() {
    let mut seen = String::new();
    for path in corpus("accepted") {
        let env = env_with_a_negotiation();
        let name = path.file_name().unwrap().to_str().unwrap();
        for args in [["import", path.to_str().unwrap()].as_slice(), &["verify"]] {
            let run = env.run(args).ok();
            assert_eq!(run.stderr, "", "{args:?}");
            let line = args.join(" ").replace(path.to_str().unwrap(), name);
            let stdout = run.stdout.replace(path.to_str().unwrap(), name);
            seen.push_str(&format!("$ parley {line}\n{stdout}"));
        }
        let exported = env.export("t");
        let summaries: Vec<String> = exported
            .lines()
            .skip(2)
            .map(|line| {
                let value: serde_json::Value = serde_json::from_str(line).unwrap();
                value["summary"].as_str().unwrap().to_owned()
            })
            .collect();
        let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap();
        let expected: Vec<&str> = expected.lines().collect();
        assert_eq!(summaries, expected, "{}", path.display());
        assert!(
            !exported.contains('\r') && !exported.contains('\u{feff}'),
            "{exported}"
        );
    }
    insta::with_settings!({snapshot_path => "../snapshots"}, {
        insta::assert_snapshot!("accepted-imports", seen);
    });
}

#[test]
fn unknown_fields_of_a_tricky_journal_are_kept_and_exported_unchanged() {
    let env = env_with_a_negotiation();
    let path = corpus("accepted")
        .into_iter()
        .find(|p| p.to_str().unwrap().contains("no-final-newline"))
        .unwrap();
    env.run(&["import", path.to_str().unwrap()]).ok();
    let exported: Vec<serde_json::Value> = env
        .export("t")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let extras: Vec<&serde_json::Value> = exported
        .iter()
        .filter_map(|event| event.get("x_extra"))
        .collect();
    assert_eq!(extras, [&serde_json::json!({"kept": [1, 2.5, null]})]);
    insta::with_settings!({snapshot_path => "../snapshots"}, {
        insta::assert_snapshot!("no-final-newline-export", env.export("t"));
    });
}
