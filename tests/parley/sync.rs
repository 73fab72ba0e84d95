//! `push` and `pull` (issue 17): a delegation logs offline into a local store, pushes to
//! the shared journal, and pulls it back, byte for byte; conflicts are refused with what
//! to do, and change nothing on either side. Most cases run between two sled stores;
//! one round trip runs through a real PostgreSQL journal.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parley::journal::{Appender, ImportOptions, Journals, Recording, import, push};
use parley::model::{Kind, Slug};
use parley::store::{
    Access, Log, MemoryLog, PostgresLog, Store, StreamCommit, StreamId, StreamMeta,
};
use uuid::Uuid;

use crate::common::{Run, TestEnv, bundled, journal};
use crate::pg;

const SLUG: &str = "korea-us-2025";

/// The clock for the bundled journals: after their last event.
const LATER: &str = "2026-01-05T09:00:00Z";

/// A test directory with a local store (`store`) holding korea-us-2025 and an empty
/// place for the shared one.
fn delegation() -> TestEnv {
    let mut env = TestEnv::new();
    env.now = LATER.into();
    let journal = bundled("korea-us-2025.ndjson");
    env.run(&["import", journal.to_str().unwrap()]).ok();
    env
}

/// Runs `args` against the store at `store` (a directory name in the test directory
/// or a URL), not the local one, as another record-keeper's machine: its fresh ids come
/// from another seed, as two machines' random ids differ.
fn at(env: &TestEnv, store: &str, args: &[&str]) -> Run {
    let place = if store.contains("://") {
        store.to_owned()
    } else {
        env.path(store).display().to_string()
    };
    let mut all = vec!["--store", place.as_str()];
    all.extend_from_slice(args);
    let mut command = env.command(&all);
    command.env("PARLEY_SEED", "2");
    command.output().expect("run parley").into()
}

/// What a person reads: stdout and stderr with the test directory written `$TMP`.
fn seen(env: &TestEnv, run: &Run) -> String {
    env.masked(&format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        run.status, run.stdout, run.stderr
    ))
}

/// Runs `args`, which must be refused (exit 1), and checks that neither the local store's
/// nor the shared store's export of `slug` changed.
fn refused_changing_nothing(env: &TestEnv, slug: &str, args: &[&str]) -> Run {
    let exports = || {
        (
            env.export(slug),
            at(env, "shared", &["export", slug]).ok().stdout,
        )
    };
    let before = exports();
    let refused = env.run(args).user_error();
    assert_eq!(exports(), before, "{args:?} changed a journal");
    refused
}

fn shared_dir(env: &TestEnv) -> String {
    env.path("shared").display().to_string()
}

#[test]
fn push_then_pull_gives_the_local_store_the_shared_copy_byte_for_byte() {
    let env = delegation();
    let shared = shared_dir(&env);
    let dry = env.run(&["push", "--to", &shared, "--dry-run"]).ok();
    assert!(
        !env.path("shared").exists(),
        "a dry run leaves no store behind"
    );
    let first = env.run(&["push", "--to", &shared]).ok();
    let again = env.run(&["push", "--to", &shared]).ok();
    env.run(&[
        "log",
        SLUG,
        "statement",
        "--by",
        "KR",
        "--summary",
        "Offline note",
    ])
    .ok();
    let dry_again = env.run(&["push", "--to", &shared, "--dry-run"]).ok();
    let second = env.run(&["push", "--to", &shared]).ok();
    let offline = env.export(SLUG);
    let pulled = env.run(&["pull", "--from", &shared]).ok();
    let up_to_date = env.run(&["pull", "--from", &shared]).ok();
    insta::assert_snapshot!(
        "sync-push-then-pull",
        [dry, first, again, dry_again, second, pulled, up_to_date]
            .iter()
            .map(|run| seen(&env, run))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        env.export(SLUG),
        at(&env, "shared", &["export", SLUG]).ok().stdout
    );
    assert_eq!(
        at(&env, "store.before-pull-1", &["export", SLUG])
            .ok()
            .stdout,
        offline,
        "the store as it was is kept whole beside the new one"
    );
}

#[test]
fn pull_copies_a_negotiation_then_appends_only_what_is_new() {
    let env = delegation();
    let local = env.store().display().to_string();
    let dry = at(&env, "copy", &["pull", "--from", &local, SLUG, "--dry-run"]).ok();
    assert!(
        !env.path("copy").exists(),
        "a dry run leaves no store behind"
    );
    let copied = at(&env, "copy", &["pull", "--from", &local, SLUG]).ok();
    env.run(&[
        "log",
        SLUG,
        "threat",
        "--by",
        "US",
        "--summary",
        "Tariff warning",
    ])
    .ok();
    let forward = at(&env, "copy", &["pull", "--from", &local, SLUG]).ok();
    insta::assert_snapshot!(
        "sync-pull-copy-and-fast-forward",
        [dry, copied, forward]
            .iter()
            .map(|run| seen(&env, run))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        at(&env, "copy", &["export", SLUG]).ok().stdout,
        env.export(SLUG)
    );
}

#[test]
fn pull_refuses_a_local_copy_with_events_the_shared_journal_lacks() {
    let env = delegation();
    let shared = shared_dir(&env);
    env.run(&["push", "--to", &shared]).ok();
    env.run(&["pull", "--from", &shared]).ok();
    env.run(&[
        "log",
        SLUG,
        "statement",
        "--by",
        "KR",
        "--summary",
        "Not pushed yet",
    ])
    .ok();
    let refused = refused_changing_nothing(&env, SLUG, &["pull", "--from", &shared]);
    insta::assert_snapshot!("sync-pull-unpushed", seen(&env, &refused));
}

/// Two record-keepers with the same copy each label a new move `m-55`: the second push
/// is refused, naming the seq and the ref, and neither journal changes.
#[test]
fn push_refuses_a_ref_the_shared_journal_already_uses() {
    let env = delegation();
    let shared = shared_dir(&env);
    env.run(&["push", "--to", &shared]).ok();
    env.run(&["pull", "--from", &shared]).ok();
    let labelled = ["statement", "--by", "KR", "--ref", "m-55"];
    let mut theirs = vec!["log", SLUG];
    theirs.extend(labelled);
    theirs.extend(["--summary", "Trade ministry note"]);
    at(&env, "shared", &theirs).ok();
    let mut ours = vec!["log", SLUG];
    ours.extend(labelled);
    ours.extend(["--summary", "Defence ministry note"]);
    env.run(&ours).ok();
    let refused = refused_changing_nothing(&env, SLUG, &["push", "--to", &shared]);
    insta::assert_snapshot!("sync-push-ref-conflict", seen(&env, &refused));
}

/// The same id with other content on each side: the journals diverged, and the push says
/// so rather than skipping or overwriting either event.
#[test]
fn push_refuses_an_id_the_shared_journal_holds_with_other_content() {
    let env = TestEnv::new();
    let id = r#""id":"0199a5c0-0000-7000-8000-000000000001""#;
    let ours =
        format!(r#"{{"kind":"statement","at":"2025-03-02","by":"KR","summary":"Ours",{id}}}"#);
    let theirs =
        format!(r#"{{"kind":"statement","at":"2025-03-02","by":"KR","summary":"Theirs",{id}}}"#);
    // One opening on both sides (the same id and content), then one event each.
    let opened = |line: &str| {
        journal(&[line]).replacen(
            r#"{"kind":"opening","#,
            r#"{"id":"0199a5c0-0000-7000-8000-000000000000","kind":"opening","#,
            1,
        )
    };
    env.import(&opened(&ours));
    let file = env.write("theirs.ndjson", &opened(&theirs));
    at(&env, "shared", &["import", file.to_str().unwrap()]).ok();
    let shared = shared_dir(&env);
    let refused = refused_changing_nothing(&env, "t", &["push", "--to", &shared]);
    insta::assert_snapshot!("sync-push-diverged", seen(&env, &refused));
    let refused = refused_changing_nothing(&env, "t", &["pull", "--from", &shared]);
    insta::assert_snapshot!("sync-pull-diverged", seen(&env, &refused));
}

/// A local event whose id the shared journal gave an event of another negotiation: the
/// push names both places instead of taking the event as already there.
#[test]
fn push_refuses_an_id_the_shared_journal_holds_in_another_negotiation() {
    let env = TestEnv::new();
    let line = r#"{"kind":"statement","at":"2025-03-02","by":"KR","summary":"Ours","id":"0199a5c0-0000-7000-8000-000000000001"}"#;
    env.import(&journal(&[line]));
    let elsewhere = journal(&[line]).replace(r#""negotiation":"t""#, r#""negotiation":"u""#);
    let file = env.write("theirs.ndjson", &elsewhere);
    at(&env, "shared", &["import", file.to_str().unwrap()]).ok();
    let shared = shared_dir(&env);
    let journals = || {
        (
            env.export("t"),
            at(&env, "shared", &["list"]).ok().stdout,
            at(&env, "shared", &["export", "u"]).ok().stdout,
        )
    };
    let before = journals();
    let refused = env.run(&["push", "--to", &shared]).user_error();
    assert_eq!(journals(), before, "the refused push changed a journal");
    insta::assert_snapshot!("sync-push-id-elsewhere", seen(&env, &refused));
}

/// Both journals imported the same file, each giving the events its own ids: two
/// openings of one negotiation, refused before anything is written.
#[test]
fn push_refuses_a_negotiation_both_journals_opened_on_their_own() {
    let env = delegation();
    let journal = bundled("korea-us-2025.ndjson");
    at(&env, "shared", &["import", journal.to_str().unwrap()]).ok();
    let shared = shared_dir(&env);
    let refused = refused_changing_nothing(&env, SLUG, &["push", "--to", &shared]);
    insta::assert_snapshot!("sync-push-two-openings", seen(&env, &refused));
}

/// `--to` or `--from` naming the local store itself is refused at once, rather than
/// waiting for the store's own lock.
#[test]
fn push_and_pull_refuse_the_local_store_as_the_shared_one() {
    let env = delegation();
    env.run(&["push", "--to", &shared_dir(&env)]).ok();
    let store = env.store().display().to_string();
    let push = refused_changing_nothing(&env, SLUG, &["push", "--to", &store]);
    let pull = refused_changing_nothing(&env, SLUG, &["pull", "--from", &store, SLUG]);
    insta::assert_snapshot!(
        "sync-the-local-store-itself",
        [push, pull]
            .iter()
            .map(|run| seen(&env, run))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Pushing one negotiation and pulling it back rebuilds the store: the other local
/// negotiation is copied into the new store byte for byte, the old store is kept
/// whole, and a dry run says what would happen and changes nothing.
#[test]
fn a_rebuilt_store_keeps_every_other_local_negotiation_byte_for_byte() {
    let env = delegation();
    let sma = "korea-us-sma-2019-2021";
    let journal = bundled("korea-us-sma-2019-2021.ndjson");
    env.run(&["import", journal.to_str().unwrap()]).ok();
    let shared = shared_dir(&env);
    let pushed = env.run(&["push", "--to", &shared, SLUG]).ok();
    let (offline, other) = (env.export(SLUG), env.export(sma));
    let dry = env
        .run(&["pull", "--from", &shared, SLUG, "--dry-run"])
        .ok();
    assert_eq!(
        (env.export(SLUG), env.path("store.before-pull-1").exists()),
        (offline.clone(), false),
        "a dry run changes nothing"
    );
    let pulled = env.run(&["pull", "--from", &shared, SLUG]).ok();
    let everything = env.run(&["push", "--to", &shared]).ok();
    insta::assert_snapshot!(
        "sync-rebuild-keeps-the-rest",
        [pushed, dry, pulled, everything]
            .iter()
            .map(|run| seen(&env, run))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let kept = |slug| {
        at(&env, "store.before-pull-1", &["export", slug])
            .ok()
            .stdout
    };
    assert_eq!((kept(SLUG), kept(sma)), (offline, other.clone()));
    assert_eq!(
        (env.export(SLUG), env.export(sma)),
        (at(&env, "shared", &["export", SLUG]).ok().stdout, other)
    );
}

/// A journal on PostgreSQL whose copy was pushed elsewhere is never rebuilt: the pull
/// is refused, saying how to get an identical copy, and neither journal changes.
#[test]
fn pull_refuses_to_rebuild_a_journal_on_postgresql() {
    let Some(url) = pg::database("sync_no_rebuild") else {
        return;
    };
    let mut env = TestEnv::new();
    env.now = LATER.into();
    let journal = bundled("korea-us-2025.ndjson");
    at(&env, &url, &["import", journal.to_str().unwrap()]).ok();
    let shared = shared_dir(&env);
    at(&env, &url, &["push", "--to", &shared]).ok();
    let exports = || {
        (
            at(&env, &url, &["export", SLUG]).ok().stdout,
            at(&env, "shared", &["export", SLUG]).ok().stdout,
        )
    };
    let before = exports();
    let refused = at(&env, &url, &["pull", "--from", &shared]).user_error();
    assert_eq!(exports(), before, "the refused pull changed a journal");
    insta::assert_snapshot!(
        "sync-postgresql-never-rebuilt",
        seen(&env, &refused).replace(&url, "$URL")
    );
}

/// The meeting-room round trip through a real PostgreSQL journal: push, another
/// record-keeper adds to the shared journal, push again (appended after its head), pull
/// into the local store; every export the same byte for byte.
#[test]
fn a_round_trip_through_postgresql_keeps_every_event_byte_for_byte() {
    let Some(url) = pg::database("sync_round_trip") else {
        return;
    };
    // The server's clock, a month after the delegation's: it stamps `recorded_at`.
    let url = pg::pinned(&url, "2026-02-05T10:00:00Z");
    let env = delegation();
    env.run(&["push", "--to", &url]).ok();
    at(
        &env,
        &url,
        &[
            "log",
            SLUG,
            "statement",
            "--by",
            "US",
            "--summary",
            "Tower note",
        ],
    )
    .ok();
    env.run(&[
        "log",
        SLUG,
        "statement",
        "--by",
        "KR",
        "--summary",
        "Offline note",
    ])
    .ok();
    let pushed = env.run(&["push", "--to", &url, SLUG]).ok();
    let pulled = env.run(&["pull", "--from", &url, SLUG]).ok();
    insta::assert_snapshot!(
        "sync-postgresql-round-trip",
        [pushed, pulled]
            .iter()
            .map(|run| seen(&env, run).replace(&url, "$URL"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let there = at(&env, &url, &["export", SLUG]).ok().stdout;
    assert_eq!(env.export(SLUG), there);
    // The offline note as the shared journal holds it: recorded when the server learned
    // it, and when and by whom the meeting room's store did.
    let note: serde_json::Value = serde_json::from_str(there.lines().last().unwrap()).unwrap();
    insta::assert_snapshot!(
        "sync-postgresql-pushed-event",
        serde_json::to_string_pretty(&note).unwrap()
    );
    at(&env, "copy", &["pull", "--from", &url]).ok();
    assert_eq!(at(&env, "copy", &["export", SLUG]).ok().stdout, there);
    // The tower logs on; the copy pulls only what is new.
    at(
        &env,
        &url,
        &["log", SLUG, "statement", "--by", "US", "--summary", "Later"],
    )
    .ok();
    let forward = at(&env, "copy", &["pull", "--from", &url, SLUG]).ok();
    insta::assert_snapshot!(
        "sync-postgresql-fast-forward",
        seen(&env, &forward).replace(&url, "$URL")
    );
    assert_eq!(
        at(&env, "copy", &["export", SLUG]).ok().stdout,
        at(&env, &url, &["export", SLUG]).ok().stdout
    );
}

/// A log that lets another writer append to the shared journal just before the push's
/// own append, as a second record-keeper on PostgreSQL may.
struct Racing<L> {
    log: L,
    raced: AtomicBool,
}

impl<L: Log> Log for Racing<L> {
    fn clock(&self) -> parley::Result<Option<i64>> {
        self.log.clock()
    }
    fn negotiations(&self) -> parley::Result<Vec<StreamMeta>> {
        self.log.negotiations()
    }
    fn stream(&self, slug: &Slug) -> parley::Result<Option<StreamMeta>> {
        self.log.stream(slug)
    }
    fn next_stream_id(&self) -> parley::Result<StreamId> {
        self.log.next_stream_id()
    }
    fn scan_range(
        &self,
        meta: &StreamMeta,
        from_seq: u64,
        to_seq: u64,
        visit: &mut dyn FnMut(u64, &[u8]) -> parley::Result<()>,
    ) -> parley::Result<()> {
        self.log.scan_range(meta, from_seq, to_seq, visit)
    }
    fn find_id(&self, id: &Uuid) -> parley::Result<Option<(StreamId, u64, Kind)>> {
        self.log.find_id(id)
    }
    fn find_ref(&self, meta: &StreamMeta, label: &str) -> parley::Result<Option<(u64, Kind)>> {
        self.log.find_ref(meta, label)
    }
    fn append(&self, batch: &[StreamCommit]) -> parley::Result<()> {
        if !self.raced.swap(true, Ordering::SeqCst) {
            let mut other = Appender::new(&self.log, instant(), "other".into())?;
            let line = r#"{"kind":"statement","negotiation":"t","at":"2025-03-03","by":"US","summary":"Theirs"}"#;
            other.append(serde_json::from_str(line).unwrap(), None)?;
            other.commit()?;
        }
        self.log.append(batch)
    }
    fn keeps_caches(&self) -> bool {
        false
    }
    fn checkpoint(&self, _: &StreamMeta) -> parley::Result<Option<Vec<u8>>> {
        Ok(None)
    }
    fn save_checkpoint(&self, _: &StreamMeta, _: &[u8]) -> parley::Result<()> {
        Ok(())
    }
    fn memo(&self, _: &StreamMeta, _: &[u8; 32]) -> parley::Result<Option<Vec<u8>>> {
        Ok(None)
    }
    fn memo_heads(&self, _: &StreamMeta, _: usize) -> parley::Result<Vec<([u8; 32], Vec<u8>)>> {
        Ok(Vec::new())
    }
    fn save_memo(
        &self,
        _: &StreamMeta,
        _: &[u8; 32],
        _: &[u8],
        _: &[[u8; 32]],
    ) -> parley::Result<()> {
        Ok(())
    }
    fn close(self) -> parley::Result<()> {
        self.log.close()
    }
}

fn instant() -> i64 {
    parley::model::parse_instant(crate::common::NOW).unwrap()
}

fn recording() -> Recording<'static> {
    Recording {
        now: instant(),
        recorder: "tester".into(),
        signer: None,
    }
}

/// Another record-keeper appends to the shared journal while a push is under way: the
/// push is refused with what to do and writes nothing; pushed again, it lands after the
/// new head.
#[test]
fn a_head_that_moves_during_the_push_refuses_it() {
    a_moving_head_refuses_the_push(MemoryLog::new());
}

/// The same against PostgreSQL, whose append moves the head by compare-and-set in its
/// transaction.
#[test]
fn a_head_that_moves_on_postgresql_during_the_push_refuses_it() {
    let Some(url) = pg::database("sync_stale") else {
        return;
    };
    let log = PostgresLog::open(&url, Access::Write, Duration::from_secs(5)).unwrap();
    a_moving_head_refuses_the_push(log);
}

fn a_moving_head_refuses_the_push(log: impl Log) {
    let options = ImportOptions {
        negotiation: None,
        dry_run: false,
        now: instant(),
        recorder: "tester".into(),
    };
    let local = MemoryLog::new();
    let shared = Racing {
        log,
        raced: AtomicBool::new(true),
    };
    import(&local, journal(&[]).as_bytes(), "opening", &options).unwrap();
    let journals = Journals {
        local: &local,
        shared: &shared,
        shared_name: "the tower",
    };
    push(journals, &[], recording(), false).unwrap();
    let offer = r#"{"kind":"offer","negotiation":"t","at":"2025-03-02","by":"KR","issue":"tariff","position":10,"summary":"Ours"}"#;
    import(&local, offer.as_bytes(), "offer", &options).unwrap();
    shared.raced.store(false, Ordering::SeqCst);
    let refused = push(journals, &[], recording(), false).unwrap_err();
    assert_eq!(
        (refused.to_string(), parley_hint(&refused)),
        (
            "t: another record-keeper appended to the tower during the push".to_owned(),
            "nothing was pushed; run the push again: it sends only what the shared journal still lacks".to_owned()
        )
    );
    let t = Slug::parse("t").unwrap();
    assert_eq!(
        shared.stream(&t).unwrap().unwrap().head.seq,
        2,
        "only theirs"
    );
    let pushed = push(journals, &[], recording(), false).unwrap();
    assert_eq!(pushed[0].seqs, Some((3, 3)));
    shared.close().unwrap();
}

/// What the conflict tells the user to do.
fn parley_hint(error: &parley::Error) -> String {
    match error {
        parley::Error::Conflict { todo, .. } => todo.clone(),
        other => format!("not a conflict: {other:?}"),
    }
}

/// What pull's rebuild relies on to move a store aside with nothing logged into it
/// meanwhile: a store closed with `close_locked` stays locked, and another parley waits
/// for it, until the lock is let go.
#[test]
fn a_store_closed_locked_stays_locked_until_let_go() {
    let env = delegation();
    let store = Store::open(&env.store(), Access::Read, Duration::from_secs(1)).unwrap();
    let held = store.close_locked().unwrap();
    let busy = env.run(&["--wait", "0.2", "list"]);
    drop(held);
    let free = env.run(&["--wait", "0.2", "list"]).ok();
    insta::assert_snapshot!(
        "sync-closed-locked",
        [busy, free]
            .iter()
            .map(|run| seen(&env, run))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// `--store talks/` names the same directory as `--store talks`: the store a rebuild
/// keeps goes beside it (`talks.before-pull-1`), not inside it.
#[test]
fn a_rebuild_keeps_the_store_beside_a_store_named_with_a_slash() {
    let env = delegation();
    let shared = shared_dir(&env);
    env.run(&["push", "--to", &shared]).ok();
    let offline = env.export(SLUG);
    let pulled = at(&env, "store/", &["pull", "--from", &shared]).ok();
    insta::assert_snapshot!("sync-rebuild-store-with-a-slash", seen(&env, &pulled));
    assert_eq!(
        at(&env, "store.before-pull-1", &["export", SLUG])
            .ok()
            .stdout,
        offline
    );
}
