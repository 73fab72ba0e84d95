//! Issue 13, at the store's seams: a failed first write removes only what it created,
//! and a store the user may read but not write can be read, unchanged.
//!
//! The read-only tests run the readers as `nobody` (`setpriv`), so they need root; when
//! not root they say so and skip, except with `CI=true`, where they fail.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::common::{TestEnv, bundled, journal, skip};

/// Every file and directory under `dir`, with its size and modification time, sorted.
fn listing(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(next) = todo.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                todo.push(path.clone());
            }
            let relative = path.strip_prefix(dir).unwrap().to_path_buf();
            out.push((relative, meta.len(), meta.modified().unwrap()));
        }
    }
    out.sort();
    out
}

/// The commands that fail after the store is opened for writing, on a store that
/// does not hold `t`: a bad import, a log into a negotiation not there, an opening
/// whose issue prefers a party it does not have. Each with its whole stderr.
fn refused_first_writes(env: &TestEnv) -> Vec<(Vec<String>, String)> {
    let bad = env.write("bad.ndjson", "{\"kind\":\"offer\"}\n");
    let bad = bad.to_str().unwrap();
    vec![
        (
            vec!["import".into(), bad.into()],
            format!(
                "parley: {bad}:1: at: is required: when it happened, YYYY-MM-DD or an RFC \
                 3339 date-time with offset\n"
            ),
        ),
        (
            ["log", "t", "statement", "--by", "KR", "--summary", "hi"]
                .map(String::from)
                .to_vec(),
            "parley: no negotiation \"t\" in the store (the store holds none yet)\nhint: \
             `parley list` shows the negotiations in this store\n"
                .into(),
        ),
        (
            [
                "open",
                "t",
                "--title",
                "T",
                "--party",
                "KR=Korea",
                "--party",
                "US=USA",
                "--issue",
                "tariff=Tariff;prefer=XX:lower",
            ]
            .map(String::from)
            .to_vec(),
            "parley: issues: issue tariff: prefer names party XX, which is not in the \
             negotiation (KR, US)\n"
                .into(),
        ),
    ]
}

/// Runs `args` with `--store store`, expecting exit 1 and `stderr`.
fn refused(env: &TestEnv, store: &Path, args: &[String], stderr: &str) {
    let mut all = vec!["--store", store.to_str().unwrap()];
    all.extend(args.iter().map(String::as_str));
    let run = env.run(&all);
    assert_eq!(
        (run.status, run.stdout.as_str(), run.stderr.as_str()),
        (1, "", stderr),
        "{args:?}"
    );
}

/// Found in issue 13: `--store notes import bad.ndjson` removed `notes/` and the user's
/// files in it (`PARLEY_STORE=$HOME` would have taken the home directory).
#[test]
fn a_refused_first_write_leaves_a_directory_the_user_made_as_it_was() {
    let env = TestEnv::new();
    let notes = env.path("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("keep.txt"), b"x\n").unwrap();
    let before = listing(&notes);
    for (args, stderr) in refused_first_writes(&env) {
        refused(&env, &notes, &args, &stderr);
        assert_eq!(listing(&notes), before, "{args:?}");
        assert_eq!(std::fs::read(notes.join("keep.txt")).unwrap(), b"x\n");
    }
}

#[test]
fn a_refused_first_write_removes_the_store_directories_it_made() {
    let env = TestEnv::new();
    let store = env.path("fresh").join("a").join("store");
    let writes = refused_first_writes(&env);
    let before = listing(env.dir.path());
    for (args, stderr) in writes {
        refused(&env, &store, &args, &stderr);
        assert!(!env.path("fresh").exists(), "{args:?} left {store:?}");
        assert_eq!(listing(env.dir.path()), before, "{args:?}");
    }
}

/// A refused write to a store that exists removes nothing of it: not its database, not
/// its lock file.
#[test]
fn a_refused_write_to_a_store_that_exists_removes_nothing() {
    let env = TestEnv::new();
    env.import(&journal(&[]));
    let before = env.export("t");
    let bad = env.write("bad.ndjson", "{\"kind\":\"offer\"}\n");
    env.run(&["import", bad.to_str().unwrap()]).user_error();
    env.run(&["log", "nope", "statement", "--by", "KR", "--summary", "hi"])
        .user_error();
    assert!(env.store().join("lock").exists());
    assert_eq!(env.export("t"), before);
}

/// Every reader, with the arguments it takes on the bundled journal; `report` writes
/// `report.html` in `out`.
fn readers(out: &Path) -> Vec<Vec<String>> {
    let slug = "korea-us-2025";
    let report = out.join("report.html");
    [
        vec!["list"],
        vec!["list", "--json"],
        vec!["events", slug],
        vec!["positions", slug],
        vec!["positions", slug, "--as-of", "2025-07-31"],
        vec!["replay", slug],
        vec!["diff", slug, "2025-04-30", "2025-07-31"],
        vec!["audit", slug],
        vec!["audit", slug, "--explain"],
        vec!["report", slug, "--out", report.to_str().unwrap()],
        vec!["export", slug],
        vec!["verify"],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(String::from).collect())
    .collect()
}

/// What a reader printed, and the report it wrote, if any.
fn read_all(env: &TestEnv, via: &[&str], out: &Path) -> Vec<(String, i32, String, String)> {
    readers(out)
        .iter()
        .map(|args| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run: crate::common::Run = env.command_via(via, &args).output().unwrap().into();
            let report = std::fs::read_to_string(out.join("report.html")).unwrap_or_default();
            let _ = std::fs::remove_file(out.join("report.html"));
            let said = without_timing(&(run.stdout + &run.stderr));
            (args.join(" "), run.status, said, report)
        })
        .collect()
}

/// `text` with the time `report` says it took (" in N ms") left out.
fn without_timing(text: &str) -> String {
    match (text.rfind(" in "), text.strip_suffix(" ms\n")) {
        (Some(at), Some(_)) => format!("{} ms\n", &text[..at]),
        _ => text.to_owned(),
    }
}

/// A test environment that `nobody` can reach: under /tmp, mode 0755.
fn world_readable_env() -> TestEnv {
    let dir = tempfile::Builder::new()
        .prefix("parley-seams-")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    TestEnv {
        dir,
        now: "2026-01-15T09:00:00Z".into(),
    }
}

/// A directory anyone may write (for `nobody`'s temporary copy and report).
fn shared_dir(env: &TestEnv, name: &str) -> PathBuf {
    let dir = env.path(name);
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777)).unwrap();
    dir
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n")
}

/// Found in issue 13: as another user, `parley list` failed on `…/lock: Permission
/// denied`. Every reader now reads a store it may not write, prints what the owner
/// sees, and leaves the store byte for byte and time for time as it was.
#[test]
fn every_reader_reads_a_store_it_may_not_write_and_leaves_it_as_it_was() {
    if !is_root() {
        skip("running the readers as another user needs root");
        return;
    }
    let env = world_readable_env();
    let journal = bundled("korea-us-2025.ndjson");
    env.run(&["import", journal.to_str().unwrap()]).ok();
    let out = shared_dir(&env, "out");
    let tmp = shared_dir(&env, "tmp");
    // The owner's runs keep checkpoints and audit memos; the store is then as it stays.
    let as_owner = read_all(&env, &[], &out);
    let chmod = std::process::Command::new("chmod")
        .arg("-R")
        .arg("a+rX")
        .arg(env.store())
        .status()
        .unwrap();
    assert!(chmod.success());
    let before = listing(&env.store());
    let tmpdir = format!("TMPDIR={}", tmp.display());
    let nobody = [
        "setpriv",
        "--reuid=nobody",
        "--regid=nogroup",
        "--clear-groups",
        "env",
        &tmpdir,
    ];
    let as_nobody = read_all(&env, &nobody, &out);
    for (owner, nobody) in as_owner.iter().zip(&as_nobody) {
        assert_eq!(nobody, owner, "as nobody, then as the owner");
    }
    assert!(
        as_owner.iter().all(|(_, status, ..)| *status == 0),
        "{as_owner:?}"
    );
    assert_eq!(listing(&env.store()), before, "the store is unchanged");
    assert_eq!(listing(&tmp), Vec::new(), "the private copies are removed");
    // And a write as nobody is refused, naming the lock file, with nothing changed.
    let log = [
        "log",
        "korea-us-2025",
        "statement",
        "--by",
        "KR",
        "--summary",
        "x",
    ];
    let run: crate::common::Run = env.command_via(&nobody, &log).output().unwrap().into();
    assert_eq!(
        (run.status, run.stderr),
        (
            1,
            format!(
                "parley: {}: Permission denied (os error 13)\nhint: parley needs write access \
                 to the store directory to change it; copy the store somewhere writable, or \
                 use --store\n",
                env.store().join("lock").display()
            )
        )
    );
    assert_eq!(listing(&env.store()), before, "the store is unchanged");
}
