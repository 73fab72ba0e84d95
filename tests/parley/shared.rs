//! A shared journal on PostgreSQL (issue 17): every command through `--store
//! postgres://…` prints what it prints on sled, events cannot be changed through the
//! database, `verify` names a row changed behind parley's back, and concurrent writers
//! keep seqs gap-free.
//!
//! Each test gets its own database on the run's throw-away cluster (`pg`); without
//! PostgreSQL they skip, except under CI.

use std::process::Command;

use crate::common::{Run, TestEnv, bundled, journal};
use crate::pg;

/// The clock for the bundled journals: after their last event.
const BUNDLED_NOW: &str = "2026-01-05T09:00:00Z";

/// A test environment whose store is the PostgreSQL database `url`.
struct Shared {
    env: TestEnv,
    url: String,
    /// The server's pinned clock (`parley.now`, which stamps `recorded_at`); `None`: the
    /// client's, `env.now`, so that a test pins one time for both.
    server_now: Option<String>,
}

impl Shared {
    /// A fresh database, or `None` when the test must skip.
    fn new(name: &str) -> Option<Shared> {
        let url = pg::database(name)?;
        Some(Shared {
            env: TestEnv::new(),
            url,
            server_now: None,
        })
    }

    /// The store `parley` is given: the database, with the server's clock pinned.
    fn store(&self) -> String {
        let now = self.server_now.as_deref().unwrap_or(&self.env.now);
        pg::pinned(&self.url, now)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = self.env.command(args);
        command.env("PARLEY_STORE", self.store());
        command
    }

    /// `sh -c script` in the test directory, with the environment `parley` runs in.
    fn shell(&self, script: &str) -> Command {
        let parley = self.command(&[]);
        let mut sh = Command::new("sh");
        sh.arg("-c").arg(script).current_dir(self.env.dir.path());
        for (key, value) in parley.get_envs() {
            match value {
                Some(value) => sh.env(key, value),
                None => sh.env_remove(key),
            };
        }
        sh
    }

    fn run(&self, args: &[&str]) -> Run {
        self.command(args).output().expect("run parley").into()
    }

    /// `parley export slug`, which must succeed.
    fn export(&self, slug: &str) -> String {
        self.run(&["export", slug]).ok().stdout
    }
}

/// The reviewer commands whose whole output must not depend on the backend.
fn reviewer_commands(slug: &str) -> Vec<Vec<&str>> {
    vec![
        vec!["list"],
        vec!["list", "--json"],
        vec!["events", slug],
        vec!["events", slug, "--json"],
        vec!["positions", slug],
        vec!["positions", slug, "--json"],
        vec!["replay", slug, "--json"],
        vec!["audit", slug],
        vec!["audit", slug, "--json"],
        // A second audit is served from the memo kept in PostgreSQL.
        vec!["audit", slug, "--json"],
        vec!["verify", slug],
    ]
}

/// Given each bundled journal in sled, when its export is imported into PostgreSQL, then
/// PostgreSQL's export is byte-identical and the reviewer commands print the same.
#[test]
fn a_sled_export_imported_into_postgres_exports_byte_for_byte() {
    for slug in ["korea-us-2025", "korea-us-sma-2019-2021"] {
        let Some(mut shared) = Shared::new("bundled") else {
            return;
        };
        shared.env.now = BUNDLED_NOW.to_owned();
        let mut sled = TestEnv::new();
        sled.now = BUNDLED_NOW.to_owned();
        let journal = bundled(&format!("{slug}.ndjson"));
        sled.run(&["import", journal.to_str().expect("utf-8 path")])
            .ok();
        let exported = sled.export(slug);
        let file = shared.env.write("sled.ndjson", &exported);
        let path = file.to_str().expect("utf-8 path");
        let mut fresh = TestEnv::new();
        fresh.now = BUNDLED_NOW.to_owned();
        let (on_sled, on_postgres) = (fresh.run(&["import", path]), shared.run(&["import", path]));
        assert_eq!(
            (on_postgres.status, &on_postgres.stdout, &on_postgres.stderr),
            (on_sled.status, &on_sled.stdout, &on_sled.stderr),
            "parley import"
        );
        assert_eq!(shared.run(&["export", slug]).ok().stdout, exported);
        for args in reviewer_commands(slug) {
            let (on_sled, on_postgres) = (sled.run(&args), shared.run(&args));
            assert_eq!(
                (on_postgres.status, &on_postgres.stdout, &on_postgres.stderr),
                (on_sled.status, &on_sled.stdout, &on_sled.stderr),
                "parley {}",
                args.join(" ")
            );
        }
    }
}

/// A small negotiation, imported: the opening and two offers.
fn talks(shared: &Shared) {
    let text = journal(&[
        r#"{"kind":"offer","negotiation":"t","at":"2025-03-10","by":"US","issue":"tariff","position":25,"summary":"US offers 25%"}"#,
        r#"{"kind":"offer","negotiation":"t","at":"2025-03-20","by":"US","issue":"tariff","position":20,"summary":"US offers 20%"}"#,
    ]);
    let file = shared.env.write("talks.ndjson", &text);
    shared
        .run(&["import", file.to_str().expect("utf-8 path")])
        .ok();
}

/// Given a journal on PostgreSQL, when a superuser disables the trigger and changes one
/// byte of an event, then `verify` exits 1 naming the seq; with the trigger on, the
/// change is refused by the database itself.
#[test]
fn verify_names_a_row_changed_behind_parleys_back() {
    let Some(shared) = Shared::new("tamper") else {
        return;
    };
    talks(&shared);
    let mut admin = pg::admin(&shared.url);
    let refused = admin
        .execute("UPDATE parley_events SET kind = 'offer' WHERE seq = 2", &[])
        .expect_err("the trigger refuses an UPDATE");
    assert_eq!(
        refused.as_db_error().map(|e| e.message()),
        Some("parley events are append-only: UPDATE on parley_events is refused")
    );
    let refused = admin
        .execute("DELETE FROM parley_events", &[])
        .expect_err("the trigger refuses a DELETE");
    assert_eq!(
        refused.as_db_error().map(|e| e.message()),
        Some("parley events are append-only: DELETE on parley_events is refused")
    );
    assert_eq!(
        shared.run(&["verify", "t"]).ok().stdout,
        "negotiation  events  chain  head hash\nt                 3  ok     0bc91fcdfbc2013e\n"
    );
    admin
        .batch_execute(
            "ALTER TABLE parley_events DISABLE TRIGGER parley_events_append_only;
             UPDATE parley_events SET bytes = convert_to(replace(convert_from(bytes, 'UTF8'),
                 '\"position\":20', '\"position\":21'), 'UTF8') WHERE seq = 3;
             ALTER TABLE parley_events ENABLE TRIGGER parley_events_append_only;",
        )
        .expect("a superuser rewrites a row");
    let run = shared.run(&["verify", "t"]).user_error();
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        (
            "negotiation  events  chain   head hash\nt                 3  BROKEN\n",
            "parley: integrity failure in t at seq 3: the content does not match its hash: the \
             event was altered\n\
             hint: the store has been altered or damaged; restore it from an export or a backup\n"
        )
    );
}

/// How many `parley log` processes write at once, and how many moves each logs.
const WRITERS: usize = 8;
const MOVES: usize = 100;

/// Given one negotiation on PostgreSQL, when 8 `parley log` processes log 100 moves each
/// at once, then every move is recorded once, seqs run 1 … N with no gap, and `verify`
/// finds the chain whole.
#[test]
fn concurrent_writers_keep_seqs_gap_free_and_the_chain_whole() {
    let Some(shared) = Shared::new("writers") else {
        return;
    };
    talks(&shared);
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let mut script = String::new();
            for n in 0..MOVES {
                script.push_str(&format!(
                    "{exe} log t offer --by KR --issue tariff --position {n} --at 2025-04-01 \
                     --summary 'writer {writer} move {n}' >/dev/null || exit 1\n",
                    exe = env!("CARGO_BIN_EXE_parley"),
                ));
            }
            shared
                .shell(&script)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start a writer")
        })
        .collect();
    let failed: Vec<String> = writers
        .into_iter()
        .map(|w| w.wait_with_output().expect("a writer"))
        .filter(|out| !out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stderr).into_owned())
        .collect();
    assert_eq!(failed, Vec::<String>::new());
    let total = 3 + WRITERS * MOVES;
    let events: serde_json::Value =
        serde_json::from_str(&shared.run(&["events", "t", "--json"]).ok().stdout)
            .expect("events --json");
    let seqs: Vec<u64> = events["events"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| e["seq"].as_u64().expect("a seq"))
        .collect();
    assert_eq!(seqs, (1..=total as u64).collect::<Vec<_>>());
    let verified = shared.run(&["verify", "t"]).ok().stdout;
    let words: Vec<&str> = verified.split_whitespace().collect();
    assert_eq!(
        words[..words.len() - 1],
        [
            "negotiation",
            "events",
            "chain",
            "head",
            "hash",
            "t",
            &total.to_string(),
            "ok"
        ]
    );
}

/// Given the roles of docs/postgres-roles.sql, when a record-keeper logs a move and a
/// reviewer reads, then both work; the record-keeper may not change an event, the
/// reviewer may not log one, and each is told so by the database.
#[test]
fn a_role_per_record_keeper_has_the_rights_it_needs_and_no_more() {
    let Some(shared) = Shared::new("roles") else {
        return;
    };
    talks(&shared);
    pg::admin(&shared.url)
        .batch_execute(include_str!("../../docs/postgres-roles.sql"))
        .expect("the roles");
    let as_role = |role: &str| shared.store().replacen("postgres@", &format!("{role}@"), 1);
    let (trade, tower) = (as_role("trade"), as_role("tower"));
    let logged = shared
        .command(&[
            "log",
            "t",
            "offer",
            "--by",
            "KR",
            "--issue",
            "tariff",
            "--position",
            "15",
        ])
        .args(["--at", "2025-04-01", "--summary", "Korea offers 15%"])
        .env("PARLEY_STORE", &trade)
        .output()
        .expect("run parley");
    let logged = Run::from(logged).ok();
    assert_eq!(
        logged.stdout.lines().next().map(|l| &l[..8]),
        Some("t seq 4 ")
    );
    let positions = |store: &str| -> Run {
        let mut command = shared.command(&["positions", "t", "--json"]);
        command
            .env("PARLEY_STORE", store)
            .output()
            .expect("run parley")
            .into()
    };
    assert_eq!(
        positions(&tower).ok().stdout,
        positions(&shared.store()).ok().stdout
    );
    let refused = shared
        .command(&[
            "log",
            "t",
            "offer",
            "--by",
            "KR",
            "--issue",
            "tariff",
            "--position",
            "14",
        ])
        .args(["--at", "2025-04-02", "--summary", "Korea offers 14%"])
        .env("PARLEY_STORE", &tower)
        .output()
        .expect("run parley");
    let refused = Run::from(refused);
    assert_eq!(
        (
            refused.status,
            refused.stdout.as_str(),
            refused.stderr.as_str()
        ),
        (
            1,
            "",
            "parley: store error: PostgreSQL: permission denied for table parley_heads\n\
             hint: your database role lacks the right this command needs; \
             docs/postgres-roles.sql lists what a record-keeper's and a reviewer's roles may do\n"
        )
    );
    let mut keeper = pg::admin(&trade);
    let denied = keeper
        .execute("UPDATE parley_events SET kind = 'offer'", &[])
        .expect_err("a record-keeper may not change an event");
    assert_eq!(
        denied.as_db_error().map(|e| e.message()),
        Some("permission denied for table parley_events")
    );
}

/// Given an import of 5,000 events into PostgreSQL, when the writer is killed (SIGKILL)
/// part way, later and later until one import completes, then after each kill the
/// negotiation holds all of them or none: the server rolls the open transaction back.
#[test]
fn a_writer_killed_mid_import_leaves_no_partial_import() {
    let Some(shared) = Shared::new("killed") else {
        return;
    };
    let moves: Vec<String> = (0..5_000)
        .map(|n| {
            format!(
                r#"{{"kind":"offer","negotiation":"t","at":"2025-04-01","by":"KR","issue":"tariff","position":{},"summary":"move {n}"}}"#,
                n % 50
            )
        })
        .collect();
    let text = journal(&moves.iter().map(String::as_str).collect::<Vec<_>>());
    let file = shared.env.write("big.ndjson", &text);
    let mut outcomes = Vec::new();
    for delay in [200, 400, 600, 800, 1_000, 1_300, 1_600, 2_000] {
        let mut child = shared
            .command(&["import", file.to_str().expect("utf-8 path")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start an import");
        std::thread::sleep(std::time::Duration::from_millis(delay));
        child.kill().expect("SIGKILL");
        child.wait().expect("the killed import");
        // Killed before it made the tables, the database holds no parley store yet.
        let list = shared.run(&["list", "--json"]);
        let listed: serde_json::Value = match list.status {
            0 => serde_json::from_str(&list.stdout).expect("list --json"),
            _ => serde_json::Value::Null,
        };
        let events: Vec<u64> = listed["negotiations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|n| n["events"].as_u64().unwrap_or(0))
            .collect();
        outcomes.push(events.clone());
        assert!(
            events.is_empty() || events == [5_001],
            "after a kill at {delay} ms: {outcomes:?}"
        );
        if !events.is_empty() {
            break;
        }
    }
    if outcomes.last().is_some_and(Vec::is_empty) {
        // Every kill came before the commit: the whole import still goes in.
        shared
            .run(&["import", file.to_str().expect("utf-8 path")])
            .ok();
    }
    shared.run(&["verify"]).ok();
}

/// The client's clock in the tests of the server's: far before any event, so that an
/// event stamped from it would be refused (its `at` more than a day after `recorded_at`).
const CLIENT_NOW: &str = "1999-06-01T09:00:00Z";

/// `parley log` of one move by Korea on the tariff, at `at`.
fn log_move(shared: &Shared, position: u32, at: &str) {
    let position = position.to_string();
    shared
        .run(&[
            "log",
            "t",
            "offer",
            "--by",
            "KR",
            "--issue",
            "tariff",
            "--position",
            &position,
            "--at",
            at,
            "--summary",
            "Korea moves",
        ])
        .ok();
}

/// Given a client whose clock (`PARLEY_NOW`) says 1999 and a server whose clock says
/// 2026-01-05, when a journal is imported and a move logged, then every `recorded_at`
/// (and the time in each new id) is the server's: the whole export shows it.
#[test]
fn recorded_at_comes_from_the_servers_clock_not_the_clients() {
    let Some(mut shared) = Shared::new("server_clock") else {
        return;
    };
    shared.env.now = CLIENT_NOW.to_owned();
    shared.server_now = Some(BUNDLED_NOW.to_owned());
    talks(&shared);
    log_move(&shared, 15, "2025-04-01");
    insta::assert_snapshot!("server-clock-export", shared.export("t"));
}

/// Given a journal recorded at 2026-01-05 09:00 by the server's clock, when the server's
/// clock goes back a day and a move is logged, and then forward to 2026-01-06 and another
/// is, then the first keeps the negotiation's last `recorded_at` and the second takes the
/// server's: `recorded_at` never decreases.
#[test]
fn recorded_at_never_goes_back_when_the_servers_clock_does() {
    let Some(mut shared) = Shared::new("clock_back") else {
        return;
    };
    shared.env.now = CLIENT_NOW.to_owned();
    shared.server_now = Some(BUNDLED_NOW.to_owned());
    talks(&shared);
    shared.server_now = Some("2026-01-04T09:00:00Z".to_owned());
    log_move(&shared, 15, "2025-04-01");
    shared.server_now = Some("2026-01-06T09:30:00Z".to_owned());
    log_move(&shared, 14, "2025-04-02");
    let exported = shared.export("t");
    let stamps: Vec<String> = exported
        .lines()
        .map(|line| {
            let event: serde_json::Value = serde_json::from_str(line).expect("a journal line");
            format!("seq {} recorded at {}", event["seq"], event["recorded_at"])
        })
        .collect();
    assert_eq!(
        stamps,
        [
            r#"seq 1 recorded at "2026-01-05T09:00:00.000Z""#,
            r#"seq 2 recorded at "2026-01-05T09:00:00.000Z""#,
            r#"seq 3 recorded at "2026-01-05T09:00:00.000Z""#,
            r#"seq 4 recorded at "2026-01-05T09:00:00.000Z""#,
            r#"seq 5 recorded at "2026-01-06T09:30:00.000Z""#,
        ]
    );
    insta::assert_snapshot!("server-clock-back-export", exported);
}

/// Given a journal on PostgreSQL, when the server's clock is pinned to a text that is not
/// an instant, then `log` exits 1 naming the setting and the text, and writes nothing.
#[test]
fn a_server_clock_pinned_to_no_instant_is_refused() {
    let Some(mut shared) = Shared::new("bad_clock") else {
        return;
    };
    talks(&shared);
    let before = shared.export("t");
    shared.server_now = Some("yesterday".to_owned());
    let run = shared
        .command(&[
            "log",
            "t",
            "offer",
            "--by",
            "KR",
            "--issue",
            "tariff",
            "--position",
            "15",
        ])
        .args(["--at", "2025-04-01", "--summary", "Korea moves"])
        .output()
        .expect("run parley");
    let run = Run::from(run).user_error();
    assert_eq!(
        (run.stdout.as_str(), run.stderr.as_str()),
        (
            "",
            "parley: the server's setting parley.now: \"yesterday\" is not an RFC 3339 date-time\n"
        )
    );
    shared.server_now = None;
    assert_eq!(shared.export("t"), before);
}

/// Given a journal on PostgreSQL, when a superuser deletes an event behind parley's back
/// (the trigger off), then `verify` exits 1 naming the missing seq and the next one
/// stored; when the events after it are deleted too, it says the log ends before its head.
#[test]
fn verify_names_an_event_deleted_behind_parleys_back() {
    let Some(shared) = Shared::new("deleted") else {
        return;
    };
    talks(&shared);
    let delete = |seq: u32| {
        pg::admin(&shared.url)
            .batch_execute(&format!(
                "ALTER TABLE parley_events DISABLE TRIGGER parley_events_append_only;
                 DELETE FROM parley_events WHERE seq = {seq};
                 ALTER TABLE parley_events ENABLE TRIGGER parley_events_append_only;"
            ))
            .expect("a superuser deletes a row");
    };
    let verified = || {
        let run = shared.run(&["verify", "t"]).user_error();
        (run.stdout, run.stderr)
    };
    let broken = "negotiation  events  chain   head hash\nt                 3  BROKEN\n";
    let hint =
        "hint: the store has been altered or damaged; restore it from an export or a backup\n";
    delete(2);
    assert_eq!(
        verified(),
        (
            broken.to_owned(),
            format!(
                "parley: integrity failure in t at seq 2: the store has no event 2; the next \
                 one stored is 3\n{hint}"
            )
        )
    );
    delete(3);
    assert_eq!(
        verified(),
        (
            broken.to_owned(),
            format!(
                "parley: integrity failure in t at seq 2: the log ends before its head (seq 3)\n{hint}"
            )
        )
    );
}
