//! The contract suite: the tests every [`Log`] implementation passes, through parley's
//! own write path and views, so that what is tested is what the commands rely on.
//!
//! Each test is a function of a [`Fixture`], which makes one implementation's log and
//! opens it again after it is closed. [`crate::contract_suite!`] turns the suite into
//! `#[test]`s for one fixture; a new backend plugs in with one line:
//!
//! ```ignore
//! parley::contract_suite!(postgres, PostgresFixture::new());
//! ```
//!
//! Each test reads as given (events) → when (appended, read) → then (what the log holds).
//! A failure panics with the whole value that differed.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{Access, Log, MemoryLog, Store};
use crate::journal::{Appender, ImportOptions, Outcome, export, import, verify};
use crate::model::{Kind, Millis, Recorded, Slug, format_instant, parse_instant};
use crate::projection::ViewSpec;
use crate::projection::positions::Positions;
use crate::views::{self, memo};

/// Makes one implementation's log for a test.
pub trait Fixture {
    /// The implementation.
    type Log: Log;

    /// The log: empty on the first call; on each later call the same log again, opened
    /// afresh (the test closed the one before).
    fn open(&mut self) -> Self::Log;
}

/// The sled store in a temporary directory, removed when the fixture is dropped.
pub struct SledFixture(tempfile::TempDir);

impl SledFixture {
    /// A fixture on a new temporary directory.
    pub fn new() -> SledFixture {
        SledFixture(tempfile::tempdir().expect("a temporary directory"))
    }
}

impl Default for SledFixture {
    fn default() -> SledFixture {
        SledFixture::new()
    }
}

impl Fixture for SledFixture {
    type Log = Store;

    fn open(&mut self) -> Store {
        let dir = self.0.path().join("store");
        Store::open(&dir, Access::Write, std::time::Duration::from_secs(5)).expect("open the store")
    }
}

/// The in-memory log; "opening it again" hands out the same log.
#[derive(Default)]
pub struct MemoryFixture(MemoryLog);

impl Fixture for MemoryFixture {
    type Log = MemoryLog;

    fn open(&mut self) -> MemoryLog {
        self.0.clone()
    }
}

/// Instantiates every test of the contract suite for one fixture, as `#[test]`s in a
/// module named `$name`: `parley::contract_suite!(sled, SledFixture::new());`.
/// `$fixture` is evaluated once per test, in a module whose parent's names are in scope.
#[macro_export]
macro_rules! contract_suite {
    ($name:ident, $fixture:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $crate::contract_suite!(@tests $fixture;
                seqs_are_gap_free,
                a_batch_is_all_or_nothing,
                a_batch_on_a_stale_head_is_refused,
                ids_are_idempotent,
                the_hash_chain_holds,
                refs_are_found_up_to_the_head,
                derived_data_follows_the_head,
                a_log_reopens_as_it_was_closed,
                appends_take_the_logs_clock_and_never_go_back,
            );
        }
    };
    (@tests $fixture:expr; $($test:ident),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                $crate::store::contract::$test(&mut $fixture);
            }
        )*
    };
}

/// The clock of every append in the suite.
const NOW: &str = "2026-01-01T00:00:00Z";

fn now() -> Millis {
    parse_instant(NOW).expect("NOW is an instant")
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

fn opening(slug: &str) -> Value {
    json!({"kind": "opening", "negotiation": slug, "at": "2025-03-01", "title": "Test talks",
        "parties": [{"code": "KR", "name": "Korea"}, {"code": "US", "name": "United States"}],
        "issues": [{"key": "tariff", "title": "Tariff", "unit": "%", "track": "trade",
            "prefer": {"KR": "lower", "US": "higher"}}]})
}

fn offer(slug: &str, at: &str, position: u32) -> Value {
    json!({"kind": "offer", "negotiation": slug, "at": at, "by": "KR", "issue": "tariff",
        "position": position, "summary": format!("Korea offers {position}%")})
}

fn slug(text: &str) -> Slug {
    Slug::parse(text).expect("a slug")
}

/// Stages `lines` on `log` in one appender, unwritten.
fn stage<'l>(log: &'l dyn Log, lines: &[Value]) -> Appender<'l> {
    let mut appender = Appender::new(log, now(), "contract".into()).expect("an appender");
    for line in lines {
        appender
            .append(object(line.clone()), None)
            .expect("a valid line");
    }
    appender
}

/// Appends `lines` in one batch.
fn record(log: &dyn Log, lines: &[Value]) -> Vec<Outcome> {
    let mut appender = Appender::new(log, now(), "contract".into()).expect("an appender");
    let outcomes = lines
        .iter()
        .map(|line| {
            appender
                .append(object(line.clone()), None)
                .expect("a valid line")
        })
        .collect();
    appender.commit().expect("the append");
    outcomes
}

/// Every event of `slug` as the log gives it: seq and bytes, in scan order.
fn events(log: &dyn Log, name: &str) -> Vec<(u64, Vec<u8>)> {
    let meta = log.require(name).expect("the negotiation");
    let mut out = Vec::new();
    log.scan(&meta, 1, &mut |seq, bytes| {
        out.push((seq, bytes.to_vec()));
        Ok(())
    })
    .expect("the scan");
    out
}

fn seqs(log: &dyn Log, name: &str) -> Vec<u64> {
    events(log, name).into_iter().map(|(seq, _)| seq).collect()
}

fn slugs(log: &dyn Log) -> Vec<String> {
    let metas = log.negotiations().expect("the negotiations");
    metas.into_iter().map(|m| m.slug.to_string()).collect()
}

/// Given two batches of events, when the stream is read, then its seqs run 1 ..= head
/// with no gap, in order, and a range or a single event reads the same bytes.
pub fn seqs_are_gap_free(fixture: &mut impl Fixture) {
    let log = fixture.open();
    record(&log, &[opening("t"), offer("t", "2025-03-10", 10)]);
    record(
        &log,
        &[offer("t", "2025-03-11", 9), offer("t", "2025-03-12", 8)],
    );
    assert_eq!(seqs(&log, "t"), [1, 2, 3, 4]);
    let meta = log.require("t").expect("t");
    assert_eq!(meta.head.seq, 4);
    let mut range = Vec::new();
    log.scan_range(&meta, 2, 3, &mut |seq, bytes| {
        range.push((seq, bytes.to_vec()));
        Ok(())
    })
    .expect("a range");
    let all = events(&log, "t");
    assert_eq!(range, all[1..3]);
    assert_eq!(log.get(&meta, 3).expect("get"), Some(all[2].1.clone()));
    assert_eq!(log.get(&meta, 0).expect("get"), None);
    assert_eq!(log.get(&meta, 5).expect("get"), None);
}

/// Given a batch staged on two streams, when one of them moves before the batch is
/// appended, then the append fails and neither stream changes; the same for two new
/// streams that took the same number.
pub fn a_batch_is_all_or_nothing(fixture: &mut impl Fixture) {
    let log = fixture.open();
    record(&log, &[opening("a")]);
    let late = stage(&log, &[offer("a", "2025-03-10", 10), opening("b")]);
    record(&log, &[offer("a", "2025-03-11", 12)]);
    let refused = late.commit().expect_err("a batch on a moved head");
    assert_eq!(
        refused.to_string(),
        "a has moved on: you expected seq 1 to be the last, but it is 2"
    );
    assert_eq!(slugs(&log), ["a"]);
    assert_eq!(seqs(&log, "a"), [1, 2]);

    let late = stage(&log, &[opening("c")]);
    record(&log, &[opening("d")]);
    let refused = late.commit().expect_err("a second stream with one number");
    assert_eq!(
        refused.to_string(),
        "store error: another writer created a negotiation with number 1 while c was being written"
    );
    assert_eq!(slugs(&log), ["a", "d"]);

    let (open, offer) = (opening("e"), offer("e", "2025-03-10", 3));
    let text = format!("{open}\n{offer}\n{open}\n");
    let options = ImportOptions {
        negotiation: None,
        dry_run: false,
        now: now(),
        recorder: "contract".into(),
    };
    let refused = import(&log, text.as_bytes(), "bad.ndjson", &options).expect_err("a bad line");
    assert_eq!(
        refused.to_string(),
        "bad.ndjson:3: negotiation: e already exists (2 events); to add parties or issues use \
         `parley agenda e`"
    );
    assert_eq!(slugs(&log), ["a", "d"]);
}

/// Given a stream at seq 2, when a batch staged at that head is appended after another
/// writer moved it (what `--expect-seq` guards against), then it is refused and the
/// other writer's event stays the only new one.
pub fn a_batch_on_a_stale_head_is_refused(fixture: &mut impl Fixture) {
    let log = fixture.open();
    record(&log, &[opening("t"), offer("t", "2025-03-10", 10)]);
    let mine = stage(&log, &[offer("t", "2025-03-12", 5)]);
    let theirs = record(&log, &[offer("t", "2025-03-11", 7)]);
    let refused = mine.commit().expect_err("a stale head");
    assert_eq!(
        refused.to_string(),
        "t has moved on: you expected seq 2 to be the last, but it is 3"
    );
    let Outcome::Appended { seq: 3, id, .. } = theirs[0] else {
        panic!("their event is not seq 3: {theirs:?}");
    };
    assert_eq!(seqs(&log, "t"), [1, 2, 3]);
    let stream = log.require("t").expect("t").stream;
    assert_eq!(
        log.find_id(&id).expect("find"),
        Some((stream, 3, Kind::Offer))
    );
}

/// Given an event with an id, when it is appended again (as a line or by importing the
/// stream's export), then the log holds it once and says where.
pub fn ids_are_idempotent(fixture: &mut impl Fixture) {
    let log = fixture.open();
    let id = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);
    let mut line = offer("t", "2025-03-10", 10);
    line["id"] = json!(id.to_string());
    record(&log, &[opening("t"), line.clone()]);
    assert_eq!(
        record(&log, &[line]),
        [Outcome::AlreadyPresent {
            slug: slug("t"),
            seq: 2
        }]
    );
    let meta = log.require("t").expect("t");
    assert_eq!(meta.head.seq, 2);
    assert_eq!(
        log.find_id(&id).expect("find"),
        Some((meta.stream, 2, Kind::Offer))
    );

    let mut exported = Vec::new();
    export(&log, &meta, &mut exported).expect("export");
    let options = ImportOptions {
        negotiation: None,
        dry_run: false,
        now: now(),
        recorder: "contract".into(),
    };
    let summary = import(&log, exported.as_slice(), "t.ndjson", &options).expect("import");
    assert_eq!((summary.lines, summary.already_present), (2, 2));
    assert!(summary.added.is_empty(), "{summary:?}");
    assert_eq!(seqs(&log, "t"), [1, 2]);
}

/// Given two batches, when the stream is verified, then every event links to the one
/// before by hash and the head names the last.
pub fn the_hash_chain_holds(fixture: &mut impl Fixture) {
    let log = fixture.open();
    record(&log, &[opening("t"), offer("t", "2025-03-10", 10)]);
    record(&log, &[offer("t", "2025-03-11", 9)]);
    let meta = log.require("t").expect("t");
    let envelopes: Vec<_> = events(&log, "t")
        .iter()
        .map(|(_, bytes)| Recorded::decode(bytes).expect("decodes").envelope)
        .collect();
    let links: Vec<_> = envelopes
        .windows(2)
        .map(|w| w[1].prev_hash == w[0].hash)
        .collect();
    assert_eq!(links, [true, true]);
    assert_eq!(envelopes[2].hash, meta.head.hash);
    let verified = verify(&log, &meta).expect("verify");
    assert_eq!((verified.events, verified.head), (3, meta.head.hash));
}

/// Given an event with a `ref`, when it is looked up, then the log finds it at a head
/// that includes it and not at one before it.
pub fn refs_are_found_up_to_the_head(fixture: &mut impl Fixture) {
    let log = fixture.open();
    record(&log, &[opening("t")]);
    let before = log.require("t").expect("t");
    let mut line = offer("t", "2025-03-10", 10);
    line["ref"] = json!("o1");
    record(&log, &[line]);
    let after = log.require("t").expect("t");
    assert_eq!(
        log.find_ref(&after, "o1").expect("find"),
        Some((2, Kind::Offer))
    );
    assert_eq!(log.find_ref(&before, "o1").expect("find"), None);
    assert_eq!(log.find_ref(&after, "o2").expect("find"), None);
}

/// Given a memo and a checkpoint kept at one head, when an event is appended, then the
/// memo no longer answers and the positions view still equals a full replay.
pub fn derived_data_follows_the_head(fixture: &mut impl Fixture) {
    let log = fixture.open();
    assert!(log.keeps_caches());
    record(
        &log,
        &[
            opening("t"),
            offer("t", "2025-03-10", 10),
            offer("t", "2025-05-10", 9),
            offer("t", "2025-07-10", 8),
        ],
    );
    let meta = log.require("t").expect("t");
    let request = memo::Request::new(&[b"contract"]);
    memo::keep(&log, &meta, &request, b"the answer").expect("keep");
    assert_eq!(
        memo::recall(&log, &meta, &request),
        Some(b"the answer".to_vec())
    );

    let first = views::positions(&log, "t", ViewSpec::default()).expect("positions");
    assert!(!first.from_checkpoint);
    assert!(log.checkpoint(&meta).expect("checkpoint").is_some());
    let again = views::positions(&log, "t", ViewSpec::default()).expect("positions");
    assert!(again.from_checkpoint);
    assert_eq!(again.positions, first.positions);

    record(&log, &[offer("t", "2025-07-11", 7)]);
    let moved = log.require("t").expect("t");
    assert_eq!(memo::recall(&log, &moved, &request), None);
    let view = views::positions(&log, "t", ViewSpec::default()).expect("positions");
    let full = views::timeline(&log, "t", ViewSpec::default()).expect("load");
    assert_eq!(view.positions, Positions::of(&full));
}

/// Given a log with events, when it is closed and opened again, then it holds the same
/// streams and bytes, and appends continue the streams.
pub fn a_log_reopens_as_it_was_closed(fixture: &mut impl Fixture) {
    let log = fixture.open();
    record(
        &log,
        &[opening("t"), offer("t", "2025-03-10", 10), opening("u")],
    );
    let metas = log.negotiations().expect("negotiations");
    let stored = events(&log, "t");
    log.close().expect("close");
    let log = fixture.open();
    assert_eq!(log.negotiations().expect("negotiations"), metas);
    assert_eq!(events(&log, "t"), stored);
    record(&log, &[offer("t", "2025-03-11", 9)]);
    assert_eq!(seqs(&log, "t"), [1, 2, 3]);
    log.close().expect("close");
}

/// The `recorded_at` of every event of `name`, in seq order, as written.
fn recorded_at(log: &dyn Log, name: &str) -> Vec<String> {
    events(log, name)
        .iter()
        .map(|(_, bytes)| {
            Recorded::decode(bytes)
                .expect("decodes")
                .envelope
                .recorded_at
        })
        .map(format_instant)
        .collect()
}

/// Given a log, when an event is appended, then its `recorded_at` is the log's clock
/// when the log keeps one (read before and after the append), else the caller's; and
/// given a head recorded later than that clock (a recorded line from a clock far ahead),
/// the next event takes the head's time: `recorded_at` never goes back.
pub fn appends_take_the_logs_clock_and_never_go_back(fixture: &mut impl Fixture) {
    let log = fixture.open();
    let before = log.clock().expect("the clock");
    record(&log, &[opening("t")]);
    let after = log.clock().expect("the clock");
    let stamped = recorded_at(&log, "t").remove(0);
    match (before, after) {
        (Some(before), Some(after)) => {
            let (before, after) = (format_instant(before), format_instant(after));
            assert!(
                before <= stamped && stamped <= after,
                "recorded at {stamped}, not between the log's clock before ({before}) and \
                 after ({after})"
            );
        }
        (None, None) => assert_eq!(stamped, format_instant(now())),
        other => panic!("the log's clock came and went: {other:?}"),
    }

    let ahead = MemoryLog::new();
    let later = parse_instant("2099-01-01T00:00:00Z").expect("an instant");
    let mut appender = Appender::new(&ahead, later, "ahead".into()).expect("an appender");
    appender
        .append(object(opening("u")), None)
        .expect("a valid line");
    appender.commit().expect("the append");
    let mut exported = Vec::new();
    export(&ahead, &ahead.require("u").expect("u"), &mut exported).expect("export");
    let options = ImportOptions {
        negotiation: None,
        dry_run: false,
        now: now(),
        recorder: "contract".into(),
    };
    import(&log, exported.as_slice(), "u.ndjson", &options).expect("import");
    record(&log, &[offer("u", "2025-03-10", 10)]);
    assert_eq!(
        recorded_at(&log, "u"),
        ["2099-01-01T00:00:00.000Z", "2099-01-01T00:00:00.000Z"]
    );
}
