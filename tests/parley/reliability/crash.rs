//! Crash safety: `parley import` of a 50,000-line journal and two `parley log` loops,
//! SIGKILLed at random moments (a fixed xorshift seed). After every kill the store must
//! open, `verify` must pass, the import must be there entirely or not at all, and every
//! `log` that reported success must be there.
//!
//! The default run kills 20 times or more; `PARLEY_LONG=1` at least 120 times. An import
//! spends most of its life checking lines and writes only at the end, so most import
//! rounds aim at the commit: they watch the store file grow and kill at a random moment
//! from then until a little past the end; the others kill anywhere in the import's life.
//! Log rounds kill logs in flight. With `PARLEY_LONG=1`, some killed imports are then
//! re-run to the end after another write, and must go in whole.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use parley::journal::{recorded_events, verify};
use parley::store::{Access, Log, Store};

use super::{XorShift, long};
use crate::common::{OPENING, TestEnv};

/// Event lines in the big journal: an opening, the moves, and one line for `t`.
const LINES: usize = 50_000;

/// The summary of the big journal's line in negotiation `t`.
const TAIL: &str = "the import's line in t";

/// The big journal: opens `big`, fills it, and ends with one move in the existing `t`,
/// so one import spans two negotiations.
fn big_journal(lines: usize) -> String {
    let mut text = String::with_capacity(lines * 110);
    text.push_str(&OPENING.replace(r#""negotiation":"t""#, r#""negotiation":"big""#));
    text.push('\n');
    for n in 1..lines - 1 {
        let by = if n % 2 == 0 { "KR" } else { "US" };
        text.push_str(&format!(
            r#"{{"kind":"offer","at":"2025-04-01","by":"{by}","issue":"tariff","position":{},"summary":"move {n}"}}"#,
            n % 40
        ));
        text.push('\n');
    }
    text.push_str(&format!(
        r#"{{"kind":"statement","negotiation":"t","at":"2025-04-01","by":"KR","summary":"{TAIL}"}}"#
    ));
    text.push('\n');
    text
}

/// One kill round: what ran, what reported success, how many processes were killed.
#[derive(Default)]
struct Outcome {
    import_succeeded: bool,
    acknowledged: Vec<String>,
    killed: usize,
    /// When the import's writes began and when it ended, if seen.
    commit_seen: Option<Duration>,
    import_done: Option<Duration>,
}

/// When a round kills.
#[derive(Clone, Copy, Debug)]
enum Kill {
    /// This long after the round starts.
    After(Duration),
    /// This long after the store file passes [`COMMIT_BYTES`]: the import is writing.
    AfterCommitStarts(Duration),
}

/// The store file's size once an import of the big journal is surely writing (the
/// template store is under 1 MB; the import adds some 50 MB).
const COMMIT_BYTES: u64 = 4 << 20;

fn store_bytes(store: &Path) -> u64 {
    std::fs::metadata(store.join("db").join("db")).map_or(0, |m| m.len())
}

struct Harness {
    env: TestEnv,
    template: PathBuf,
    journal: PathBuf,
}

impl Harness {
    fn new() -> Harness {
        let env = TestEnv::new();
        env.import(&crate::common::journal(&[]));
        let template = env.path("template");
        std::fs::rename(env.store(), &template).unwrap();
        let journal = env.write("big.ndjson", &big_journal(LINES));
        Harness {
            env,
            template,
            journal,
        }
    }

    fn command(&self, store: &Path, args: &[&str]) -> Command {
        let mut command = self.env.command(args);
        command
            .env("PARLEY_STORE", store)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn spawn_import(&self, store: &Path) -> Child {
        let journal = self.journal.to_str().unwrap();
        let command = &mut self.command(store, &["--wait", "60", "import", journal]);
        command.spawn().unwrap()
    }

    fn spawn_log(&self, store: &Path, name: &str) -> Child {
        let args = [
            "--wait",
            "60",
            "log",
            "t",
            "statement",
            "--by",
            "US",
            "--at",
            "2025-04-02",
            "--summary",
            name,
        ];
        self.command(store, &args).spawn().unwrap()
    }

    /// Runs an import (if `import`) and two log loops on a fresh copy of the template
    /// store, and SIGKILLs everything still running after `kill_after`.
    fn round(&self, store: &Path, import: bool, kill: Kill) -> Outcome {
        copy_dir(&self.template, store);
        let mut outcome = Outcome::default();
        let start = Instant::now();
        let mut importer = import.then(|| self.spawn_import(store));
        let mut loops: Vec<Child> = (0..2)
            .map(|l| self.spawn_log(store, &format!("loop {l}")))
            .collect();
        let mut n = 0;
        let due = |outcome: &Outcome| match kill {
            Kill::After(after) => start.elapsed() >= after,
            Kill::AfterCommitStarts(after) => outcome
                .commit_seen
                .is_some_and(|seen| start.elapsed() >= seen + after),
        };
        while !due(&outcome) {
            if outcome.commit_seen.is_none()
                && importer.is_some()
                && store_bytes(store) >= COMMIT_BYTES
            {
                outcome.commit_seen = Some(start.elapsed());
            }
            for (l, child) in loops.iter_mut().enumerate() {
                if let Some(id) = finished(child) {
                    outcome.acknowledged.extend(id);
                    n += 1;
                    *child = self.spawn_log(store, &format!("loop {l} move {n}"));
                }
            }
            if let Some(child) = &mut importer
                && child.try_wait().unwrap().is_some()
            {
                let status = child.wait().unwrap();
                let stderr = read_all(child.stderr.take());
                assert!(
                    status.success(),
                    "an import that was not killed failed: {stderr}"
                );
                outcome.import_succeeded = true;
                importer = None;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        for child in loops.iter_mut().chain(importer.as_mut()) {
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap();
                child.wait().unwrap();
                outcome.killed += 1;
                continue;
            }
            // It finished between the last poll and the kill.
            let status = child.wait().unwrap();
            let stdout = read_all(child.stdout.take());
            let stderr = read_all(child.stderr.take());
            assert!(
                status.success(),
                "a parley that was not killed failed: {stderr}"
            );
            outcome.acknowledged.extend(logged_id(&stdout));
            outcome.import_succeeded |= stdout.lines().next() == Some(self.import_line().as_str());
        }
        outcome
    }
}

impl Harness {
    /// The first line of a finished import of the big journal.
    fn import_line(&self) -> String {
        format!(
            "{}: 50,000 event lines; added 50,000, 0 already in the store",
            self.journal.display()
        )
    }

    /// After a killed import: another writer logs, then the import runs again to the end
    /// and must be all there (what a cut commit left behind must not get in its way).
    fn rerun_after_another_write(&self, store: &Path, round: usize) {
        let logged = self
            .spawn_log(store, "after the kill")
            .wait_with_output()
            .unwrap();
        assert!(logged.status.success(), "round {round}: {logged:?}");
        let journal = self.journal.to_str().unwrap();
        let rerun = self.command(store, &["import", journal]).output().unwrap();
        let stdout = String::from_utf8_lossy(&rerun.stdout);
        assert!(
            rerun.status.success(),
            "round {round}: the re-run import failed: {rerun:?}"
        );
        let t_seq = head_of_t(store);
        assert_eq!(
            stdout,
            format!(
                "{}\n\
                 negotiation   added  seq\n\
                 big          49,999  1–49999\n\
                 t                 1  {t_seq}–{t_seq}\n",
                self.import_line(),
            ),
            "round {round}"
        );
        let outcome = Outcome {
            import_succeeded: true,
            acknowledged: logged_id(&String::from_utf8_lossy(&logged.stdout))
                .into_iter()
                .collect(),
            ..Outcome::default()
        };
        assert!(
            check(store, &outcome, round),
            "round {round}: the re-run import is not in"
        );
    }
}

/// The seq of the last event of `t` in the store at `store_dir`.
fn head_of_t(store_dir: &Path) -> u64 {
    let store = Store::open(store_dir, Access::Read, Duration::from_secs(10)).unwrap();
    let seq = store.require("t").unwrap().head.seq;
    store.close().unwrap();
    seq
}

/// The id a finished `log` printed, if it succeeded; `None` while it runs.
fn finished(child: &mut Child) -> Option<Option<String>> {
    let status = child.try_wait().unwrap()?;
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());
    assert!(
        status.success(),
        "a log that was not killed failed: {stderr}"
    );
    Some(logged_id(&stdout))
}

fn logged_id(stdout: &str) -> Option<String> {
    let first = stdout.lines().next()?;
    first.split("  id ").nth(1).map(|id| id.trim().to_owned())
}

fn read_all(pipe: Option<impl Read>) -> String {
    let mut text = String::new();
    if let Some(mut pipe) = pipe {
        pipe.read_to_string(&mut text).unwrap();
    }
    text
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// What must hold after any kill. Returns whether the import is in the store.
fn check(store_dir: &Path, outcome: &Outcome, round: usize) -> bool {
    let store = Store::open(store_dir, Access::Read, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("round {round}: the store does not open after a kill: {e}"));
    for meta in store.negotiations().unwrap() {
        if let Err(e) = verify(&store, &meta) {
            panic!("round {round}: verify fails after a kill: {e}");
        }
    }
    let t = store.require("t").unwrap();
    let events = recorded_events(&store, &t).unwrap();
    let ids: HashSet<String> = events.iter().map(|e| e.envelope.id.to_string()).collect();
    for id in &outcome.acknowledged {
        assert!(
            ids.contains(id),
            "round {round}: a log that reported success is lost: {id}"
        );
    }
    let tails = events
        .iter()
        .filter(|e| e.event.summary.as_deref() == Some(TAIL))
        .count();
    let big = store
        .stream(&parley::model::Slug::parse("big").unwrap())
        .unwrap();
    match &big {
        Some(meta) => {
            assert_eq!(
                meta.head.seq,
                LINES as u64 - 1,
                "round {round}: part of the import is in"
            );
            assert_eq!(tails, 1, "round {round}: the import is in big but not in t");
        }
        None => {
            assert_eq!(tails, 0, "round {round}: the import is in t but not in big");
            assert!(
                !outcome.import_succeeded,
                "round {round}: an import that succeeded is lost"
            );
        }
    }
    big.is_some()
}

#[test]
fn sigkill_during_import_and_log_loses_nothing_acknowledged_and_leaves_no_half_import() {
    let harness = Harness::new();
    let (import_rounds, log_rounds) = if long() { (40, 80) } else { (2, 18) };
    // Estimates, corrected by every import that finishes before its kill: how long an
    // import takes here, and how long it writes.
    let mut import_time = Duration::from_secs(10);
    let mut commit_time = Duration::from_millis(1_500);
    let mut rng = XorShift::new(0x0c0a_5ed5);
    let (mut kills, mut imports_killed, mut imports_in, mut reruns) = (0, 0, 0, 0);
    for round in 0..import_rounds + log_rounds {
        let store = harness.env.path(&format!("round-{}", round % 2));
        let is_import = round < import_rounds;
        let kill = match (is_import, round % 3) {
            (false, _) => Kill::After(Duration::from_millis(5 + rng.below(150) as u64)),
            (true, 2) => Kill::After(import_time.mul_f64(rng.below(1_000) as f64 / 1_000.0)),
            (true, _) => {
                Kill::AfterCommitStarts(commit_time.mul_f64(rng.below(1_100) as f64 / 1_000.0))
            }
        };
        let outcome = harness.round(&store, is_import, kill);
        if let (Some(seen), Some(done)) = (outcome.commit_seen, outcome.import_done) {
            import_time = done;
            commit_time = done - seen;
        }
        kills += outcome.killed;
        imports_killed += usize::from(is_import && !outcome.import_succeeded);
        let present = check(&store, &outcome, round);
        imports_in += usize::from(present);
        if long() && is_import && !present && round % 4 == 0 {
            harness.rerun_after_another_write(&store, round);
            reruns += 1;
        }
    }
    eprintln!("crash: {reruns} killed imports re-run to completion after another write",);
    eprintln!(
        "crash: {kills} processes killed in {} rounds ({imports_killed} imports killed, \
         {imports_in} imports complete after the kill); an import takes ~{import_time:?}",
        import_rounds + log_rounds
    );
    assert!(kills >= if long() { 120 } else { 20 }, "only {kills} kills");
}

/// The raw head records of the store (the commit point), read while no parley runs.
fn heads(store: &Path) -> Vec<(sled::IVec, sled::IVec)> {
    let db = super::open_sled(store);
    let streams = db.open_tree("streams").unwrap();
    streams.iter().map(|entry| entry.unwrap()).collect()
}

/// Puts the head records back as they were, with the note a commit writes before its
/// data (the streams it touches, as big-endian stream numbers under `\0inflight`): the
/// state a kill leaves between a commit's data writes and its commit point.
fn restore_heads(store: &Path, saved: &[(sled::IVec, sled::IVec)]) {
    let db = super::open_sled(store);
    let streams = db.open_tree("streams").unwrap();
    let mut touched = Vec::new();
    for (key, value) in saved {
        streams.insert(key, value.clone()).unwrap();
        if let Ok(meta) = serde_json::from_slice::<serde_json::Value>(value)
            && let Some(stream) = meta["stream"].as_u64()
        {
            touched.extend_from_slice(&(stream as u32).to_be_bytes());
        }
    }
    streams.insert(b"\x00inflight", touched).unwrap();
    db.flush().unwrap();
}

/// Found by reading the commit path: an import cut after its indexes were written but
/// before its heads moved left `ref` and `id` entries pointing past the head. Once other
/// writes filled those seqs, the entries pointed at the wrong events, and re-running
/// the import was refused ("ref already used") or skipped its lines as already present.
#[test]
fn an_import_cut_before_its_commit_point_can_be_rerun_after_other_writes() {
    let env = TestEnv::new();
    env.import(&crate::common::journal(&[]));
    let saved = heads(&env.store());
    let line = r#"{"kind":"statement","negotiation":"t","at":"2025-04-01","by":"KR","summary":"cut","ref":"r9","id":"01900000-0000-7000-8000-000000000009"}"#;
    env.write("cut.ndjson", &format!("{line}\n"));
    let file = "cut.ndjson";
    let imported = "cut.ndjson: 1 event line; added 1, 0 already in the store\n\
                    negotiation  added  seq\n\
                    t                1  2–2\n";
    assert_eq!(env.run(&["import", file]).ok().stdout, imported);
    restore_heads(&env.store(), &saved);
    assert_eq!(
        env.run(&["verify"]).ok().stdout,
        "negotiation  events  chain  head hash\n\
         t                 1  ok     197eb45751577e55\n"
    );
    let events = env.run(&["events", "t"]).ok().stdout;
    insta::with_settings!({snapshot_path => "../snapshots"}, {
        insta::assert_snapshot!("cut-import-not-visible", events);
    });
    let logged = env.run(&[
        "log",
        "t",
        "statement",
        "--by",
        "US",
        "--summary",
        "another writer",
    ]);
    assert_eq!(
        logged.ok().stdout,
        "t seq 2  id 019ad923-e680-78e8-aabd-f40060539017\n2025-12-01 09:00 +00:00  US statement  · seq 2\n    another writer\n\n"
    );
    let rerun = env.run(&["import", file]).ok().stdout;
    assert_eq!(rerun, imported.replace("2–2", "3–3"));
    let events = env.run(&["events", "t"]).ok().stdout;
    insta::with_settings!({snapshot_path => "../snapshots"}, {
        insta::assert_snapshot!("cut-import-rerun-after-another-writer", events);
    });
    assert_eq!(
        env.run(&["verify"]).ok().stdout,
        "negotiation  events  chain  head hash\n\
         t                 3  ok     1c027cf4cb9d3f41\n"
    );
    let responds = r#"{"kind":"rebuttal","negotiation":"t","at":"2025-04-02","by":"US","summary":"answers r9","responds_to":"r9"}"#;
    env.import(&format!("{responds}\n"));
    let json = env.run(&["events", "t", "--json"]).ok().stdout;
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let seq_of_cut = value["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["summary"] == "cut")
        .unwrap()["seq"]
        .clone();
    assert_eq!(
        seq_of_cut, 3,
        "the rerun import lands after the other writer"
    );
}
